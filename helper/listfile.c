/*
 * listfile: the allowlist file format (see listfile.h). Parsing of one value is done by the
 * owning module (hostname, cidr, wildcard); this file adds FILE:LINE and files each value
 * into the list.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "defaults.h"
#include "hostname.h"
#include "listfile.h"
#include "mediatype.h"
#include "request.h"

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
	allowlist_add_name(ld->al, name, (size_t)n, ENTRY_HOST);
}

static void
add_domain(struct loader *ld, const char *v)
{
	char name[HOSTNAME_MAX + 1];
	const char *errstr, *rest = v;
	enum entry_kind kind = ENTRY_HOST;
	int n;

	if (v[0] == '.') {
		rest = v + 1;
		kind = ENTRY_DOMAIN;
	} else if (v[0] == '*' && v[1] == '.' && strchr(v + 1, '*') == NULL) {
		rest = v + 2;
		kind = ENTRY_SUBDOMAINS;
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
		if (allowlist_add_glob(ld->al, name, &errstr) == -1)
			load_error(ld, "domain '%s': %s", v, errstr);
		return;
	}
	allowlist_add_name(ld->al, name, (size_t)n, kind);
}

static void
add_regex(struct loader *ld, const char *v)
{
	char err[300];

	if (allowlist_add_regex(ld->al, v, err, sizeof err) == -1)
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
	allowlist_add_net(ld->al, &net);
}

static void
add_port(struct loader *ld, const char *v)
{
	const char *dash = strchr(v, '-'), *end = v + strlen(v);
	unsigned lo, hi;

	lo = request_port_number(v, (size_t)((dash != NULL ? dash : end) - v));
	hi = dash != NULL ? request_port_number(dash + 1, (size_t)(end - dash - 1)) : lo;
	if (lo == 0 || hi == 0) {
		load_error(ld, "port '%s': not a port number 1-65535 or a range N-M", v);
		return;
	}
	if (hi < lo) {
		load_error(ld, "port '%s': range ends before it starts", v);
		return;
	}
	allowlist_add_ports(ld->al, lo, hi);
}

/* RFC 9110 token characters. */
static void
add_type(struct loader *ld, const char *v)
{
	char t[MEDIATYPE_MAX + 1];
	size_t n;
	bool any;

	switch (mediatype_of_entry(v, t, &n, &any)) {
	case MEDIATYPE_OK:
		/* any: the entry ends in '*', and is kept as "video/" */
		allowlist_add_type(ld->al, t, n, any ? ENTRY_TYPE_ANY : ENTRY_TYPE);
		return;
	case MEDIATYPE_TOO_LONG:
		load_error(ld, "type '%.20s...': longer than %d characters", v, MEDIATYPE_MAX);
		return;
	case MEDIATYPE_EMPTY:
	case MEDIATYPE_INVALID:
		break;
	}
	load_error(ld, "type '%s': not a content type (type/subtype or type/*)", v);
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

/* Does the list say what kPoint is: a host, domain, glob, regex or net entry? */
static bool
names_kpoint(const struct allowlist *al)
{
	static const enum entry_kind kinds[] = {
		ENTRY_HOST, ENTRY_DOMAIN, ENTRY_SUBDOMAINS, ENTRY_GLOB, ENTRY_REGEX, ENTRY_NET
	};
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (allowlist_count(al, kinds[i]) > 0)
			return true;
	return false;
}

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
listfile_read(FILE *in, const char *name, FILE *errs, size_t *nerrors)
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
	if (ld.nerrors == 0 && allowlist_seal(ld.al, err, sizeof err) == -1) {
		ld.line = 0;
		load_error(&ld, "cannot compile the patterns: %s", err);
	}
	if (ld.nerrors == 0 && !names_kpoint(ld.al)) {
		/* a truncated or wrong file, most likely: keep the list in force */
		ld.line = 0;
		load_error(&ld, "no host, domain, regex or net entry: nothing says what kPoint "
		    "is (an empty or cut-off file?)");
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
listfile_load(const char *path, FILE *errs, size_t *nerrors)
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
	al = listfile_read(in, path, errs, nerrors);
	fclose(in);
	return al;
}

struct allowlist *
listfile_builtin(void)
{
	struct allowlist *al;
	FILE *in = fmemopen((void *)(uintptr_t)kpoint_builtin_list, strlen(kpoint_builtin_list),
	    "r");

	if (in == NULL)
		return NULL;
	al = listfile_read(in, LISTFILE_BUILTIN, stderr, NULL);
	fclose(in);
	return al;
}

