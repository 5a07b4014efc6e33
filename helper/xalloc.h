/*
 * xalloc: allocation that never returns NULL. Out of memory ends the process with a message on
 * stderr; Squid then restarts the helper and the in-flight request is denied, never allowed.
 */
#ifndef KP_XALLOC_H
#define KP_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
/* realloc(ptr, nmemb * size) with an overflow check. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* A NUL-terminated copy of the first len bytes of s. */
char *xmemdup0(const char *s, size_t len);
/* A new string, formatted as printf does. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
