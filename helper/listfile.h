/*
 * listfile: the allowlist's file format, read into a list. The loader reads a stream, reports
 * every bad line as "FILE:LINE: message" (suggesting the fix where one is obvious) and then
 * rejects the whole file: a list is loaded entirely or not at all. What a single value is
 * (a host name, a network, a pattern) is said by its own module (hostname, cidr, wildcard).
 *
 * One directive per line, '#' starts a comment at the start of a word:
 *   host NAME...        exact host names
 *   domain PATTERN...   .example.com: the domain and all subdomains; *.example.com: subdomains
 *                       only; example.com: that name only; any other '*': a glob
 *   regex PCRE2...      searched in the lower-case host, case-insensitive
 *   net ADDR[/LEN]...   IPv4 or IPv6 addresses and networks
 *   port N[-M]...       destination ports
 *   type MIME...        content types (type/subtype or type/ *)
 * A list must name kPoint: one host, domain, regex or net entry at least.
 */
#ifndef KP_LISTFILE_H
#define KP_LISTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "allowlist.h"

/*
 * Read a list from in. name is used in messages and kept as the list's source. Every error is
 * written to errs (if not NULL) as "name:line: message". Returns the list, or NULL if there
 * was any error; *nerrors (if not NULL) gets the number of errors.
 */
struct allowlist *listfile_read(FILE *in, const char *name, FILE *errs, size_t *nerrors);

/* Open path and listfile_read it; an unreadable file is one error, reported as "path: ...". */
struct allowlist *listfile_load(const char *path, FILE *errs, size_t *nerrors);

/* The name of the built-in list: its allowlist_source() and its name in messages. */
#define LISTFILE_BUILTIN	"built-in"

/* The built-in kPoint list (defaults.c), parsed by the same loader, named LISTFILE_BUILTIN. */
struct allowlist *listfile_builtin(void);

#endif
