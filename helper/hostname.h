/*
 * hostname: the one place that says what a host name is. Used for allowlist entries and for the
 * hosts Squid sends, so both sides are normalised the same way.
 */
#ifndef KP_HOSTNAME_H
#define KP_HOSTNAME_H

#include <stddef.h>

/* Longest normalised name, without the NUL (RFC 1035: 253 characters in text form). */
#define HOSTNAME_MAX	253

/*
 * Normalise the len bytes at in: lower-case, drop one trailing dot, and check that it is a
 * sequence of non-empty labels of letters, digits, '-' and '_' (at most 63 each, 253 in all).
 * If allow_star, '*' counts as a label character too (for patterns). Writes the result and a
 * NUL to out (at least HOSTNAME_MAX + 1 bytes) and returns its length, or returns -1 with
 * *errstr set to a static message.
 */
int hostname_normalize(const char *in, size_t len, int allow_star, char *out,
    const char **errstr);

#endif
