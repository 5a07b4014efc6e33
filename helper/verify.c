/* verify: the list's host entries resolved against its networks (see verify.h). */
#include "config.h"

#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>

#include "cidr.h"
#include "listing.h"
#include "verify.h"
#include "xalloc.h"

#define ADDRS_MAX	32	/* addresses shown per host; more are judged and counted */

enum finding {
	FINDING_PENDING,	/* no answer yet */
	FINDING_OK,
	FINDING_MOVED,
	FINDING_MISSING,
	FINDING_ERROR
};

struct host {
	const char	*name;		/* the list's own text */
	enum finding	 finding;
	const char	*why;		/* for FINDING_ERROR and FINDING_MISSING: c-ares' message */
	struct cidr	 addr[ADDRS_MAX];
	bool		 outside[ADDRS_MAX];
	size_t		 naddr;		/* kept in addr, at most ADDRS_MAX */
	size_t		 nmore;		/* judged but not kept */
	size_t		 nmore_outside;	/* of those, outside every listed net */
};

struct run {
	const struct allowlist	*al;
	struct cidrset		*used;		/* the listed nets some host resolved into */
};

struct query {
	struct run	*run;
	struct host	*host;
};

static void
answered(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct query *q = arg;
	struct host *h = q->host;
	struct ares_addrinfo_node *n;

	(void)timeouts;
	if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {
		h->finding = FINDING_MISSING;
		h->why = ares_strerror(status);
	} else if (status != ARES_SUCCESS) {
		h->finding = FINDING_ERROR;
		h->why = ares_strerror(status);
	} else {
		h->finding = FINDING_OK;
		for (n = res->nodes; n != NULL; n = n->ai_next) {
			struct allowlist_entry hit;
			struct cidr a;
			bool outside;

			memset(&a, 0, sizeof a);
			if (n->ai_family == AF_INET) {
				a.af = 4;
				a.len = 32;
				memcpy(a.addr, &((struct sockaddr_in *)(void *)n->ai_addr)->sin_addr, 4);
			} else if (n->ai_family == AF_INET6) {
				a.af = 6;
				a.len = 128;
				memcpy(a.addr, &((struct sockaddr_in6 *)(void *)n->ai_addr)->sin6_addr,
				    16);
			} else
				continue;
			if (!(outside = !allowlist_match_addr(q->run->al, &a, &hit)))
				cidrset_add(q->run->used, &hit.net);
			else
				h->finding = FINDING_MOVED;
			if (h->naddr < ADDRS_MAX) {
				h->addr[h->naddr] = a;
				h->outside[h->naddr++] = outside;
			} else {
				h->nmore++;
				h->nmore_outside += outside;
			}
		}
		if (h->naddr == 0) {
			h->finding = FINDING_MISSING;
			h->why = "no address";
		}
	}
	if (res != NULL)
		ares_freeaddrinfo(res);
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Run the channel until every query has its answer or the deadline passes (then cancel). */
static void
wait_all(ares_channel ch, unsigned timeout_ms)
{
	struct timespec t0;
	long left;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		fd_set r, w;
		struct timeval max, tv, *tvp;
		int nfds;

		FD_ZERO(&r);
		FD_ZERO(&w);
		if ((nfds = ares_fds(ch, &r, &w)) == 0)
			return;
		if ((left = (long)timeout_ms - ms_since(&t0)) <= 0) {
			ares_cancel(ch);	/* every query still open answers ARES_ECANCELLED */
			return;
		}
		max.tv_sec = left / 1000;
		max.tv_usec = (left % 1000) * 1000;
		tvp = ares_timeout(ch, &max, &tv);
		if (select(nfds, &r, &w, NULL, tvp) == -1 && errno != EINTR)
			return;
		ares_process(ch, &r, &w);
	}
}

static void
put_addrs(const struct host *h, bool outside_only, FILE *out)
{
	char text[CIDR_TEXT_MAX];
	size_t i;

	for (i = 0; i < h->naddr; i++) {
		if (outside_only && !h->outside[i])
			continue;
		if (h->addr[i].af == 4)
			inet_ntop(AF_INET, h->addr[i].addr, text, sizeof text);
		else
			inet_ntop(AF_INET6, h->addr[i].addr, text, sizeof text);
		fprintf(out, " %s", text);
	}
	if (outside_only ? h->nmore_outside > 0 : h->nmore > 0)
		fprintf(out, " (and %zu more)", outside_only ? h->nmore_outside : h->nmore);
}

enum verify_result
verify_list(const struct allowlist *al, const struct verify_options *o, FILE *out,
    struct verify_summary *sum)
{
	struct ares_options opts;
	struct ares_addrinfo_hints hints;
	ares_channel ch = NULL;
	struct run run = { al, cidrset_new() };
	struct host *hosts;
	struct query *queries;
	struct listing l;
	size_t nhosts = 0, i, count[FINDING_ERROR + 1] = { 0 }, nnets = 0, unused = 0;
	enum verify_result result;
	int rc;

	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		fprintf(out, "error    c-ares: %s\n", ares_strerror(rc));
		cidrset_free(run.used);
		return VERIFY_FAILED;
	}
	memset(&opts, 0, sizeof opts);
	opts.flags = ARES_FLAG_NOSEARCH;	/* the names are absolute */
	opts.lookups = (char *)"b";		/* DNS only: never /etc/hosts */
	opts.timeout = (int)(o->timeout_ms / 3 > 0 ? o->timeout_ms / 3 : 1);
	opts.tries = 2;
	rc = ares_init_options(&ch, &opts, ARES_OPT_FLAGS | ARES_OPT_LOOKUPS | ARES_OPT_TIMEOUTMS |
	    ARES_OPT_TRIES);
	if (rc == ARES_SUCCESS && o->server != NULL)
		rc = ares_set_servers_ports_csv(ch, o->server);
	if (rc != ARES_SUCCESS) {
		fprintf(out, "error    DNS set-up%s%s: %s\n", o->server != NULL ? " for " : "",
		    o->server != NULL ? o->server : "", ares_strerror(rc));
		if (ch != NULL)
			ares_destroy(ch);
		ares_library_cleanup();
		cidrset_free(run.used);
		return VERIFY_FAILED;
	}
	listing_make(al, LISTING_KIND(ENTRY_HOST) | LISTING_KIND(ENTRY_NET), &l);
	hosts = xcalloc(l.n + 1, sizeof *hosts);
	queries = xcalloc(l.n + 1, sizeof *queries);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;		/* A and AAAA */
	hints.ai_flags = ARES_AI_NOSORT;	/* no probing connects to sort the answers */
	for (i = 0; i < l.n; i++) {
		if (l.item[i].entry.kind != ENTRY_HOST)
			continue;
		hosts[nhosts].name = l.item[i].entry.text;
		queries[nhosts] = (struct query){ &run, &hosts[nhosts] };
		ares_getaddrinfo(ch, hosts[nhosts].name, NULL, &hints, answered, &queries[nhosts]);
		nhosts++;
	}
	wait_all(ch, o->timeout_ms);
	ares_destroy(ch);
	ares_library_cleanup();

	for (i = 0; i < nhosts; i++) {
		const struct host *h = &hosts[i];

		switch (h->finding) {
		case FINDING_OK:
			fprintf(out, "ok       %s", h->name);
			put_addrs(h, false, out);
			fprintf(out, "\n");
			break;
		case FINDING_MOVED:
			fprintf(out, "moved    %s", h->name);
			put_addrs(h, true, out);
			fprintf(out, " (outside every listed net)\n");
			break;
		case FINDING_MISSING:
			fprintf(out, "missing  %s (%s)\n", h->name, h->why);
			break;
		case FINDING_PENDING:	/* cancelled before it was asked: cannot happen, but say so */
		case FINDING_ERROR:
			fprintf(out, "error    %s (DNS: %s)\n", h->name,
			    h->why != NULL ? h->why : "no answer");
			break;
		}
		count[h->finding == FINDING_PENDING ? FINDING_ERROR : h->finding]++;
	}
	for (i = 0; i < l.n; i++) {	/* the list's order: sorted */
		if (l.item[i].entry.kind != ENTRY_NET)
			continue;
		nnets++;
		if (count[FINDING_ERROR] > 0 || cidrset_has(run.used, &l.item[i].entry.net))
			continue;	/* used, or not judged: some host went unanswered */
		fprintf(out, "unused   %s (no listed host resolves into it)\n", l.item[i].line);
		unused++;
	}
	result = count[FINDING_ERROR] > 0 ? VERIFY_FAILED :
	    count[FINDING_MOVED] + count[FINDING_MISSING] + unused > 0 ? VERIFY_DRIFT : VERIFY_OK;
	fprintf(out, "summary: %zu hosts: %zu ok, %zu moved, %zu missing, %zu not checked; "
	    "%zu nets: %s%zu unused; %s\n", nhosts, count[FINDING_OK], count[FINDING_MOVED],
	    count[FINDING_MISSING], count[FINDING_ERROR], nnets,
	    count[FINDING_ERROR] > 0 ? "(not judged) " : "", unused,
	    result == VERIFY_OK ? "all good" : result == VERIFY_DRIFT ? "drift" :
	    "could not check");
	if (sum != NULL)
		*sum = (struct verify_summary){ count[FINDING_OK], count[FINDING_MOVED],
		    count[FINDING_MISSING], count[FINDING_ERROR], nnets, unused, result,
		    time(NULL) };
	listing_free(&l);
	free(hosts);
	free(queries);
	cidrset_free(run.used);
	return result;
}
