/* Unit tests for policy: the decision table against the built-in kPoint list. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "allowlist.h"
#include "listfile.h"
#include "listing.h"
#include "check_main.h"
#include "policy.h"

static struct allowlist *al;
static struct fieldspec spec;

static void
setup(void)
{
	const char *errstr;

	al = listfile_builtin();
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
	{ "www.example.com 443 54.251.253.195 video/mp4", VERDICT_ALLOW, "net:54.251.253.195/32" },
	/* The reply side (server address known) with no Content-Type: never exempt. */
	{ "www.example.com 443 54.251.253.195 -", VERDICT_DENY_TYPE, "net:54.251.253.195/32" },
	{ "d1234.cloudfront.net 443 54.230.1.1 -", VERDICT_DENY_TYPE, "*.cloudfront.net" },
	{ "d1234.cloudfront.net 443 54.230.1.1 video/mp4", VERDICT_ALLOW, "*.cloudfront.net" },
	{ "mp001se.kpoint.com 443 ::1 -", VERDICT_DENY_TYPE, "mp001se.kpoint.com" },
	/* Squid never escapes '/', letters or ';': such escapes are the server's own text. */
	{ "a.kpoint.com 443 - video%2Fmp4", VERDICT_DENY_TYPE, ".kpoint.com" },
	{ "a.kpoint.com 443 - video%2fmp4", VERDICT_DENY_TYPE, ".kpoint.com" },
	{ "a.kpoint.com 443 - %76ideo/mp4", VERDICT_DENY_TYPE, ".kpoint.com" },
	{ "a.kpoint.com 443 - video/mp%34", VERDICT_DENY_TYPE, ".kpoint.com" },
	{ "a.kpoint.com 443 - video/mp4%3Bx=1", VERDICT_DENY_TYPE, ".kpoint.com" },
	{ "a.kpoint.com 443 - video/mp4;%20codecs=%22avc1%22", VERDICT_ALLOW, ".kpoint.com" },
	{ "a.kpoint.com 443 - video/mp4%09", VERDICT_ALLOW, ".kpoint.com" },
	{ "a.kpoint.com 443 - %09video/mp4", VERDICT_ALLOW, ".kpoint.com" },	/* OWS: a tab */
	{ "a.kpoint.com 443 - %09%20video/mp4;%09q=1", VERDICT_ALLOW, ".kpoint.com" },
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
	char buf[256], match[320];
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
	ck_assert_uint_eq(decision_match(&d, match, sizeof match), strlen(cases[_i].match));
	ck_assert_str_eq(match, cases[_i].match);
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

/*
 * IPv6 literal hosts, as Squid 5.7 sends them: "%5B...%5D" (brackets escaped), exactly that
 * form and nothing looser; a listed IPv6 network must match them.
 */
static const struct {
	const char	*host;
	enum verdict	 verdict;
} v6hosts[] = {
	{ "%5B2001:db8::1%5D", VERDICT_ALLOW },
	{ "%5B2001:DB8:0:0:0:0:0:1%5D", VERDICT_ALLOW },
	{ "[2001:db8::1]", VERDICT_ALLOW },
	{ "%5B2001:db9::1%5D", VERDICT_OTHER },		/* not in the net */
	{ "%5b2001:db8::1%5d", VERDICT_OTHER },		/* Squid writes upper-case escapes */
	{ "%5b2001:db8::1%5D", VERDICT_OTHER },
	{ "%252001:db8::1%5D", VERDICT_OTHER },
	{ "%5B2001:db8::1]", VERDICT_OTHER },
	{ "[2001:db8::1%5D", VERDICT_OTHER },
	{ "%5B2001:db8::1", VERDICT_OTHER },
	{ "%5B%5D", VERDICT_OTHER },
	{ "%5B192.0.2.1%5D", VERDICT_OTHER },		/* IPv4 never comes in brackets */
	{ "%5Bv6.example%5D", VERDICT_OTHER },
	{ "%5B2001:db8::1%5D%5D", VERDICT_OTHER },
	{ "%5B%5B2001:db8::1%5D%5D", VERDICT_OTHER },
	{ "%5B2001%3Adb8::1%5D", VERDICT_OTHER },	/* no other escape in a host */
	{ "2001:db8::1", VERDICT_ALLOW },
};

START_TEST(ipv6_hosts)
{
	static const char list[] = "net 2001:db8::/32\nport 443\n";
	struct allowlist *v6;
	FILE *in = fmemopen((void *)list, strlen(list), "r");
	char buf[256];
	struct request req;
	struct decision d;
	const char *errstr = NULL;
	int len;

	ck_assert_ptr_nonnull(in);
	v6 = listfile_read(in, "v6", stderr, NULL);
	fclose(in);
	ck_assert_ptr_nonnull(v6);
	len = snprintf(buf, sizeof buf, "%s 443 - -", v6hosts[_i].host);
	ck_assert_int_eq(request_parse(buf, (size_t)len, &spec, &req, &errstr), 0);
	ck_assert_int_eq(policy_decide(v6, &req, &d, &errstr), 0);
	ck_assert_msg(d.verdict == v6hosts[_i].verdict, "%s: verdict %s, want %s",
	    v6hosts[_i].host, verdict_name(d.verdict), verdict_name(v6hosts[_i].verdict));
	if (d.verdict == VERDICT_ALLOW) {
		char match[64];

		ck_assert_uint_eq(decision_match(&d, match, sizeof match), 17);
		ck_assert_str_eq(match, "net:2001:db8::/32");
	}
	allowlist_free(v6);
}
END_TEST

/*
 * The longest content type the list accepts (127 characters) is matched whole; one character
 * more is "(too long)", never cut down to a listed type.
 */
START_TEST(longest_type)
{
	char list[256], line[512], type[160];
	struct allowlist *t;
	FILE *in;
	struct request req;
	struct decision d;
	const char *errstr = NULL;
	int len;

	memset(type, 'x', sizeof type);
	memcpy(type, "video/", 6);
	type[127] = '\0';
	snprintf(list, sizeof list, "host a.example\ntype %s\n", type);
	ck_assert_ptr_nonnull(in = fmemopen(list, strlen(list), "r"));
	t = listfile_read(in, "t", stderr, NULL);
	fclose(in);
	ck_assert_ptr_nonnull(t);
	len = snprintf(line, sizeof line, "a.example - - %s", type);
	ck_assert_int_eq(request_parse(line, (size_t)len, &spec, &req, &errstr), 0);
	ck_assert_int_eq(policy_decide(t, &req, &d, &errstr), 0);
	ck_assert_str_eq(verdict_name(d.verdict), "allow");
	type[127] = 'x';
	type[128] = '\0';
	len = snprintf(line, sizeof line, "a.example - - %s", type);
	ck_assert_int_eq(request_parse(line, (size_t)len, &spec, &req, &errstr), 0);
	ck_assert_int_eq(policy_decide(t, &req, &d, &errstr), 0);
	ck_assert_str_eq(verdict_name(d.verdict), "type");
	ck_assert_str_eq(decision_type(&d), "(too long)");
	allowlist_free(t);
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
	tcase_add_loop_test(tc, ipv6_hosts, 0, sizeof v6hosts / sizeof v6hosts[0]);
	tcase_add_test(tc, longest_type);
	suite_add_tcase(s, tc);
	return s;
}
