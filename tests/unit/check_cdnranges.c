/*
 * Unit tests for cdnranges: which prefixes of an ip-ranges.json are CloudFront's viewer edges
 * (CLOUDFRONT and GLOBAL only), a network inside another left out, the file refused whole for
 * any fault, and the rule for replacing the ranges in force (never older, never halved).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cdnranges.h"
#include "check_main.h"

/* text in a temporary file; returns its path (static: one at a time) */
static const char *
file_of(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "/tmp/check_cdnranges.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* read text; the result, with the message in err */
static int
read_text(const char *text, struct cdn_ranges *r, char *err, size_t size)
{
	const char *path = file_of(text);
	int rc = cdn_ranges_read(path, r, err, size);

	unlink(path);
	return rc;
}

#define V4(net, svc, region) \
	"{\"ip_prefix\": \"" net "\", \"region\": \"" region "\", \"service\": \"" svc "\"}"
#define V6(net, svc, region) \
	"{\"ipv6_prefix\": \"" net "\", \"region\": \"" region "\", \"service\": \"" svc "\"}"

static const char good[] =
    "{\"syncToken\": \"1765000000\", \"createDate\": \"2026-12-06-00-00-00\", \"prefixes\": ["
    V4("13.32.0.0/15", "AMAZON", "GLOBAL") ","
    V4("13.32.0.0/15", "CLOUDFRONT", "GLOBAL") ","
    V4("13.33.0.0/16", "CLOUDFRONT", "GLOBAL") ","		/* inside the /15 */
    V4("205.251.249.0/24", "CLOUDFRONT", "GLOBAL") ","
    V4("205.251.249.0/24", "CLOUDFRONT", "GLOBAL") ","		/* twice */
    V4("120.52.22.96/27", "CLOUDFRONT", "GLOBAL") ","
    V4("3.172.0.0/18", "CLOUDFRONT_ORIGIN_FACING", "GLOBAL") ","
    V4("18.68.0.0/16", "CLOUDFRONT", "us-east-1") ","		/* not GLOBAL */
    V4("52.94.0.0/22", "EC2", "us-east-1")
    "], \"ipv6_prefixes\": ["
    V6("2600:9000::/28", "CLOUDFRONT", "GLOBAL") ","
    V6("2600:9000:1000::/36", "CLOUDFRONT", "GLOBAL") ","	/* inside */
    V6("2600:1f00::/24", "EC2", "us-east-1")
    "]}";

static void
text_of(const struct cidr *c, char *buf)
{
	cidr_format(c, buf, CIDR_TEXT_MAX);
}

START_TEST(viewer_edges_only_outermost_sorted)
{
	struct cdn_ranges r;
	char err[256], buf[CIDR_TEXT_MAX];

	ck_assert_int_eq(read_text(good, &r, err, sizeof err), 0);
	ck_assert_uint_eq(r.n4, 3);
	ck_assert_uint_eq(r.n6, 1);
	ck_assert(r.sync_token == 1765000000LL);
	ck_assert_str_eq(r.created, "2026-12-06-00-00-00");
	text_of(&r.net[0], buf);
	ck_assert_str_eq(buf, "13.32.0.0/15");
	text_of(&r.net[1], buf);
	ck_assert_str_eq(buf, "120.52.22.96/27");
	text_of(&r.net[2], buf);
	ck_assert_str_eq(buf, "205.251.249.0/24");
	text_of(&r.net[3], buf);
	ck_assert_str_eq(buf, "2600:9000::/28");
	cdn_ranges_free(&r);
}
END_TEST

/* Each fault refuses the whole file, with its reason. */
START_TEST(faults_refuse_the_file)
{
	static const struct {
		const char	*text;
		const char	*says;
	} bad[] = {
		{ "", "" },
		{ "{\"syncToken\": \"1\", \"prefixes\": [", "line 1" },
		{ "[]", "syncToken" },
		{ "{\"syncToken\": 12, \"prefixes\": [], \"ipv6_prefixes\": []}", "syncToken" },
		{ "{\"syncToken\": \"12x\", \"prefixes\": [], \"ipv6_prefixes\": []}", "syncToken" },
		{ "{\"syncToken\": \"-4\", \"prefixes\": [], \"ipv6_prefixes\": []}", "syncToken" },
		{ "{\"syncToken\": \"5\", \"ipv6_prefixes\": []}", "\"prefixes\"" },
		{ "{\"syncToken\": \"5\", \"prefixes\": []}", "\"ipv6_prefixes\"" },
		{ "{\"syncToken\": \"5\", \"prefixes\": [], \"ipv6_prefixes\": []}",
		  "no CLOUDFRONT GLOBAL prefixes" },
		{ "{\"syncToken\": \"5\", \"prefixes\": [" V4("13.32.0.0/15", "AMAZON", "GLOBAL")
		  "], \"ipv6_prefixes\": []}", "no CLOUDFRONT GLOBAL prefixes" },
		{ "{\"syncToken\": \"5\", \"prefixes\": [" V4("13.32.0.1/15", "CLOUDFRONT", "GLOBAL")
		  "], \"ipv6_prefixes\": []}", "not an IPv4 network" },
		{ "{\"syncToken\": \"5\", \"prefixes\": [" V4("13.32.0.0", "CLOUDFRONT", "GLOBAL")
		  "], \"ipv6_prefixes\": []}", "not an IPv4 network" },
		{ "{\"syncToken\": \"5\", \"prefixes\": [" V4("2600::/28", "CLOUDFRONT", "GLOBAL")
		  "], \"ipv6_prefixes\": []}", "not an IPv4 network" },
		{ "{\"syncToken\": \"5\", \"prefixes\": [{\"ip_prefix\": \"13.32.0.0/15\"}], "
		  "\"ipv6_prefixes\": []}", "no \"service\"" },
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cdn_ranges r;
		char err[256];

		ck_assert_msg(read_text(bad[i].text, &r, err, sizeof err) == -1, "case %zu", i);
		ck_assert_msg(strstr(err, bad[i].says) != NULL, "case %zu: %s", i, err);
		ck_assert_ptr_null(r.net);
		ck_assert_uint_eq(r.n4 + r.n6, 0);
	}
}
END_TEST

/* ranges with n prefixes (IPv4 /24s) and a token */
static struct cdn_ranges
ranges(size_t n, long long token)
{
	struct cdn_ranges r = { .n4 = n, .sync_token = token };
	size_t i;

	r.net = calloc(n, sizeof *r.net);
	ck_assert_ptr_nonnull(r.net);
	for (i = 0; i < n; i++) {
		r.net[i].af = 4;
		r.net[i].len = 24;
		r.net[i].addr[0] = 10;
		r.net[i].addr[1] = (uint8_t)i;
	}
	return r;
}

START_TEST(replace_rule)
{
	struct cdn_ranges prev = ranges(10, 100), same = ranges(10, 100), newer = ranges(12, 200),
	    older = ranges(10, 99), half = ranges(5, 300), less = ranges(4, 300);
	char err[256];

	ck_assert_ptr_null(cdn_ranges_refuse(&same, &prev, err, sizeof err));
	ck_assert_ptr_null(cdn_ranges_refuse(&newer, &prev, err, sizeof err));
	ck_assert_ptr_null(cdn_ranges_refuse(&half, &prev, err, sizeof err));
	ck_assert_ptr_nonnull(cdn_ranges_refuse(&older, &prev, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "older"));
	ck_assert_ptr_nonnull(cdn_ranges_refuse(&less, &prev, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "more than half gone"));
	cdn_ranges_free(&prev);
	cdn_ranges_free(&same);
	cdn_ranges_free(&newer);
	cdn_ranges_free(&older);
	cdn_ranges_free(&half);
	cdn_ranges_free(&less);
}
END_TEST

/* The nft form: one transaction that declares, empties and fills both sets. */
START_TEST(nft_form)
{
	struct cdn_ranges r;
	char err[256], *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	ck_assert_int_eq(read_text(good, &r, err, sizeof err), 0);
	ck_assert_int_eq(cdn_ranges_emit_nft(&r, "test", out), 0);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_ptr_nonnull(strstr(text, "flush set inet filter kpoint_cdn_v4\n"
	    "add element inet filter kpoint_cdn_v4 { 13.32.0.0/15, 120.52.22.96/27, "
	    "205.251.249.0/24 }\n"));
	ck_assert_ptr_nonnull(strstr(text, "add element inet filter kpoint_cdn_v6 { 2600:9000::/28 }"));
	ck_assert_ptr_null(strstr(text, "3.172."));
	free(text);
	cdn_ranges_free(&r);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("cdnranges");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, viewer_edges_only_outermost_sorted);
	tcase_add_test(tc, faults_refuse_the_file);
	tcase_add_test(tc, replace_rule);
	tcase_add_test(tc, nft_form);
	suite_add_tcase(s, tc);
	return s;
}
