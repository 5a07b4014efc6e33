/*
 * wildcard: host globs ("mp*se.kpoint.com", '*' = any run of characters) and PCRE2 regexes,
 * compiled once into a few PCRE2 alternations (JIT where available). Globs must match the whole
 * host; regexes are searched in it, as Squid's dstdom_regex does (anchor them yourself).
 * Patterns are copied; the text returned by wildcard_match stays valid until wildcard_free.
 */
#ifndef KP_WILDCARD_H
#define KP_WILDCARD_H

#include <stdbool.h>
#include <stddef.h>

#include "hostname.h"

enum wildcard_kind { WILDCARD_GLOB, WILDCARD_REGEX };

struct wildcard;

struct wildcard *wildcard_new(void);
/* wildcard_free(NULL) is a no-op. */
void wildcard_free(struct wildcard *w);

/*
 * Add a glob: lower-case host characters and '*'. Returns 0, or -1 with *errstr set to a
 * static message. Takes effect at wildcard_compile.
 */
int wildcard_add_glob(struct wildcard *w, const char *glob, const char **errstr);

/*
 * Add a regex after checking that it compiles on its own and does not match every host (it
 * must not find all of a set of unrelated names: "a", "localhost", "example.com", ...).
 * Returns 0, or -1 with PCRE2's message, or what is wrong, in errbuf. Takes effect at
 * wildcard_compile. It means the same in any list and in any order.
 */
int wildcard_add_regex(struct wildcard *w, const char *re, char *errbuf, size_t errsize);

/*
 * Compile everything added, and group the globs by key: the literal, label-aligned part after
 * the last '*' ("kpoint.com" for "mp*se.kpoint.com"). Returns 0, or -1 with a message in
 * errbuf.
 */
int wildcard_compile(struct wildcard *w, char *errbuf, size_t errsize);

/*
 * Iterate the keys of the globs (after wildcard_compile), for the caller's index of host
 * suffixes: start with *cursor = 0. Valid until the next wildcard_compile.
 */
bool wildcard_next_key(const struct wildcard *w, size_t *cursor, const char **key);

/*
 * Search host: the patterns without a key, and the globs of the keys that start at
 * keyoffs[0..nkeys) in host (the suffixes of host that are keys, longest first: the caller's
 * index says which). Returns 1 on a match with *pattern set to the entry's text, 0 when
 * nothing matches, -1 when PCRE2 reports an error (callers must treat that as no match).
 */
int wildcard_match(const struct wildcard *w, const struct hostname *host,
    const size_t *keyoffs, size_t nkeys, const char **pattern, enum wildcard_kind *kind);

/* Is pattern an entry of this kind (exactly as added)? After wildcard_compile. */
bool wildcard_has(const struct wildcard *w, const char *pattern, enum wildcard_kind kind);

size_t wildcard_count(const struct wildcard *w, enum wildcard_kind kind);
/*
 * Iterate the entries of one kind: start with *cursor = 0. The order is wildcard_compile's:
 * keyless globs, regexes, then keyed globs by key, each in the order added.
 */
bool wildcard_next(const struct wildcard *w, enum wildcard_kind kind, size_t *cursor,
    const char **pattern);

#endif
