/*
 * Unit tests for squidconf: reading "squid -k parse"'s report, as Squid 5.7 and 6.13 print it
 * (the lines below are theirs, with their time stamps): which directives Squid applied under
 * its if/else rule, comments, continuation already joined, the file each came from, and
 * reports that break Squid's own rules. And squidacl on what was read.
 */
#include "config.h"

#include <string.h>

#include "check_main.h"
#include "squidacl.h"
#include "squidconf.h"

#define T "2026/12/02 04:06:50| "

static const char report[] =
    T "Startup: Initialized Authentication.\n"
    T "Processing Configuration File: /etc/squid/squid.conf (depth 0)\n"
    T "Processing: acl SSL_ports port 443\n"
    T "Processing: http_access deny !Safe_ports\n"
    T "Processing: include /etc/squid/squid-kpoint.conf\n"
    T "Processing Configuration File: /etc/squid/squid-kpoint.conf (depth 1)\n"
    T "Processing: acl kpoint external kpoint\t# slow: asks the helper\n"
    T "Processing: http_access allow localnet kpoint\n"
    T "Processing: include /etc/squid/conf.d/*.conf\n"
    T "Processing Configuration File: /etc/squid/conf.d/a.conf (depth 1)\n"
    T "Processing: if 0 = 1\n"
    T "Processing: acl skipped src 10.0.0.1\n"
    T "Processing: if true\n"
    T "Processing: acl nested_true_in_false src 10.0.0.2\n"
    T "Processing: endif\n"
    T "Processing: else\n"
    T "Processing: acl taken src 10.0.0.3\n"
    T "Processing: endif\n"
    T "Processing Configuration File: /etc/squid/conf.d/b.conf (depth 1)\n"
    T "Processing: logformat kpoint %ts ea=\"%ea\"\n"
    T "Initializing https:// proxy context\n";

START_TEST(applied_directives)
{
	static const char *const want[] = {
		"acl SSL_ports port 443", "http_access deny !Safe_ports",
		"include /etc/squid/squid-kpoint.conf", "acl kpoint external kpoint",
		"http_access allow localnet kpoint", "include /etc/squid/conf.d/*.conf",
		/* Squid looks only at the innermost condition: a true one inside a false one
		   is applied (cache_cf.cc, parseOneConfigFile) */
		"acl nested_true_in_false src 10.0.0.2", "acl taken src 10.0.0.3",
		"logformat kpoint %ts ea=\"%ea\"",
	};
	struct squidconf sc;
	size_t i;

	memset(&sc, 0, sizeof sc);
	ck_assert_int_eq(squidconf_parse_report(report, sizeof report - 1, &sc), 0);
	ck_assert_uint_eq(sc.n, sizeof want / sizeof want[0]);
	for (i = 0; i < sc.n; i++)
		ck_assert_str_eq(sc.d[i].text, want[i]);
	/* words: the comment is gone, a quoted word stays whole */
	ck_assert_uint_eq(sc.d[3].nwords, 4);
	ck_assert_str_eq(sc.d[8].word[3], "ea=\"%ea\"");
	squidconf_free(&sc);
}
END_TEST

START_TEST(where_each_came_from)
{
	struct squidconf sc;
	const struct squid_file *f;

	memset(&sc, 0, sizeof sc);
	ck_assert_int_eq(squidconf_parse_report(report, sizeof report - 1, &sc), 0);
	ck_assert_uint_eq(sc.nfiles, 4);
	f = squidconf_file_of(&sc, &sc.d[4]);	/* http_access allow localnet kpoint */
	ck_assert_str_eq(f->path, "/etc/squid/squid-kpoint.conf");
	ck_assert(f->included);
	ck_assert_str_eq(sc.d[f->include_at].text, "include /etc/squid/squid-kpoint.conf");
	/* the include after it is the main file's: its file opened at depth 1 says so */
	ck_assert_str_eq(squidconf_file_of(&sc, &sc.d[5])->path, "/etc/squid/squid.conf");
	/* both files of a wildcard include are opened by that one include */
	f = squidconf_file_of(&sc, &sc.d[8]);
	ck_assert_str_eq(f->path, "/etc/squid/conf.d/b.conf");
	ck_assert_uint_eq(f->include_at, 5);
	ck_assert(!squidconf_file_of(&sc, &sc.d[0])->included);
	squidconf_free(&sc);
}
END_TEST

START_TEST(broken_reports)
{
	static const char *const bad[] = {
		T "Processing Configuration File: /x.conf (depth 0)\n" T "Processing: if 1\n",
		T "Processing Configuration File: /x.conf (depth 0)\n" T "Processing: endif\n",
		T "Processing Configuration File: /x.conf (depth 0)\n" T "Processing: if true\n",
		T "Processing Configuration File: /x.conf (depth 0)\n"
		    T "Processing Configuration File: /y.conf (depth 1)\n",
		T "Processing: acl a src 1.2.3.4\n",
		T "Startup: nothing processed\n",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct squidconf sc;

		memset(&sc, 0, sizeof sc);
		ck_assert_msg(squidconf_parse_report(bad[i], strlen(bad[i]), &sc) == -1,
		    "accepted: %s", bad[i]);
		ck_assert_ptr_nonnull(sc.message);
		squidconf_free(&sc);
	}
}
END_TEST

START_TEST(version_and_user)
{
	struct squidconf sc;

	memset(&sc, 0, sizeof sc);
	squidconf_parse_version("Squid Cache: Version 6.13\nService Name: squid\nconfigure "
	    "options:  '--prefix=/x' '--with-default-user=proxy' '--with-openssl'\n", &sc);
	ck_assert_str_eq(sc.version, "6.13");
	ck_assert_str_eq(sc.default_user, "proxy");
	squidconf_free(&sc);
}
END_TEST

/* What a rule says about kPoint: the acl types that decide are judged, the rest are maybes. */
START_TEST(rules_on_kpoint)
{
	static const char conf[] =
	    T "Processing Configuration File: /s.conf (depth 0)\n"
	    T "Processing: external_acl_type kpoint %DST /usr/lib/squid/ext_kpoint_acl\n"
	    T "Processing: acl SSL_ports port 443\n"
	    T "Processing: acl Safe_ports port 80 1025-65535\n"
	    T "Processing: acl kpoint external kpoint\n"
	    T "Processing: acl kpoint_ok note kpoint_ 1\n"
	    T "Processing: acl office src 10.0.0.0/8\n"
	    T "Processing: acl blocked dstdomain .example\n"
	    T "Processing: http_access deny CONNECT !SSL_ports\n"
	    T "Processing: http_access deny !Safe_ports\n"
	    T "Processing: http_access deny blocked\n"
	    T "Processing: http_access allow office kpoint\n"
	    T "Processing: http_access allow office kpoint_ok\n";
	struct squidconf sc;
	struct acltable t;
	struct kp_request r;

	memset(&sc, 0, sizeof sc);
	ck_assert_int_eq(squidconf_parse_report(conf, sizeof conf - 1, &sc), 0);
	acltable_build(&t, &sc, "kpoint");
	memset(&r, 0, sizeof r);
	r.connect = true;
	r.port = 1935;
	r.listed_port = true;
	r.client_rule = &sc.d[10];
	ck_assert_int_eq(acl_rule_matches(&t, sc.d[7].word + 2, 2, &r), TRI_YES);
	ck_assert_int_eq(acl_rule_matches(&t, sc.d[8].word + 2, 1, &r), TRI_NO);
	ck_assert_int_eq(acl_rule_matches(&t, sc.d[9].word + 2, 1, &r), TRI_MAYBE);
	ck_assert_int_eq(acl_rule_matches(&t, sc.d[10].word + 2, 2, &r), TRI_YES);
	ck_assert_int_eq(acl_rule_matches(&t, sc.d[11].word + 2, 2, &r), TRI_NO);
	r.note = NOTE_OK;
	ck_assert_int_eq(acl_rule_matches(&t, sc.d[11].word + 2, 2, &r), TRI_YES);
	r.connect = false;
	r.port = 443;
	ck_assert_int_eq(acl_rule_matches(&t, sc.d[7].word + 2, 2, &r), TRI_NO);
	ck_assert_int_eq(acl_rule_matches(&t, sc.d[8].word + 2, 1, &r), TRI_YES);
	r.listed_port = false;
	ck_assert_int_eq(acl_rule_matches(&t, sc.d[10].word + 2, 2, &r), TRI_NO);
	acltable_free(&t);
	squidconf_free(&sc);
}
END_TEST

/* What the doctor's checks ask of a directive and of the configuration, answered here. */
START_TEST(directive_questions)
{
	static const char r[] =
	    T "Processing Configuration File: /etc/squid/squid.conf (depth 0)\n"
	    T "Processing: workers 3\n"
	    T "Processing: http_port 3128 ssl-bump tls-cert=/x.pem\n"
	    T "Processing: https_port 3130 intercept ssl-bump tls-cert=/x.pem\n"
	    T "Processing: http_port 3129 tproxy\n"
	    T "Processing: acl intercept src 10.0.0.0/8\n"
	    T "Processing: cache_effective_user squid\n"
	    T "Processing: if 2 = 2\n"
	    T "Processing: http_access deny CONNECT !SSL_ports\n"
	    T "Processing: endif\n"
	    T "Processing: workers 0\n"
	    T "Processing: cache_effective_user proxy\n";
	struct squidconf sc;

	memset(&sc, 0, sizeof sc);
	ck_assert_int_eq(squidconf_parse_report(r, sizeof r - 1, &sc), 0);
	ck_assert_uint_eq(sc.n, 9);
	ck_assert(squid_directive_is(&sc.d[1], "http_port"));
	ck_assert(!squid_directive_is(&sc.d[1], "http_por"));
	ck_assert(squid_port_bumps(&sc.d[1]) && !squid_port_intercepts(&sc.d[1]));
	ck_assert(squid_port_bumps(&sc.d[2]) && squid_port_intercepts(&sc.d[2]));
	ck_assert(!squid_port_bumps(&sc.d[3]) && squid_port_intercepts(&sc.d[3]));
	/* an acl named like a port option is no port */
	ck_assert(!squid_port_intercepts(&sc.d[4]) && squid_directive_has_word(&sc.d[4], 1,
	    "intercept") && !squid_directive_has_word(&sc.d[4], 2, "intercept"));
	/* inside an if-block: the block's line, as Squid expanded it */
	ck_assert_str_eq(sc.d[6].if_text, "if 2 = 2");
	ck_assert_ptr_null(sc.d[5].if_text);
	ck_assert_ptr_null(sc.d[7].if_text);
	/* "workers 0" is no count of workers: the last good one stands */
	ck_assert_uint_eq(squidconf_workers(&sc), 3);
	ck_assert_str_eq(squidconf_effective_user(&sc), "proxy");
	squidconf_free(&sc);
	memset(&sc, 0, sizeof sc);	/* nothing applied */
	ck_assert_uint_eq(squidconf_workers(&sc), 1);
	ck_assert_str_eq(squidconf_effective_user(&sc), "nobody");
	squidconf_free(&sc);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("squidconf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, applied_directives);
	tcase_add_test(tc, where_each_came_from);
	tcase_add_test(tc, broken_reports);
	tcase_add_test(tc, version_and_user);
	tcase_add_test(tc, rules_on_kpoint);
	tcase_add_test(tc, directive_questions);
	suite_add_tcase(s, tc);
	return s;
}
