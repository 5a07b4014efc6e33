/* Unit tests for hostset: exact names, suffix domains, label alignment, growth, iteration. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "hostset.h"

/* hostset_match on host, or false if host is no host name */
static bool
match_keys(const struct hostset *s, const char *host, struct hostset_hit *hit, size_t *keys,
    size_t *n)
{
	struct hostname h;
	const char *errstr;

	if (hostname_parse(host, strlen(host), false, &h, &errstr) == -1)
		return false;
	return hostset_match(s, &h, hit, keys, n);
}

static bool
match(const struct hostset *s, const char *host, struct hostset_hit *hit)
{
	return match_keys(s, host, hit, NULL, NULL);
}

START_TEST(exact_and_suffix)
{
	struct hostset *s = hostset_new();
	struct hostset_hit hit;

	hostset_add(s, "kpoint.com", 10, HS_EXACT | HS_SUBDOMAINS);
	hostset_add(s, "cloudfront.net", 14, HS_SUBDOMAINS);
	hostset_add(s, "www.example.org", 15, HS_EXACT);

	ck_assert(match(s, "kpoint.com", &hit));
	ck_assert(hit.exact);
	ck_assert(match(s, "a.b.kpoint.com", &hit));
	ck_assert(!hit.exact);
	ck_assert_str_eq(hit.name, "kpoint.com");
	ck_assert(!match(s, "evilkpoint.com", &hit));
	ck_assert(!match(s, "kpoint.com.evil.net", &hit));
	ck_assert(!match(s, "cloudfront.net", &hit));		/* subdomains only */
	ck_assert(match(s, "d1.cloudfront.net", &hit));
	ck_assert(match(s, "www.example.org", &hit));
	ck_assert(!match(s, "x.www.example.org", &hit));	/* exact only */
	ck_assert(!match(s, "example.org", &hit));
	ck_assert(!match(s, "", &hit));
	ck_assert(!match(s, "com", &hit));
	hostset_free(s);
}
END_TEST

START_TEST(most_specific_wins)
{
	struct hostset *s = hostset_new();
	struct hostset_hit hit;

	hostset_add(s, "kpoint.com", 10, HS_SUBDOMAINS);
	hostset_add(s, "media.kpoint.com", 16, HS_SUBDOMAINS);
	ck_assert(match(s, "x.media.kpoint.com", &hit));
	ck_assert_str_eq(hit.name, "media.kpoint.com");
	ck_assert(match(s, "media.kpoint.com", &hit));
	ck_assert_str_eq(hit.name, "kpoint.com");
	hostset_free(s);
}
END_TEST

START_TEST(flags_merge)
{
	struct hostset *s = hostset_new();

	ck_assert(hostset_add(s, "a.b", 3, HS_EXACT));
	ck_assert(!hostset_add(s, "a.b", 3, HS_EXACT));
	ck_assert(hostset_add(s, "a.b", 3, HS_SUBDOMAINS));
	ck_assert_uint_eq(hostset_get(s, "a.b", 3), HS_EXACT | HS_SUBDOMAINS);
	ck_assert_uint_eq(hostset_get(s, "a.c", 3), 0);
	ck_assert_uint_eq(hostset_count(s), 1);
	hostset_free(s);
}
END_TEST

START_TEST(grows_and_iterates)
{
	struct hostset *s = hostset_new();
	struct hostset_hit hit;
	char name[64];
	const char *n;
	size_t i, cursor = 0, len, seen = 0;
	unsigned flags;

	for (i = 0; i < 100000; i++) {
		int k = snprintf(name, sizeof name, "h%zu.example.com", i);

		ck_assert(hostset_add(s, name, (size_t)k, HS_EXACT));
	}
	ck_assert_uint_eq(hostset_count(s), 100000);
	for (i = 0; i < 100000; i += 997) {
		snprintf(name, sizeof name, "h%zu.example.com", i);
		ck_assert_msg(match(s, name, &hit), "%s lost after growth", name);
	}
	ck_assert(!match(s, "h100000.example.com", &hit));
	while (hostset_next(s, &cursor, &n, &len, &flags)) {
		ck_assert_uint_eq(strlen(n), len);
		seen++;
	}
	ck_assert_uint_eq(seen, 100000);
	hostset_free(s);
}
END_TEST

START_TEST(key_offsets)
{
	struct hostset *s = hostset_new();
	struct hostset_hit hit;
	size_t keys[HOSTNAME_LABELS_MAX], n;
	const char *host = "cdn7.g5.example";

	hostset_add(s, "example", 7, HS_MARK);
	hostset_add(s, "g5.example", 10, HS_MARK);
	hostset_add(s, "cdn7.g5.example", 15, HS_MARK);	/* the whole host is not a suffix */
	/* a key is not a match */
	ck_assert(!match_keys(s, host, &hit, keys, &n));
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(keys[0], 5);		/* g5.example, the longest first */
	ck_assert_uint_eq(keys[1], 8);		/* example */
	hostset_add(s, "example", 7, HS_SUBDOMAINS);
	ck_assert(match_keys(s, host, &hit, keys, &n));
	ck_assert_str_eq(hit.name, "example");
	ck_assert_uint_eq(n, 2);		/* the keys are all reported, even after a match */
	hostset_free(s);
}
END_TEST

static const struct {
	const char	*in;
	const char	*text;		/* NULL: rejected */
	size_t		 nlabels;
	uint8_t		 label[4];
} parse_cases[] = {
	{ "Mp001SE.kPoint.COM.", "mp001se.kpoint.com", 3, { 0, 8, 15 } },
	{ "localhost", "localhost", 1, { 0 } },
	{ "a.b-c_d.e9", "a.b-c_d.e9", 3, { 0, 2, 8 } },
	{ "a..b", NULL, 0, { 0 } },
	{ ".a", NULL, 0, { 0 } },
	{ "a.b..", NULL, 0, { 0 } },
	{ "a*.b", NULL, 0, { 0 } },
	{ "a:443", NULL, 0, { 0 } },
	{ "", NULL, 0, { 0 } },
};

START_TEST(parse_labels)
{
	struct hostname h;
	const char *errstr;
	size_t k;

	if (parse_cases[_i].text == NULL) {
		ck_assert_int_eq(hostname_parse(parse_cases[_i].in, strlen(parse_cases[_i].in), false,
		    &h, &errstr), -1);
		return;
	}
	ck_assert_int_eq(hostname_parse(parse_cases[_i].in, strlen(parse_cases[_i].in), false, &h,
	    &errstr), 0);
	ck_assert_str_eq(h.text, parse_cases[_i].text);
	ck_assert_uint_eq(h.len, strlen(parse_cases[_i].text));
	ck_assert_uint_eq(h.nlabels, parse_cases[_i].nlabels);
	for (k = 0; k < h.nlabels; k++)
		ck_assert_uint_eq(h.label[k], parse_cases[_i].label[k]);
}
END_TEST

/* The most labels a name can have (127 one-letter labels, 253 bytes), and one byte more. */
START_TEST(parse_most_labels)
{
	char in[HOSTNAME_MAX + 3];
	struct hostname h;
	const char *errstr;
	size_t i;

	for (i = 0; i < HOSTNAME_MAX; i++)
		in[i] = i % 2 ? '.' : 'a';
	ck_assert_int_eq(hostname_parse(in, HOSTNAME_MAX, false, &h, &errstr), 0);
	ck_assert_uint_eq(h.nlabels, HOSTNAME_LABELS_MAX);
	ck_assert_uint_eq(h.label[HOSTNAME_LABELS_MAX - 1], HOSTNAME_MAX - 1);
	in[HOSTNAME_MAX] = '.';
	in[HOSTNAME_MAX + 1] = 'a';
	ck_assert_int_eq(hostname_parse(in, HOSTNAME_MAX + 2, false, &h, &errstr), -1);
	/* all dots: as many empty labels as bytes, rejected without writing past label[] */
	memset(in, '.', sizeof in);
	ck_assert_int_eq(hostname_parse(in, HOSTNAME_MAX, false, &h, &errstr), -1);
	ck_assert_str_eq(errstr, "empty label in host name");
}
END_TEST

/* Add name from a heap copy of exactly its bytes, so AddressSanitizer sees any read past it. */
static bool
add_tight(struct hostset *s, const char *name, unsigned flags)
{
	size_t len = strlen(name);
	char *copy = malloc(len);
	bool added;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, name, len);
	added = hostset_add(s, copy, len, flags);
	free(copy);
	return added;
}

/*
 * Labels of every length (the hash loads 1-3, 4-8 and over 8 bytes differently): each name
 * matches itself, and no name one byte shorter, longer or different does.
 */
START_TEST(every_label_length)
{
	struct hostset *s = hostset_new();
	struct hostset_hit hit;
	char name[80], probe[80];
	size_t n;

	/* "x." then n letters: the long label last, where a read past it leaves the buffer */
	for (n = 1; n <= 63; n++) {
		memcpy(name, "x.", 2);
		memset(name + 2, 'a' + (char)(n % 26), n);
		name[n + 2] = '\0';
		ck_assert(add_tight(s, name, HS_EXACT));
	}
	for (n = 1; n <= 63; n++) {
		memcpy(name, "x.", 2);
		memset(name + 2, 'a' + (char)(n % 26), n);
		name[n + 2] = '\0';
		ck_assert_msg(match(s, name, &hit), "%s", name);
		ck_assert_str_eq(hit.name, name);
		snprintf(probe, sizeof probe, "%s%c", name, name[2]);		/* one longer */
		ck_assert_msg(!match(s, probe, &hit), "%s", probe);
		probe[n + 1] = '\0';						/* one shorter */
		ck_assert_msg(!match(s, probe, &hit), "%s", probe);
		memcpy(probe, name, n + 3);
		probe[n + 1] = '0';						/* last differs */
		ck_assert_msg(!match(s, probe, &hit), "%s", probe);
	}
	hostset_free(s);
}
END_TEST

/*
 * The walk from the shortest suffix stops at one that no entry ends in: it must still reach
 * deep entries, and a shallow match must survive the deeper labels that match nothing.
 */
START_TEST(walk_from_the_right)
{
	struct hostset *s = hostset_new();
	struct hostset_hit hit;

	hostset_add(s, "a.b.c.d.example", 15, HS_EXACT);
	hostset_add(s, "d.example", 9, HS_SUBDOMAINS);
	ck_assert(match(s, "a.b.c.d.example", &hit));
	ck_assert_str_eq(hit.name, "a.b.c.d.example");
	ck_assert(hit.exact);
	ck_assert(match(s, "z.b.c.d.example", &hit));
	ck_assert_str_eq(hit.name, "d.example");
	ck_assert(!hit.exact);
	ck_assert(match(s, "q.a.b.c.d.example", &hit));	/* a.b.c.d.example is exact only */
	ck_assert_str_eq(hit.name, "d.example");
	ck_assert(!match(s, "d.example", &hit));		/* subdomains only */
	ck_assert(!match(s, "c.d.example.org", &hit));
	ck_assert(!match(s, "example", &hit));
	hostset_free(s);
}
END_TEST

START_TEST(free_null)
{
	hostset_free(NULL);
	ck_assert(1);	/* reaching here without a crash is the test */
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("hostset");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, exact_and_suffix);
	tcase_add_test(tc, most_specific_wins);
	tcase_add_test(tc, flags_merge);
	tcase_add_test(tc, grows_and_iterates);
	tcase_add_test(tc, key_offsets);
	tcase_add_loop_test(tc, parse_labels, 0, sizeof parse_cases / sizeof parse_cases[0]);
	tcase_add_test(tc, parse_most_labels);
	tcase_add_test(tc, every_label_length);
	tcase_add_test(tc, walk_from_the_right);
	tcase_add_test(tc, free_null);
	suite_add_tcase(s, tc);
	return s;
}
