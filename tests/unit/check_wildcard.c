/* Unit tests for wildcard: globs, regexes, batches, the entry a match reports, bad patterns. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "hostset.h"
#include "wildcard.h"

/* The index keys, marked in a name set as the allowlist does. */
static struct hostset *keys;

static void
setup(void)
{
	keys = hostset_new();
}

static void
teardown(void)
{
	hostset_free(keys);
}

/* wildcard_compile, and the keys it reports marked in keys. */
static int
compile(struct wildcard *w, char *err, size_t size)
{
	const char *key;
	size_t cursor = 0;

	if (wildcard_compile(w, err, size) == -1)
		return -1;
	while (wildcard_next_key(w, &cursor, &key))
		hostset_add(keys, key, strlen(key), HS_MARK);
	return 0;
}

/*
 * host as wildcard_match takes it: a parsed host name, or, for texts that are none (a regex
 * must still behave on them), the text as one label.
 */
static void
as_host(const char *text, struct hostname *h)
{
	const char *errstr;

	if (hostname_parse(text, strlen(text), false, h, &errstr) == 0)
		return;
	ck_assert_uint_le(strlen(text), HOSTNAME_MAX);
	h->len = strlen(text);
	memcpy(h->text, text, h->len + 1);
	h->nlabels = 1;
	h->label[0] = 0;
}

static int
wmatch(const struct wildcard *w, const char *host, const char **pat)
{
	enum wildcard_kind kind;
	struct hostset_hit hit;
	size_t offs[HOSTNAME_LABELS_MAX], n = 0;
	struct hostname h;

	as_host(host, &h);
	(void)hostset_match(keys, &h, &hit, offs, &n);
	return wildcard_match(w, &h, offs, n, pat, &kind);
}

START_TEST(globs)
{
	struct wildcard *w = wildcard_new();
	const char *errstr, *pat;
	char err[256];

	ck_assert_int_eq(wildcard_add_glob(w, "mp*se.kpoint.com", &errstr), 0);
	ck_assert_int_eq(wildcard_add_glob(w, "cdn-*.example.net", &errstr), 0);
	ck_assert_int_eq(compile(w, err, sizeof err), 0);
	ck_assert_int_eq(wmatch(w, "mp001se.kpoint.com", &pat), 1);
	ck_assert_str_eq(pat, "mp*se.kpoint.com");
	ck_assert_int_eq(wmatch(w, "mpse.kpoint.com", &pat), 1);
	ck_assert_int_eq(wmatch(w, "cdn-7.example.net", &pat), 1);
	ck_assert_str_eq(pat, "cdn-*.example.net");
	ck_assert_int_eq(wmatch(w, "xmp001se.kpoint.com", &pat), 0);	/* anchored start */
	ck_assert_int_eq(wmatch(w, "mp001se.kpoint.com.evil", &pat), 0);	/* anchored end */
	ck_assert_int_eq(wmatch(w, "mp001sexkpoint.com", &pat), 0);	/* '.' is literal */
	ck_assert_int_eq(wildcard_add_glob(w, "bad glob", &errstr), -1);
	ck_assert_int_eq(wildcard_add_glob(w, "a+b.com", &errstr), -1);
	ck_assert_int_eq(wildcard_add_glob(w, "", &errstr), -1);
	wildcard_free(w);
}
END_TEST

START_TEST(regexes)
{
	struct wildcard *w = wildcard_new();
	const char *pat;
	char err[256];

	ck_assert_int_eq(wildcard_add_regex(w, "^mp[0-9]+se\\.kpoint\\.com$", err, sizeof err), 0);
	ck_assert_int_eq(wildcard_add_regex(w, "\\.kpoint\\.in$", err, sizeof err), 0);
	ck_assert_int_eq(wildcard_add_regex(w, "(a)\\1x$", err, sizeof err), 0);	/* alone */
	ck_assert_int_eq(wildcard_add_regex(w, "\\Qq.q", err, sizeof err), 0);	/* open \Q */
	ck_assert_int_eq(compile(w, err, sizeof err), 0);
	ck_assert_int_eq(wmatch(w, "mp12se.kpoint.com", &pat), 1);
	ck_assert_str_eq(pat, "^mp[0-9]+se\\.kpoint\\.com$");
	ck_assert_int_eq(wmatch(w, "mpse.kpoint.com", &pat), 0);
	ck_assert_int_eq(wmatch(w, "www.kpoint.in", &pat), 1);
	ck_assert_str_eq(pat, "\\.kpoint\\.in$");
	ck_assert_int_eq(wmatch(w, "aax", &pat), 1);
	ck_assert_str_eq(pat, "(a)\\1x$");
	ck_assert_int_eq(wmatch(w, "abx", &pat), 0);
	ck_assert_int_eq(wmatch(w, "q.q", &pat), 1);
	ck_assert_int_eq(wmatch(w, "qxq", &pat), 0);
	ck_assert_int_eq(wildcard_add_regex(w, "(unclosed", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "offset"));
	ck_assert_uint_eq(wildcard_count(w, WILDCARD_REGEX), 4);
	wildcard_free(w);
}
END_TEST

START_TEST(many_in_batches)
{
	struct wildcard *w = wildcard_new();
	const char *errstr, *pat;
	char glob[64], host[64], err[256];
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(glob, sizeof glob, "n%d-*.example.com", i);
		ck_assert_int_eq(wildcard_add_glob(w, glob, &errstr), 0);
	}
	ck_assert_int_eq(compile(w, err, sizeof err), 0);
	for (i = 0; i < 1000; i += 37) {
		snprintf(host, sizeof host, "n%d-abc.example.com", i);
		snprintf(glob, sizeof glob, "n%d-*.example.com", i);
		ck_assert_int_eq(wmatch(w, host, &pat), 1);
		ck_assert_str_eq(pat, glob);		/* the mark names the right entry */
	}
	ck_assert_int_eq(wmatch(w, "n1000-abc.example.com", &pat), 0);
	wildcard_free(w);
}
END_TEST

START_TEST(indexed_by_suffix)
{
	struct wildcard *w = wildcard_new();
	const char *errstr, *pat;
	char glob[64], host[64], err[256];
	int i;

	/* keyed globs in many buckets, one keyless glob, a tail that starts mid-label */
	for (i = 0; i < 2000; i++) {
		snprintf(glob, sizeof glob, "cdn*.d%d.example", i);
		ck_assert_int_eq(wildcard_add_glob(w, glob, &errstr), 0);
	}
	ck_assert_int_eq(wildcard_add_glob(w, "*kpoint*", &errstr), 0);
	ck_assert_int_eq(wildcard_add_glob(w, "*x.tail.example", &errstr), 0);
	ck_assert_int_eq(wildcard_add_glob(w, "b*.example", &errstr), 0);
	ck_assert_int_eq(compile(w, err, sizeof err), 0);
	for (i = 0; i < 2000; i += 111) {
		snprintf(host, sizeof host, "cdn7.d%d.example", i);
		snprintf(glob, sizeof glob, "cdn*.d%d.example", i);
		ck_assert_int_eq(wmatch(w, host, &pat), 1);
		ck_assert_str_eq(pat, glob);
	}
	ck_assert_int_eq(wmatch(w, "cdn7.d2000.example", &pat), 0);
	ck_assert_int_eq(wmatch(w, "xcdn7.d5.example", &pat), 0);
	ck_assert_int_eq(wmatch(w, "www.kpoint.net", &pat), 1);
	ck_assert_str_eq(pat, "*kpoint*");
	ck_assert_int_eq(wmatch(w, "evilx.tail.example", &pat), 1);
	ck_assert_int_eq(wmatch(w, "a.bx.tail.example", &pat), 1);
	ck_assert_int_eq(wmatch(w, "evily.tail.example", &pat), 0);
	ck_assert_int_eq(wmatch(w, "b.c.example", &pat), 1);	/* '*' spans labels */
	ck_assert_str_eq(pat, "b*.example");
	ck_assert_int_eq(wmatch(w, "example", &pat), 0);
	wildcard_free(w);
}
END_TEST

START_TEST(empty)
{
	struct wildcard *w = wildcard_new();
	const char *pat;
	char err[64];

	ck_assert_int_eq(compile(w, err, sizeof err), 0);
	ck_assert_int_eq(wmatch(w, "anything", &pat), 0);
	wildcard_free(w);
	wildcard_free(NULL);
}
END_TEST

START_TEST(match_limit_fails_closed)
{
	struct wildcard *w = wildcard_new();
	const char *pat;
	char err[256], host[80];

	/* nested quantifiers: exponential backtracking on a near-miss */
	ck_assert_int_eq(wildcard_add_regex(w, "^(a|aa)+$", err, sizeof err), 0);
	ck_assert_int_eq(compile(w, err, sizeof err), 0);
	memset(host, 'a', 70);
	host[70] = 'b';
	host[71] = '\0';
	ck_assert_int_eq(wmatch(w, host, &pat), -1);	/* an error, never a match */
	host[70] = '\0';
	ck_assert_int_eq(wmatch(w, "aaaa", &pat), 1);
	wildcard_free(w);
}
END_TEST

/*
 * Every regex means the same alone and in a list, in any order: groups and their numbers,
 * subroutine calls, recursion, named groups, (?x) with comments, back-references, a top-level
 * '|', an open \Q. (Listed before one another, "^(.+)\\.cdn..." once made "(?1)" in the next
 * entry call the wrong group.) For each host, the list matches iff some entry matches alone,
 * and the entry it names is one that matches alone.
 */
static const char *const meaning_res[] = {
	"^(.+)\\.cdn\\.example\\.net$",
	"^(mp0[0-9]{1,2}se)(-(?1))?\\.kpoint\\.com$",
	"^(?<lbl>[a-z]+)-(?&lbl)\\.named\\.example$",
	"^(a|b(?R)?c)\\.rec\\.example$",
	"(?x) ^ x \\. ext \\. example $ # a comment that runs to the end",
	"^([a-z])\\1\\.backref\\.example$",
	"^top|alt\\.example$",
	"^q\\Q.lit",
	"^plain[0-9]+\\.example$",
};
static const char *const meaning_hosts[] = {
	"mp001se-anything.at.all.kpoint.com", "mp001se-mp002se.kpoint.com", "mp001se.kpoint.com",
	"x.cdn.example.net", "ab-cd.named.example", "ab-.named.example", "bac.rec.example",
	"a.rec.example", "x.ext.example", "aa.backref.example", "ab.backref.example",
	"topping.example", "b.alt.example", "top", "q.lit", "qx.lit", "plain7.example",
	"other.example", "(?1).example",
};
#define NRES	(sizeof meaning_res / sizeof meaning_res[0])

static bool
alone_matches(const char *re, const char *host)
{
	struct wildcard *w = wildcard_new();
	char err[256];
	enum wildcard_kind kind;
	struct hostname h;
	const char *pat;
	int rc;

	ck_assert_msg(wildcard_add_regex(w, re, err, sizeof err) == 0, "%s: %s", re, err);
	ck_assert_int_eq(wildcard_compile(w, err, sizeof err), 0);
	as_host(host, &h);
	rc = wildcard_match(w, &h, NULL, 0, &pat, &kind);
	ck_assert_int_ne(rc, -1);
	wildcard_free(w);
	return rc == 1;
}

START_TEST(same_meaning_in_any_order)
{
	struct wildcard *w = wildcard_new();
	char err[256];
	const char *pat;
	enum wildcard_kind kind;
	size_t i, h;
	bool alone[NRES];

	/* _i: 0 in the order above, 1 reversed, 2 rotated by half */
	for (i = 0; i < NRES; i++) {
		size_t j = _i == 0 ? i : _i == 1 ? NRES - 1 - i : (i + NRES / 2) % NRES;

		ck_assert_int_eq(wildcard_add_regex(w, meaning_res[j], err, sizeof err), 0);
	}
	ck_assert_msg(compile(w, err, sizeof err) == 0, "%s", err);
	for (h = 0; h < sizeof meaning_hosts / sizeof meaning_hosts[0]; h++) {
		const char *host = meaning_hosts[h];
		bool any = false;
		int rc;

		struct hostname hn;

		for (i = 0; i < NRES; i++)
			any |= alone[i] = alone_matches(meaning_res[i], host);
		as_host(host, &hn);
		rc = wildcard_match(w, &hn, NULL, 0, &pat, &kind);
		ck_assert_msg(rc == (any ? 1 : 0), "order %d, %s: list says %d, alone %d", _i,
		    host, rc, any);
		if (rc == 1) {
			for (i = 0; i < NRES && strcmp(meaning_res[i], pat) != 0; i++)
				;
			ck_assert_msg(i < NRES && alone[i], "%s: named %s, which does not match it",
			    host, pat);
		}
	}
	ck_assert(alone_matches(meaning_res[1], "mp001se-mp002se.kpoint.com"));
	ck_assert(!alone_matches(meaning_res[1], "mp001se-anything.at.all.kpoint.com"));
	wildcard_free(w);
}
END_TEST

/* A glob must match the whole host: its end is anchored too, also without an index key. */
START_TEST(glob_anchored_at_end)
{
	struct wildcard *w = wildcard_new();
	const char *errstr, *pat;
	char err[256];

	ck_assert_int_eq(wildcard_add_glob(w, "*kpoint", &errstr), 0);	/* no key: always runs */
	ck_assert_int_eq(compile(w, err, sizeof err), 0);
	ck_assert_int_eq(wmatch(w, "mykpoint", &pat), 1);
	ck_assert_int_eq(wmatch(w, "mykpoint.evil.example", &pat), 0);
	ck_assert_int_eq(wmatch(w, "kpointx", &pat), 0);
	wildcard_free(w);
}
END_TEST

/* A host that ends in two keys tries the globs of both, the longer key first. */
START_TEST(two_keys_both_tried)
{
	struct wildcard *w = wildcard_new();
	const char *errstr, *pat = NULL;
	char err[256];

	ck_assert_int_eq(wildcard_add_glob(w, "a*.x.example", &errstr), 0);	/* key x.example */
	ck_assert_int_eq(wildcard_add_glob(w, "b*.example", &errstr), 0);	/* key example */
	ck_assert_int_eq(compile(w, err, sizeof err), 0);
	ck_assert_int_eq(wmatch(w, "bz.x.example", &pat), 1);
	ck_assert_str_eq(pat, "b*.example");
	ck_assert_int_eq(wmatch(w, "az.x.example", &pat), 1);
	ck_assert_str_eq(pat, "a*.x.example");
	ck_assert_int_eq(wmatch(w, "cz.x.example", &pat), 0);
	wildcard_free(w);
}
END_TEST

/* A regex that matches any host would make all traffic kPoint: refused with a hint. */
START_TEST(match_everything_refused)
{
	static const char *const broad[] = { ".", "^", "^.*$", "[a-z0-9]", "(?s).*", "|x", "" };
	static const char *const fine[] = { "kpoint", "com$", "^mp[0-9]+se\\.kpoint\\.com$" };
	struct wildcard *w = wildcard_new();
	char err[256];
	size_t i;

	for (i = 0; i < sizeof broad / sizeof broad[0]; i++) {
		ck_assert_msg(wildcard_add_regex(w, broad[i], err, sizeof err) == -1, "%s accepted",
		    broad[i]);
		ck_assert_msg(strstr(err, "matches every host") != NULL, "%s: %s", broad[i], err);
	}
	for (i = 0; i < sizeof fine / sizeof fine[0]; i++)
		ck_assert_msg(wildcard_add_regex(w, fine[i], err, sizeof err) == 0, "%s: %s",
		    fine[i], err);
	wildcard_free(w);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("wildcard");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);

	tcase_add_test(tc, globs);
	tcase_add_test(tc, regexes);
	tcase_add_test(tc, many_in_batches);
	tcase_add_test(tc, empty);
	tcase_add_test(tc, indexed_by_suffix);
	tcase_add_test(tc, match_limit_fails_closed);
	tcase_add_loop_test(tc, same_meaning_in_any_order, 0, 3);
	tcase_add_test(tc, match_everything_refused);
	tcase_add_test(tc, glob_anchored_at_end);
	tcase_add_test(tc, two_keys_both_tried);
	suite_add_tcase(s, tc);
	return s;
}
