/* Unit tests for policy: the decision table against the built-in kPoint list. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "allowlist.h"
#include "check_main.h"
#include "policy.h"

static struct allowlist *al;
static struct fieldspec spec;

static void
setup(void)
{
	const char *errstr;

	al = allowlist_builtin();
	ck_assert_ptr_nonnull(al);
	ck_assert_int_eq(fieldspec_parse(FIELDS_DEFAULT, &spec, &errstr), 0);
}

static void
teardown(void)
{
	allowlist_free(al);
}

static const struct {
	const char	*line;		/* host port ip type */
	enum verdict	 verdict;
	const char	*match;
} cases[] = {
	{ "mp001se.kpoint.com 443 - -", VERDICT_ALLOW, "mp001se.kpoint.com" },
	{ "MP0016SE.KPOINT.COM. 5222 - -", VERDICT_ALLOW, "mp0016se.kpoint.com" },
	{ "portal.kpoint.com 80 - -", VERDICT_ALLOW, ".kpoint.com" },
	{ "kpoint.com 443 - -", VERDICT_ALLOW, ".kpoint.com" },
	{ "d2abc.cloudfront.net 443 - video/mp4", VERDICT_ALLOW, "*.cloudfront.net" },
	{ "cloudfront.net 443 - -", VERDICT_OTHER, "" },
	{ "evilkpoint.com 443 - -", VERDICT_OTHER, "" },
	{ "kpoint.com.evil.example 443 - -", VERDICT_OTHER, "" },
	{ "www.example.com 443 - -", VERDICT_OTHER, "" },
	{ "www.example.com 443 54.251.253.195 -", VERDICT_ALLOW, "net:54.251.253.195/32" },
	{ "175.41.142.49 1935 - -", VERDICT_ALLOW, "net:175.41.142.49/32" },
	{ "175.41.142.50 1935 - -", VERDICT_OTHER, "" },
	{ "[::ffff:175.41.142.49] 443 - -", VERDICT_ALLOW, "net:175.41.142.49/32" },
	{ "mp001se.kpoint.com 8080 - -", VERDICT_DENY_PORT, "mp001se.kpoint.com" },
	{ "mp001se.kpoint.com 443 - text/html", VERDICT_DENY_TYPE, "mp001se.kpoint.com" },
	{ "mp001se.kpoint.com 443 - Video/MP4;%20codecs=avc1", VERDICT_ALLOW,
	  "mp001se.kpoint.com" },
	{ "mp001se.kpoint.com 443 - %20video/mp4%20", VERDICT_ALLOW, "mp001se.kpoint.com" },
	{ "mp001se.kpoint.com 443 - video/mp4%00x", VERDICT_DENY_TYPE, "mp001se.kpoint.com" },
	{ "mp001se.kpoint.com 443 - ;charset=x", VERDICT_DENY_TYPE, "mp001se.kpoint.com" },
	{ "mp001se.kpoint.com 443 - application/x-shockwave-flash", VERDICT_ALLOW,
	  "mp001se.kpoint.com" },
	{ "mp001se.kpoint.com:443 443 - -", VERDICT_OTHER, "" },	/* port glued on */
	{ "mp001se..kpoint.com 443 - -", VERDICT_OTHER, "" },	/* empty label */
	{ "mp001se.kpoint%2ecom 443 - -", VERDICT_OTHER, "" },	/* hosts are not decoded */
	{ "%C3%BC.kpoint.com 443 - -", VERDICT_OTHER, "" },	/* raw IDN: not a name */
	{ "xn--tda.kpoint.com 443 - -", VERDICT_ALLOW, ".kpoint.com" },	/* punycode is */
	{ "- 443 - -", VERDICT_OTHER, "" },
	{ "- - 107.20.218.214 video/x-flv", VERDICT_ALLOW, "net:107.20.218.214/32" },
};

START_TEST(table)
{
	char buf[256];
	struct request req;
	struct decision d;
	const char *errstr = NULL;
	size_t len = strlen(cases[_i].line);

	memcpy(buf, cases[_i].line, len + 1);
	ck_assert_int_eq(request_parse(buf, len, &spec, &req, &errstr), 0);
	ck_assert_msg(policy_decide(al, &req, &d, &errstr) == 0, "%s: %s", cases[_i].line,
	    errstr);
	ck_assert_msg(d.verdict == cases[_i].verdict, "%s: verdict %s, want %s", cases[_i].line,
	    verdict_name(d.verdict), verdict_name(cases[_i].verdict));
	ck_assert_str_eq(d.match, cases[_i].match);
}
END_TEST

static const char *const unreadable[] = {
	"a.b 0 - -", "a.b 65536 - -", "a.b 08 - -", "a.b http - -", "a.b 80 1.2.3 -",
	"a.b 80 localhost -", "a.b 80 [::1] -",
};

START_TEST(bad_values)
{
	char buf[256];
	struct request req;
	struct decision d;
	const char *errstr = NULL;
	size_t len = strlen(unreadable[_i]);

	memcpy(buf, unreadable[_i], len + 1);
	ck_assert_int_eq(request_parse(buf, len, &spec, &req, &errstr), 0);
	ck_assert_msg(policy_decide(al, &req, &d, &errstr) == -1, "%s accepted", unreadable[_i]);
	ck_assert_ptr_nonnull(errstr);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, table, 0, sizeof cases / sizeof cases[0]);
	tcase_add_loop_test(tc, bad_values, 0, sizeof unreadable / sizeof unreadable[0]);
	suite_add_tcase(s, tc);
	return s;
}
