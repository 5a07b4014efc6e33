/*
 * source: the list in force and where it comes from. Owns which configuration is in use (its
 * named states below), the one pointer to the list in force, why there is none when there is
 * none (what fail-closed answers say), the file watch (filewatch.h: looked at once a second,
 * idle or not), reloads (off the request path on the reloader's thread, one at a time, one
 * asked for meanwhile done when it ends), the swap, and the reload counters. Every outcome is
 * said on stderr (cache.log): errors as FILE:LINE: message, a load with its summary.
 *
 * Never fail open: a list that does not load leaves the one in force; with none in force,
 * source_list() is NULL and every answer is ERR.
 */
#ifndef KP_SOURCE_H
#define KP_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "allowlist.h"

/* Where the list comes from. A bad command line is a state of its own, never a list source. */
enum source_kind {
	SOURCE_BUILTIN,		/* no -c: the built-in list */
	SOURCE_FILE,		/* -c FILE */
	SOURCE_INVALID		/* the command line is bad: fail closed until Squid restarts the
				   helper with a good one; nothing is ever loaded */
};

/* Why a list is (re)loaded. */
enum source_cause {
	SOURCE_START,
	SOURCE_SIGHUP,
	SOURCE_FILE_CHANGED
};

struct source_counters {
	uint64_t	reloads;		/* lists loaded after the first */
	uint64_t	reload_failures;	/* reloads that did not load (the list stayed) */
};

struct source;

/* A source of that kind, nothing loaded yet. Out of memory: the process ends (fatal). */
struct source *source_builtin(void);
struct source *source_file(const char *path);	/* path is not copied: it must outlive it */
struct source *source_invalid(const char *why);	/* why: what every answer will say */
/* Waits for a running load. source_free(NULL) is a no-op. */
void source_free(struct source *s);

/* The first load, on the caller's thread (at start-up there is nothing to answer with). */
void source_load(struct source *s);

/* Reload for why: a file in the background, the built-in list at once. */
void source_reload(struct source *s, enum source_cause why);

/* Readable (POLLIN) when a background load has finished; -1 when there is never one. */
int source_fd(const struct source *s);

/* The fd is readable: take the load's result and swap it in (between two requests). */
void source_take(struct source *s);

/* Does the source want source_look() called once a second, idle or not? */
bool source_watches(const struct source *s);

/* Look at the file (at most once a second; calls more often return at once). */
void source_look(struct source *s);

/* The list in force; NULL while none is (fail closed). */
const struct allowlist *source_list(const struct source *s);

/* Why no list is in force, as fail-closed answers say it; "" while one is. */
const char *source_failure(const struct source *s);

/* When the list in force was loaded (0: never). */
time_t source_loaded(const struct source *s);

const struct source_counters *source_counters(const struct source *s);

#endif
