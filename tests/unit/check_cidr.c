/* Unit tests for cidr: parsing, host-bit errors, longest-prefix membership for IPv4 and IPv6. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "cidr.h"

static const struct {
	const char	*text;
	const char	*normal;	/* NULL: must be rejected */
} parse_cases[] = {
	{ "175.41.142.49", "175.41.142.49/32" },
	{ "175.41.142.49/32", "175.41.142.49/32" },
	{ "10.0.0.0/8", "10.0.0.0/8" },
	{ "0.0.0.0/0", "0.0.0.0/0" },
	{ "2001:db8::/32", "2001:db8::/32" },
	{ "2001:DB8::1", "2001:db8::1/128" },
	{ "::/0", "::/0" },
	{ "10.0.0.1/8", NULL },		/* host bits set */
	{ "10.0.0.0/33", NULL },
	{ "10.0.0.0/", NULL },
	{ "10.0.0.0/08", NULL },
	{ "10.0.0.0/x", NULL },
	{ "10.0.0", NULL },
	{ "256.1.1.1", NULL },
	{ "01.2.3.4", NULL },
	{ "2001:db8::/129", NULL },
	{ "2001:db8::1/64", NULL },
	{ "fe80::1%eth0", NULL },
	{ "host.example", NULL },
	{ "", NULL },
};

START_TEST(parse_table)
{
	struct cidr c;
	const char *errstr = NULL;
	char buf[CIDR_TEXT_MAX];
	int rc = cidr_parse(parse_cases[_i].text, &c, &errstr);

	if (parse_cases[_i].normal == NULL) {
		ck_assert_msg(rc == -1, "'%s' accepted", parse_cases[_i].text);
		ck_assert_ptr_nonnull(errstr);
	} else {
		ck_assert_msg(rc == 0, "'%s' rejected: %s", parse_cases[_i].text, errstr);
		cidr_format(&c, buf, sizeof buf);
		ck_assert_str_eq(buf, parse_cases[_i].normal);
	}
}
END_TEST

static bool
in(const struct cidrset *s, const char *addr, char *hitbuf)
{
	struct cidr a, hit;

	ck_assert_msg(cidr_parse_addr(addr, strlen(addr), &a), "bad test address %s", addr);
	if (!cidrset_match(s, &a, &hit))
		return false;
	if (hitbuf != NULL)
		cidr_format(&hit, hitbuf, CIDR_TEXT_MAX);
	return true;
}

static void
add(struct cidrset *s, const char *net)
{
	struct cidr c;
	const char *errstr;

	ck_assert_int_eq(cidr_parse(net, &c, &errstr), 0);
	cidrset_add(s, &c);
}

START_TEST(membership)
{
	struct cidrset *s = cidrset_new();
	char hit[CIDR_TEXT_MAX];

	add(s, "54.163.253.4/32");
	add(s, "10.0.0.0/8");
	add(s, "10.1.0.0/16");
	add(s, "2001:db8::/32");
	add(s, "2001:db8:1::5/128");

	ck_assert(in(s, "54.163.253.4", NULL));
	ck_assert(!in(s, "54.163.253.5", NULL));
	ck_assert(in(s, "10.1.2.3", hit));
	ck_assert_str_eq(hit, "10.1.0.0/16");		/* longest prefix */
	ck_assert(in(s, "10.2.2.3", hit));
	ck_assert_str_eq(hit, "10.0.0.0/8");
	ck_assert(!in(s, "11.0.0.1", NULL));
	ck_assert(in(s, "2001:db8:1::5", hit));
	ck_assert_str_eq(hit, "2001:db8:1::5/128");
	ck_assert(in(s, "2001:db8:ffff::1", hit));
	ck_assert_str_eq(hit, "2001:db8::/32");
	ck_assert(!in(s, "2001:db9::1", NULL));
	ck_assert(in(s, "::ffff:54.163.253.4", NULL));	/* IPv4-mapped */
	ck_assert(!in(s, "::ffff:54.163.253.5", NULL));
	ck_assert(!in(s, "::36a3:fd04", NULL));		/* same bits, not mapped */
	cidrset_free(s);
}
END_TEST

START_TEST(default_route_and_dupes)
{
	struct cidrset *s = cidrset_new();
	struct cidr c;
	const char *errstr;

	ck_assert(!in(s, "1.2.3.4", NULL));
	add(s, "0.0.0.0/0");
	ck_assert(in(s, "1.2.3.4", NULL));
	ck_assert(!in(s, "::1", NULL));			/* v4 default does not cover v6 */
	ck_assert_int_eq(cidr_parse("0.0.0.0/0", &c, &errstr), 0);
	ck_assert(!cidrset_add(s, &c));
	ck_assert(cidrset_has(s, &c));
	ck_assert_uint_eq(cidrset_count(s), 1);
	cidrset_free(s);
	cidrset_free(NULL);
}
END_TEST

START_TEST(many_networks)
{
	struct cidrset *s = cidrset_new();
	char net[32];
	unsigned i;

	for (i = 0; i < 50000; i++) {
		snprintf(net, sizeof net, "10.%u.%u.0/24", i / 256, i % 256);
		add(s, net);
	}
	ck_assert_uint_eq(cidrset_count(s), 50000);
	ck_assert(in(s, "10.100.7.200", NULL));
	ck_assert(!in(s, "10.200.0.1", NULL));		/* 200*256 > 50000 */
	cidrset_free(s);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("cidr");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, parse_table, 0, sizeof parse_cases / sizeof parse_cases[0]);
	tcase_add_test(tc, membership);
	tcase_add_test(tc, default_route_and_dupes);
	tcase_add_test(tc, many_networks);
	suite_add_tcase(s, tc);
	return s;
}
