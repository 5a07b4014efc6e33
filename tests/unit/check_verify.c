/*
 * Unit tests for verify: the findings, the summary and the result against a DNS server of the
 * test's own on loopback (a thread answering A and AAAA questions from a table: an address,
 * "no such name", or no answer at all). What each host resolves to is fixed by the table, so
 * every finding is known in advance: ok, moved, missing, error, and unused nets.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "listfile.h"
#include "verify.h"

/* The names the server knows: an IPv4 address, NXDOMAIN, or silence. */
static const struct record {
	const char	*name;
	const char	*a;	/* NULL: NXDOMAIN */
	bool		 silent;
} records[] = {
	{ "in.kpoint.example", "10.1.0.5", false },
	{ "in2.kpoint.example", "10.1.7.7", false },
	{ "out.kpoint.example", "192.0.2.7", false },
	{ "gone.kpoint.example", NULL, false },
	{ "slow.kpoint.example", NULL, true },
};

static int dns_fd;
static volatile bool dns_stop;

/* The question's name as dotted text into name (at most size bytes); its end in *end. */
static bool
read_qname(const unsigned char *p, size_t n, size_t at, char *name, size_t size, size_t *end)
{
	size_t o = 0;

	while (at < n && p[at] != 0) {
		size_t len = p[at++];

		if (len > 63 || at + len > n || o + len + 1 >= size)
			return false;
		if (o > 0)
			name[o++] = '.';
		memcpy(name + o, p + at, len);
		o += len;
		at += len;
	}
	if (at + 5 > n)
		return false;
	name[o] = '\0';
	*end = at + 1;	/* past the root label; QTYPE and QCLASS follow */
	return true;
}

static void *
dns_server(void *arg)
{
	unsigned char q[512], r[600];
	struct sockaddr_storage from;
	struct pollfd pfd = { dns_fd, POLLIN, 0 };

	(void)arg;
	while (!dns_stop) {
		socklen_t flen = sizeof from;
		char name[256];
		size_t qend, rlen, i;
		ssize_t n;
		unsigned qtype;
		const struct record *rec = NULL;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recvfrom(dns_fd, q, sizeof q, 0, (struct sockaddr *)&from, &flen);
		if (n < 12 || !read_qname(q, (size_t)n, 12, name, sizeof name, &qend))
			continue;
		qtype = (unsigned)q[qend] << 8 | q[qend + 1];
		for (i = 0; i < sizeof records / sizeof records[0]; i++)
			if (strcasecmp(records[i].name, name) == 0)
				rec = &records[i];
		if (rec != NULL && rec->silent)
			continue;
		/* the header and the question, as asked */
		rlen = qend + 4;
		memcpy(r, q, rlen);
		r[2] = 0x84 | (q[2] & 0x01);	/* a response, authoritative, RD as asked */
		r[3] = rec == NULL || rec->a == NULL ? 3 : 0;	/* NXDOMAIN, or no error */
		r[4] = 0, r[5] = 1;				/* one question */
		r[6] = r[7] = r[8] = r[9] = r[10] = r[11] = 0;	/* no records yet */
		if (rec != NULL && rec->a != NULL && qtype == 1) {
			static const unsigned char rr[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4 };

			memcpy(r + rlen, rr, sizeof rr);
			rlen += sizeof rr;
			ck_assert_int_eq(inet_pton(AF_INET, rec->a, r + rlen), 1);
			rlen += 4;
			r[7] = 1;	/* one answer; AAAA: none (no data) */
		}
		(void)sendto(dns_fd, r, rlen, 0, (struct sockaddr *)&from, flen);
	}
	return NULL;
}

static pthread_t dns_thread;
static char dns_addr[32];

static void
dns_start(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(dns_fd = socket(AF_INET, SOCK_DGRAM, 0), 0);
	ck_assert_int_eq(bind(dns_fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(getsockname(dns_fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(dns_addr, sizeof dns_addr, "127.0.0.1:%u", ntohs(sin.sin_port));
	dns_stop = false;
	ck_assert_int_eq(pthread_create(&dns_thread, NULL, dns_server, NULL), 0);
}

static void
dns_end(void)
{
	dns_stop = true;
	pthread_join(dns_thread, NULL);
	close(dns_fd);
}

/* verify_list on the list text; its report into out (static), its counts into *sum. */
static enum verify_result
verify(const char *text, unsigned timeout_ms, const char **out, struct verify_summary *sum)
{
	static char report[4096];
	struct verify_options o = { dns_addr, timeout_ms };
	struct allowlist *al;
	enum verify_result r;
	FILE *in = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	FILE *f = fmemopen(report, sizeof report, "w");

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(f);
	al = listfile_read(in, "t.conf", stderr, NULL);
	fclose(in);
	ck_assert_ptr_nonnull(al);
	r = verify_list(al, &o, f, sum);
	ck_assert_int_eq(fclose(f), 0);
	allowlist_free(al);
	*out = report;
	return r;
}

START_TEST(every_finding)
{
	struct verify_summary sum;
	const char *out;

	ck_assert_int_eq(verify("host in.kpoint.example out.kpoint.example gone.kpoint.example\n"
	    "net 10.1.0.0/16 10.9.0.0/16\nport 443\n", 5000, &out, &sum), VERIFY_DRIFT);
	ck_assert_str_eq(out,
	    "missing  gone.kpoint.example (Domain name not found)\n"
	    "ok       in.kpoint.example 10.1.0.5\n"
	    "moved    out.kpoint.example 192.0.2.7 (outside every listed net)\n"
	    "unused   net 10.9.0.0/16 (no listed host resolves into it)\n"
	    "summary: 3 hosts: 1 ok, 1 moved, 1 missing, 0 not checked; 2 nets: 1 unused; drift\n");
	ck_assert_uint_eq(sum.ok, 1);
	ck_assert_uint_eq(sum.moved, 1);
	ck_assert_uint_eq(sum.missing, 1);
	ck_assert_uint_eq(sum.error, 0);
	ck_assert_uint_eq(sum.nets, 2);
	ck_assert_uint_eq(sum.unused, 1);
	ck_assert_int_eq(sum.result, VERIFY_DRIFT);
}
END_TEST

START_TEST(all_good)
{
	struct verify_summary sum;
	const char *out;

	ck_assert_int_eq(verify("host in.kpoint.example in2.kpoint.example\nnet 10.1.0.0/16\n",
	    5000, &out, &sum), VERIFY_OK);
	ck_assert_str_eq(out, "ok       in.kpoint.example 10.1.0.5\n"
	    "ok       in2.kpoint.example 10.1.7.7\n"
	    "summary: 2 hosts: 2 ok, 0 moved, 0 missing, 0 not checked; 1 nets: 0 unused; "
	    "all good\n");
	ck_assert_int_eq(sum.result, VERIFY_OK);
}
END_TEST

START_TEST(only_missing_is_drift)
{
	struct verify_summary sum;
	const char *out;

	ck_assert_int_eq(verify("host in.kpoint.example gone.kpoint.example\nnet 10.1.0.0/16\n",
	    5000, &out, &sum), VERIFY_DRIFT);
	ck_assert_ptr_nonnull(strstr(out, "summary: 2 hosts: 1 ok, 0 moved, 1 missing, 0 not "
	    "checked; 1 nets: 0 unused; drift\n"));
	ck_assert_int_eq(sum.result, VERIFY_DRIFT);
}
END_TEST

START_TEST(no_answer_cannot_check)
{
	struct verify_summary sum;
	const char *out;

	/* one host unanswered: could not check, and the nets are not judged */
	ck_assert_int_eq(verify("host in.kpoint.example slow.kpoint.example\n"
	    "net 10.1.0.0/16 10.9.0.0/16\n", 600, &out, &sum), VERIFY_FAILED);
	ck_assert_ptr_nonnull(strstr(out, "\nerror    slow.kpoint.example (DNS: "));
	ck_assert_ptr_null(strstr(out, "unused   net"));
	ck_assert_ptr_nonnull(strstr(out, "summary: 2 hosts: 1 ok, 0 moved, 0 missing, 1 not "
	    "checked; 2 nets: (not judged) 0 unused; could not check\n"));
	ck_assert_uint_eq(sum.error, 1);
	ck_assert_int_eq(sum.result, VERIFY_FAILED);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("findings");

	tcase_add_checked_fixture(tc, dns_start, dns_end);
	tcase_add_test(tc, every_finding);
	tcase_add_test(tc, all_good);
	tcase_add_test(tc, only_missing_is_drift);
	tcase_add_test(tc, no_answer_cannot_check);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
