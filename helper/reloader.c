/* reloader: list loads and frees off the request path (see reloader.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filewatch.h"
#include "listfile.h"
#include "listing.h"
#include "log.h"
#include "reloader.h"
#include "xalloc.h"

struct reloader {
	int			 pipe[2];	/* the loader writes one byte when done */
	pthread_t		 thread;
	bool			 busy;		/* a thread was started and not joined */
	char			*path;
	const struct allowlist	*current;
	struct reload_result	 res;		/* written by the thread, read after the join */
};

struct reloader *
reloader_new(void)
{
	struct reloader *r = xcalloc(1, sizeof *r);

	if (pipe2(r->pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe");
	return r;
}

void
reloader_load(const char *path, const struct allowlist *current, struct reload_result *res)
{
	struct stat before, after;
	bool stable;
	size_t len = 0;
	FILE *errs;

	memset(res, 0, sizeof *res);
	if ((errs = open_memstream(&res->errors, &len)) == NULL)
		fatal("open_memstream");
	stable = stat(path, &before) == 0;
	res->list = listfile_load(path, errs, &res->nerrors);
	if (res->list != NULL && stable)
		stable = stat(path, &after) == 0 && filewatch_same(&before, &after);
	if (res->list != NULL && !stable) {
		fprintf(errs, "%s: changed while it was read (still being written?); not loaded\n",
		    path);
		res->nerrors = 1;
		allowlist_free(res->list);
		res->list = NULL;
	}
	if (res->list != NULL && current != NULL)
		listing_changes(res->list, current, &res->added, &res->removed);
	fclose(errs);
	if (len == 0) {
		free(res->errors);
		res->errors = NULL;
	}
}

static void *
load(void *arg)
{
	struct reloader *r = arg;
	char done = 1;
	ssize_t n;

	reloader_load(r->path, r->current, &r->res);
	do
		n = write(r->pipe[1], &done, 1);
	while (n == -1 && errno == EINTR);
	return NULL;
}

int
reloader_fd(const struct reloader *r)
{
	return r->pipe[0];
}

bool
reloader_busy(const struct reloader *r)
{
	return r->busy;
}

int
reloader_start(struct reloader *r, const char *path, const struct allowlist *current)
{
	int rc;

	if (r->busy)
		return -1;
	free(r->path);
	r->path = xstrdup(path);
	r->current = current;
	memset(&r->res, 0, sizeof r->res);
	/* Signals stay blocked in the new thread (it inherits the mask): main takes them all. */
	if ((rc = pthread_create(&r->thread, NULL, load, r)) != 0) {
		errno = rc;
		fatal("pthread_create");
	}
	r->busy = true;
	return 0;
}

bool
reloader_take(struct reloader *r, struct reload_result *res)
{
	char buf[16];

	if (!r->busy || read(r->pipe[0], buf, sizeof buf) <= 0)
		return false;
	pthread_join(r->thread, NULL);
	r->busy = false;
	*res = r->res;
	memset(&r->res, 0, sizeof r->res);
	return true;
}

void
reloader_free(struct reloader *r)
{
	if (r == NULL)
		return;
	if (r->busy) {
		pthread_join(r->thread, NULL);
		allowlist_free(r->res.list);
		free(r->res.errors);
	}
	close(r->pipe[0]);
	close(r->pipe[1]);
	free(r->path);
	free(r);
}

static void *
dispose(void *arg)
{
	allowlist_free(arg);
	return NULL;
}

void
reloader_dispose(struct allowlist *al)
{
	pthread_attr_t attr;
	pthread_t t;

	if (al == NULL)
		return;
	if (pthread_attr_init(&attr) != 0 ||
	    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) != 0 ||
	    pthread_create(&t, &attr, dispose, al) != 0)
		allowlist_free(al);	/* no thread: free it here, slower but correct */
	pthread_attr_destroy(&attr);
}
