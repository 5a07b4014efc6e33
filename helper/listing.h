/*
 * listing: the list as text and figures, for people and for other tools. The normalised
 * directive lines, sorted (--dump, and the entries --verify resolves, --explain quotes and
 * --emit writes), how an entry is named when a request matched it (policy.h renders a
 * decision with it), the one-line summary of the counts (--check and the load and reload log),
 * and how many entries one list has that another lacks (the reload log). It asks the
 * allowlist only through allowlist.h.
 */
#ifndef KP_LISTING_H
#define KP_LISTING_H

#include <stddef.h>

#include "allowlist.h"

/* One entry with its line. */
struct listing_item {
	struct allowlist_entry	 entry;
	char			*line;		/* "domain .kpoint.com", "port 80-81", "type video/ *" */
	const char		*value;		/* the line after its directive: ".kpoint.com" */
};

struct listing {
	struct listing_item	*item;		/* sorted by line */
	size_t			 n;
};

/* The kinds listing_make takes: LISTING_ALL, or LISTING_KIND(k) | LISTING_KIND(j) ... */
#define LISTING_KIND(k)	(1u << (k))
#define LISTING_ALL	(LISTING_KIND(ENTRY_KINDS) - 1)

/* The entries of al of the kinds in the mask kinds, into *l. Free it with listing_free. */
void listing_make(const struct allowlist *al, unsigned kinds, struct listing *l);
void listing_free(struct listing *l);

/* Longest text listing_port_text writes, with its NUL ("65534-65535"). */
#define PORT_RANGE_TEXT_MAX	12

/*
 * Write r as text into buf (at least PORT_RANGE_TEXT_MAX bytes): "N" for a single port,
 * "LO<sep>HI" for a range (sep is '-' for lists, nft and Squid, ':' for iptables).
 */
void listing_port_text(const struct port_range *r, char sep, char *buf);

/*
 * e as answers and logs name the entry a request matched (".kpoint.com", "regex:...",
 * "net:a/n"), into buf as snprintf would: NUL-terminated when size > 0, cut to fit; returns the
 * whole length, so that a caller sees when it did not fit.
 */
size_t listing_entry_name(const struct allowlist_entry *e, char *buf, size_t size);

/* "N hosts, N domains, N globs, N regexes, N nets, N ports, N types" into buf. */
void listing_summary(const struct allowlist *al, char *buf, size_t size);

/*
 * How many entries of a are not in b: names, patterns, nets and types one by one, ports port
 * by port. Probes b; copies nothing.
 */
size_t listing_missing(const struct allowlist *a, const struct allowlist *b);

/* What a reload changes: the entries of list that old lacks, and those of old that list lacks. */
void listing_changes(const struct allowlist *list, const struct allowlist *old, size_t *added,
    size_t *removed);

#endif
