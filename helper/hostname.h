/*
 * hostname: the one place that says what a host name is. Used for allowlist entries and for the
 * hosts Squid sends, so both sides are normalised the same way.
 */
#ifndef KP_HOSTNAME_H
#define KP_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest normalised name, without the NUL (RFC 1035: 253 characters in text form). */
#define HOSTNAME_MAX	253
/* Most labels a name can have: one-letter labels, HOSTNAME_MAX bytes in all. */
#define HOSTNAME_LABELS_MAX	((HOSTNAME_MAX + 1) / 2)

/* A normalised host name and where its labels start, as hostset_match takes it. */
struct hostname {
	char	 text[HOSTNAME_MAX + 1];	/* NUL-terminated */
	size_t	 len;
	size_t	 nlabels;			/* 1 to HOSTNAME_LABELS_MAX */
	uint8_t	 label[HOSTNAME_LABELS_MAX];	/* label i starts at text + label[i]; label[0] = 0 */
};

/*
 * Normalise the len bytes at in: lower-case, drop one trailing dot, and check that it is a
 * sequence of non-empty labels of letters, digits, '-' and '_' (at most 63 each, 253 in all).
 * If allow_star, '*' counts as a label character too (for patterns). Writes the result and a
 * NUL to out (at least HOSTNAME_MAX + 1 bytes) and returns its length, or returns -1 with
 * *errstr set to a static message.
 */
int hostname_normalize(const char *in, size_t len, bool allow_star, char *out,
    const char **errstr);

/* The same check as hostname_normalize, into *h. Returns 0, or -1 with *errstr set. */
int hostname_parse(const char *in, size_t len, bool allow_star, struct hostname *h,
    const char **errstr);

#endif
