/*
 * allowlist: the sets of the list in force and the questions asked of them (see allowlist.h).
 * Only this file knows how an entry kind is stored. The name set is the index of host suffixes
 * a lookup walks: host and domain entries (HS_EXACT for the name itself, HS_SUBDOMAINS for the
 * names under it) and, marked HS_MARK, the keys of the glob groups, so that the one walk over
 * a host's labels that finds its name entry also says which glob groups to try. (Keys in a set
 * of their own cost a second walk: 8-17 % more per lookup in bench part 3.) The iterators
 * below are the only code that sees the marks. Every other kind has a set of its own.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "allowlist.h"
#include "hostset.h"
#include "wildcard.h"
#include "xalloc.h"

struct allowlist {
	struct hostset	*names;		/* host and domain entries, and glob keys (HS_MARK) */
	struct wildcard	*patterns;	/* globs and regexes */
	struct cidrset	*nets;
	struct hostset	*types;		/* exact types: "video/mp4" */
	struct hostset	*type_any;	/* type/ * entries, as "video/" */
	uint8_t		 ports[65536 / 8];
	bool		 has_patterns;	/* set by allowlist_seal: the lookup may skip them */
	char		*source;	/* file name, or "built-in" */
};

struct allowlist *
allowlist_new(const char *source)
{
	struct allowlist *al = xcalloc(1, sizeof *al);

	al->names = hostset_new();
	al->patterns = wildcard_new();
	al->nets = cidrset_new();
	al->types = hostset_new();
	al->type_any = hostset_new();
	al->source = xstrdup(source);
	return al;
}

void
allowlist_free(struct allowlist *al)
{
	if (al == NULL)
		return;
	hostset_free(al->names);
	wildcard_free(al->patterns);
	cidrset_free(al->nets);
	hostset_free(al->types);
	hostset_free(al->type_any);
	free(al->source);
	free(al);
}

const char *
allowlist_source(const struct allowlist *al)
{
	return al->source;
}

/* The hostset flags of a name kind: which names an entry of that kind matches. */
static unsigned
name_flags(enum entry_kind kind)
{
	switch (kind) {
	case ENTRY_HOST:
		return HS_EXACT;
	case ENTRY_DOMAIN:
		return HS_EXACT | HS_SUBDOMAINS;
	case ENTRY_SUBDOMAINS:
		return HS_SUBDOMAINS;
	default:
		abort();	/* not a name kind: a programming error */
	}
}

/* The kind of a name entry with these match flags (HS_EXACT, HS_SUBDOMAINS: one or both). */
static enum entry_kind
name_kind(unsigned flags)
{
	if (flags == HS_EXACT)
		return ENTRY_HOST;
	return flags & HS_EXACT ? ENTRY_DOMAIN : ENTRY_SUBDOMAINS;
}

void
allowlist_add_name(struct allowlist *al, const char *name, size_t len, enum entry_kind kind)
{
	hostset_add(al->names, name, len, name_flags(kind));
}

int
allowlist_add_glob(struct allowlist *al, const char *glob, const char **errstr)
{
	return wildcard_add_glob(al->patterns, glob, errstr);
}

int
allowlist_add_regex(struct allowlist *al, const char *re, char *errbuf, size_t errsize)
{
	return wildcard_add_regex(al->patterns, re, errbuf, errsize);
}

void
allowlist_add_net(struct allowlist *al, const struct cidr *net)
{
	cidrset_add(al->nets, net);
}

void
allowlist_add_ports(struct allowlist *al, unsigned lo, unsigned hi)
{
	unsigned p;

	for (p = lo; p <= hi && p < 65536; p++)
		al->ports[p / 8] |= (uint8_t)(1u << (p % 8));
}

void
allowlist_add_type(struct allowlist *al, const char *type, size_t len, enum entry_kind kind)
{
	if (kind != ENTRY_TYPE && kind != ENTRY_TYPE_ANY)
		abort();	/* not a type kind: a programming error */
	hostset_add(kind == ENTRY_TYPE ? al->types : al->type_any, type, len, HS_EXACT);
}

int
allowlist_seal(struct allowlist *al, char *errbuf, size_t errsize)
{
	const char *key;
	size_t cursor = 0;

	if (wildcard_compile(al->patterns, errbuf, errsize) == -1)
		return -1;
	while (wildcard_next_key(al->patterns, &cursor, &key))
		hostset_add(al->names, key, strlen(key), HS_MARK);
	al->has_patterns = wildcard_count(al->patterns, WILDCARD_GLOB) +
	    wildcard_count(al->patterns, WILDCARD_REGEX) > 0;
	return 0;
}

int
allowlist_match_host(const struct allowlist *al, const struct hostname *host,
    struct allowlist_entry *hit)
{
	size_t keys[HOSTNAME_LABELS_MAX], nkeys;
	struct hostset_hit h;
	enum wildcard_kind kind;
	int rc;

	if (hostset_match(al->names, host, &h, keys, &nkeys)) {
		hit->kind = name_kind(h.flags & HS_MATCH);
		hit->text = h.name;
		hit->len = h.len;
		return 1;
	}
	if (!al->has_patterns)
		return 0;
	rc = wildcard_match(al->patterns, host, keys, nkeys, &hit->text, &kind);
	if (rc == 1) {
		hit->kind = kind == WILDCARD_GLOB ? ENTRY_GLOB : ENTRY_REGEX;
		hit->len = strlen(hit->text);
	}
	return rc;
}

bool
allowlist_match_addr(const struct allowlist *al, const struct cidr *addr,
    struct allowlist_entry *hit)
{
	if (!cidrset_match(al->nets, addr, &hit->net))
		return false;
	hit->kind = ENTRY_NET;
	hit->text = NULL;
	hit->len = 0;
	return true;
}

bool
allowlist_has_port(const struct allowlist *al, unsigned port)
{
	return port < 65536 && (al->ports[port / 8] >> (port % 8)) & 1;
}

bool
allowlist_has_type(const struct allowlist *al, const char *type, size_t len)
{
	const char *slash;

	if (hostset_get(al->types, type, len) != 0)
		return true;
	slash = memchr(type, '/', len);
	return slash != NULL && hostset_get(al->type_any, type, (size_t)(slash - type) + 1) != 0;
}

bool
allowlist_has(const struct allowlist *al, const struct allowlist_entry *e)
{
	unsigned p;

	switch (e->kind) {
	case ENTRY_HOST:
	case ENTRY_DOMAIN:
	case ENTRY_SUBDOMAINS:
		return (hostset_get(al->names, e->text, e->len) & HS_MATCH) == name_flags(e->kind);
	case ENTRY_GLOB:
		return wildcard_has(al->patterns, e->text, WILDCARD_GLOB);
	case ENTRY_REGEX:
		return wildcard_has(al->patterns, e->text, WILDCARD_REGEX);
	case ENTRY_NET:
		return cidrset_has(al->nets, &e->net);
	case ENTRY_PORTS:
		for (p = e->ports.lo; p <= e->ports.hi; p++)
			if (!allowlist_has_port(al, p))
				return false;
		return true;
	case ENTRY_TYPE:
		return hostset_get(al->types, e->text, e->len) != 0;
	case ENTRY_TYPE_ANY:
		return hostset_get(al->type_any, e->text, e->len) != 0;
	}
	return false;
}

size_t
allowlist_count(const struct allowlist *al, enum entry_kind kind)
{
	struct allowlist_entry e;
	size_t cursor = 0, n = 0;

	switch (kind) {
	case ENTRY_GLOB:
		return wildcard_count(al->patterns, WILDCARD_GLOB);
	case ENTRY_REGEX:
		return wildcard_count(al->patterns, WILDCARD_REGEX);
	case ENTRY_NET:
		return cidrset_count(al->nets);
	case ENTRY_TYPE:
		return hostset_count(al->types);
	case ENTRY_TYPE_ANY:
		return hostset_count(al->type_any);
	default:	/* names by flags, ports by runs: counted as iterated */
		while (allowlist_next(al, kind, &cursor, &e))
			n++;
		return n;
	}
}

/* The next name entry of kind; *cursor walks the name set. */
static bool
next_name(const struct allowlist *al, enum entry_kind kind, size_t *cursor,
    struct allowlist_entry *e)
{
	unsigned flags;

	while (hostset_next(al->names, cursor, &e->text, &e->len, &flags))
		if ((flags & HS_MATCH) != 0 && name_kind(flags & HS_MATCH) == kind) {
			e->kind = kind;
			return true;
		}
	return false;
}

/* The next run of ports; *cursor is the first port not looked at yet. */
static bool
next_ports(const struct allowlist *al, size_t *cursor, struct allowlist_entry *e)
{
	unsigned p = *cursor > 0 ? (unsigned)*cursor : 1;

	while (p < 65536 && !allowlist_has_port(al, p))
		p++;
	if (p >= 65536) {
		*cursor = 65536;
		return false;
	}
	e->kind = ENTRY_PORTS;
	e->text = NULL;
	e->len = 0;
	e->ports.lo = p;
	while (p + 1 < 65536 && allowlist_has_port(al, p + 1))
		p++;
	e->ports.hi = p;
	*cursor = p + 1;
	return true;
}

bool
allowlist_next(const struct allowlist *al, enum entry_kind kind, size_t *cursor,
    struct allowlist_entry *e)
{
	unsigned flags;

	e->kind = kind;
	switch (kind) {
	case ENTRY_HOST:
	case ENTRY_DOMAIN:
	case ENTRY_SUBDOMAINS:
		return next_name(al, kind, cursor, e);
	case ENTRY_GLOB:
	case ENTRY_REGEX:
		if (!wildcard_next(al->patterns, kind == ENTRY_GLOB ? WILDCARD_GLOB :
		    WILDCARD_REGEX, cursor, &e->text))
			return false;
		e->len = strlen(e->text);
		return true;
	case ENTRY_NET:
		e->text = NULL;
		e->len = 0;
		return cidrset_next(al->nets, cursor, &e->net);
	case ENTRY_PORTS:
		return next_ports(al, cursor, e);
	case ENTRY_TYPE:
	case ENTRY_TYPE_ANY:
		return hostset_next(kind == ENTRY_TYPE ? al->types : al->type_any, cursor, &e->text,
		    &e->len, &flags);
	}
	return false;
}
