/* explain: one request, explained against the list and the shipped snippets (see explain.h). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "answer.h"
#include "explain.h"
#include "listing.h"
#include "policy.h"
#include "request.h"
#include "xalloc.h"

/* The host and port of a target; host and port point into buf. Returns 0 or -1. */
static int
split_target(const char *target, char *buf, size_t size, const char **host, const char **port,
    const char **errstr)
{
	char *p, *end, *at, *colon;
	const char *dflt = NULL;

	if (strlen(target) >= size) {
		*errstr = "target too long";
		return -1;
	}
	if (strncasecmp(target, "http://", 7) == 0) {
		target += 7;
		dflt = "80";
	} else if (strncasecmp(target, "https://", 8) == 0) {
		target += 8;
		dflt = "443";
	}
	strcpy(buf, target);
	if (dflt != NULL) {
		buf[strcspn(buf, "/?#")] = '\0';	/* the authority */
		if ((at = strrchr(buf, '@')) != NULL)
			memmove(buf, at + 1, strlen(at + 1) + 1);
	}
	p = buf;
	*port = dflt;
	if (*p == '[') {
		if ((end = strchr(p, ']')) == NULL) {
			*errstr = "an IPv6 address in brackets has no ']'";
			return -1;
		}
		if (end[1] == ':')
			*port = end + 2;
		else if (end[1] != '\0') {
			*errstr = "text after the ']' of an IPv6 address";
			return -1;
		}
		end[1] = '\0';
	} else if ((colon = strchr(p, ':')) != NULL && strchr(colon + 1, ':') == NULL) {
		*colon = '\0';	/* host:port; more colons make a bare IPv6 address */
		*port = colon + 1;
	}
	*host = p;
	if (*p == '\0' || strpbrk(p, " \t") != NULL) {
		*errstr = "no host in the target";
		return -1;
	}
	return 0;
}

/*
 * Append v as Squid would send it in a request line: "-" when unknown, escaped as Squid does.
 * Returns 0, or -1 if it does not fit (nothing is cut short: a cut field would be decided as
 * another request).
 */
static int
put_field(char *line, size_t size, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(line);

	if (n > 0)
		line[n++] = ' ';
	if (v == NULL || *v == '\0')
		v = "-";
	for (; *v != '\0'; v++) {
		unsigned char c = (unsigned char)*v;

		if (n + 4 > size)
			return -1;
		if (request_squid_escapes(c)) {
			line[n++] = '%';
			line[n++] = hex[c >> 4];
			line[n++] = hex[c & 15];
		} else
			line[n++] = (char)c;
	}
	line[n] = '\0';
	return 0;
}

/* Decide host port ip type as the helper would. Returns 0 or -1 (the line is unreadable). */
static int
decide(const struct allowlist *al, const char *host, const char *port, const char *ip,
    const char *type, struct decision *d, const char **errstr)
{
	struct fieldspec spec;
	struct request req;
	char line[2048] = "";

	if (fieldspec_parse(FIELDS_DEFAULT, &spec, errstr) == -1)
		return -1;
	if (put_field(line, sizeof line, host) == -1 || put_field(line, sizeof line, port) == -1 ||
	    put_field(line, sizeof line, ip) == -1 || put_field(line, sizeof line, type) == -1) {
		*errstr = "the request is longer than a line Squid would send here";
		return -1;
	}
	if (request_parse(line, strlen(line), &spec, &req, errstr) == -1)
		return -1;
	return policy_decide(al, &req, d, errstr);
}

/* The listed entries of the kinds in mask (see listing.h), as one line of words. */
static void
put_listed(const struct allowlist *al, unsigned kinds, FILE *out)
{
	struct listing l;
	size_t i;

	listing_make(al, kinds, &l);
	for (i = 0; i < l.n; i++)
		fprintf(out, " %s", l.item[i].value);
	listing_free(&l);
}

/* The entry d matched, as the answers name it; the caller frees it. */
static char *
match_of(const struct decision *d)
{
	size_t n = decision_match(d, NULL, 0);
	char *m = xmalloc(n + 1);

	(void)decision_match(d, m, n + 1);
	return m;
}

enum explain_result
explain_print(const struct allowlist *al, const struct explain_query *q, FILE *out,
    const char **errstr)
{
	char buf[1024];
	const char *host, *port;
	struct decision req, rep;
	char *match;
	bool https;

	if (split_target(q->target, buf, sizeof buf, &host, &port, errstr) == -1)
		return EXPLAIN_BAD_INPUT;
	if (q->port != NULL)
		port = q->port;
	if (decide(al, host, port, NULL, NULL, &req, errstr) == -1)
		return EXPLAIN_BAD_INPUT;
	fprintf(out, "request:  %s, port %s", host, port != NULL ? port : "not given");
	if (q->ip != NULL)
		fprintf(out, ", server address %s", q->ip);
	if (q->type != NULL)
		fprintf(out, ", Content-Type %s", q->type);
	fprintf(out, "\nlist:     %s\n", allowlist_source(al));
	if (req.verdict == VERDICT_OTHER || req.verdict == VERDICT_FAIL) {
		if (q->ip != NULL && decide(al, host, port, q->ip, q->type, &rep, errstr) == 0 &&
		    rep.verdict != VERDICT_OTHER && rep.verdict != VERDICT_FAIL) {
			char *m = match_of(&rep);

			fprintf(out, "kPoint:   not by its name; its server address is listed (%s)\n",
			    m);
			free(m);
			fprintf(out, "squid:    http_access: your own rules decide, and the request is "
			    "scanned (REQMOD)\n");
			fprintf(out, "reply:    scanned (RESPMOD): the exemption needs the note kpoint_=1 "
			    "that http_access sets for kPoint hosts, whatever the %s\n",
			    q->type != NULL ? "type" : "server address");
			return EXPLAIN_NOT_ALLOWED;
		}
		fprintf(out, "kPoint:   %s\n", req.verdict == VERDICT_FAIL ? "unknown: the pattern "
		    "matcher failed, so it is treated as any other site" : "no: no entry matches");
		fprintf(out, "squid:    not decided here: your own http_access rules apply, and the "
		    "scanner sees it both ways (REQMOD and RESPMOD)\n");
		return EXPLAIN_NOT_ALLOWED;
	}
	match = match_of(&req);
	fprintf(out, "kPoint:   yes, by the entry %s\n", match);
	free(match);
	if (req.verdict == VERDICT_DENY_PORT) {
		fprintf(out, "squid:    refused (403, \"http_access deny kpoint_denied\"): port %u is "
		    "not on the list (ports:", req.port);
		put_listed(al, LISTING_KIND(ENTRY_PORTS), out);
		fprintf(out, ")\nlog:      %s reason=%s\n", answer_effect(req.verdict),
		    verdict_name(req.verdict));
		return EXPLAIN_NOT_ALLOWED;
	}
	fprintf(out, "squid:    allowed (\"http_access allow localnet kpoint\"); the request is "
	    "not scanned (REQMOD skipped: note kpoint_=1)\n");
	if (q->type != NULL) {
		if (decide(al, host, port, q->ip != NULL ? q->ip : NULL, q->type, &rep, errstr) == -1)
			return EXPLAIN_BAD_INPUT;
		if (rep.verdict == VERDICT_ALLOW)
			fprintf(out, "reply:    %s is listed media: exempt from scanning (RESPMOD "
			    "skipped)\n", decision_type(&rep));
		else
			fprintf(out, "reply:    %s is not listed media: scanned (RESPMOD)\nlog:      "
			    "%s reason=%s\n", decision_type(&rep), answer_effect(rep.verdict),
			    verdict_name(rep.verdict));
	} else {
		fprintf(out, "reply:    exempt from scanning only if its Content-Type is one of");
		put_listed(al, LISTING_KIND(ENTRY_TYPE) | LISTING_KIND(ENTRY_TYPE_ANY), out);
		fprintf(out, "; any other reply, or one without a type, is scanned\n");
	}
	https = port != NULL && strcmp(port, "443") == 0;
	if (https || strncasecmp(q->target, "https://", 8) == 0)
		fprintf(out, "https:    with SslBump (squid-kpoint-sslbump.conf): spliced, never "
		    "decrypted or scanned, when the client's SNI is kPoint too (or it sends none to a "
		    "listed address); otherwise bumped and scanned\n");
	return EXPLAIN_ALLOWED;
}
