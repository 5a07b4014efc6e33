/*
 * explain: the one-shot "why" for operators (ext_kpoint_acl --explain): what the list in force
 * and the shipped snippets make of one request. It builds the line Squid would send and runs
 * the helper's own parser and decision (request_parse, policy_decide): no second
 * implementation of either.
 */
#ifndef KP_EXPLAIN_H
#define KP_EXPLAIN_H

#include <stdio.h>

#include "allowlist.h"

/* What is known of the request; NULL for what was not given. */
struct explain_query {
	const char	*target;	/* a host, an IP address or a URL (http:// or https://) */
	const char	*port;		/* overrides the URL's port */
	const char	*ip;		/* the server address Squid connected to */
	const char	*type;		/* the reply's Content-Type */
};

/* How explain's verdict came out; also the exit status of --explain. */
enum explain_result {
	EXPLAIN_ALLOWED = 0,	/* kPoint, and Squid allows it */
	EXPLAIN_NOT_ALLOWED = 1,	/* not kPoint (the site's own rules decide), or refused */
	EXPLAIN_BAD_INPUT = 2	/* the query cannot be a request; *errstr says why */
};

/*
 * Write to out, a few labelled lines, what Squid does with q under the shipped snippets: is it
 * kPoint and by which entry, allowed or refused and why, scanned or not each way, and what
 * SslBump does with it. source names the list in the output.
 */
enum explain_result explain_print(const struct allowlist *al, const struct explain_query *q,
    FILE *out, const char **errstr);

#endif
