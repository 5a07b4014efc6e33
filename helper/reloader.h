/*
 * reloader: loads a list file on a thread of its own, so that the helper keeps answering with
 * the list in force while a large file loads (1M entries take about a second), and frees a
 * replaced list off the request path too. The request loop polls reloader_fd() and, when it is
 * readable, takes the result between two requests: the swap itself is a pointer assignment.
 *
 * One load at a time. While a load runs, the list that was in force when it started must stay
 * alive and unchanged: the loader reads it (read-only) to count what was added and removed.
 */
#ifndef KP_RELOADER_H
#define KP_RELOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "allowlist.h"

struct reload_result {
	struct allowlist	*list;		/* NULL: the file did not load */
	char			*errors;	/* the errors, "FILE:LINE: message\n" each; NULL if none */
	size_t			 nerrors;
	size_t			 added, removed; /* entries, against the list given at start */
};

struct reloader;

/* A reloader with no load running. Out of memory or no pipe: the process ends (fatal). */
struct reloader *reloader_new(void);

/* Waits for a running load and discards its result. reloader_free(NULL) is a no-op. */
void reloader_free(struct reloader *r);

/* Readable when a started load has finished; poll it with POLLIN. */
int reloader_fd(const struct reloader *r);

bool reloader_busy(const struct reloader *r);

/*
 * Start loading path (not retained past the call: it is copied). current (may be NULL) is the
 * list in force, read by the loader to count changes. A file that changes while it is read
 * (filewatch_same differs before and after) does not load: it is still being written.
 * Returns 0, or -1 if a load is already running.
 */
int reloader_start(struct reloader *r, const char *path, const struct allowlist *current);

/*
 * If the load has finished, fill *res (the caller owns res->list and res->errors) and return
 * true; otherwise return false. Never blocks.
 */
bool reloader_take(struct reloader *r, struct reload_result *res);

/*
 * Load path on the caller's thread, exactly as a started load does (at start-up there is
 * nothing to answer with meanwhile). current as for reloader_start. Fills *res; the caller
 * owns res->list and res->errors.
 */
void reloader_load(const char *path, const struct allowlist *current, struct reload_result *res);

/* Free al on a detached thread (allowlist_free of a large list takes tens of milliseconds). */
void reloader_dispose(struct allowlist *al);

#endif
