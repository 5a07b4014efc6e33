/* tools: the one-shot modes (see tools.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cdnranges.h"
#include "doctor.h"
#include "emit.h"
#include "explain.h"
#include "listfile.h"
#include "listing.h"
#include "log.h"
#include "metrics.h"
#include "tools.h"
#include "verify.h"

/* Exit status for a command line that is wrong, in every list mode. */
#define TOOL_USAGE	2

/*
 * The list the command line names, or NULL when the line is wrong (said; *status is
 * TOOL_USAGE) or the list does not load (said; *status is 1).
 */
static struct allowlist *
tool_list(const struct options *o, int *status)
{
	struct allowlist *al;
	size_t nerrors = 0;

	if (o->error[0] != '\0') {
		log_warnx("%s", o->error);
		*status = TOOL_USAGE;
		return NULL;
	}
	al = o->config != NULL ? listfile_load(o->config, stderr, &nerrors) : listfile_builtin();
	if (al == NULL) {
		fprintf(stderr, "%s: %zu error%s; the list would not be loaded\n",
		    o->config != NULL ? o->config : LISTFILE_BUILTIN, nerrors, nerrors == 1 ? "" : "s");
		*status = 1;
	}
	return al;
}

/* What a tool returns once its report is written: status, or fail if stdout failed. */
static int
flushed(int status, int fail)
{
	return fflush(stdout) == 0 ? status : fail;
}

int
tool_check(const struct options *o)
{
	char summary[256];
	int status;
	struct allowlist *al = tool_list(o, &status);

	if (al == NULL)
		return status;
	listing_summary(al, summary, sizeof summary);
	printf("%s: OK: %s\n", allowlist_source(al), summary);
	allowlist_free(al);
	return flushed(0, 1);
}

int
tool_dump(const struct options *o)
{
	struct listing l;
	size_t i;
	int status;
	struct allowlist *al = tool_list(o, &status);

	if (al == NULL)
		return status;
	listing_make(al, LISTING_ALL, &l);
	for (i = 0; i < l.n; i++)
		printf("%s\n", l.item[i].line);
	listing_free(&l);
	allowlist_free(al);
	return flushed(0, 1);
}

int
tool_emit(const struct options *o)
{
	const char *errstr;
	int status;
	struct allowlist *al = tool_list(o, &status);

	if (al == NULL)
		return status;
	status = 0;
	if (emit_list(al, o->emit, stdout, &errstr) == -1) {
		log_warnx("--emit %s: %s (formats: %s)", o->emit, errstr, emit_formats);
		status = TOOL_USAGE;
	}
	allowlist_free(al);
	return status == 0 ? flushed(0, 1) : status;
}

int
tool_explain(const struct options *o)
{
	const char *errstr;
	enum explain_result r;
	int status;
	struct allowlist *al = tool_list(o, &status);

	if (al == NULL)
		return status;
	r = explain_print(al, &o->query, stdout, &errstr);
	if (r == EXPLAIN_BAD_INPUT)
		log_warnx("--explain %s: %s", o->query.target, errstr);
	allowlist_free(al);
	return flushed((int)r, EXPLAIN_BAD_INPUT);
}

int
tool_verify(const struct options *o)
{
	struct verify_summary sum = { 0, 0, 0, 0, 0, 0, VERIFY_FAILED, time(NULL) };
	enum verify_result r;
	int status;
	struct allowlist *al = tool_list(o, &status);

	if (al == NULL)
		return status;
	r = verify_list(al, &o->vopts, stdout, &sum);
	allowlist_free(al);
	if (o->metrics != NULL && metrics_write_verify(o->metrics, &sum) == -1) {
		log_warn("metrics in %s", o->metrics);
		r = VERIFY_FAILED;
	}
	return flushed((int)r, VERIFY_FAILED);
}

int
tool_doctor(const struct options *o)
{
	struct doctor_options d = {
		o->squid_conf != NULL ? o->squid_conf : DOCTOR_DEFAULT_CONF,
		o->squid != NULL ? o->squid : DOCTOR_DEFAULT_SQUID, o->logformat
	};

	if (o->error[0] != '\0') {
		log_warnx("%s", o->error);
		return DOCTOR_CANNOT_CHECK;
	}
	return flushed((int)doctor_run(&d, stdout), DOCTOR_CANNOT_CHECK);
}

int
tool_cloudfront(const struct options *o)
{
	struct cdn_ranges next, prev;
	char err[256];
	const char *name = strcmp(o->cloudfront, "-") == 0 ? "stdin" : o->cloudfront;
	int status = 1;

	if (o->error[0] != '\0') {
		log_warnx("%s", o->error);
		return TOOL_USAGE;
	}
	if (cdn_ranges_read(o->cloudfront, &next, err, sizeof err) == -1) {
		fprintf(stderr, "%s: %s; nothing written, the ranges in force stay\n", name, err);
		return 1;
	}
	if (o->previous != NULL && cdn_ranges_read(o->previous, &prev, err, sizeof err) == -1) {
		fprintf(stderr, "%s (the ranges in force): %s; nothing written\n", o->previous, err);
		goto done;
	}
	if (o->previous != NULL && cdn_ranges_refuse(&next, &prev, err, sizeof err) != NULL) {
		fprintf(stderr, "%s: refused: %s; nothing written, the ranges in force stay\n",
		    name, err);
		cdn_ranges_free(&prev);
		goto done;
	}
	if (o->previous != NULL)
		cdn_ranges_free(&prev);
	status = (o->cdn_ipset ? cdn_ranges_emit_ipset(&next, name, stdout) :
	    cdn_ranges_emit_nft(&next, name, stdout)) == 0 ? 0 : 1;
done:
	cdn_ranges_free(&next);
	return status;
}
