/* listing: the list as text and figures (see listing.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"
#include "xalloc.h"

/*
 * How each kind is written: the directive, and what goes before and after the text; and what
 * goes before the value when it is named as the entry a request matched (the answers' log=
 * and the decision log: "mp001se.kpoint.com", ".kpoint.com", "regex:...", "net:a/n").
 */
static const struct spelling {
	const char	*directive, *before, *after, *matched;
} spelling[ENTRY_KINDS] = {
	[ENTRY_HOST] = { "host", "", "", "" },
	[ENTRY_DOMAIN] = { "domain", ".", "", "" },
	[ENTRY_SUBDOMAINS] = { "domain", "*.", "", "" },
	[ENTRY_GLOB] = { "domain", "", "", "" },
	[ENTRY_REGEX] = { "regex", "", "", "regex:" },
	[ENTRY_NET] = { "net", "", "", "net:" },
	[ENTRY_PORTS] = { "port", "", "", "" },
	[ENTRY_TYPE] = { "type", "", "", "" },
	[ENTRY_TYPE_ANY] = { "type", "", "*", "" },	/* the text is "video/" */
};

/* Append n bytes of p to buf at *at, as far as size allows; *at counts them all. */
static void
put(char *buf, size_t size, size_t *at, const char *p, size_t n)
{
	if (*at < size)
		memcpy(buf + *at, p, n < size - *at ? n : size - *at);
	*at += n;
}

size_t
listing_entry_name(const struct allowlist_entry *e, char *buf, size_t size)
{
	const struct spelling *sp = &spelling[e->kind];
	char net[CIDR_TEXT_MAX];
	const char *text = e->text;
	size_t at = 0, len = e->len;

	/* no printf: the answer to every allowed request is written with it */
	if (e->kind == ENTRY_NET) {
		cidr_format(&e->net, net, sizeof net);
		text = net;
		len = strlen(net);
	}
	put(buf, size, &at, sp->matched, strlen(sp->matched));
	put(buf, size, &at, sp->before, strlen(sp->before));
	put(buf, size, &at, text, len);
	if (size > 0)
		buf[at < size ? at : size - 1] = '\0';
	return at;
}

void
listing_port_text(const struct port_range *r, char sep, char *buf)
{
	if (r->lo == r->hi)
		snprintf(buf, PORT_RANGE_TEXT_MAX, "%u", r->lo);
	else
		snprintf(buf, PORT_RANGE_TEXT_MAX, "%u%c%u", r->lo, sep, r->hi);
}

/* The entry's line, allocated; *value gets where its value starts. */
static char *
line_of(const struct allowlist_entry *e, const char **value)
{
	const struct spelling *sp = &spelling[e->kind];
	char buf[CIDR_TEXT_MAX + PORT_RANGE_TEXT_MAX], *line;
	const char *text = e->text;
	size_t dl = strlen(sp->directive), bl = strlen(sp->before), al = strlen(sp->after);
	size_t len = e->len;

	if (e->kind == ENTRY_NET) {
		cidr_format(&e->net, buf, sizeof buf);
		text = buf;
		len = strlen(buf);
	} else if (e->kind == ENTRY_PORTS) {
		listing_port_text(&e->ports, '-', buf);
		text = buf;
		len = strlen(buf);
	}
	line = xmalloc(dl + 1 + bl + len + al + 1);
	memcpy(line, sp->directive, dl);
	line[dl] = ' ';
	memcpy(line + dl + 1, sp->before, bl);
	memcpy(line + dl + 1 + bl, text, len);
	memcpy(line + dl + 1 + bl + len, sp->after, al + 1);
	*value = line + dl + 1;
	return line;
}

static int
cmp_items(const void *a, const void *b)
{
	return strcmp(((const struct listing_item *)a)->line, ((const struct listing_item *)b)->line);
}

void
listing_make(const struct allowlist *al, unsigned kinds, struct listing *l)
{
	size_t cap = 0, cursor;
	struct allowlist_entry e;
	int k;

	l->item = NULL;
	l->n = 0;
	for (k = 0; k < ENTRY_KINDS; k++) {
		if (!(kinds & LISTING_KIND(k)))
			continue;
		cursor = 0;
		while (allowlist_next(al, (enum entry_kind)k, &cursor, &e)) {
			if (l->n == cap) {
				cap = cap ? cap * 2 : 64;
				l->item = xreallocarray(l->item, cap, sizeof *l->item);
			}
			l->item[l->n].entry = e;
			l->item[l->n].line = line_of(&e, &l->item[l->n].value);
			l->n++;
		}
	}
	if (l->n > 1)
		qsort(l->item, l->n, sizeof *l->item, cmp_items);
}

void
listing_free(struct listing *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->item[i].line);
	free(l->item);
	l->item = NULL;
	l->n = 0;
}

/* How many ports the list has (not runs). */
static size_t
count_ports(const struct allowlist *al)
{
	struct allowlist_entry e;
	size_t cursor = 0, n = 0;

	while (allowlist_next(al, ENTRY_PORTS, &cursor, &e))
		n += e.ports.hi - e.ports.lo + 1;
	return n;
}

void
listing_summary(const struct allowlist *al, char *buf, size_t size)
{
	snprintf(buf, size, "%zu hosts, %zu domains, %zu globs, %zu regexes, %zu nets, "
	    "%zu ports, %zu types", allowlist_count(al, ENTRY_HOST),
	    allowlist_count(al, ENTRY_DOMAIN) + allowlist_count(al, ENTRY_SUBDOMAINS),
	    allowlist_count(al, ENTRY_GLOB), allowlist_count(al, ENTRY_REGEX),
	    allowlist_count(al, ENTRY_NET), count_ports(al),
	    allowlist_count(al, ENTRY_TYPE) + allowlist_count(al, ENTRY_TYPE_ANY));
}

size_t
listing_missing(const struct allowlist *a, const struct allowlist *b)
{
	struct allowlist_entry e;
	size_t cursor, n = 0;
	unsigned p;
	int k;

	for (k = 0; k < ENTRY_KINDS; k++) {
		cursor = 0;
		while (allowlist_next(a, (enum entry_kind)k, &cursor, &e)) {
			if (k != ENTRY_PORTS) {
				n += !allowlist_has(b, &e);
				continue;
			}
			for (p = e.ports.lo; p <= e.ports.hi; p++)
				n += !allowlist_has_port(b, p);
		}
	}
	return n;
}

void
listing_changes(const struct allowlist *list, const struct allowlist *old, size_t *added,
    size_t *removed)
{
	*added = listing_missing(list, old);
	*removed = listing_missing(old, list);
}
