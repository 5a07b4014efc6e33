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

#include <stdbool.h>

#include "allowlist.h"
#include "mediatype.h"
#include "request.h"

enum verdict {
	VERDICT_OTHER,		/* not kPoint traffic */
	VERDICT_ALLOW,		/* kPoint, every known check passed */
	VERDICT_DENY_PORT,	/* kPoint, port not listed */
	VERDICT_DENY_TYPE,	/* kPoint, content type not listed */
	VERDICT_FAIL		/* a matcher failed: never an allow */
};

/* What a request says of its content type. */
enum type_seen {
	TYPE_NOT_NEEDED,	/* none sent, and no server address: the request side */
	TYPE_NOT_SENT,		/* the reply side (server address known) sent none */
	TYPE_SENT		/* sent: type_status says how it reads */
};

/* The decision and what it rests on; decision_match and decision_type render it as text. */
struct decision {
	enum verdict		 verdict;
	bool			 matched;	/* an entry made it kPoint */
	struct allowlist_entry	 match;		/* that entry, when matched */
	unsigned		 port;		/* 0: unknown */
	enum type_seen		 type_seen;
	enum mediatype_status	 type_status;	/* when TYPE_SENT */
	char			 type[MEDIATYPE_MAX + 1];	/* TYPE_SENT and MEDIATYPE_OK: the
							   media type, lower case */
};

/* The word for a verdict in logs: "allow", "port", "type", "error", "other". */
const char *verdict_name(enum verdict v);

/*
 * The entry d matched, as answers and logs name it (listing_entry_name; "" when none did), into
 * buf as snprintf would; returns the whole length, so that a caller sees when it did not fit.
 */
size_t decision_match(const struct decision *d, char *buf, size_t size);

/*
 * d's content type as answers and logs show it: the media type, "(none)" from a reply that sent
 * none, "(empty)", "(too long)", "(invalid)"; "" when not needed.
 */
const char *decision_type(const struct decision *d);

/*
 * Decide req against al. Returns 0, or -1 with *errstr set to a static message when a field
 * Squid never sends in that form (a port that is not 1-65535, an ip that is not an address)
 * makes the request unreadable.
 */
int policy_decide(const struct allowlist *al, const struct request *req, struct decision *d,
    const char **errstr);

#endif
