/* Unit tests for request: fields, channel-IDs, %DATA, escapes, malformed lines; field lists. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "request.h"

static struct fieldspec spec;

static void
setup(void)
{
	const char *errstr;

	ck_assert_int_eq(fieldspec_parse(FIELDS_DEFAULT, &spec, &errstr), 0);
}

static int
parse(const char *text, struct request *req, const char **errstr, char *buf)
{
	size_t len = strlen(text);

	memcpy(buf, text, len + 1);
	return request_parse(buf, len, &spec, req, errstr);
}

static void
ck_value(struct request_value v, const char *want)
{
	if (want == NULL) {
		ck_assert_ptr_null(v.p);
		return;
	}
	ck_assert_ptr_nonnull(v.p);
	ck_assert_uint_eq(v.len, strlen(want));
	ck_assert_msg(memcmp(v.p, want, v.len) == 0, "got '%.*s', want '%s'", (int)v.len, v.p,
	    want);
}

START_TEST(plain_and_concurrent)
{
	struct request r;
	const char *errstr;
	char buf[256];

	ck_assert_int_eq(parse("mp001se.kpoint.com 443 - -", &r, &errstr, buf), 0);
	ck_assert_ptr_null(r.id);
	ck_value(r.field[FIELD_HOST], "mp001se.kpoint.com");
	ck_value(r.field[FIELD_PORT], "443");
	ck_value(r.field[FIELD_IP], NULL);
	ck_value(r.field[FIELD_TYPE], NULL);
	ck_value(r.data, NULL);

	ck_assert_int_eq(parse("18446744073709551615 a.b 80 1.2.3.4 video/mp4 -", &r, &errstr,
	    buf), 0);
	ck_value((struct request_value){ r.id, r.idlen }, "18446744073709551615");
	ck_value(r.field[FIELD_HOST], "a.b");
	ck_value(r.field[FIELD_IP], "1.2.3.4");
	ck_value(r.field[FIELD_TYPE], "video/mp4");
	ck_value(r.data, "-");
}
END_TEST

START_TEST(data_is_not_fields)
{
	struct request r;
	const char *errstr;
	char buf[256];

	/* acl arguments after the fields, a trailing space and \r\n tolerated */
	ck_assert_int_eq(parse("5 a.b 80 - text/html;%20charset=utf-8 respmod extra \r", &r,
	    &errstr, buf), 0);
	ck_value(r.field[FIELD_TYPE], "text/html; charset=utf-8");	/* %20 decoded */
	ck_value(r.data, "respmod extra");
	/* a literal '%' that is not an escape stays */
	ck_assert_int_eq(parse("a.b 80 - x/y%zz%4", &r, &errstr, buf), 0);
	ck_value(r.field[FIELD_TYPE], "x/y%zz%4");
}
END_TEST

static const struct {
	const char	*line;
	const char	*error;
	const char	*id;
} bad_cases[] = {
	{ "", "empty request", NULL },
	{ "   ", "empty request", NULL },
	{ "42", "empty request", "42" },
	{ "42 a.b 80", "too few fields for the -f field list", "42" },
	{ "a.b", "too few fields for the -f field list", NULL },
	{ "18446744073709551616 a.b 80 - -", "channel-ID out of range", "18446744073709551616" },
	{ "123456789012345678901234 a.b 80 - -", "channel-ID out of range",
	  "123456789012345678901234" },
};

START_TEST(bad_lines)
{
	struct request r;
	const char *errstr = NULL;
	char buf[256];

	ck_assert_int_eq(parse(bad_cases[_i].line, &r, &errstr, buf), -1);
	ck_assert_str_eq(errstr, bad_cases[_i].error);
	if (bad_cases[_i].id == NULL)
		ck_assert_ptr_null(r.id);
	else
		ck_value((struct request_value){ r.id, r.idlen }, bad_cases[_i].id);
}
END_TEST

START_TEST(nul_byte)
{
	struct request r;
	const char *errstr;
	char buf[] = "7 a.b\0c 80 - -";

	ck_assert_int_eq(request_parse(buf, sizeof buf - 1, &spec, &r, &errstr), -1);
	ck_assert_str_eq(errstr, "NUL byte in request");
	ck_value((struct request_value){ r.id, r.idlen }, "7");
}
END_TEST

/* A NUL anywhere, in a short token, in a long one or in the acl arguments, makes the line BH. */
START_TEST(nul_anywhere)
{
	static const char text[] = "12 abcdefghijklmnopq.example 443 1.2.3.4 video/mp4 acl data";
	struct request r;
	const char *errstr;
	char buf[sizeof text];
	size_t i;

	for (i = 0; i < sizeof text - 1; i++) {
		memcpy(buf, text, sizeof text);
		buf[i] = '\0';
		errstr = NULL;
		ck_assert_msg(request_parse(buf, sizeof text - 1, &spec, &r, &errstr) == -1,
		    "NUL at %zu accepted", i);
		ck_assert_str_eq(errstr, "NUL byte in request");
	}
}
END_TEST

/* Tokens of every length, ending at every offset of a word, come back whole. */
START_TEST(token_lengths)
{
	struct request r;
	const char *errstr;
	char host[40], line[128], buf[128];
	size_t n;

	for (n = 1; n < sizeof host; n++) {
		memset(host, 'h', n);
		host[n] = '\0';
		snprintf(line, sizeof line, "%zu %s %zu - x/%s", n, host, n, host);
		ck_assert_int_eq(parse(line, &r, &errstr, buf), 0);
		ck_value(r.field[FIELD_HOST], host);
		ck_assert_uint_eq(r.field[FIELD_PORT].len, n < 10 ? 1 : 2);
		ck_assert_uint_eq(r.field[FIELD_TYPE].len, n + 2);
		ck_value(r.data, NULL);
	}
}
END_TEST

START_TEST(field_lists)
{
	struct fieldspec fs;
	const char *errstr;
	struct request r;
	char buf[] = "GET a.b skip-me /x 443 -";

	ck_assert_int_eq(fieldspec_parse("method,host,skip,path,port", &fs, &errstr), 0);
	ck_assert_uint_eq(fs.n, 5);
	ck_assert_int_eq(request_parse(buf, strlen(buf), &fs, &r, &errstr), 0);
	ck_value(r.field[FIELD_METHOD], "GET");
	ck_value(r.field[FIELD_HOST], "a.b");
	ck_value(r.field[FIELD_PATH], "/x");
	ck_value(r.field[FIELD_PORT], "443");
	ck_value(r.data, "-");

	ck_assert_int_eq(fieldspec_parse("host,bogus", &fs, &errstr), -1);
	ck_assert_int_eq(fieldspec_parse("host,host", &fs, &errstr), -1);
	ck_assert_int_eq(fieldspec_parse("port,host", &fs, &errstr), -1);
	ck_assert_int_eq(fieldspec_parse("port,type", &fs, &errstr), -1);
	ck_assert_int_eq(fieldspec_parse("", &fs, &errstr), -1);
	ck_assert_int_eq(fieldspec_parse("ip", &fs, &errstr), 0);
}
END_TEST

START_TEST(decode)
{
	char s[] = "a%20b%2fc%%41%G0%4%3b%3B";
	const char *want = "a b%2fc%%41%G0%4%3b%3B";

	ck_assert_uint_eq(request_pct_decode(s, strlen(s)), strlen(want));
	ck_assert(memcmp(s, want, strlen(want)) == 0);
}
END_TEST

/*
 * Every byte as %XX, upper and lower case: decoded exactly when Squid 5.7 would have escaped
 * it (rfc1738_escape_unescaped: controls, DEL, non-ASCII, space, < > " # { } | \ ^ ~ [ ] ` '),
 * kept as the three characters otherwise ("video%2Fmp4" is the server's text, not a type).
 */
START_TEST(decode_only_what_squid_escapes)
{
	static const char escaped[] = " <>\"#{}|\\^~[]`'";
	unsigned c = (unsigned)_i;
	bool squid = c < 0x20 || c >= 0x7f || (c != 0 && strchr(escaped, (int)c) != NULL);
	char s[4];
	size_t n;
	int upper;

	for (upper = 0; upper < 2; upper++) {
		snprintf(s, sizeof s, upper ? "%%%02X" : "%%%02x", c);
		n = request_pct_decode(s, 3);
		if (squid) {
			ck_assert_msg(n == 1 && (unsigned char)s[0] == c, "%%%02X not decoded", c);
		} else {
			ck_assert_msg(n == 3, "%%%02X decoded, but Squid never escapes it", c);
		}
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("request");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, plain_and_concurrent);
	tcase_add_test(tc, data_is_not_fields);
	tcase_add_loop_test(tc, bad_lines, 0, sizeof bad_cases / sizeof bad_cases[0]);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, nul_anywhere);
	tcase_add_test(tc, token_lengths);
	tcase_add_test(tc, field_lists);
	tcase_add_test(tc, decode);
	tcase_add_loop_test(tc, decode_only_what_squid_escapes, 0, 256);
	suite_add_tcase(s, tc);
	return s;
}
