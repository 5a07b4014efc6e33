/* source: the list in force, its file watch and its reloads (see source.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "filewatch.h"
#include "listfile.h"
#include "listing.h"
#include "log.h"
#include "reloader.h"
#include "source.h"
#include "xalloc.h"

struct source {
	enum source_kind	 kind;
	const char		*path;		/* the file, when kind is SOURCE_FILE */
	struct allowlist	*list;		/* in force; NULL: fail closed */
	char			 failure[512];	/* why list is NULL */
	time_t			 loaded;
	struct filewatch	 watch;
	time_t			 last_look;	/* monotonic seconds */
	struct reloader		*rl;		/* SOURCE_FILE only */
	enum source_cause	 loading_cause;	/* why the running load was started */
	bool			 again;		/* a reload was asked for while one ran */
	enum source_cause	 again_cause;
	struct source_counters	 counters;
};

static struct source *
source_new(enum source_kind kind, const char *path)
{
	struct source *s = xcalloc(1, sizeof *s);

	s->kind = kind;
	s->path = path;
	if (kind == SOURCE_FILE)
		s->rl = reloader_new();
	return s;
}

struct source *
source_builtin(void)
{
	return source_new(SOURCE_BUILTIN, NULL);
}

struct source *
source_file(const char *path)
{
	return source_new(SOURCE_FILE, path);
}

struct source *
source_invalid(const char *why)
{
	struct source *s = source_new(SOURCE_INVALID, NULL);

	snprintf(s->failure, sizeof s->failure, "%s", why);
	return s;
}

void
source_free(struct source *s)
{
	if (s == NULL)
		return;
	reloader_free(s->rl);
	allowlist_free(s->list);
	free(s);
}

static const char *
cause_name(enum source_cause c)
{
	switch (c) {
	case SOURCE_START:
		return "start";
	case SOURCE_SIGHUP:
		return "SIGHUP";
	case SOURCE_FILE_CHANGED:
		break;
	}
	return "file changed";
}

/* How cache.log names the list. */
static const char *
display_name(const struct source *s)
{
	return s->kind == SOURCE_FILE ? s->path : LISTFILE_BUILTIN " list";
}

/*
 * A load's outcome, from any path: errors go to stderr (cache.log) as FILE:LINE: message; a
 * list that loaded replaces the one in force (freed off the request path), a list that did not
 * leaves it in force. With no list in force, the first error is what fail-closed answers say.
 */
static void
apply(struct source *s, enum source_cause why, struct reload_result *res)
{
	char summary[256];
	struct allowlist *old = s->list;

	if (res->errors != NULL) {
		fputs(res->errors, stderr);
		fflush(stderr);
	}
	if (res->list == NULL) {
		if (why != SOURCE_START)
			s->counters.reload_failures++;
		if (s->list != NULL) {
			log_warnx("reload (%s) of %s failed with %zu errors; the list loaded before "
			    "stays in force", cause_name(why), s->path, res->nerrors);
		} else {
			snprintf(s->failure, sizeof s->failure, "allowlist not loaded: %.*s%s",
			    res->errors != NULL ? (int)strcspn(res->errors, "\n") : 0,
			    res->errors != NULL ? res->errors : "", res->nerrors > 1 ?
			    " (and more, see cache.log)" : "");
			log_warnx("%s: %zu errors; answering ERR to every request until it "
			    "loads", s->path, res->nerrors);
		}
		free(res->errors);
		return;
	}
	if (why != SOURCE_START)
		s->counters.reloads++;
	listing_summary(res->list, summary, sizeof summary);
	if (old != NULL)
		log_info("reloaded (%s) %s: %s; %zu entries added, %zu removed", cause_name(why),
		    display_name(s), summary, res->added, res->removed);
	else
		log_info("loaded %s: %s", display_name(s), summary);
	s->list = res->list;
	s->loaded = time(NULL);
	reloader_dispose(old);
	free(res->errors);
}

/* Record the file as it is now, as the version loaded or tried. */
static void
remember_file(struct source *s)
{
	struct stat sb;

	filewatch_remember(&s->watch, stat(s->path, &sb) == 0 ? &sb : NULL);
}

/* Load on the caller's thread: at start, and the built-in list (a few microseconds). */
static void
load_now(struct source *s, enum source_cause why)
{
	struct reload_result res;

	memset(&res, 0, sizeof res);
	if (s->kind == SOURCE_BUILTIN) {
		res.list = listfile_builtin();
		if (res.list != NULL && s->list != NULL)
			listing_changes(res.list, s->list, &res.added, &res.removed);
	} else {
		remember_file(s);
		reloader_load(s->path, NULL, &res);
	}
	apply(s, why, &res);
}

void
source_load(struct source *s)
{
	if (s->kind == SOURCE_INVALID)
		return;
	load_now(s, SOURCE_START);
	s->last_look = monotonic_seconds();
}

void
source_reload(struct source *s, enum source_cause why)
{
	switch (s->kind) {
	case SOURCE_INVALID:
		/* No list is right for a command line that says nothing reliable about it. */
		log_warnx("not reloading (%s): %s; fix the helper's line in squid.conf",
		    cause_name(why), s->failure);
		return;
	case SOURCE_BUILTIN:
		load_now(s, why);
		return;
	case SOURCE_FILE:
		break;
	}
	if (reloader_busy(s->rl)) {
		s->again = true;
		s->again_cause = why;
		return;
	}
	remember_file(s);
	s->loading_cause = why;
	(void)reloader_start(s->rl, s->path, s->list);
}

int
source_fd(const struct source *s)
{
	return s->rl != NULL ? reloader_fd(s->rl) : -1;
}

void
source_take(struct source *s)
{
	struct reload_result res;

	if (s->rl == NULL || !reloader_take(s->rl, &res))
		return;
	apply(s, s->loading_cause, &res);
	if (s->again) {
		s->again = false;
		source_reload(s, s->again_cause);
	}
}

bool
source_watches(const struct source *s)
{
	return s->kind == SOURCE_FILE;
}

void
source_look(struct source *s)
{
	struct stat sb;
	struct timespec now;
	time_t mono;
	bool there;
	int err;

	if (s->kind != SOURCE_FILE || (mono = monotonic_seconds()) == s->last_look)
		return;
	s->last_look = mono;
	there = stat(s->path, &sb) == 0;
	err = errno;
	clock_gettime(CLOCK_REALTIME, &now);
	switch (filewatch_look(&s->watch, there ? &sb : NULL, &now)) {
	case FILEWATCH_UNCHANGED:
	case FILEWATCH_SETTLING:
		return;
	case FILEWATCH_VANISHED:
		errno = err;
		log_warn("%s", s->path);	/* keep the list in force */
		return;
	case FILEWATCH_CHANGED:
		break;
	}
	source_reload(s, SOURCE_FILE_CHANGED);
}

const struct allowlist *
source_list(const struct source *s)
{
	return s->list;
}

const char *
source_failure(const struct source *s)
{
	return s->failure;
}

time_t
source_loaded(const struct source *s)
{
	return s->loaded;
}

const struct source_counters *
source_counters(const struct source *s)
{
	return &s->counters;
}
