/* Unit tests for hostset: exact names, suffix domains, label alignment, growth, iteration. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "hostset.h"

static bool
match(const struct hostset *s, const char *host, struct hostset_hit *hit)
{
	return hostset_match(s, host, strlen(host), hit, NULL, NULL);
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
	size_t keys[HS_LABELS_MAX], n;
	const char *host = "cdn7.g5.example";

	hostset_add(s, "example", 7, HS_KEY);
	hostset_add(s, "g5.example", 10, HS_KEY);
	hostset_add(s, "cdn7.g5.example", 15, HS_KEY);	/* the whole host is not a suffix */
	/* a key is not a match */
	ck_assert(!hostset_match(s, host, strlen(host), &hit, keys, &n));
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(keys[0], 5);		/* g5.example, the longest first */
	ck_assert_uint_eq(keys[1], 8);		/* example */
	hostset_add(s, "example", 7, HS_SUBDOMAINS);
	ck_assert(hostset_match(s, host, strlen(host), &hit, keys, &n));
	ck_assert_str_eq(hit.name, "example");
	ck_assert_uint_eq(n, 2);		/* the keys are all reported, even after a match */
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
	tcase_add_test(tc, free_null);
	suite_add_tcase(s, tc);
	return s;
}
