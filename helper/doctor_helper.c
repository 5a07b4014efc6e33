/*
 * doctor_helper: the checks of the helper Squid runs (see doctor_int.h): can Squid's user run
 * it, does its list load, does FORMAT send what it reads, can it write its decision log. The
 * helper judges its own list and command line: it is run exactly as squid.conf runs it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "doctor_int.h"
#include "log.h"
#include "options.h"
#include "request.h"
#include "squidconf.h"
#include "xalloc.h"

/* Run the helper's own line with extra words appended (as Squid's user), into *r. */
int
dr_run_helper(struct doctor *dr, const char *a, const char *b, struct command_result *r)
{
	return helperline_run(&dr->hl, dr->user, HELPER_TIMEOUT_MS, a, b, r);
}

/* The first line of s, for a message. */
char *
dr_first_line(const char *s)
{
	return xmemdup0(s, strcspn(s, "\n"));
}

void
check_helper(struct doctor *dr)
{
	const struct squid_directive *d = &dr->sc->d[dr->hl.ext];
	const char *path = dr->hl.argv[0];
	struct command_result r;

	if (dr_run_helper(dr, "--check", NULL, &r) == -1)
		fatal("running %s", path);
	if (r.status == COMMAND_NOT_RUN || r.status == COMMAND_NO_USER) {
		dr_fix(dr_found(dr, CHECK_HELPER, FOUND_FAIL, d, "%s cannot be run as %s: %s (so "
		    "its list is not checked)", path, dr->user, r.status == COMMAND_NO_USER ? "no "
		    "such user" : strerror(r.error)), "install the helper there (apt-get install "
		    "squid-kpoint-acl), or write its path in this line");
	} else if (!command_succeeded(&r)) {
		char *why = dr_first_line(r.err[0] != '\0' ? r.err : r.out);

		dr_found(dr, CHECK_HELPER, FOUND_OK, d, "%s runs as %s", path, dr->user);
		char *cmd = helperline_command(&dr->hl, "--check");

		dr_fix(dr_found(dr, CHECK_LIST, FOUND_FAIL, d, "the helper fails closed (ERR to "
		    "every request: no kPoint): %s", why), "correct what it says, then check with "
		    "`%s`", cmd);
		free(cmd);
		free(why);
	} else {
		char *summary = dr_first_line(r.out);

		dr_found(dr, CHECK_HELPER, FOUND_OK, d, "%s runs as %s", path, dr->user);
		dr_found(dr, CHECK_LIST, FOUND_OK, NULL, "%s", summary);
		free(summary);
	}
	command_result_free(&r);
}

void
check_fields(struct doctor *dr)
{
	const struct squid_directive *d = &dr->sc->d[dr->hl.ext];
	char sent[256] = "", *p = sent;
	struct fieldspec spec;
	const char *errstr;
	size_t i, n = 0;
	bool same;

	for (i = 2; i < d->nwords && d->word[i] != dr->hl.argv[0]; i++) {
		if (d->word[i][0] != '%')
			continue;
		p += snprintf(p, sizeof sent - (size_t)(p - sent), "%s%s", n++ > 0 ? "," : "",
		    field_name(field_of_format(d->word[i])));
		if (p >= sent + sizeof sent)
			break;
	}
	if (fieldspec_parse(dr->hl.opts.fields, &spec, &errstr) == -1) {
		dr_fix(dr_found(dr, CHECK_FIELDS, FOUND_FAIL, d,
		    "-f %s: %s", dr->hl.opts.fields, errstr), "write `-f %s`", sent);
		return;
	}
	/* field by field, never past either list: a short -f is a difference, not a read of
	   fields it does not have */
	same = spec.n == n;
	for (i = 0, p = sent; same && i < n && i < spec.n; i++) {
		size_t len = strcspn(p, ",");
		enum field f = spec.order[i];

		same = f == FIELD_SKIP || (strlen(field_name(f)) == len &&
		    strncmp(p, field_name(f), len) == 0);
		p += len + (p[len] == ',');
	}
	if (same)
		dr_found(dr, CHECK_FIELDS, FOUND_OK, NULL, "FORMAT sends %s, as the helper "
		    "reads it (-f %s)", sent, dr->hl.opts.fields);
	else
		dr_fix(dr_found(dr, CHECK_FIELDS, FOUND_FAIL, d, "FORMAT sends %s but the helper "
		    "reads %s: it would judge one field as another", sent, dr->hl.opts.fields),
		    "give the helper `-f %s`, the fields FORMAT sends", sent);
}

/*
 * Can Squid's user write what (a file) or, if it does not exist, create it in dir? As that user
 * when running as root (test(1), as Squid runs the helper); else as ours, and *as_user false.
 */
static bool
user_can_write(struct doctor *dr, const char *what, const char *dir, bool *as_user)
{
	struct stat sb;
	struct command_result r;
	bool exists = what != NULL && stat(what, &sb) == 0, ok;
	const char *argv[] = { "test", "-w", exists ? what : dir, exists ? NULL : "-a", "-x", dir,
		NULL };

	if (command_run(argv, dr->user, HELPER_TIMEOUT_MS, &r) == -1)
		fatal("running test(1)");
	ok = command_succeeded(&r);
	command_result_free(&r);
	*as_user = geteuid() == 0;
	return ok;
}

/*
 * The finding for a check user_can_write could not make as Squid's user (not running as root):
 * a warning that says what was found as ours. what: the file or directory.
 */
static void
found_not_as_user(struct doctor *dr, enum check c, const char *what, bool ok)
{
	dr_found(dr, c, FOUND_WARN, &dr->sc->d[dr->hl.ext], "%s: checked as the user running "
	    "--doctor, not as %s (run it as root to check as Squid's user): %s", what, dr->user,
	    ok ? "writable" : "not writable");
}

void
check_log(struct doctor *dr)
{
	const char *path = dr->hl.opts.logpath;
	char *dir, *slash;
	struct stat sb;
	bool ok, as_user;

	if (path == NULL) {
		dr_found(dr, CHECK_DECISION_LOG, FOUND_OK, NULL, "no decision log (no -l): "
		    "nothing to write");
		return;
	}
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		strcpy(dir, ".");
	ok = user_can_write(dr, path, dir, &as_user);
	if (!as_user)
		found_not_as_user(dr, CHECK_DECISION_LOG, path, ok);
	else if (ok)
		dr_found(dr, CHECK_DECISION_LOG, FOUND_OK, NULL, "%s can write %s", dr->user,
		    path);
	else
		dr_fix(dr_found(dr, CHECK_DECISION_LOG, FOUND_FAIL, &dr->sc->d[dr->hl.ext], "%s "
		    "(Squid's cache_effective_user) cannot write %s: the helper runs without its "
		    "decision log, and no refused or scanned kPoint request is logged", dr->user,
		    path), "run `chown %s %s`", dr->user, stat(path, &sb) == 0 ? path : dir);
	free(dir);
}

void
check_metrics(struct doctor *dr)
{
	const char *dir = dr->hl.opts.metrics;
	bool ok, as_user;

	if (dir == NULL) {
		dr_found(dr, CHECK_METRICS, FOUND_OK, NULL, "no --metrics: nothing to write");
		return;
	}
	ok = user_can_write(dr, NULL, dir, &as_user);
	if (!as_user)
		found_not_as_user(dr, CHECK_METRICS, dir, ok);
	else if (ok)
		dr_found(dr, CHECK_METRICS, FOUND_OK, NULL, "%s can write its metrics in %s",
		    dr->user, dir);
	else
		dr_fix(dr_found(dr, CHECK_METRICS, FOUND_FAIL, &dr->sc->d[dr->hl.ext], "%s (Squid's "
		    "cache_effective_user) cannot write %s: the helpers keep no metrics, and the "
		    "monitoring sees none", dr->user, dir), "run `setfacl -m u:%s:rwx %s`",
		    dr->user, dir);
}
