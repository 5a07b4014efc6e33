/*
 * hostset: open-addressing hash set of names with exact/suffix flags (see hostset.h).
 * Names live in a chunked arena; the table keeps 16-byte slots and a load factor of at most 1/2,
 * so the common case, a miss, ends after one or two probes. In front of the table sits a
 * blocked Bloom filter of about 8 bits per entry (one 64-bit word per name, 3 bits set): a
 * million names need 1 MiB of filter, which stays in cache, where the table (32 MiB) cannot,
 * so most misses are answered without a trip to memory.
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
	size_t			 fmask;
	size_t			 count;
	struct arena_chunk	*arena;
	size_t			 arena_bytes;
};

/*
 * The hash runs from the last byte to the first, so one pass over a host yields the hash of
 * every suffix at a label boundary (FNV-1a steps, then a final mix).
 */
#define HASH_SEED	UINT64_C(0xcbf29ce484222325)
#define HASH_STEP(h, c)	(((h) ^ (unsigned char)(c)) * UINT64_C(0x100000001b3))

/* The final mix: the low 32 bits pick the slot, the high 32 bits the filter word and bits. */
static uint64_t
hash_mix(uint64_t h)
{
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	h ^= h >> 29;
	return h;
}

static uint64_t
hash_name(const char *s, size_t len)
{
	uint64_t h = HASH_SEED;

	while (len > 0)
		h = HASH_STEP(h, s[--len]);
	return hash_mix(h);
}

static const uint64_t *
filter_word(const struct hostset *set, uint64_t full)
{
	return &set->filter[(full >> 32) & set->fmask];
}

static uint64_t
filter_bits(uint64_t full)
{
	return UINT64_C(1) << ((full >> 52) & 63) | UINT64_C(1) << ((full >> 58) & 63) |
	    UINT64_C(1) << ((full >> 26) & 63);
}

static void
filter_add(struct hostset *set, uint64_t full)
{
	set->filter[(full >> 32) & set->fmask] |= filter_bits(full);
}

static bool
filter_may_have(const struct hostset *set, uint64_t full)
{
	uint64_t bits = filter_bits(full);

	return (*filter_word(set, full) & bits) == bits;
}

/* A filter sized for the table's capacity, with every name in it. */
static void
filter_build(struct hostset *set)
{
	size_t words = (set->mask + 1) / 16, i;

	free(set->filter);
	if (words == 0)
		words = 1;
	set->fmask = words - 1;
	set->filter = xcalloc(words, sizeof *set->filter);
	for (i = 0; i <= set->mask; i++)
		if (set->slots[i].name != NULL)
			filter_add(set, hash_name(set->slots[i].name, set->slots[i].len));
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
		set->arena_bytes += sizeof *c + size;
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
	uint64_t full = hash_name(name, len);
	uint32_t hash = (uint32_t)full;
	struct slot *s;

	if (len > HS_NAME_MAX)
		abort();	/* callers validate lengths; this is a programming error */
	s = find_slot(set, name, len, hash);
	if (s->name != NULL) {
		unsigned before = s->flags;

		s->flags |= flags;
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
	filter_add(set, full);
	return true;
}

unsigned
hostset_get(const struct hostset *set, const char *name, size_t len)
{
	const struct slot *s;

	if (len > HS_NAME_MAX)
		return 0;
	s = find_slot(set, name, len, (uint32_t)hash_name(name, len));
	return s->name != NULL ? s->flags : 0;
}

#define LABELS_MAX	HS_LABELS_MAX

/*
 * The hash of host and of each proper label suffix of host, longest first: off[i] is where
 * suffix i starts (off[0] == 0, the whole host). The filter word each would test is
 * prefetched, so that cache misses overlap instead of queueing. Returns how many.
 */
static size_t
suffix_hashes(const struct hostset *set, const char *host, size_t len, uint64_t *hash,
    size_t *off)
{
	uint64_t rh[LABELS_MAX + 1];
	size_t ro[LABELS_MAX + 1], n = 0, i = len, k;
	uint64_t h = HASH_SEED;

	while (i > 0) {
		char c = host[--i];

		if (c == '.' && n < LABELS_MAX) {
			ro[n] = i + 1;
			rh[n] = hash_mix(h);
			__builtin_prefetch(filter_word(set, rh[n]));
			n++;
		}
		h = HASH_STEP(h, c);
	}
	ro[n] = 0;
	rh[n] = hash_mix(h);
	__builtin_prefetch(filter_word(set, rh[n]));
	n++;
	for (k = 0; k < n; k++) {	/* collected shortest first; hand back longest first */
		hash[k] = rh[n - 1 - k];
		off[k] = ro[n - 1 - k];
	}
	return n;
}

/* The slot of name, or NULL; the filter answers most misses without touching the table. */
static const struct slot *
probe(const struct hostset *set, const char *name, size_t len, uint64_t full)
{
	const struct slot *s;

	if (!filter_may_have(set, full))
		return NULL;
	s = find_slot(set, name, len, (uint32_t)full);
	return s->name != NULL ? s : NULL;
}

bool
hostset_match(const struct hostset *set, const char *host, size_t len,
    struct hostset_hit *hit, size_t *keys, size_t *nkeys)
{
	uint64_t hash[LABELS_MAX + 1];
	size_t off[LABELS_MAX + 1], n, k;
	const struct slot *s, *best = NULL;
	bool exact = false;

	if (nkeys != NULL)
		*nkeys = 0;
	if (len > HS_NAME_MAX || set->count == 0)
		return false;
	n = suffix_hashes(set, host, len, hash, off);
	/* The name itself, then its parent domains from the most specific. */
	for (k = 0; k < n; k++) {
		s = probe(set, host + off[k], len - off[k], hash[k]);
		if (s == NULL)
			continue;
		if (k > 0 && (s->flags & HS_KEY) && keys != NULL)
			keys[(*nkeys)++] = off[k];
		if (best == NULL && (s->flags & (k == 0 ? HS_EXACT : HS_SUBDOMAINS))) {
			best = s;
			exact = k == 0;
			if (keys == NULL)
				break;
		}
	}
	if (best == NULL)
		return false;
	hit->name = best->name;
	hit->len = best->len;
	hit->flags = best->flags;
	hit->exact = exact;
	return true;
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
