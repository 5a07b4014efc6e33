/*
 * hostset: a hash set of lower-case names, each entry an exact name, a suffix domain, or both,
 * and optionally marked (HS_MARK) for its owner. An entry flagged HS_EXACT matches the name
 * itself; HS_SUBDOMAINS matches every name that ends in "." + entry (label-aligned:
 * "evilkpoint.com" is not under "kpoint.com"). A lookup costs at
 * most one hash step and one filter test per label of the queried host, whatever the size of
 * the set, and stops at the first suffix that no entry ends in.
 * The set owns copies of its names; names returned by lookups stay valid until hostset_free.
 */
#ifndef KP_HOSTSET_H
#define KP_HOSTSET_H

#include <stdbool.h>
#include <stddef.h>

#include "hostname.h"

/* What an entry matches: the name itself, the names under it, or both. */
#define HS_EXACT	0x1u
#define HS_SUBDOMAINS	0x2u
#define HS_MATCH	(HS_EXACT | HS_SUBDOMAINS)
/*
 * Not a match but a mark: a suffix the set's owner wants to hear about. hostset_match reports
 * where the marked suffixes of a host start, in the same walk that finds its match, so that one
 * set can index two things for one cost (the allowlist marks the keys of its globs this way).
 */
#define HS_MARK		0x4u

/* Longest name the set accepts (DNS names are at most 253 characters). */
#define HS_NAME_MAX	255

struct hostset;

struct hostset_hit {
	const char	*name;		/* the entry that matched, NUL-terminated */
	size_t		 len;
	unsigned	 flags;		/* all flags of that entry */
	bool		 exact;		/* matched the name itself, not a parent domain */
};

struct hostset *hostset_new(void);
/* hostset_free(NULL) is a no-op. */
void hostset_free(struct hostset *set);

/*
 * OR flags into the entry for name (len bytes, at most HS_NAME_MAX, already normalised by the
 * caller), creating it if needed. Returns true if the entry gained a flag.
 */
bool hostset_add(struct hostset *set, const char *name, size_t len, unsigned flags);

/* The flags of the entry that is exactly name, or 0 if there is none. */
unsigned hostset_get(const struct hostset *set, const char *name, size_t len);

/*
 * Does host match an entry (HS_EXACT, HS_SUBDOMAINS)? On a match fills *hit with the most
 * specific entry that matched. If marks is not NULL, it also receives where the proper label
 * suffixes of host that carry HS_MARK start, longest first (room for HOSTNAME_LABELS_MAX), and
 * *nmarks how many.
 */
bool hostset_match(const struct hostset *set, const struct hostname *host,
    struct hostset_hit *hit, size_t *marks, size_t *nmarks);

size_t hostset_count(const struct hostset *set);

/*
 * Iterate: start with *cursor = 0; each call returns the next entry, false at the end. Order is
 * the table's, not sorted.
 */
bool hostset_next(const struct hostset *set, size_t *cursor, const char **name, size_t *len,
    unsigned *flags);

#endif
