/*
 * wildcard: globs and regexes in PCRE2 batches (see wildcard.h).
 * Globs are indexed by their key, the literal, label-aligned part after the last '*'
 * ("mp*se.kpoint.com" -> "kpoint.com"). The caller says which keys a host ends in (the
 * allowlist marks them in its name set, so the walk that looks up the host's name finds them
 * too), and only those keys' batches run, so a list of many globs costs about what a list of
 * few does. Regexes and globs without a key ("*kpoint*") run on every lookup.
 * A batch is one alternation
 *   (?:(*MARK:i)(?:alt_i\E))|... so one match call tries many entries and the mark names the
 * entry that matched. \E closes a \Q the entry left open; the inner group keeps an entry's own
 * top-level '|' inside it. A regex with any '(' (groups, back-references, subroutine calls,
 * recursion, named groups, inline options such as (?x) with its # comments, verbs) is
 * compiled alone and exactly as written: in an alternation its group numbers, its (?R) and its
 * options would mean something else. Only regexes without '(' and the globs this module writes
 * share batches, so every entry means the same in any list, in any order.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wildcard.h"
#include "xalloc.h"

#define BATCH_ENTRIES	128
#define BATCH_BYTES	(16 * 1024)
/*
 * Work bounds for one match: a pathological regex (nested quantifiers) ends in
 * PCRE2_ERROR_MATCHLIMIT within microseconds instead of stalling every request; the caller
 * treats that as "no match" (fail closed). Real host patterns stay far below them.
 */
#define MATCH_LIMIT	100000
#define DEPTH_LIMIT	10000

struct entry {
	char			*text;		/* as written in the list */
	char			*source;	/* the PCRE2 source for this entry */
	const char		*key;		/* globs: the index key (points into text); else "" */
	size_t			 order;		/* when it was added: ties keep the list's order */
	enum wildcard_kind	 kind;
	bool			 alone;		/* must not share a batch */
};

/* An entry's text and kind, in wildcard_has's sorted table (texts live until wildcard_free). */
struct listed {
	const char		*text;
	enum wildcard_kind	 kind;
};

/* The batches of one key: batches[first, first + n). */
struct bucket {
	const char	*key;
	size_t		 first, n;
};

struct batch {
	pcre2_code		*code;
	size_t			 first;		/* index of its first entry */
	size_t			 n;
};

struct wildcard {
	pcre2_match_context *mctx;
	/*
	 * One match data block for every batch: only the mark is read, so a one-pair ovector is
	 * enough (a match with more groups returns 0, "ovector too small", still a match).
	 */
	pcre2_match_data *md;
	struct entry	*entries;
	size_t		 nentries, capentries;
	struct batch	*batches;
	size_t		 nbatches, capbatches;
	size_t		 nalways;	/* batches [0, nalways) run on every lookup */
	struct bucket	*buckets;	/* sorted by key, for bsearch */
	size_t		 nbuckets;
	struct listed	*listed;	/* the entries compiled, by text and kind: wildcard_has */
	size_t		 nlisted;
};

struct wildcard *
wildcard_new(void)
{
	struct wildcard *w = xcalloc(1, sizeof *w);

	if ((w->mctx = pcre2_match_context_create(NULL)) == NULL)
		abort();	/* out of memory inside PCRE2: treated like xmalloc's failure */
	if ((w->md = pcre2_match_data_create(1, NULL)) == NULL)
		abort();
	pcre2_set_match_limit(w->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(w->mctx, DEPTH_LIMIT);
	return w;
}

static void
free_batches(struct wildcard *w)
{
	size_t i;

	for (i = 0; i < w->nbatches; i++)
		pcre2_code_free(w->batches[i].code);
	free(w->batches);
	w->batches = NULL;
	w->nbatches = w->capbatches = w->nalways = 0;
	free(w->buckets);
	w->buckets = NULL;
	w->nbuckets = 0;
	free(w->listed);
	w->listed = NULL;
	w->nlisted = 0;
}

void
wildcard_free(struct wildcard *w)
{
	size_t i;

	if (w == NULL)
		return;
	free_batches(w);
	for (i = 0; i < w->nentries; i++) {
		free(w->entries[i].text);
		free(w->entries[i].source);
	}
	free(w->entries);
	pcre2_match_context_free(w->mctx);
	pcre2_match_data_free(w->md);
	free(w);
}

/* A glob's key: what follows the first '.' after its last '*', or "" if nothing does. */
static const char *
glob_key(const char *glob)
{
	const char *star = strrchr(glob, '*'), *dot;

	if (star == NULL || (dot = strchr(star, '.')) == NULL || dot[1] == '\0' ||
	    strlen(dot + 1) > HOSTNAME_MAX)
		return "";
	return dot + 1;
}

static void
add_entry(struct wildcard *w, const char *text, char *source, enum wildcard_kind kind,
    bool alone)
{
	struct entry *e;

	if (w->nentries == w->capentries) {
		w->capentries = w->capentries ? w->capentries * 2 : 16;
		w->entries = xreallocarray(w->entries, w->capentries, sizeof *w->entries);
	}
	e = &w->entries[w->nentries++];
	e->text = xstrdup(text);
	e->source = source;
	e->kind = kind;
	e->alone = alone;
	e->key = kind == WILDCARD_GLOB ? glob_key(e->text) : "";
	e->order = w->nentries - 1;
}

int
wildcard_add_glob(struct wildcard *w, const char *glob, const char **errstr)
{
	size_t n = strlen(glob), i;
	char *src, *p;

	if (n == 0) {
		*errstr = "empty pattern";
		return -1;
	}
	/* Worst case: every byte becomes "\." or ".*"; plus "^" "\z" and the NUL. */
	src = p = xmalloc(2 * n + 4);
	*p++ = '^';
	for (i = 0; i < n; i++) {
		char c = glob[i];

		if (c == '*') {
			*p++ = '.';
			*p++ = '*';
		} else if (c == '.') {
			*p++ = '\\';
			*p++ = '.';
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '_') {
			*p++ = c;
		} else {
			free(src);
			*errstr = "a host pattern may hold only a-z 0-9 - _ . and *";
			return -1;
		}
	}
	*p++ = '\\';
	*p++ = 'z';
	*p = '\0';
	add_entry(w, glob, src, WILDCARD_GLOB, false);
	return 0;
}

static pcre2_code *
compile(const char *src, size_t len, char *errbuf, size_t errsize)
{
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code;

	code = pcre2_compile((PCRE2_SPTR)src, len, PCRE2_CASELESS | PCRE2_DOLLAR_ENDONLY,
	    &errcode, &erroff, NULL);
	if (code == NULL && errbuf != NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof msg);
		snprintf(errbuf, errsize, "%s at offset %zu", (char *)msg, (size_t)erroff);
	}
	return code;
}

/*
 * Names that have nothing in common: a regex that finds all of them matches any host, and a
 * list that says "everything is kPoint" would exempt all traffic from scanning.
 */
static const char *const unrelated[] = {
	"a", "localhost", "example.com", "www.example.org", "xn--bcher-kva.example",
	"192.0.2.1", "2001:db8::1", "kpoint.com.evil.example", "0",
};

/* Does code match every name in unrelated? Under the same work limits as every match. */
static bool
matches_everything(pcre2_code *code, pcre2_match_context *mctx)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	size_t i;
	bool all = true;

	if (md == NULL)
		abort();	/* out of memory inside PCRE2 */
	for (i = 0; all && i < sizeof unrelated / sizeof unrelated[0]; i++)
		all = pcre2_match(code, (PCRE2_SPTR)unrelated[i], strlen(unrelated[i]), 0, 0, md,
		    mctx) >= 0;
	pcre2_match_data_free(md);
	return all;
}

int
wildcard_add_regex(struct wildcard *w, const char *re, char *errbuf, size_t errsize)
{
	pcre2_code *code = compile(re, strlen(re), errbuf, errsize);

	if (code == NULL)
		return -1;
	if (matches_everything(code, w->mctx)) {
		pcre2_code_free(code);
		snprintf(errbuf, errsize, "matches every host (localhost, example.com and "
		    "192.0.2.1 alike); anchor it to kPoint's names, e.g. ^mp[0-9]+se\\.kpoint\\.com$");
		return -1;
	}
	pcre2_code_free(code);
	add_entry(w, re, xstrdup(re), WILDCARD_REGEX, strchr(re, '(') != NULL);
	return 0;
}

/*
 * JIT costs about 1.4 KB and 6 us per compiled pattern: worth it for batches that run on every
 * lookup or hold many entries, not for the one-glob batch of a key few hosts end in.
 */
#define JIT_MIN_ENTRIES	8

/*
 * Compile entries [first, first + n) of one kind as one batch, JIT-compiled if jit.
 * Returns 0 or -1.
 */
static int
compile_batch(struct wildcard *w, size_t first, size_t n, bool jit, char *errbuf,
    size_t errsize)
{
	size_t i, len = 0, cap = 16;
	char *src, *p;
	struct batch *b;
	pcre2_code *code;

	if (n == 1 && w->entries[first].alone) {
		/* exactly as written: the mark is not needed to name a lone entry */
		code = compile(w->entries[first].source, strlen(w->entries[first].source), errbuf,
		    errsize);
	} else {
		for (i = first; i < first + n; i++)
			cap += strlen(w->entries[i].source) + 48;
		src = p = xmalloc(cap);
		p += sprintf(p, "(?:");
		for (i = first; i < first + n; i++)
			p += sprintf(p, "%s(*MARK:%zu)(?:%s\\E))", i == first ? "(?:" : "|(?:", i,
			    w->entries[i].source);
		p += sprintf(p, ")");
		len = (size_t)(p - src);
		code = compile(src, len, errbuf, errsize);
		free(src);
	}
	if (code == NULL)
		return -1;
	if (jit)
		(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);	/* else: the interpreter */
	if (w->nbatches == w->capbatches) {
		w->capbatches = w->capbatches ? w->capbatches * 2 : 4;
		w->batches = xreallocarray(w->batches, w->capbatches, sizeof *w->batches);
	}
	b = &w->batches[w->nbatches++];
	b->code = code;
	b->first = first;
	b->n = n;
	return 0;
}

/* Order: keyless globs, regexes, then keyed globs grouped by key; stable within each. */
static int
cmp_entries(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int rx = x->key[0] != '\0' ? 2 : x->kind == WILDCARD_REGEX;
	int ry = y->key[0] != '\0' ? 2 : y->kind == WILDCARD_REGEX;
	int c;

	if (rx != ry)
		return rx - ry;
	if (rx == 2 && (c = strcmp(x->key, y->key)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Compile entries [i, end) into batches of one kind and key; always: they run on every
 * lookup. Returns 0 or -1.
 */
static int
compile_run(struct wildcard *w, size_t i, size_t end, bool always, char *errbuf,
    size_t errsize)
{
	while (i < end) {
		size_t n = 1, bytes = strlen(w->entries[i].source), j;

		if (!w->entries[i].alone) {
			while (i + n < end && n < BATCH_ENTRIES) {
				const struct entry *e = &w->entries[i + n];

				if (e->alone || e->kind != w->entries[i].kind ||
				    strcmp(e->key, w->entries[i].key) != 0 ||
				    bytes + strlen(e->source) > BATCH_BYTES)
					break;
				bytes += strlen(e->source);
				n++;
			}
		}
		if (compile_batch(w, i, n, always || n >= JIT_MIN_ENTRIES, errbuf, errsize) == -1) {
			if (n == 1)
				return -1;
			for (j = i; j < i + n; j++)
				if (compile_batch(w, j, 1, always, errbuf, errsize) == -1)
					return -1;
		}
		i += n;
	}
	return 0;
}

static int
cmp_listed(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;
	int c = strcmp(x->text, y->text);

	return c != 0 ? c : (int)x->kind - (int)y->kind;
}

int
wildcard_compile(struct wildcard *w, char *errbuf, size_t errsize)
{
	size_t i = 0, start;

	free_batches(w);
	if (w->nentries > 1)
		qsort(w->entries, w->nentries, sizeof *w->entries, cmp_entries);
	w->listed = xreallocarray(NULL, w->nentries + 1, sizeof *w->listed);
	for (i = 0; i < w->nentries; i++)
		w->listed[i] = (struct listed){ w->entries[i].text, w->entries[i].kind };
	w->nlisted = w->nentries;
	if (w->nlisted > 1)
		qsort(w->listed, w->nlisted, sizeof *w->listed, cmp_listed);
	i = 0;
	/* Batches that run on every lookup. */
	while (i < w->nentries && w->entries[i].key[0] == '\0')
		i++;
	if (compile_run(w, 0, i, true, errbuf, errsize) == -1)
		return -1;
	w->nalways = w->nbatches;
	/* One bucket of batches per key. */
	while (i < w->nentries) {
		const char *key = w->entries[i].key;

		start = i;
		while (i < w->nentries && strcmp(w->entries[i].key, key) == 0)
			i++;
		w->buckets = xreallocarray(w->buckets, w->nbuckets + 1, sizeof *w->buckets);
		w->buckets[w->nbuckets].key = key;
		w->buckets[w->nbuckets].first = w->nbatches;
		if (compile_run(w, start, i, false, errbuf, errsize) == -1)
			return -1;
		w->buckets[w->nbuckets].n = w->nbatches - w->buckets[w->nbuckets].first;
		w->nbuckets++;
	}
	return 0;
}

/* Run batches [first, first + n) on host. Returns as wildcard_match. */
static int
run_batches(const struct wildcard *w, size_t first, size_t n, const char *host, size_t len,
    const char **pattern, enum wildcard_kind *kind)
{
	size_t i;

	for (i = first; i < first + n; i++) {
		const struct batch *b = &w->batches[i];
		uint32_t opts = w->entries[b->first].kind == WILDCARD_GLOB ? PCRE2_ANCHORED : 0;
		const char *mark;
		size_t idx;
		int rc;

		rc = pcre2_match(b->code, (PCRE2_SPTR)host, len, 0, opts, w->md, w->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			continue;
		if (rc < 0)
			return -1;
		/* The mark names the entry; a missing one (a verb inside a lone regex) is that entry. */
		mark = (const char *)pcre2_get_mark(w->md);
		idx = b->first;
		if (mark != NULL && b->n > 1) {
			char *end;
			unsigned long v = strtoul(mark, &end, 10);

			if (*end == '\0' && v >= b->first && v < b->first + b->n)
				idx = v;
		}
		*pattern = w->entries[idx].text;
		*kind = w->entries[idx].kind;
		return 1;
	}
	return 0;
}

static int
cmp_bucket(const void *key, const void *b)
{
	return strcmp(key, ((const struct bucket *)b)->key);
}

bool
wildcard_next_key(const struct wildcard *w, size_t *cursor, const char **key)
{
	if (*cursor >= w->nbuckets)
		return false;
	*key = w->buckets[(*cursor)++].key;
	return true;
}

/* wildcard_match when there are patterns; apart, so that a list without any pays nothing. */
static int __attribute__((noinline))
match_batches(const struct wildcard *w, const struct hostname *host, const size_t *keyoffs,
    size_t nkeys, const char **pattern, enum wildcard_kind *kind)
{
	size_t i;
	int rc;

	if ((rc = run_batches(w, 0, w->nalways, host->text, host->len, pattern, kind)) != 0)
		return rc;
	/* The buckets of the keys host ends in, most specific first. */
	for (i = 0; i < nkeys && w->nbuckets > 0; i++) {
		const struct bucket *b = bsearch(host->text + keyoffs[i], w->buckets, w->nbuckets,
		    sizeof *w->buckets, cmp_bucket);

		if (b != NULL && (rc = run_batches(w, b->first, b->n, host->text, host->len,
		    pattern, kind)) != 0)
			return rc;
	}
	return 0;
}

int
wildcard_match(const struct wildcard *w, const struct hostname *host,
    const size_t *keyoffs, size_t nkeys, const char **pattern, enum wildcard_kind *kind)
{
	if (w->nbatches == 0)
		return 0;
	return match_batches(w, host, keyoffs, nkeys, pattern, kind);
}

bool
wildcard_has(const struct wildcard *w, const char *pattern, enum wildcard_kind kind)
{
	struct listed key = { pattern, kind };

	return w->nlisted > 0 &&
	    bsearch(&key, w->listed, w->nlisted, sizeof *w->listed, cmp_listed) != NULL;
}

size_t
wildcard_count(const struct wildcard *w, enum wildcard_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < w->nentries; i++)
		if (w->entries[i].kind == kind)
			n++;
	return n;
}

bool
wildcard_next(const struct wildcard *w, enum wildcard_kind kind, size_t *cursor,
    const char **pattern)
{
	while (*cursor < w->nentries) {
		const struct entry *e = &w->entries[(*cursor)++];

		if (e->kind == kind) {
			*pattern = e->text;
			return true;
		}
	}
	return false;
}
