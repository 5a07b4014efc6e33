/*
 * allowlist: the list in force (host names, domains, patterns, networks, ports, content types)
 * and the loader that reads the file format into it. The loader reads a stream, reports every
 * bad line as "FILE:LINE: message" and then rejects the whole file: a list is loaded entirely or
 * not at all.
 *
 * File format, one directive per line, '#' starts a comment at the start of a word:
 *   host NAME...        exact host names
 *   domain PATTERN...   .example.com: the domain and all subdomains; *.example.com: subdomains
 *                       only; example.com: that name only; any other '*': a glob
 *   regex PCRE2...      searched in the lower-case host, case-insensitive
 *   net ADDR[/LEN]...   IPv4 or IPv6 addresses and networks
 *   port N[-M]...       destination ports
 *   type MIME...        content types (type/subtype or type/ *)
 */
#ifndef KP_ALLOWLIST_H
#define KP_ALLOWLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cidr.h"
#include "hostset.h"
#include "wildcard.h"

struct allowlist {
	struct hostset	*names;		/* host and domain entries */
	struct wildcard	*patterns;	/* globs and regexes */
	struct cidrset	*nets;
	struct hostset	*types;		/* exact types; "video/ *" is stored as "video/" + HS_SUBDOMAINS */
	uint8_t		 ports[65536 / 8];
	char		*source;	/* file name, or "built-in" */
};

struct allowlist_counts {
	size_t	hosts, domains, globs, regexes, nets, ports, types;
};

/*
 * Read a list from in. name is used in messages and kept as the list's source. Every error is
 * written to errs as "name:line: message". Returns the list, or NULL if there was any error;
 * *nerrors (if not NULL) gets the number of errors.
 */
struct allowlist *allowlist_read(FILE *in, const char *name, FILE *errs, size_t *nerrors);

/* Open path and allowlist_read it; an unreadable file is one error, reported as "path: ...". */
struct allowlist *allowlist_load_file(const char *path, FILE *errs, size_t *nerrors);

/* The built-in kPoint list (defaults.c), parsed by the same loader. */
struct allowlist *allowlist_builtin(void);

/* allowlist_free(NULL) is a no-op. */
void allowlist_free(struct allowlist *al);

static inline bool
allowlist_has_port(const struct allowlist *al, unsigned port)
{
	return port < 65536 && (al->ports[port / 8] >> (port % 8)) & 1;
}

/* The port number in the len bytes at s (decimal 1-65535, no leading zero), or 0 if none. */
unsigned allowlist_port_number(const char *s, size_t len);

struct port_range {
	unsigned	lo, hi;
};

/* The listed ports as ranges, in order; *n gets how many. The caller frees the array. */
struct port_range *allowlist_port_ranges(const struct allowlist *al, size_t *n);

/* Longest text allowlist_port_range_text writes, with its NUL ("65534-65535"). */
#define PORT_RANGE_TEXT_MAX	12

/*
 * Write r as text into buf (at least PORT_RANGE_TEXT_MAX bytes): "N" for a single port,
 * "LO<sep>HI" for a range (sep is '-' for lists, nft and Squid, ':' for iptables).
 */
void allowlist_port_range_text(const struct port_range *r, char sep, char *buf);

/* Is the content type (lower-case, parameters removed) listed, exactly or as type/ *? */
bool allowlist_has_type(const struct allowlist *al, const char *type, size_t len);

void allowlist_counts(const struct allowlist *al, struct allowlist_counts *c);

/*
 * How many entries of a are not in b (an entry: a name with its flags, a pattern, a network,
 * a port, a type). Probes b's structures; copies nothing but the pattern texts.
 */
size_t allowlist_missing(const struct allowlist *a, const struct allowlist *b);

/*
 * The list as normalised directive lines ("host x", "domain .x", "net a/n", "port 80-81", ...),
 * sorted, one entry per line. Returns an array of n strings; free it with allowlist_lines_free.
 */
char **allowlist_lines(const struct allowlist *al, size_t *n);
void allowlist_lines_free(char **lines, size_t n);

#endif
