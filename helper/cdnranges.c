/* cdnranges: CloudFront's published viewer ranges (see cdnranges.h). */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cdnranges.h"
#include "emit.h"
#include "xalloc.h"

/* Sort order: IPv4 first, then by address, then the shorter prefix first. */
static int
net_cmp(const void *a, const void *b)
{
	const struct cidr *x = a, *y = b;
	int c;

	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	c = memcmp(x->addr, y->addr, sizeof x->addr);
	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Is n inside (or equal to) up? */
static bool
net_inside(const struct cidr *n, const struct cidr *up)
{
	struct cidr t = *n;

	if (n->af != up->af || n->len < up->len)
		return false;
	cidr_truncate(&t, up->len);
	return memcmp(t.addr, up->addr, sizeof t.addr) == 0;
}

/*
 * Append the viewer edges of one array ("prefixes" with "ip_prefix", or "ipv6_prefixes" with
 * "ipv6_prefix") to *v. Returns 0, or -1 with err set.
 */
static int
take_edges(json_t *root, const char *array, const char *field, int af, struct cidr **v,
    size_t *n, size_t *cap, char *err, size_t errsize)
{
	json_t *list = json_object_get(root, array), *item;
	size_t i;

	if (!json_is_array(list)) {
		snprintf(err, errsize, "no \"%s\" array: not an AWS ip-ranges.json", array);
		return -1;
	}
	json_array_foreach(list, i, item) {
		const char *service = json_string_value(json_object_get(item, "service"));
		const char *region = json_string_value(json_object_get(item, "region"));
		const char *prefix = json_string_value(json_object_get(item, field));
		const char *errstr;
		struct cidr net;

		if (service == NULL || region == NULL || prefix == NULL) {
			snprintf(err, errsize, "%s[%zu]: no \"service\", \"region\" or \"%s\"", array,
			    i, field);
			return -1;
		}
		if (strcmp(service, "CLOUDFRONT") != 0 || strcmp(region, "GLOBAL") != 0)
			continue;
		if (cidr_parse(prefix, &net, &errstr) == -1 || net.af != af ||
		    strchr(prefix, '/') == NULL) {
			snprintf(err, errsize, "%s[%zu]: \"%.60s\" is not an IPv%d network", array, i,
			    prefix, af);
			return -1;
		}
		if (*n == *cap) {
			*cap = *cap == 0 ? 64 : *cap * 2;
			*v = xreallocarray(*v, *cap, sizeof **v);
		}
		(*v)[(*n)++] = net;
	}
	return 0;
}

/* Sort v and drop every network inside another (nft refuses overlapping intervals). */
static size_t
normalise(struct cidr *v, size_t n)
{
	size_t i, j, kept = 0;

	qsort(v, n, sizeof *v, net_cmp);
	for (i = 0; i < n; i++) {
		bool inside = false;

		for (j = 0; j < kept && !inside; j++)
			inside = net_inside(&v[i], &v[j]);
		if (!inside)
			v[kept++] = v[i];
	}
	return kept;
}

/* A syncToken: digits only, a positive number of seconds. */
static bool
parse_token(const char *text, long long *out)
{
	char *end;

	if (text == NULL || *text < '0' || *text > '9')
		return false;
	errno = 0;
	*out = strtoll(text, &end, 10);
	return *end == '\0' && errno == 0 && *out > 0;
}

int
cdn_ranges_read(const char *path, struct cdn_ranges *r, char *err, size_t errsize)
{
	json_error_t jerr;
	json_t *root;
	const char *created;
	size_t cap = 0, n = 0, n4;

	memset(r, 0, sizeof *r);
	root = strcmp(path, "-") == 0 ? json_loadf(stdin, 0, &jerr) : json_load_file(path, 0, &jerr);
	if (root == NULL) {
		if (jerr.line <= 0)
			snprintf(err, errsize, "%s", jerr.text);
		else
			snprintf(err, errsize, "line %d: %s", jerr.line, jerr.text);
		return -1;
	}
	if (!parse_token(json_string_value(json_object_get(root, "syncToken")), &r->sync_token)) {
		snprintf(err, errsize, "no \"syncToken\" of digits: not an AWS ip-ranges.json");
		json_decref(root);
		return -1;
	}
	created = json_string_value(json_object_get(root, "createDate"));
	snprintf(r->created, sizeof r->created, "%s", created != NULL ? created : "-");
	if (take_edges(root, "prefixes", "ip_prefix", 4, &r->net, &n, &cap, err, errsize) == -1)
		goto fail;
	n4 = n;
	if (take_edges(root, "ipv6_prefixes", "ipv6_prefix", 6, &r->net, &n, &cap, err,
	    errsize) == -1)
		goto fail;
	if (n4 == 0 && n == 0) {
		snprintf(err, errsize, "no CLOUDFRONT GLOBAL prefixes");
		goto fail;
	}
	json_decref(root);
	r->n4 = normalise(r->net, n4);
	r->n6 = normalise(r->net + n4, n - n4);
	memmove(r->net + r->n4, r->net + n4, r->n6 * sizeof *r->net);
	return 0;
fail:
	json_decref(root);
	cdn_ranges_free(r);
	return -1;
}

void
cdn_ranges_free(struct cdn_ranges *r)
{
	free(r->net);
	memset(r, 0, sizeof *r);
}

const char *
cdn_ranges_refuse(const struct cdn_ranges *next, const struct cdn_ranges *prev, char *err,
    size_t errsize)
{
	size_t was = prev->n4 + prev->n6, now = next->n4 + next->n6;

	if (next->sync_token < prev->sync_token) {
		snprintf(err, errsize, "older than the ranges in force (syncToken %lld, %s; in force "
		    "%lld, %s)", next->sync_token, next->created, prev->sync_token, prev->created);
		return err;
	}
	if (now * 2 < was) {
		snprintf(err, errsize, "%zu prefixes where %zu are in force: more than half gone, "
		    "which a truncated or wrong file explains better than CloudFront", now, was);
		return err;
	}
	return NULL;
}

/* One family's set, through emit's own nft form: its prefixes as text. */
static void
nft_elements(FILE *out, const char *set, const struct cidr *v, size_t n)
{
	char **text = xreallocarray(NULL, n + 1, sizeof *text);
	size_t i;

	for (i = 0; i < n; i++) {
		text[i] = xmalloc(CIDR_TEXT_MAX);
		cidr_format(&v[i], text[i], CIDR_TEXT_MAX);
	}
	emit_nft_fill(out, set, text, n);
	for (i = 0; i < n; i++)
		free(text[i]);
	free(text);
}

int
cdn_ranges_emit_nft(const struct cdn_ranges *r, const char *source, FILE *out)
{
	fprintf(out, "#!/usr/sbin/nft -f\n"
	    "# ext_kpoint_acl --cloudfront %s\n"
	    "# CloudFront's viewer edges (service CLOUDFRONT, region GLOBAL) from ip-ranges.json\n"
	    "# syncToken %lld (%s): %zu IPv4 and %zu IPv6 prefixes. Replaces the sets whole, in one\n"
	    "# transaction (nft -f). The kPoint chain (ext_kpoint_acl --emit nft) admits them on\n"
	    "# kPoint's ports.\n", source, r->sync_token, r->created, r->n4, r->n6);
	emit_nft_cdn_sets(out);
	nft_elements(out, "kpoint_cdn_v4", r->net, r->n4);
	nft_elements(out, "kpoint_cdn_v6", r->net + r->n4, r->n6);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* One family's set: the copy filled, swapped in, and gone. */
static void
ipset_swap(FILE *out, const char *set, const char *family, const struct cidr *v, size_t n)
{
	size_t i;

	fprintf(out, "create %s hash:net family %s -exist\n"
	    "create %s.new hash:net family %s -exist\n"
	    "flush %s.new\n", set, family, set, family, set);
	for (i = 0; i < n; i++) {
		char buf[CIDR_TEXT_MAX];

		cidr_format(&v[i], buf, sizeof buf);
		fprintf(out, "add %s.new %s\n", set, buf);
	}
	fprintf(out, "swap %s.new %s\ndestroy %s.new\n", set, set, set);
}

int
cdn_ranges_emit_ipset(const struct cdn_ranges *r, const char *source, FILE *out)
{
	fprintf(out, "# ext_kpoint_acl --cloudfront %s --format ipset\n"
	    "# CloudFront's viewer edges (service CLOUDFRONT, region GLOBAL) from ip-ranges.json\n"
	    "# syncToken %lld (%s): %zu IPv4 and %zu IPv6 prefixes, for \"ipset restore\": each set\n"
	    "# is filled as a copy and swapped in whole.\n", source, r->sync_token, r->created,
	    r->n4, r->n6);
	ipset_swap(out, "kpoint_cdn_v4", "inet", r->net, r->n4);
	ipset_swap(out, "kpoint_cdn_v6", "inet6", r->net + r->n4, r->n6);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
