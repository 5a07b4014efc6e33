/*
 * allowlist: the file format and the structures it loads into (see allowlist.h). Parsing of one
 * value is done by the owning module (hostname, cidr, wildcard); this file adds FILE:LINE.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allowlist.h"
#include "defaults.h"
#include "hostname.h"
#include "xalloc.h"

#define TYPE_MAX	127

struct loader {
	struct allowlist	*al;
	const char		*name;
	size_t			 line;
	FILE			*errs;
	size_t			 nerrors;
};

static void __attribute__((format(printf, 2, 3)))
load_error(struct loader *ld, const char *fmt, ...)
{
	va_list ap;

	ld->nerrors++;
	if (ld->errs == NULL)
		return;
	if (ld->line == 0)	/* about the whole file */
		fprintf(ld->errs, "%s: ", ld->name);
	else
		fprintf(ld->errs, "%s:%zu: ", ld->name, ld->line);
	va_start(ap, fmt);
	vfprintf(ld->errs, fmt, ap);
	va_end(ap);
	fputc('\n', ld->errs);
}

static struct allowlist *
allowlist_new(const char *source)
{
	struct allowlist *al = xcalloc(1, sizeof *al);

	al->names = hostset_new();
	al->patterns = wildcard_new();
	al->nets = cidrset_new();
	al->types = hostset_new();
	al->source = xstrdup(source);
	return al;
}

void
allowlist_free(struct allowlist *al)
{
	if (al == NULL)
		return;
	hostset_free(al->names);
	wildcard_free(al->patterns);
	cidrset_free(al->nets);
	hostset_free(al->types);
	free(al->source);
	free(al);
}

static void
add_host(struct loader *ld, const char *v)
{
	char name[HOSTNAME_MAX + 1];
	const char *errstr;
	int n;

	if (strchr(v, '*') != NULL) {
		load_error(ld, "host '%s': '*' is not allowed here; use 'domain %s'", v, v);
		return;
	}
	if ((n = hostname_normalize(v, strlen(v), false, name, &errstr)) == -1) {
		load_error(ld, "host '%s': %s", v, errstr);
		return;
	}
	hostset_add(ld->al->names, name, (size_t)n, HS_EXACT);
}

static void
add_domain(struct loader *ld, const char *v)
{
	char name[HOSTNAME_MAX + 1];
	const char *errstr, *rest = v;
	unsigned flags = HS_EXACT;
	int n;

	if (v[0] == '.') {
		rest = v + 1;
		flags = HS_EXACT | HS_SUBDOMAINS;
	} else if (v[0] == '*' && v[1] == '.' && strchr(v + 1, '*') == NULL) {
		rest = v + 2;
		flags = HS_SUBDOMAINS;
	}
	if ((n = hostname_normalize(rest, strlen(rest), true, name, &errstr)) == -1) {
		load_error(ld, "domain '%s': %s", v, errstr);
		return;
	}
	if (strchr(name, '*') != NULL) {
		if (rest != v) {
			load_error(ld, "domain '%s': a leading '.' or '*.' cannot be combined "
			    "with another '*'", v);
			return;
		}
		if (strspn(name, "*.") == (size_t)n) {
			load_error(ld, "domain '%s': this pattern matches every host", v);
			return;
		}
		if (wildcard_add_glob(ld->al->patterns, name, &errstr) == -1)
			load_error(ld, "domain '%s': %s", v, errstr);
		return;
	}
	hostset_add(ld->al->names, name, (size_t)n, flags);
}

static void
add_regex(struct loader *ld, const char *v)
{
	char err[300];

	if (wildcard_add_regex(ld->al->patterns, v, err, sizeof err) == -1)
		load_error(ld, "regex '%s': %s", v, err);
}

static void
add_net(struct loader *ld, const char *v)
{
	struct cidr net, v4;
	const char *errstr;

	if (cidr_parse(v, &net, &errstr) == -1) {
		if (errstr == cidr_host_bits_error) {
			char text[CIDR_TEXT_MAX];

			cidr_format(&net, text, sizeof text);
			load_error(ld, "net '%s': %s; perhaps you meant 'net %s' (the network), or the "
			    "one address without the /%u", v, errstr, text, net.len);
		} else
			load_error(ld, "net '%s': %s", v, errstr);
		return;
	}
	if (net.len == 0) {
		load_error(ld, "net '%s': matches every address; list kPoint's networks", v);
		return;
	}
	if (cidr_v4_mapped(&net, &v4)) {
		char text[CIDR_TEXT_MAX];

		cidr_format(&v4, text, sizeof text);
		load_error(ld, "net '%s': an IPv4-mapped network never matches (Squid reports "
		    "IPv4 addresses as IPv4); write 'net %s' instead", v, text);
		return;
	}
	cidrset_add(ld->al->nets, &net);
}

unsigned
allowlist_port_number(const char *s, size_t len)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || len > 5 || *s == '0')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= 65535 ? v : 0;
}

struct port_range *
allowlist_port_ranges(const struct allowlist *al, size_t *n)
{
	struct port_range *r = NULL;
	size_t cap = 0;
	unsigned p;

	*n = 0;
	for (p = 1; p < 65536; p++) {
		if (!allowlist_has_port(al, p))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			r = xreallocarray(r, cap, sizeof *r);
		}
		r[*n].lo = p;
		while (p + 1 < 65536 && allowlist_has_port(al, p + 1))
			p++;
		r[(*n)++].hi = p;
	}
	return r;
}

static void
add_port(struct loader *ld, const char *v)
{
	const char *dash = strchr(v, '-'), *end = v + strlen(v);
	unsigned lo, hi, p;

	lo = allowlist_port_number(v, (size_t)((dash != NULL ? dash : end) - v));
	hi = dash != NULL ? allowlist_port_number(dash + 1, (size_t)(end - dash - 1)) : lo;
	if (lo == 0 || hi == 0) {
		load_error(ld, "port '%s': not a port number 1-65535 or a range N-M", v);
		return;
	}
	if (hi < lo) {
		load_error(ld, "port '%s': range ends before it starts", v);
		return;
	}
	for (p = lo; p <= hi; p++)
		ld->al->ports[p / 8] |= (uint8_t)(1u << (p % 8));
}

void
allowlist_port_range_text(const struct port_range *r, char sep, char *buf)
{
	if (r->lo == r->hi)
		snprintf(buf, PORT_RANGE_TEXT_MAX, "%u", r->lo);
	else
		snprintf(buf, PORT_RANGE_TEXT_MAX, "%u%c%u", r->lo, sep, r->hi);
}

/* RFC 9110 token characters. */
static bool
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c);
}

static void
add_type(struct loader *ld, const char *v)
{
	char t[TYPE_MAX + 1];
	size_t i, n = strlen(v), slash = 0;

	if (n > TYPE_MAX) {
		load_error(ld, "type '%.20s...': longer than %d characters", v, TYPE_MAX);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c == '/' && slash == 0)
			slash = i;
		else if (!is_tchar(c) || (c == '*' && i + 1 != n)) {
			load_error(ld, "type '%s': not a content type (type/subtype or type/*)",
			    v);
			return;
		}
		t[i] = (char)c;
	}
	if (slash == 0 || slash + 1 == n || (t[n - 1] == '*' && slash + 2 != n) ||
	    memchr(t, '*', slash) != NULL) {
		load_error(ld, "type '%s': not a content type (type/subtype or type/*)", v);
		return;
	}
	if (t[n - 1] == '*')
		hostset_add(ld->al->types, t, n - 1, HS_SUBDOMAINS);
	else
		hostset_add(ld->al->types, t, n, HS_EXACT);
}

static const struct directive {
	const char	*name;
	void		(*add)(struct loader *, const char *);
} directives[] = {
	{ "host", add_host },
	{ "domain", add_domain },
	{ "regex", add_regex },
	{ "net", add_net },
	{ "port", add_port },
	{ "type", add_type },
};

/* Split line (modified in place) into words and apply the directive it holds. */
static void
parse_line(struct loader *ld, char *line, size_t len)
{
	const struct directive *d = NULL;
	char *p = line, *w;
	size_t i, nvalues = 0;

	if (memchr(line, '\0', len) != NULL) {
		load_error(ld, "NUL byte in line");
		return;
	}
	for (i = 0; (w = strsep(&p, " \t\r\n\v\f")) != NULL;) {
		if (*w == '\0')
			continue;
		if (*w == '#')
			break;
		if (i == 0) {
			size_t k;

			for (k = 0; k < sizeof directives / sizeof directives[0]; k++)
				if (strcmp(w, directives[k].name) == 0)
					d = &directives[k];
			if (d == NULL) {
				load_error(ld, "unknown directive '%s' (expected host, domain, "
				    "regex, net, port or type)", w);
				return;
			}
			i = 1;
			continue;
		}
		d->add(ld, w);
		nvalues++;
	}
	if (d != NULL && nvalues == 0)
		load_error(ld, "'%s' needs at least one value", d->name);
}

struct allowlist *
allowlist_read(FILE *in, const char *name, FILE *errs, size_t *nerrors)
{
	struct loader ld = { .al = allowlist_new(name), .name = name, .errs = errs };
	char *line = NULL, err[300];
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, in)) != -1) {
		ld.line++;
		parse_line(&ld, line, (size_t)n);
	}
	if (ferror(in)) {
		ld.line++;
		load_error(&ld, "read error: %s", strerror(errno));
	}
	free(line);
	if (ld.nerrors == 0 &&
	    wildcard_compile(ld.al->patterns, ld.al->names, err, sizeof err) == -1) {
		ld.line = 0;
		load_error(&ld, "cannot compile the patterns: %s", err);
	}
	if (ld.nerrors == 0) {
		struct allowlist_counts c;

		allowlist_counts(ld.al, &c);
		if (c.hosts + c.domains + c.globs + c.regexes + c.nets == 0) {
			/* a truncated or wrong file, most likely: keep the list in force */
			ld.line = 0;
			load_error(&ld, "no host, domain, regex or net entry: nothing says what "
			    "kPoint is (an empty or cut-off file?)");
		}
	}
	if (nerrors != NULL)
		*nerrors = ld.nerrors;
	if (ld.nerrors > 0) {
		allowlist_free(ld.al);
		return NULL;
	}
	return ld.al;
}

struct allowlist *
allowlist_load_file(const char *path, FILE *errs, size_t *nerrors)
{
	struct allowlist *al;
	struct stat sb;
	const char *why = NULL;
	FILE *in = NULL;
	int fd;

	/*
	 * O_NONBLOCK: opening a FIFO with no writer must not wait. Only a regular file is read: a
	 * FIFO or a device would block the helper or feed it without end (/dev/zero).
	 */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		why = strerror(errno);
	else if (fstat(fd, &sb) == -1)
		why = strerror(errno);
	else if (!S_ISREG(sb.st_mode))
		why = "not a regular file (a FIFO, device or directory is never read)";
	else if ((in = fdopen(fd, "r")) == NULL)
		why = strerror(errno);
	if (in == NULL) {
		if (fd != -1)
			close(fd);
		if (errs != NULL)
			fprintf(errs, "%s: cannot open: %s\n", path, why);
		if (nerrors != NULL)
			*nerrors = 1;
		return NULL;
	}
	al = allowlist_read(in, path, errs, nerrors);
	fclose(in);
	return al;
}

struct allowlist *
allowlist_builtin(void)
{
	struct allowlist *al;
	FILE *in = fmemopen((void *)(uintptr_t)kpoint_builtin_list, strlen(kpoint_builtin_list),
	    "r");

	if (in == NULL)
		return NULL;
	al = allowlist_read(in, "built-in", stderr, NULL);
	fclose(in);
	return al;
}

bool
allowlist_has_type(const struct allowlist *al, const char *type, size_t len)
{
	const char *slash;

	if (hostset_get(al->types, type, len) & HS_EXACT)
		return true;
	slash = memchr(type, '/', len);
	return slash != NULL &&
	    (hostset_get(al->types, type, (size_t)(slash - type) + 1) & HS_SUBDOMAINS);
}

void
allowlist_counts(const struct allowlist *al, struct allowlist_counts *c)
{
	const char *name;
	size_t cursor = 0, len, p;
	unsigned flags;

	memset(c, 0, sizeof *c);
	while (hostset_next(al->names, &cursor, &name, &len, &flags)) {
		if (!(flags & HS_MATCH))
			continue;	/* only a wildcard key */
		if (flags & HS_SUBDOMAINS)
			c->domains++;
		else
			c->hosts++;
	}
	c->globs = wildcard_count(al->patterns, WILDCARD_GLOB);
	c->regexes = wildcard_count(al->patterns, WILDCARD_REGEX);
	c->nets = cidrset_count(al->nets);
	c->types = hostset_count(al->types);
	for (p = 1; p < 65536; p++)
		if (allowlist_has_port(al, (unsigned)p))
			c->ports++;
}

/* Entries of set a whose flags differ in set b. */
static size_t
names_missing(const struct hostset *a, const struct hostset *b)
{
	size_t cursor = 0, len, n = 0;
	const char *name;
	unsigned flags;

	/* Wildcard keys (HS_KEY) are an index, not entries: only the matching flags count. */
	while (hostset_next(a, &cursor, &name, &len, &flags))
		if ((flags & HS_MATCH) != 0 &&
		    (hostset_get(b, name, len) & HS_MATCH) != (flags & HS_MATCH))
			n++;
	return n;
}

static int
cmp_strings(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The pattern texts of w, kind-prefixed and sorted; *n gets how many. */
static const char **
pattern_texts(const struct wildcard *w, size_t *n)
{
	size_t total = wildcard_count(w, WILDCARD_GLOB) + wildcard_count(w, WILDCARD_REGEX);
	const char **v = xreallocarray(NULL, total, sizeof *v), *text;
	enum wildcard_kind kind;
	size_t cursor = 0;

	*n = 0;
	while (wildcard_next(w, &cursor, &text, &kind))
		v[(*n)++] = text;
	if (*n > 1)
		qsort(v, *n, sizeof *v, cmp_strings);
	return v;
}

size_t
allowlist_missing(const struct allowlist *a, const struct allowlist *b)
{
	size_t n = names_missing(a->names, b->names) + names_missing(a->types, b->types);
	size_t cursor = 0, na, nb, i = 0, j = 0, p;
	const char **pa, **pb;
	struct cidr net;

	while (cidrset_next(a->nets, &cursor, &net))
		if (!cidrset_has(b->nets, &net))
			n++;
	for (p = 1; p < 65536; p++)
		if (allowlist_has_port(a, (unsigned)p) && !allowlist_has_port(b, (unsigned)p))
			n++;
	/* Patterns: a merge of the two sorted text lists (globs and regexes rarely collide). */
	pa = pattern_texts(a->patterns, &na);
	pb = pattern_texts(b->patterns, &nb);
	while (i < na) {
		int cmp = j < nb ? strcmp(pa[i], pb[j]) : -1;

		if (cmp < 0) {
			n++;
			i++;
		} else if (cmp > 0)
			j++;
		else {
			i++;
			j++;
		}
	}
	free(pa);
	free(pb);
	return n;
}

static void
lines_push(char ***lines, size_t *n, size_t *cap, char *s)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*lines = xreallocarray(*lines, *cap, sizeof **lines);
	}
	(*lines)[(*n)++] = s;
}

static char *
line_fmt(const char *directive, const char *prefix, const char *value, size_t len)
{
	size_t dl = strlen(directive), pl = strlen(prefix);
	char *s = xmalloc(dl + 1 + pl + len + 1);

	memcpy(s, directive, dl);
	s[dl] = ' ';
	memcpy(s + dl + 1, prefix, pl);
	memcpy(s + dl + 1 + pl, value, len);
	s[dl + 1 + pl + len] = '\0';
	return s;
}

char **
allowlist_lines(const struct allowlist *al, size_t *n)
{
	char **lines = NULL, buf[CIDR_TEXT_MAX + 16];
	size_t cap = 0, cursor = 0, len, nr, i;
	struct port_range *r;
	const char *name;
	unsigned flags;
	enum wildcard_kind kind;
	struct cidr net;

	*n = 0;
	while (hostset_next(al->names, &cursor, &name, &len, &flags)) {
		flags &= HS_MATCH;	/* wildcard keys are an index, not entries */
		if (flags == 0)
			continue;
		if (flags == HS_EXACT)
			lines_push(&lines, n, &cap, line_fmt("host", "", name, len));
		else
			lines_push(&lines, n, &cap, line_fmt("domain",
			    flags & HS_EXACT ? "." : "*.", name, len));
	}
	cursor = 0;
	while (wildcard_next(al->patterns, &cursor, &name, &kind))
		lines_push(&lines, n, &cap, line_fmt(kind == WILDCARD_GLOB ? "domain" : "regex",
		    "", name, strlen(name)));
	cursor = 0;
	while (cidrset_next(al->nets, &cursor, &net)) {
		cidr_format(&net, buf, sizeof buf);
		lines_push(&lines, n, &cap, line_fmt("net", "", buf, strlen(buf)));
	}
	cursor = 0;
	while (hostset_next(al->types, &cursor, &name, &len, &flags)) {
		if (flags & HS_EXACT)
			lines_push(&lines, n, &cap, line_fmt("type", "", name, len));
		if (flags & HS_SUBDOMAINS) {
			/* stored as "video/" for "video/ *" */
			char *s = line_fmt("type", "", name, len + 1);

			s[5 + len] = '*';
			lines_push(&lines, n, &cap, s);
		}
	}
	r = allowlist_port_ranges(al, &nr);
	for (i = 0; i < nr; i++) {
		allowlist_port_range_text(&r[i], '-', buf);
		lines_push(&lines, n, &cap, line_fmt("port", "", buf, strlen(buf)));
	}
	free(r);
	if (*n > 1)
		qsort(lines, *n, sizeof *lines, cmp_strings);
	return lines;
}

void
allowlist_lines_free(char **lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}
