/*
 * cidr: IPv4 and IPv6 addresses and networks, and a set of networks that answers "is this address
 * inside one of them, and which is the longest?" by probing one hash slot per prefix length in
 * use, never by scanning the list. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are looked up as
 * IPv4.
 */
#ifndef KP_CIDR_H
#define KP_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cidr {
	uint8_t	af;		/* 4 or 6 */
	uint8_t	len;		/* prefix length: 0..32 or 0..128 */
	uint8_t	addr[16];	/* IPv4 in the first 4 bytes; bits past len are zero */
};

/* Room for the longest text cidr_format writes, with its NUL. */
#define CIDR_TEXT_MAX	(46 + 4)

/*
 * Parse the len bytes at text as a bare IPv4 or IPv6 address (no brackets, no zone) into *out
 * with the full prefix length. Returns false if it is not one. text is not retained.
 */
bool cidr_parse_addr(const char *text, size_t len, struct cidr *out);

/*
 * Parse "addr" or "addr/len" into *out. Host bits past len must be zero. Returns 0, or -1 with
 * *errstr set to a static message. When the only fault is host bits set past len, *errstr is
 * cidr_host_bits_error and *out holds the network with those bits cleared (what the text most
 * likely meant), for a message that suggests it. text is not retained.
 */
int cidr_parse(const char *text, struct cidr *out, const char **errstr);
extern const char cidr_host_bits_error[];

/* Clear every address bit past len and make len the prefix length (len <= the family's). */
void cidr_truncate(struct cidr *c, unsigned len);

/*
 * Is net an IPv6 network of IPv4-mapped addresses (inside ::ffff:0:0/96)? Such a network in a
 * set never matches (addresses are looked up as IPv4): *v4 gets the IPv4 network it stands for.
 */
bool cidr_v4_mapped(const struct cidr *net, struct cidr *v4);

/* Write "addr/len" into buf (at least CIDR_TEXT_MAX bytes). */
void cidr_format(const struct cidr *c, char *buf, size_t size);

struct cidrset;

struct cidrset *cidrset_new(void);
/* cidrset_free(NULL) is a no-op. */
void cidrset_free(struct cidrset *set);
/* Add a network. Returns true if it was not in the set yet. */
bool cidrset_add(struct cidrset *set, const struct cidr *net);
/* Is net itself (same address and length) in the set? */
bool cidrset_has(const struct cidrset *set, const struct cidr *net);
/* Is the address addr (its len is ignored) inside a network of the set? *hit gets the longest. */
bool cidrset_match(const struct cidrset *set, const struct cidr *addr, struct cidr *hit);
size_t cidrset_count(const struct cidrset *set);
/* Iterate: start with *cursor = 0; false at the end. */
bool cidrset_next(const struct cidrset *set, size_t *cursor, struct cidr *out);

#endif
