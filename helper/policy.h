/*
 * policy: the decision for one request against the list in force. No I/O. A request is kPoint
 * traffic when its host matches a host, domain or regex entry, or its host is an IP literal in a
 * listed net, or its server address (ip field) is in a listed net. kPoint traffic passes only if
 * its port (when known) is listed and, on the reply side (the server address is known), its
 * content type is sent and listed (parameters ignored). A type sent without a server address
 * must be listed too.
 */
#ifndef KP_POLICY_H
#define KP_POLICY_H

#include "allowlist.h"
#include "request.h"

enum verdict {
	VERDICT_OTHER,		/* not kPoint traffic */
	VERDICT_ALLOW,		/* kPoint, every known check passed */
	VERDICT_DENY_PORT,	/* kPoint, port not listed */
	VERDICT_DENY_TYPE,	/* kPoint, content type not listed */
	VERDICT_FAIL		/* a matcher failed: never an allow */
};

struct decision {
	enum verdict	verdict;
	char		match[320];	/* the entry that made it kPoint: ".kpoint.com", "net:1.2.3.4/32" */
	unsigned	port;		/* 0: unknown */
	char		type[128];	/* normalised content type; "" when unknown and not needed,
					   "(none)" when the reply side sent none */
};

/* The word for a verdict in logs: "allow", "port", "type", "error", "other". */
const char *verdict_name(enum verdict v);

/*
 * Decide req against al. Returns 0, or -1 with *errstr set to a static message when a field
 * Squid never sends in that form (a port that is not 1-65535, an ip that is not an address)
 * makes the request unreadable.
 */
int policy_decide(const struct allowlist *al, const struct request *req, struct decision *d,
    const char **errstr);

#endif
