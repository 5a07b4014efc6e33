/*
 * cidr: address parsing and a set of networks keyed by (family, length, masked address) in an
 * open-addressing table, with a bitmap of the prefix lengths present per family (see cidr.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "xalloc.h"

struct cidrset {
	struct cidr	*slots;		/* af == 0: empty */
	size_t		 mask;
	size_t		 count;
	uint64_t	 lens4;		/* bit n: some IPv4 network of length n */
	uint64_t	 lens6[3];	/* bit n % 64 of word n / 64: IPv6 length n */
};

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool
cidr_parse_addr(const char *text, size_t len, struct cidr *out)
{
	char buf[INET6_ADDRSTRLEN];
	size_t i;

	if (len == 0 || len >= sizeof buf)
		return false;
	/* Most hosts are names: an address is digits and dots, or has a ':'. */
	if (memchr(text, ':', len) == NULL) {
		for (i = 0; i < len; i++)
			if ((text[i] < '0' || text[i] > '9') && text[i] != '.')
				return false;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->af = 4;
		out->len = 32;
		return true;
	}
	if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->af = 6;
		out->len = 128;
		return true;
	}
	return false;
}

const char cidr_host_bits_error[] = "address has bits set past the prefix length";

void
cidr_truncate(struct cidr *c, unsigned len)
{
	unsigned i, bits = c->af == 4 ? 32 : 128;

	for (i = len; i < bits; i++)
		c->addr[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
	c->len = (uint8_t)len;
}

int
cidr_parse(const char *text, struct cidr *out, const char **errstr)
{
	const char *slash = strchr(text, '/');
	size_t alen = slash != NULL ? (size_t)(slash - text) : strlen(text);
	struct cidr masked;
	unsigned bits;

	if (!cidr_parse_addr(text, alen, out)) {
		*errstr = "not an IPv4 or IPv6 address";
		return -1;
	}
	bits = out->len;
	if (slash != NULL) {
		const char *p = slash + 1;
		unsigned len = 0;

		if (*p == '\0') {
			*errstr = "missing prefix length after '/'";
			return -1;
		}
		for (; *p != '\0'; p++) {
			if (*p < '0' || *p > '9' || len > bits) {
				*errstr = "prefix length is not a number in range";
				return -1;
			}
			len = len * 10 + (unsigned)(*p - '0');
		}
		if (len > bits || (slash[1] == '0' && slash[2] != '\0')) {
			*errstr = "prefix length is not a number in range";
			return -1;
		}
		out->len = (uint8_t)len;
	}
	masked = *out;
	cidr_truncate(&masked, masked.len);
	if (memcmp(masked.addr, out->addr, sizeof masked.addr) != 0) {
		*out = masked;	/* the network the text most likely meant */
		*errstr = cidr_host_bits_error;
		return -1;
	}
	return 0;
}

bool
cidr_v4_mapped(const struct cidr *net, struct cidr *v4)
{
	if (net->af != 6 || net->len < 96 || memcmp(net->addr, v4mapped, sizeof v4mapped) != 0)
		return false;
	memset(v4, 0, sizeof *v4);
	v4->af = 4;
	v4->len = (uint8_t)(net->len - 96);
	memcpy(v4->addr, net->addr + 12, 4);
	return true;
}

/* Write v (0-255) in decimal at p; returns the end. */
static char *
put_decimal(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

void
cidr_format(const struct cidr *c, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN], *p = buf;
	int i;

	/*
	 * IPv4 by hand: this names the entry in every answer matched by address, and
	 * inet_ntop + snprintf cost more than the whole lookup.
	 */
	if (c->af == 4 && size >= CIDR_TEXT_MAX) {
		for (i = 0; i < 4; i++) {
			if (i > 0)
				*p++ = '.';
			p = put_decimal(p, c->addr[i]);
		}
		*p++ = '/';
		p = put_decimal(p, c->len);
		*p = '\0';
		return;
	}
	if (inet_ntop(c->af == 4 ? AF_INET : AF_INET6, c->addr, a, sizeof a) == NULL)
		abort();	/* cannot fail for a valid family and buffer */
	snprintf(buf, size, "%s/%u", a, (unsigned)c->len);
}

static uint32_t
cidr_hash(const struct cidr *c)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i, n = c->af == 4 ? 4 : 16;

	h = (h ^ c->af) * UINT64_C(0x100000001b3);
	h = (h ^ c->len) * UINT64_C(0x100000001b3);
	for (i = 0; i < n; i++)
		h = (h ^ c->addr[i]) * UINT64_C(0x100000001b3);
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	h ^= h >> 32;
	return (uint32_t)h;
}

static bool
cidr_equal(const struct cidr *a, const struct cidr *b)
{
	return a->af == b->af && a->len == b->len && memcmp(a->addr, b->addr, 16) == 0;
}

struct cidrset *
cidrset_new(void)
{
	struct cidrset *set = xcalloc(1, sizeof *set);

	set->mask = 15;
	set->slots = xcalloc(set->mask + 1, sizeof *set->slots);
	return set;
}

void
cidrset_free(struct cidrset *set)
{
	if (set == NULL)
		return;
	free(set->slots);
	free(set);
}

static struct cidr *
find_slot(const struct cidrset *set, const struct cidr *key)
{
	size_t i = cidr_hash(key) & set->mask;

	while (set->slots[i].af != 0 && !cidr_equal(&set->slots[i], key))
		i = (i + 1) & set->mask;
	return &set->slots[i];
}

static void
grow(struct cidrset *set)
{
	struct cidr *old = set->slots;
	size_t oldcap = set->mask + 1, i;

	set->mask = oldcap * 2 - 1;
	set->slots = xcalloc(set->mask + 1, sizeof *set->slots);
	for (i = 0; i < oldcap; i++)
		if (old[i].af != 0)
			*find_slot(set, &old[i]) = old[i];
	free(old);
}

bool
cidrset_add(struct cidrset *set, const struct cidr *net)
{
	struct cidr *s = find_slot(set, net);

	if (s->af != 0)
		return false;
	if ((set->count + 1) * 2 > set->mask + 1) {
		grow(set);
		s = find_slot(set, net);
	}
	*s = *net;
	set->count++;
	if (net->af == 4)
		set->lens4 |= UINT64_C(1) << net->len;
	else
		set->lens6[net->len / 64] |= UINT64_C(1) << (net->len % 64);
	return true;
}

bool
cidrset_has(const struct cidrset *set, const struct cidr *net)
{
	return find_slot(set, net)->af != 0;
}

bool
cidrset_match(const struct cidrset *set, const struct cidr *addr, struct cidr *hit)
{
	struct cidr key = *addr;
	unsigned bits;
	int len;

	if (key.af == 6 && memcmp(key.addr, v4mapped, sizeof v4mapped) == 0) {
		memmove(key.addr, key.addr + 12, 4);
		memset(key.addr + 4, 0, 12);
		key.af = 4;
	}
	bits = key.af == 4 ? 32 : 128;
	/* Longest first; each step clears one more host bit of key. */
	for (len = (int)bits; len >= 0; len--) {
		bool present = key.af == 4 ? (set->lens4 >> len) & 1 :
		    (set->lens6[len / 64] >> (len % 64)) & 1;

		if (len < (int)bits)
			key.addr[len / 8] &= (uint8_t)~(0x80u >> (len % 8));	/* one bit a step:
				cidr_truncate's work, done incrementally on the hot path */
		if (!present)
			continue;
		key.len = (uint8_t)len;
		if (find_slot(set, &key)->af != 0) {
			if (hit != NULL)
				*hit = key;
			return true;
		}
	}
	return false;
}

size_t
cidrset_count(const struct cidrset *set)
{
	return set->count;
}

bool
cidrset_next(const struct cidrset *set, size_t *cursor, struct cidr *out)
{
	while (*cursor <= set->mask) {
		const struct cidr *s = &set->slots[(*cursor)++];

		if (s->af != 0) {
			*out = *s;
			return true;
		}
	}
	return false;
}
