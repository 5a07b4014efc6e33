/*
 * hostset: open-addressing hash set of names with exact/suffix flags (see hostset.h).
 * Names live in a chunked arena; the table keeps 16-byte slots and a load factor of at most 1/2,
 * so the common case, a miss, ends after one or two probes. In front of the table sits a
 * blocked Bloom filter of about 8 bits per entry (one 64-bit word per name, 3 bits set): a
 * million names need 1 MiB of filter, which stays in cache, where the table (32 MiB) cannot,
 * so most misses are answered without a trip to memory. A second filter of the same size holds
 * the proper label suffixes of the entries ("kpoint.com" and "com" for "mp001se.kpoint.com"):
 * a lookup walks a host's suffixes from the shortest and stops at the first that no entry ends
 * in, so most hosts of other sites cost one or two labels, whatever their length.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hostset.h"
#include "xalloc.h"

#define ARENA_CHUNK	(64 * 1024)

struct slot {
	const char	*name;		/* NULL: empty */
	uint32_t	 hash;
	uint16_t	 len;
	uint16_t	 flags;
};

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 used;
	size_t			 size;
	char			 data[];
};

struct hostset {
	struct slot		*slots;
	size_t			 mask;		/* capacity - 1; capacity is a power of two */
	uint64_t		*filter;	/* (mask + 1) / 16 words, at least one */
	uint64_t		*tails;		/* as many words: the entries' proper suffixes */
	size_t			 fmask;
	size_t			 count;
	struct arena_chunk	*arena;
};

/*
 * The hash of a name is built label by label from the right: H(label "." rest) = step(H(rest),
 * label). So one walk over a host yields the hash of every suffix at a label boundary, and a
 * label costs one or two word loads and one multiply, not a multiply per byte, with no byte
 * read outside the label. Each step ends in a multiply and a fold of the high half into the
 * low: the low 32 bits pick the slot, the high 32 the filter word and bits.
 */
#define HASH_SEED	UINT64_C(0xcbf29ce484222325)
#define HASH_MUL	UINT64_C(0x9e3779b97f4a7c15)

static inline uint64_t
load64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

static inline uint64_t
load32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

/* Fold the n bytes at p (a label; n may be 0) into h. */
static inline uint64_t
hash_label(uint64_t h, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	uint64_t w;

	if (n > 8) {
		size_t i;

		for (i = 0; i + 8 < n; i += 8) {
			h = (h ^ load64(p + i)) * HASH_MUL;
			h ^= h >> 32;
		}
		w = load64(p + n - 8);	/* the last 8 bytes, overlapping the word before */
	} else if (n >= 4)
		w = load32(p) << 32 | load32(p + n - 4);
	else if (n > 0)
		w = (uint64_t)u[0] << 16 | (uint64_t)u[n / 2] << 8 | u[n - 1];
	else
		w = 0;
	/* the length, in the top byte, tells apart labels whose loads match ("ab", "abb") */
	h = (h ^ w ^ (uint64_t)n << 56) * HASH_MUL;
	return h ^ (h >> 32);
}

/* Where the label that ends at end starts: just after the '.' before it, or 0. */
static size_t
label_start(const char *s, size_t end)
{
	while (end > 0 && s[end - 1] != '.')
		end--;
	return end;
}

/*
 * The filters are blocked Bloom filters: one word per hash, three bits set in it. The high half
 * of the hash picks the word and two bits, the low half the third.
 */
static uint64_t
filter_bits(uint64_t full)
{
	return UINT64_C(1) << ((full >> 52) & 63) | UINT64_C(1) << ((full >> 58) & 63) |
	    UINT64_C(1) << ((full >> 26) & 63);
}

static void
filter_add(const struct hostset *set, uint64_t *filter, uint64_t full)
{
	filter[(full >> 32) & set->fmask] |= filter_bits(full);
}

static bool
filter_may_have(const struct hostset *set, const uint64_t *filter, uint64_t full)
{
	uint64_t bits = filter_bits(full);

	return (filter[(full >> 32) & set->fmask] & bits) == bits;
}

/*
 * The hash of a name: the last step of the walk from the right. If tails is not NULL, the
 * hashes of the name's proper suffixes, the steps before, go into that filter.
 */
static uint64_t
hash_name(const struct hostset *set, uint64_t *tails, const char *s, size_t len)
{
	uint64_t h = HASH_SEED;
	size_t end = len, start;

	for (;;) {
		start = label_start(s, end);
		h = hash_label(h, s + start, end - start);
		if (start == 0)
			return h;
		if (tails != NULL)
			filter_add(set, tails, h);
		end = start - 1;
	}
}

/* Put name in the filters: its hash in the first, those of its proper suffixes in tails. */
static void
filters_add(struct hostset *set, const char *name, size_t len)
{
	filter_add(set, set->filter, hash_name(set, set->tails, name, len));
}

/* Filters sized for the table's capacity, with every name in them. */
static void
filter_build(struct hostset *set)
{
	size_t words = (set->mask + 1) / 16, i;

	free(set->filter);
	free(set->tails);
	if (words == 0)
		words = 1;
	set->fmask = words - 1;
	set->filter = xcalloc(words, sizeof *set->filter);
	set->tails = xcalloc(words, sizeof *set->tails);
	for (i = 0; i <= set->mask; i++)
		if (set->slots[i].name != NULL)
			filters_add(set, set->slots[i].name, set->slots[i].len);
}

struct hostset *
hostset_new(void)
{
	struct hostset *set = xcalloc(1, sizeof *set);

	set->mask = 15;
	set->slots = xcalloc(set->mask + 1, sizeof *set->slots);
	filter_build(set);
	return set;
}

void
hostset_free(struct hostset *set)
{
	struct arena_chunk *c, *next;

	if (set == NULL)
		return;
	for (c = set->arena; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(set->slots);
	free(set->filter);
	free(set->tails);
	free(set);
}

static const char *
arena_copy(struct hostset *set, const char *s, size_t len)
{
	struct arena_chunk *c = set->arena;
	char *p;

	if (c == NULL || c->size - c->used < len + 1) {
		size_t size = len + 1 > ARENA_CHUNK ? len + 1 : ARENA_CHUNK;

		c = xmalloc(sizeof *c + size);
		c->next = set->arena;
		c->used = 0;
		c->size = size;
		set->arena = c;
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

/* The slot holding name, or the empty slot where it would go. */
static struct slot *
find_slot(const struct hostset *set, const char *name, size_t len, uint32_t hash)
{
	size_t i = hash & set->mask;

	for (;;) {
		struct slot *s = &set->slots[i];

		if (s->name == NULL)
			return s;
		if (s->hash == hash && s->len == len && memcmp(s->name, name, len) == 0)
			return s;
		i = (i + 1) & set->mask;
	}
}

static void
grow(struct hostset *set)
{
	struct slot *old = set->slots;
	size_t oldcap = set->mask + 1, i;

	set->mask = oldcap * 2 - 1;
	set->slots = xcalloc(set->mask + 1, sizeof *set->slots);
	for (i = 0; i < oldcap; i++) {
		if (old[i].name != NULL) {
			size_t j = old[i].hash & set->mask;

			while (set->slots[j].name != NULL)
				j = (j + 1) & set->mask;
			set->slots[j] = old[i];
		}
	}
	free(old);
	filter_build(set);
}

bool
hostset_add(struct hostset *set, const char *name, size_t len, unsigned flags)
{
	uint64_t full = hash_name(set, NULL, name, len);
	uint32_t hash = (uint32_t)full;
	struct slot *s;

	if (len > HS_NAME_MAX)
		abort();	/* callers validate lengths; this is a programming error */
	s = find_slot(set, name, len, hash);
	if (s->name != NULL) {
		unsigned before = s->flags;

		s->flags = (uint16_t)(s->flags | flags);
		return s->flags != before;
	}
	if ((set->count + 1) * 2 > set->mask + 1) {
		grow(set);
		s = find_slot(set, name, len, hash);
	}
	s->name = arena_copy(set, name, len);
	s->hash = hash;
	s->len = (uint16_t)len;
	s->flags = (uint16_t)flags;
	set->count++;
	filters_add(set, s->name, len);
	return true;
}

unsigned
hostset_get(const struct hostset *set, const char *name, size_t len)
{
	const struct slot *s;

	if (len > HS_NAME_MAX)
		return 0;
	s = find_slot(set, name, len, (uint32_t)hash_name(set, NULL, name, len));
	return s->name != NULL ? s->flags : 0;
}

bool
hostset_match(const struct hostset *set, const struct hostname *host,
    struct hostset_hit *hit, size_t *marks, size_t *nmarks)
{
	const struct slot *s, *best = NULL;
	uint64_t h = HASH_SEED;
	size_t k, i, start, end = host->len, n = 0;

	if (set->count == 0)
		goto done;
	/*
	 * From the shortest suffix (the last label) to the whole name. A later match is longer,
	 * so more specific, and replaces an earlier one. A suffix that is no entry's proper suffix
	 * ends the walk: no longer suffix can be an entry.
	 */
	for (k = host->nlabels; k-- > 0;) {
		start = host->label[k];
		h = hash_label(h, host->text + start, end - start);
		if (filter_may_have(set, set->filter, h) &&
		    (s = find_slot(set, host->text + start, host->len - start, (uint32_t)h))->name
		    != NULL) {
			if (k > 0 && (s->flags & HS_MARK) && marks != NULL)
				marks[n++] = start;
			if (s->flags & (k == 0 ? HS_EXACT : HS_SUBDOMAINS)) {
				best = s;
				hit->exact = k == 0;
			}
		}
		if (k > 0 && !filter_may_have(set, set->tails, h))
			break;
		end = start - 1;	/* the '.' before label k */
	}
	for (i = 0; i < n / 2; i++) {	/* collected shortest first; the caller wants longest */
		size_t t = marks[i];

		marks[i] = marks[n - 1 - i];
		marks[n - 1 - i] = t;
	}
	if (best != NULL) {
		hit->name = best->name;
		hit->len = best->len;
		hit->flags = best->flags;
	}
done:
	if (nmarks != NULL)
		*nmarks = n;
	return best != NULL;
}

size_t
hostset_count(const struct hostset *set)
{
	return set->count;
}

bool
hostset_next(const struct hostset *set, size_t *cursor, const char **name, size_t *len,
    unsigned *flags)
{
	while (*cursor <= set->mask) {
		const struct slot *s = &set->slots[(*cursor)++];

		if (s->name != NULL) {
			*name = s->name;
			*len = s->len;
			*flags = s->flags;
			return true;
		}
	}
	return false;
}
