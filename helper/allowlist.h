/*
 * allowlist: the list in force (host names, domains, patterns, networks, ports, content types)
 * and the questions asked of it: does this host, address, port or content type match, is this
 * entry listed, which entries are there. The sets behind it are its own: host and domain names
 * in one hostset (which also marks the keys of the glob groups: allowlist.c says why), the
 * patterns in a wildcard, the nets in a cidrset, exact types and type/ * families in a hostset
 * each, the ports in a bitmap. The file format is listfile's; it fills a list through the add
 * calls below.
 */
#ifndef KP_ALLOWLIST_H
#define KP_ALLOWLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "cidr.h"
#include "hostname.h"

/* The list in force; private to allowlist.c. Entries stay valid until allowlist_free. */
struct allowlist;

/* What an entry is. The text of each kind is as --dump writes it (see listing.h). */
enum entry_kind {
	ENTRY_HOST,		/* "host x" (or "domain x"): that name only */
	ENTRY_DOMAIN,		/* "domain .x": x and every name under it */
	ENTRY_SUBDOMAINS,	/* "domain *.x": every name under x, not x itself */
	ENTRY_GLOB,		/* "domain mp*se.x": '*' is any run of characters */
	ENTRY_REGEX,		/* "regex ...": PCRE2, searched in the host */
	ENTRY_NET,		/* "net a/n" */
	ENTRY_PORTS,		/* "port n" or "port lo-hi": a run of listed ports */
	ENTRY_TYPE,		/* "type video/mp4" */
	ENTRY_TYPE_ANY		/* "type video/ *": every subtype */
};
#define ENTRY_KINDS	(ENTRY_TYPE_ANY + 1)

struct port_range {
	unsigned	lo, hi;
};

/* One entry of the list. */
struct allowlist_entry {
	enum entry_kind		 kind;
	/*
	 * Names, patterns and types: the text, NUL-terminated (a name without its "." or "*.",
	 * an ENTRY_TYPE_ANY without its '*': "video/"). NULL for nets and ports.
	 */
	const char		*text;
	size_t			 len;
	struct cidr		 net;		/* ENTRY_NET */
	struct port_range	 ports;		/* ENTRY_PORTS */
};

/* An empty list from source (a file name, or "built-in"), to be filled by the add calls. */
struct allowlist *allowlist_new(const char *source);

/* allowlist_free(NULL) is a no-op. */
void allowlist_free(struct allowlist *al);

/*
 * Filling a list (the loader, listfile.c, after it has checked the text). A name (len bytes,
 * normalised by hostname_normalize, without "." or "*.") as a host, domain or subdomains entry.
 * Listing a name twice ORs the kinds: "host x" and "domain *.x" make "domain .x".
 */
void allowlist_add_name(struct allowlist *al, const char *name, size_t len,
    enum entry_kind kind);
/* A glob (normalised, with a '*'). Returns 0, or -1 with *errstr set to a static message. */
int allowlist_add_glob(struct allowlist *al, const char *glob, const char **errstr);
/* A regex. Returns 0, or -1 with what is wrong in errbuf (see wildcard_add_regex). */
int allowlist_add_regex(struct allowlist *al, const char *re, char *errbuf, size_t errsize);
/* A network (host bits clear). */
void allowlist_add_net(struct allowlist *al, const struct cidr *net);
/* The ports lo to hi (1 <= lo <= hi <= 65535). */
void allowlist_add_ports(struct allowlist *al, unsigned lo, unsigned hi);
/* A content type, lower-case: ENTRY_TYPE "video/mp4", or ENTRY_TYPE_ANY "video/" for video/ *. */
void allowlist_add_type(struct allowlist *al, const char *type, size_t len,
    enum entry_kind kind);
/*
 * Make what was added answerable (compile the patterns). Returns 0, or -1 with a message in
 * errbuf. Entries added afterwards count only after another allowlist_seal.
 */
int allowlist_seal(struct allowlist *al, char *errbuf, size_t errsize);

/* Where the list came from: the file name, or "built-in". */
const char *allowlist_source(const struct allowlist *al);

/*
 * Is host listed by name: a host or domain entry, else a glob or regex? Returns 1 with *hit
 * set to the most specific name entry or the first pattern that matched, 0 if not, -1 when a
 * pattern match failed (PCRE2's limits): callers must treat that as not listed.
 */
int allowlist_match_host(const struct allowlist *al, const struct hostname *host,
    struct allowlist_entry *hit);

/* Is the address addr (its len is ignored) in a listed net? *hit gets the longest. */
bool allowlist_match_addr(const struct allowlist *al, const struct cidr *addr,
    struct allowlist_entry *hit);

/* Is the port listed? */
bool allowlist_has_port(const struct allowlist *al, unsigned port);

/* Is the content type (lower-case, parameters removed) listed, exactly or as type/ *? */
bool allowlist_has_type(const struct allowlist *al, const char *type, size_t len);

/*
 * Is e an entry of the list, of the same kind and value? For ENTRY_PORTS: is every port of
 * the run listed. Names compare with the kind: "host x" is not "domain .x".
 */
bool allowlist_has(const struct allowlist *al, const struct allowlist_entry *e);

/* How many entries of a kind (ENTRY_PORTS: runs of ports, not ports). */
size_t allowlist_count(const struct allowlist *al, enum entry_kind kind);

/*
 * Iterate the entries of one kind: start with *cursor = 0; each call fills *e with the next,
 * false at the end. The order is the structures', not sorted (listing.h sorts); ports come
 * as maximal runs, in order.
 */
bool allowlist_next(const struct allowlist *al, enum entry_kind kind, size_t *cursor,
    struct allowlist_entry *e);

#endif
