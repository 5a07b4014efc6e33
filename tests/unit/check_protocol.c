/*
 * Unit tests for the protocol loop's parts: linereader over a pipe (partial reads, over-long
 * lines drained with bounded memory), answer wording, reply quoting and batching, Nagle off on
 * a TCP stdout.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "answer.h"
#include "check_main.h"
#include "linereader.h"
#include "listfile.h"
#include "source.h"

/* Read everything available (non-blocking) from fd into a NUL-terminated static buffer. */
static const char *
drain(int fd)
{
	static char buf[1 << 16];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return buf;
}

static int
nonblocking_pipe(int p[2])
{
	if (pipe(p) == -1)
		return -1;
	return fcntl(p[0], F_SETFL, O_NONBLOCK);
}

START_TEST(lines_across_reads)
{
	int p[2];
	struct linereader *lr;
	char *line;
	size_t len;

	ck_assert_int_eq(pipe(p), 0);
	lr = linereader_new(p[0]);
	ck_assert_int_eq(linereader_next(lr, &line, &len), LINE_NONE);
	ck_assert_int_eq(write(p[1], "1 a.b 80 - -\n2 c", 16), 16);
	ck_assert_int_gt(linereader_fill(lr), 0);
	ck_assert_int_eq(linereader_next(lr, &line, &len), LINE_OK);
	ck_assert_uint_eq(len, 12);
	ck_assert(memcmp(line, "1 a.b 80 - -", 12) == 0);
	ck_assert_int_eq(linereader_next(lr, &line, &len), LINE_NONE);
	ck_assert_int_eq(write(p[1], ".d 80 - -\n3 tail", 16), 16);
	ck_assert_int_gt(linereader_fill(lr), 0);
	ck_assert_int_eq(linereader_next(lr, &line, &len), LINE_OK);
	ck_assert(len == 12 && memcmp(line, "2 c.d 80 - -", 12) == 0);
	close(p[1]);
	ck_assert_int_eq(linereader_fill(lr), 0);
	ck_assert_int_eq(linereader_rest(lr, &line, &len), LINE_OK);	/* no '\n' at EOF */
	ck_assert(len == 6 && memcmp(line, "3 tail", 6) == 0);
	ck_assert_int_eq(linereader_rest(lr, &line, &len), LINE_NONE);
	linereader_free(lr);
	close(p[0]);
}
END_TEST

START_TEST(over_long_line_is_drained)
{
	int p[2];
	struct linereader *lr;
	char *line, *big;
	size_t len, total = 3 * LINE_MAX_BYTES, off = 0;
	int got_long = 0, got_next = 0;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	lr = linereader_new(p[0]);
	big = malloc(total + 32);
	memset(big, 'x', total);
	memcpy(big, "77 ", 3);
	memcpy(big + total, "\n8 a.b 80 - -\n", 14);
	total += 14;
	/* Feed and read in turn: the pipe holds less than the whole input. */
	while (!got_next) {
		enum line_status s;
		ssize_t w = off < total ? write(p[1], big + off, total - off) : 0;

		if (w > 0)
			off += (size_t)w;
		if (off == total)
			close(p[1]), off++;
		ck_assert_int_ge(linereader_fill(lr), 0);
		while ((s = linereader_next(lr, &line, &len)) != LINE_NONE) {
			if (s == LINE_TOO_LONG) {
				ck_assert_uint_eq(len, LINE_PREFIX_BYTES);
				ck_assert(memcmp(line, "77 xxx", 6) == 0);
				got_long++;
			} else {
				ck_assert_int_eq(got_long, 1);
				ck_assert(len == 12 && memcmp(line, "8 a.b 80 - -", 12) == 0);
				got_next++;
			}
		}
	}
	free(big);
	linereader_free(lr);
	close(p[0]);
}
END_TEST

static struct answerer a;
static struct source *src;
static int out[2];

static void
setup(void)
{
	const char *errstr;

	memset(&a, 0, sizeof a);
	ck_assert_int_eq(nonblocking_pipe(out), 0);
	ck_assert_int_eq(fieldspec_parse(FIELDS_DEFAULT, &a.spec, &errstr), 0);
	a.src = src = source_builtin();
	source_load(src);
	ck_assert_ptr_nonnull(source_list(src));
	a.out = writer_new(out[1]);
}

static void
teardown(void)
{
	source_free(src);
	writer_free(a.out);
	close(out[0]);
	close(out[1]);
}

static const char *
answer(const char *text)
{
	char buf[512];

	snprintf(buf, sizeof buf, "%s", text);
	ck_assert_int_eq(answer_line(&a, buf, strlen(buf)), 0);
	ck_assert_int_eq(writer_flush(a.out), 0);
	return drain(out[0]);
}

START_TEST(answers)
{
	ck_assert_str_eq(answer("1 mp001se.kpoint.com 443 - -"),
	    "1 OK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com\n");
	ck_assert_str_eq(answer("d1.cloudfront.net 443 - -"),
	    "OK kpoint_=1 log=kpoint-allow:*.cloudfront.net\n");
	ck_assert_str_eq(answer("2 www.example.com 443 - -"), "2 ERR\n");
	ck_assert_str_eq(answer("3 mp001se.kpoint.com 8080 - -"),
	    "3 ERR kpoint_=0 log=kpoint-deny:port message=\"kPoint traffic to port 8080 is not "
	    "allowed\"\n");
	ck_assert_str_eq(answer("4 a.kpoint.com 443 - text/\"x\"\\y"),
	    "4 ERR kpoint_=0 log=kpoint-scan:type message=\"kPoint content type text/\\\"x\\\"\\\\y "
	    "is not listed media: scanned\"\n");
	ck_assert_str_eq(answer("5 a.b 99999 - -"),
	    "5 BH message=\"port is not a number 1-65535\"\n");
	ck_assert_str_eq(answer("6"), "6 BH message=\"empty request\"\n");
	ck_assert_uint_eq(a.counters.requests, 7);
	ck_assert_uint_eq(a.counters.ok, 2);
	ck_assert_uint_eq(a.counters.err, 3);
	ck_assert_uint_eq(a.counters.bh, 2);
	ck_assert_uint_eq(a.counters.denied[VERDICT_DENY_PORT], 1);
	ck_assert_uint_eq(a.counters.denied[VERDICT_DENY_TYPE], 1);
}
END_TEST

/* A list file in a directory of its own (dir, path: 64 bytes each), from text. */
static void
list_file(char *dir, char *path, const char *text)
{
	FILE *f;

	snprintf(dir, 64, "/tmp/check_protocol.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, 64, "%s/k.conf", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The entry an answer names is whole, however long: a regex of 600 characters. */
START_TEST(long_match_named_whole)
{
	char dir[64], path[64], re[700], text[800], want[900];

	memset(re, 'y', 600);
	memcpy(re, "^axxxx(", 7);
	memcpy(re + 596, ")?$", 4);
	snprintf(text, sizeof text, "port 443\nregex %s\n", re);
	list_file(dir, path, text);
	source_free(src);
	a.src = src = source_file(path);
	source_load(src);
	unlink(path);
	rmdir(dir);
	ck_assert_ptr_nonnull(source_list(src));
	snprintf(want, sizeof want, "5 OK kpoint_=1 log=\"kpoint-allow:regex:%s\"\n", re);
	ck_assert_str_eq(answer("5 axxxx 443 - -"), want);
}
END_TEST

START_TEST(fail_closed)
{
	char dir[64], path[64], want[256];

	/* a list file that does not load: no list in force, and the answer says why */
	list_file(dir, path, "port 443\nhost mp001se.kpoint.com\nbad\n");
	source_free(src);
	a.src = src = source_file(path);
	source_load(src);
	unlink(path);
	rmdir(dir);
	ck_assert_ptr_null(source_list(src));
	snprintf(want, sizeof want, "9 ERR log=kpoint-failclosed message=\"allowlist not loaded: "
	    "%s:3: unknown directive 'bad' (expected host, domain, regex, net, port or type)\"\n",
	    path);
	ck_assert_str_eq(answer("9 mp001se.kpoint.com 443 - -"), want);
	ck_assert_uint_eq(a.counters.failclosed, 1);
	ck_assert_uint_eq(a.counters.ok, 0);
}
END_TEST

START_TEST(too_long)
{
	ck_assert_int_eq(answer_too_long(&a, "12 xxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 32), 0);
	ck_assert_int_eq(answer_too_long(&a, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 32), 0);
	/* digits to the end of the prefix may be a cut ID: not echoed */
	ck_assert_int_eq(answer_too_long(&a, "12345678901234567890123456789012", 32), 0);
	ck_assert_int_eq(writer_flush(a.out), 0);
	ck_assert_str_eq(drain(out[0]),
	    "12 BH message=\"request line longer than 65536 bytes\"\n"
	    "BH message=\"request line longer than 65536 bytes\"\n"
	    "BH message=\"request line longer than 65536 bytes\"\n");
}
END_TEST

START_TEST(batched_until_flush)
{
	char buf[64];
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(buf, sizeof buf, "%d www.example.com 80 - -", i + 1);
		ck_assert_int_eq(answer_line(&a, buf, strlen(buf)), 0);
	}
	ck_assert_str_eq(drain(out[0]), "");		/* nothing written before the flush */
	ck_assert_uint_gt(writer_pending(a.out), 0);
	ck_assert_int_eq(writer_flush(a.out), 0);
	ck_assert_uint_eq(strlen(drain(out[0])), 9 * 6 + 90 * 7 + 8);
}
END_TEST

START_TEST(write_error_reported)
{
	int p[2];
	struct writer *r;

	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	r = writer_new(p[1]);
	signal(SIGPIPE, SIG_IGN);
	writer_begin(r, NULL, 0, "OK");
	ck_assert_int_eq(writer_end(r), 0);
	ck_assert_int_eq(writer_flush(r), -1);
	ck_assert_int_eq(errno, EPIPE);
	writer_free(r);
	close(p[1]);
}
END_TEST

static int
nodelay_of(int fd)
{
	int v = -1;
	socklen_t len = sizeof v;

	ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len), 0);
	return v;
}

/* Squid 5.7's transport to external ACL helpers is TCP on loopback; others are left alone. */
START_TEST(nodelay_on_tcp_only)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof sin;
	int p[2], sp[2], ls, c, s;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(writer_nodelay(p[1]), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	ck_assert_int_eq(writer_nodelay(sp[0]), 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(ls = socket(AF_INET, SOCK_STREAM, 0), 0);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(listen(ls, 1), 0);
	ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&sin, &len), 0);
	ck_assert_int_ge(c = socket(AF_INET, SOCK_STREAM, 0), 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_ge(s = accept(ls, NULL, NULL), 0);
	ck_assert_int_eq(nodelay_of(s), 0);		/* Nagle is on by default */
	ck_assert_int_eq(writer_nodelay(s), 0);
	ck_assert_int_ne(nodelay_of(s), 0);
	ck_assert_int_eq(nodelay_of(c), 0);		/* only the helper's own end */

	close(s);
	ck_assert_int_eq(writer_nodelay(s), -1);		/* a closed descriptor is an error */
	ck_assert_int_eq(errno, EBADF);
	close(c);
	close(ls);
	close(sp[0]);
	close(sp[1]);
	close(p[0]);
	close(p[1]);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("protocol");
	TCase *lines = tcase_create("linereader"), *ans = tcase_create("answer");

	tcase_add_test(lines, lines_across_reads);
	tcase_add_test(lines, over_long_line_is_drained);
	tcase_add_checked_fixture(ans, setup, teardown);
	tcase_add_test(ans, answers);
	tcase_add_test(ans, fail_closed);
	tcase_add_test(ans, long_match_named_whole);
	tcase_add_test(ans, too_long);
	tcase_add_test(ans, batched_until_flush);
	tcase_add_test(ans, write_error_reported);
	tcase_add_test(ans, nodelay_on_tcp_only);
	suite_add_tcase(s, lines);
	suite_add_tcase(s, ans);
	return s;
}
