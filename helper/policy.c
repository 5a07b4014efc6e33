/* policy: the per-request decision (see policy.h). */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "hostname.h"
#include "listing.h"
#include "policy.h"

const char *
verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_ALLOW:
		return "allow";
	case VERDICT_DENY_PORT:
		return "port";
	case VERDICT_DENY_TYPE:
		return "type";
	case VERDICT_FAIL:
		return "error";
	case VERDICT_OTHER:
		break;
	}
	return "other";
}

static bool
match_addr(const struct allowlist *al, const struct cidr *addr, struct decision *d)
{
	if (!allowlist_match_addr(al, addr, &d->match))
		return false;
	d->matched = true;
	return true;
}

/* Is the request's host on the list? Returns 1, 0, or -1 when a pattern match failed. */
static int
match_host(const struct allowlist *al, const struct request_value *v, struct decision *d)
{
	const char *errstr;
	struct hostname name;
	struct cidr addr;
	int rc;

	if (v->p == NULL)
		return 0;
	/*
	 * An IPv6 literal in brackets: "[...]" as in a URL, or exactly "%5B...%5D" as Squid 5.7
	 * sends it (squid-helper-protocol.md, 1b). Neither '[' nor '%' can start a host name, so
	 * a host that starts with one is this or no host at all; no other escape is ever part of
	 * a host. One byte decides, so names pay nothing for it.
	 */
	if (v->p[0] == '[' || v->p[0] == '%') {
		size_t b = v->p[0] == '[' ? 1 : 3;	/* the length of each bracket */

		if (v->len <= 2 * b || (b == 3 && memcmp(v->p, "%5B", 3) != 0) ||
		    memcmp(v->p + v->len - b, b == 1 ? "]" : "%5D", b) != 0 ||
		    !cidr_parse_addr(v->p + b, v->len - 2 * b, &addr) || addr.af != 6)
			return 0;
		return match_addr(al, &addr, d);
	}
	/*
	 * A name, or an address: IPv4 literals end in a digit (no top-level domain is numeric),
	 * and IPv6 ones have a ':', which makes them no host name. Names go first: they are most
	 * of the traffic, and they need no address parse.
	 */
	if (v->p[v->len - 1] >= '0' && v->p[v->len - 1] <= '9' &&
	    cidr_parse_addr(v->p, v->len, &addr))
		return match_addr(al, &addr, d);
	if (hostname_parse(v->p, v->len, false, &name, &errstr) == -1) {
		if (memchr(v->p, ':', v->len) != NULL && cidr_parse_addr(v->p, v->len, &addr))
			return match_addr(al, &addr, d);
		return 0;	/* no host name (a port glued on, '%', empty labels...): not listed */
	}
	if ((rc = allowlist_match_host(al, &name, &d->match)) == 1)
		d->matched = true;
	return rc;
}

int
policy_decide(const struct allowlist *al, const struct request *req, struct decision *d,
    const char **errstr)
{
	const struct request_value *port = &req->field[FIELD_PORT], *ip = &req->field[FIELD_IP];
	const struct request_value *type = &req->field[FIELD_TYPE];
	struct cidr addr;
	int rc;

	/* No memset: this runs per request and the buffers are long; each field is set here. */
	d->verdict = VERDICT_OTHER;
	d->matched = false;
	d->port = 0;
	d->type_seen = type->p != NULL ? TYPE_SENT : ip->p != NULL ? TYPE_NOT_SENT :
	    TYPE_NOT_NEEDED;
	/* Validate what Squid always sends well-formed before deciding anything. */
	if (port->p != NULL && (d->port = request_port_number(port->p, port->len)) == 0) {
		*errstr = "port is not a number 1-65535";
		return -1;
	}
	if (ip->p != NULL && !cidr_parse_addr(ip->p, ip->len, &addr)) {
		*errstr = "ip is not an IPv4 or IPv6 address";
		return -1;
	}
	if (type->p != NULL)
		d->type_status = mediatype_of_value(type->p, type->len, d->type);

	rc = match_host(al, &req->field[FIELD_HOST], d);
	if (rc == -1) {
		d->verdict = VERDICT_FAIL;
		return 0;
	}
	if (rc == 0 && !(ip->p != NULL && match_addr(al, &addr, d))) {
		d->verdict = VERDICT_OTHER;
		return 0;
	}
	/*
	 * The server address is known only once Squid has a reply (RESPMOD): there the content
	 * type decides, and a reply without one is not media on the list. Browsers sniff an
	 * untyped body, and anyone can own a CloudFront name, so it must be scanned.
	 */
	if (port->p != NULL && !allowlist_has_port(al, d->port))
		d->verdict = VERDICT_DENY_PORT;
	else if (d->type_seen != TYPE_NOT_NEEDED && !(d->type_seen == TYPE_SENT &&
	    d->type_status == MEDIATYPE_OK && allowlist_has_type(al, d->type, strlen(d->type))))
		d->verdict = VERDICT_DENY_TYPE;
	else
		d->verdict = VERDICT_ALLOW;
	return 0;
}

size_t
decision_match(const struct decision *d, char *buf, size_t size)
{
	if (d->matched)
		return listing_entry_name(&d->match, buf, size);
	if (size > 0)
		buf[0] = '\0';
	return 0;
}

const char *
decision_type(const struct decision *d)
{
	switch (d->type_seen) {
	case TYPE_NOT_NEEDED:
		return "";
	case TYPE_NOT_SENT:
		return "(none)";
	case TYPE_SENT:
		break;
	}
	return d->type_status == MEDIATYPE_OK ? d->type : mediatype_status_text(d->type_status);
}
