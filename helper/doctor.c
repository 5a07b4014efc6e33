/*
 * doctor: --doctor (see doctor.h), the driver: read the configuration through Squid, once per
 * worker, run the table of checks on each reading, merge the workers' findings and write the
 * report. The checks live in doctor_helper.c, doctor_access.c, doctor_adapt.c and
 * doctor_bump.c; what they share, in doctor_common.c (doctor_int.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "allowlist.h"
#include "doctor.h"
#include "doctor_int.h"
#include "listfile.h"
#include "log.h"
#include "squidacl.h"
#include "squidconf.h"
#include "xalloc.h"

/* Squid's parser: the longest each of its runs may take. */
#define SQUID_TIMEOUT_MS	30000

static const char *const check_names[CHECK_COUNT] = {
	[CHECK_HELPER] = "helper", [CHECK_LIST] = "list", [CHECK_FIELDS] = "fields",
	[CHECK_HTTP_ACCESS] = "http_access", [CHECK_DENIED] = "kpoint_denied",
	[CHECK_ADAPTATION] = "adaptation", [CHECK_BUMP_ORDER] = "ssl_bump_order",
	[CHECK_BUMP_CATCHALL] = "ssl_bump_catch_all", [CHECK_BUMP_PEEK] = "ssl_bump_peek",
	[CHECK_INTERCEPT_NAME] = "intercept_port", [CHECK_BUMP_ACLS] = "ssl_bump_acls",
	[CHECK_DECISION_LOG] = "decision_log", [CHECK_METRICS] = "metrics",
	[CHECK_QUIC] = "quic", [CHECK_HELPER_IN_BUMP] = "helper_in_ssl_bump",
};

/*
 * The checks, in the order a request meets them: the helper Squid runs (and its list and
 * fields), http_access, the scanner, SslBump, the decision log and the metrics, advisories.
 * Each function gives the findings of the checks it names (doctor_int.h).
 */
static void (*const checks[])(struct doctor *) = {
	check_helper,		/* helper, list (doctor_helper.c) */
	check_fields,		/* fields */
	check_http_access,	/* http_access (doctor_access.c) */
	check_denied,		/* kpoint_denied */
	check_adaptation,	/* adaptation (doctor_adapt.c) */
	check_sslbump,		/* ssl_bump_* and intercept_port (doctor_bump.c) */
	check_log,		/* decision_log (doctor_helper.c) */
	check_metrics,		/* metrics */
	check_advisories,	/* quic, helper_in_ssl_bump (doctor_bump.c) */
};

static const char *const verdict_names[] = { "ok", "warn", "FAIL" };

/* ---- the report ---- */

static void
json_string(FILE *out, const char *s)
{
	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/*
 * Write the findings f (nf of them) about the configuration sc: as Squid read it, or, with
 * workers > 1, as each of its workers did (each read by Squid on its own).
 */
static enum doctor_result
report(const struct finding *fs, size_t nf, const struct squidconf *sc, unsigned workers,
    const char *applied, const struct doctor_options *o, FILE *out)
{
	size_t i, count[3] = { 0, 0, 0 };

	if (o->format == DECLOG_TEXT && workers > 1)
		fprintf(out, "%s, as Squid %s read it for each of its %u workers: %s directives "
		    "applied\n", o->conf, sc->version != NULL ? sc->version : "(version unknown)",
		    workers, applied);
	else if (o->format == DECLOG_TEXT)
		fprintf(out, "%s, as Squid %s read it: %s directives applied\n", o->conf,
		    sc->version != NULL ? sc->version : "(version unknown)", applied);
	for (i = 0; i < nf; i++) {
		const struct finding *f = &fs[i];

		count[f->verdict]++;
		if (o->format == DECLOG_JSON) {
			fprintf(out, "{\"check\":\"%s\",\"verdict\":\"%s\",\"problem\":",
			    check_names[f->check], verdict_names[f->verdict]);
			json_string(out, f->problem);
			fputs(",\"directive\":", out);
			json_string(out, f->directive);
			fputs(",\"fix\":", out);
			json_string(out, f->fix);
			fputs("}\n", out);
			continue;
		}
		fprintf(out, "%-4s %-18s %s\n", verdict_names[f->verdict], check_names[f->check],
		    f->problem);
		if (f->verdict != FOUND_OK && f->directive != NULL)
			fprintf(out, "     squid.conf: %s\n", f->directive);
		if (f->fix != NULL)
			fprintf(out, "     fix: %s\n", f->fix);
	}
	if (o->format == DECLOG_JSON) {
		fprintf(out, "{\"summary\":{\"ok\":%zu,\"warn\":%zu,\"fail\":%zu},\"config\":",
		    count[FOUND_OK], count[FOUND_WARN], count[FOUND_FAIL]);
		json_string(out, o->conf);
		fputs(",\"squid\":", out);
		json_string(out, sc->version);
		fprintf(out, ",\"workers\":%u}\n", workers);
	} else {
		fprintf(out, "summary: %zu ok, %zu warn, %zu FAIL\n", count[FOUND_OK],
		    count[FOUND_WARN], count[FOUND_FAIL]);
	}
	return count[FOUND_FAIL] > 0 ? DOCTOR_FAILED : DOCTOR_OK;
}

/* Say on stderr why the configuration cannot be checked (for SMP worker kid; 0: as a whole). */
static enum doctor_result
cannot_check(const struct doctor_options *o, const struct squidconf *sc, unsigned kid)
{
	char worker[32] = "";
	const char *p;

	if (kid > 0)
		snprintf(worker, sizeof worker, " for worker %u", kid);

	switch (sc->status) {
	case SQUIDCONF_NO_SQUID:
		log_warnx("--doctor: no Squid to read %s with: %s: %s (name it with --squid PATH)",
		    o->conf, o->squid, sc->message);
		break;
	case SQUIDCONF_REJECTED:
		log_warnx("--doctor: Squid %s refuses %s%s; in its words:",
		    sc->version != NULL ? sc->version : "", o->conf, worker);
		for (p = sc->message; *p != '\0'; p += strcspn(p, "\n") + 1)
			fprintf(stderr, "    %.*s\n", (int)strcspn(p, "\n"), p);
		break;
	case SQUIDCONF_FAILED:
		log_warnx("--doctor: %s%s: %s", o->conf, worker, sc->message);
		break;
	case SQUIDCONF_READ:
		log_warnx("--doctor: %s has no kPoint line: no external_acl_type runs %s (see "
		    "squid-kpoint.conf)", o->conf, PACKAGE);
		break;
	}
	return DOCTOR_CANNOT_CHECK;
}

/* Free the findings of one judging. */
static void
findings_free(struct finding *f, size_t nf)
{
	size_t i;

	for (i = 0; i < nf; i++) {
		free(f[i].problem);
		free(f[i].directive);
		free(f[i].fix);
	}
	free(f);
}

/*
 * Judge one reading of the configuration: every check, in the order a request meets them.
 * The findings go to *f (*nf); false, with none, when no external_acl_type runs the helper.
 */
static bool
judge(const struct squidconf *sc, struct finding **f, size_t *nf)
{
	struct doctor dr;
	size_t i;

	memset(&dr, 0, sizeof dr);
	dr.sc = sc;
	*f = NULL;
	*nf = 0;
	if (!helperline_find(sc, &dr.hl))
		return false;
	dr.user = squidconf_effective_user(sc);
	acltable_build(&dr.acls, sc, sc->d[dr.hl.ext].word[1]);
	/* the list the helper runs with; the built-in one if it does not load (said under "list") */
	dr.list = dr.hl.opts.config != NULL ? listfile_load(dr.hl.opts.config, NULL, NULL) : NULL;
	if (dr.list == NULL)
		dr.list = listfile_builtin();

	for (i = 0; i < sizeof checks / sizeof checks[0]; i++)
		checks[i](&dr);

	helperline_free(&dr.hl);
	allowlist_free(dr.list);
	acltable_free(&dr.acls);
	*f = dr.f;
	*nf = dr.nf;
	return true;
}

static bool
same_text(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool
same_finding(const struct finding *a, const struct finding *b)
{
	return a->check == b->check && a->verdict == b->verdict &&
	    same_text(a->problem, b->problem) && same_text(a->directive, b->directive) &&
	    same_text(a->fix, b->fix);
}

/* Per worker: its findings, and whether it runs the helper at all. */
struct worker_view {
	struct finding	*f;
	size_t		 nf;
	bool		 helper;
};

/*
 * One list of findings from every worker's: a finding all workers share is said once, as it
 * is; one that only some have names them ("workers 1, 3: ..."). A worker without the helper
 * (with_helper of them have it) gets a FAIL of its own. Returns the merged findings (*nf).
 */
static struct finding *
merge(const struct worker_view *w, unsigned workers, unsigned with_helper, size_t *nf)
{
	struct finding *out = NULL;
	size_t n = 0, i;
	unsigned k, m;

	for (k = 0; k < workers; k++) {
		if (!w[k].helper) {
			out = xreallocarray(out, n + 1, sizeof *out);
			out[n].check = CHECK_HELPER;
			out[n].verdict = FOUND_FAIL;
			out[n].problem = xasprintf("worker %u: no external_acl_type runs %s for this "
			    "worker (an `if ${process_number}` block leaves it out): kPoint through "
			    "this worker is neither allowed nor exempt from the scanner", k + 1,
			    PACKAGE);
			out[n].directive = NULL;
			out[n].fix = xstrdup("include squid-kpoint.conf (and kPoint's other "
			    "snippets) outside every `if ${process_number}` block, so that every "
			    "worker reads it");
			n++;
		}
		for (i = 0; i < w[k].nf; i++) {
			const struct finding *f = &w[k].f[i];
			char who[256];
			size_t used = 0, j;
			unsigned have = 0;
			bool said = false;

			/* said already, for an earlier worker? */
			for (m = 0; m < k && !said; m++)
				for (j = 0; j < w[m].nf && !said; j++)
					said = same_finding(f, &w[m].f[j]);
			if (said)
				continue;
			for (m = 0; m < workers; m++) {
				bool has = false;

				for (j = 0; j < w[m].nf && !has; j++)
					has = same_finding(f, &w[m].f[j]);
				if (has) {
					used += (size_t)snprintf(who + used, sizeof who - used, "%s%u",
					    have > 0 ? ", " : "", m + 1);
					have++;
				}
				if (used >= sizeof who)
					used = sizeof who - 1;
			}
			out = xreallocarray(out, n + 1, sizeof *out);
			out[n] = *f;
			out[n].problem = have == with_helper ? xstrdup(f->problem) :
			    xasprintf("worker%s %s: %s", have > 1 ? "s" : "", who, f->problem);
			out[n].directive = f->directive != NULL ? xstrdup(f->directive) : NULL;
			out[n].fix = f->fix != NULL ? xstrdup(f->fix) : NULL;
			n++;
		}
	}
	*nf = n;
	return out;
}

enum doctor_result
doctor_run(const struct doctor_options *o, FILE *out)
{
	struct squidconf sc;
	struct worker_view *w;
	struct finding *f;
	struct stat sb;
	enum doctor_result rc;
	size_t nf, used = 0;
	unsigned workers, k, with_helper = 0;
	char applied[256] = "";

	/* Squid reads a directory as an empty file: say what it is */
	if (stat(o->conf, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		log_warnx("--doctor: %s is a directory, not a squid.conf", o->conf);
		return DOCTOR_CANNOT_CHECK;
	}
	if (squidconf_read(o->squid, o->conf, 0, SQUID_TIMEOUT_MS, &sc) == -1)
		fatal("--doctor: running %s", o->squid);
	if (sc.status != SQUIDCONF_READ) {
		rc = cannot_check(o, &sc, 0);
		squidconf_free(&sc);
		return rc;
	}
	workers = squidconf_workers(&sc);
	/*
	 * Each worker as it reads the file, Squid's own parser told which it is: under Squid's
	 * master process (Debian's service runs it so) even a lone worker is kid 1, and
	 * ${process_number} is its number, never the 0 of a bare "squid -k parse".
	 */
	w = xreallocarray(NULL, workers, sizeof *w);
	for (k = 0; k < workers; k++) {
		struct squidconf wsc;

		if (squidconf_read(o->squid, o->conf, k + 1, SQUID_TIMEOUT_MS, &wsc) == -1)
			fatal("--doctor: running %s", o->squid);
		if (wsc.status != SQUIDCONF_READ) {
			rc = cannot_check(o, &wsc, k + 1);
			squidconf_free(&wsc);
			while (k-- > 0)
				findings_free(w[k].f, w[k].nf);
			free(w);
			squidconf_free(&sc);
			return rc;
		}
		w[k].helper = judge(&wsc, &w[k].f, &w[k].nf);
		with_helper += w[k].helper;
		if (used < sizeof applied)	/* "71" or "71, 68, ...": each worker's count */
			used += (size_t)snprintf(applied + used, sizeof applied - used, "%s%zu",
			    k > 0 ? ", " : "", wsc.n);
		squidconf_free(&wsc);
	}
	if (with_helper == 0) {
		rc = cannot_check(o, &sc, 0);
	} else {
		f = merge(w, workers, with_helper, &nf);
		rc = report(f, nf, &sc, workers, applied, o, out);
		findings_free(f, nf);
	}
	for (k = 0; k < workers; k++)
		findings_free(w[k].f, w[k].nf);
	free(w);
	squidconf_free(&sc);
	return rc;
}
