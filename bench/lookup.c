/*
 * lookup: cost of a lookup against the size of the list, for the benchmark.
 *   lookup builtin        the built-in kPoint list
 *   lookup N              the built-in list plus N generated entries: 40% exact hosts,
 *                         20% .domains, 20% *.domains, 5% globs, 15% IPv4/IPv6 networks
 * Prints one line: entries, load time (parse and build), time per query (parse the request
 * line and decide, over a fixed stream of 1,000,000 queries that is the same for every list),
 * and the process's peak RSS. Run it once per size: peak RSS is per process.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "allowlist.h"
#include "listfile.h"
#include "defaults.h"
#include "policy.h"
#include "request.h"

#define QUERIES		1000000
#define POOL		20000

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A small fast PRNG so that lists and queries are the same in every run. */
static uint64_t rng = 88172645463325252ULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* The list as a file, read back the way the helper reads one (line by line, not in memory). */
static FILE *
make_list(size_t n)
{
	FILE *f = tmpfile();
	size_t i;

	if (f == NULL)
		return NULL;

	fputs(kpoint_builtin_list, f);
	for (i = 0; i < n; i++) {
		unsigned k = (unsigned)(i % 20);

		if (k < 8)
			fprintf(f, "host h%zu.s%zu.example\n", i, i % 9973);
		else if (k < 12)
			fprintf(f, "domain .d%zu.example\n", i);
		else if (k < 16)
			fprintf(f, "domain *.e%zu.example\n", i);
		else if (k < 17)
			fprintf(f, "domain cdn*.g%zu.example\n", i);
		else if (k < 19)
			fprintf(f, "net 10.%zu.%zu.0/24\n", (i / 256) % 256, i % 256);
		else
			fprintf(f, "net 2001:db8:%zx:%zx::/64\n", (i >> 16) & 0xffff, i & 0xffff);
	}
	if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	return f;
}

int
main(int argc, char *argv[])
{
	size_t n = 0, i, qlen[POOL];
	char *pool[POOL], buf[256];
	struct allowlist *al;
	struct fieldspec spec;
	struct request req;
	struct decision d;
	struct rusage ru;
	const char *errstr;
	double t0, t_load, t_query;
	unsigned long hits = 0;
	FILE *in;

	if (argc != 2) {
		fprintf(stderr, "usage: lookup builtin | lookup N\n");
		return 2;
	}
	if (strcmp(argv[1], "builtin") != 0)
		n = strtoul(argv[1], NULL, 10);
	if ((in = make_list(n)) == NULL) {
		perror("lookup: temporary list file");
		return 1;
	}
	t0 = now();
	al = listfile_read(in, "generated", stderr, NULL);
	t_load = now() - t0;
	fclose(in);
	if (al == NULL || fieldspec_parse(FIELDS_DEFAULT, &spec, &errstr) == -1)
		return 1;

	/* The query stream: mostly other sites, some kPoint/CloudFront, some list entries. */
	for (i = 0; i < POOL; i++) {
		unsigned k = rnd() % 100, v = rnd() % 200000;

		if (k < 80)
			snprintf(buf, sizeof buf, "%zu www.site%u.example 443 - -", i, v);
		else if (k < 85)
			snprintf(buf, sizeof buf, "%zu mp00%use.kpoint.com 443 - -", i, 1 + v % 9);
		else if (k < 90)
			snprintf(buf, sizeof buf, "%zu d%u.cloudfront.net 443 - video/mp4", i, v);
		else if (k < 93)
			snprintf(buf, sizeof buf, "%zu x.d%u.example 80 - -", i, v);
		else if (k < 96)
			snprintf(buf, sizeof buf, "%zu cdn7.g%u.example 80 - -", i, v);
		else
			snprintf(buf, sizeof buf, "%zu - 443 10.%u.%u.9 -", i, v % 256, rnd() % 256);
		pool[i] = strdup(buf);
		qlen[i] = strlen(buf);
	}
	t0 = now();
	for (i = 0; i < QUERIES; i++) {
		size_t j = i % POOL;

		memcpy(buf, pool[j], qlen[j] + 1);
		if (request_parse(buf, qlen[j], &spec, &req, &errstr) == 0 &&
		    policy_decide(al, &req, &d, &errstr) == 0 && d.verdict == VERDICT_ALLOW)
			hits++;
	}
	t_query = now() - t0;
	getrusage(RUSAGE_SELF, &ru);
	printf("entries=%zu load_ms=%.1f query_ns=%.1f peak_rss_mb=%.1f allowed=%lu\n",
	    n + 39, t_load * 1e3, t_query * 1e9 / QUERIES, (double)ru.ru_maxrss / 1024, hits);
	for (i = 0; i < POOL; i++)
		free(pool[i]);
	allowlist_free(al);
	return 0;
}
