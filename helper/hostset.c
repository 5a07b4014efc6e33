/*
 * hostset: open-addressing hash set of names with exact/suffix flags (see hostset.h).
 * Names live in a chunked arena; the table keeps 16-byte slots and a load factor of at most 1/2,
 * so the common case, a miss, ends after one or two probes.
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

static uint32_t
hash_finish(uint64_t h)
{
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	h ^= h >> 32;
	return (uint32_t)h;
}

static uint32_t
hash_name(const char *s, size_t len)
{
	uint64_t h = HASH_SEED;

	while (len > 0)
		h = HASH_STEP(h, s[--len]);
	return hash_finish(h);
}

struct hostset *
hostset_new(void)
{
	struct hostset *set = xcalloc(1, sizeof *set);

	set->mask = 15;
	set->slots = xcalloc(set->mask + 1, sizeof *set->slots);
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
}

bool
hostset_add(struct hostset *set, const char *name, size_t len, unsigned flags)
{
	uint32_t hash = hash_name(name, len);
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
	return true;
}

unsigned
hostset_get(const struct hostset *set, const char *name, size_t len)
{
	const struct slot *s;

	if (len > HS_NAME_MAX)
		return 0;
	s = find_slot(set, name, len, hash_name(name, len));
	return s->name != NULL ? s->flags : 0;
}

bool
hostset_match(const struct hostset *set, const char *host, size_t len,
    struct hostset_hit *hit)
{
	uint64_t h = HASH_SEED;
	const struct slot *best = NULL;
	size_t i = len;

	if (len > HS_NAME_MAX || set->count == 0)
		return false;
	/* Walk right to left; at each dot the suffix to its right is a candidate parent domain. */
	while (i > 0) {
		char c = host[--i];

		if (c == '.') {
			size_t off = i + 1, slen = len - off;
			const struct slot *s;

			s = find_slot(set, host + off, slen, hash_finish(h));
			if (s->name != NULL && (s->flags & HS_SUBDOMAINS))
				best = s;	/* longer suffixes come later: keep the latest */
		}
		h = HASH_STEP(h, c);
	}
	{
		const struct slot *s = find_slot(set, host, len, hash_finish(h));

		if (s->name != NULL && (s->flags & HS_EXACT)) {
			hit->name = s->name;
			hit->len = s->len;
			hit->flags = s->flags;
			hit->exact = true;
			return true;
		}
	}
	if (best == NULL)
		return false;
	hit->name = best->name;
	hit->len = best->len;
	hit->flags = best->flags;
	hit->exact = false;
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

size_t
hostset_memory(const struct hostset *set)
{
	return sizeof *set + (set->mask + 1) * sizeof *set->slots + set->arena_bytes;
}
