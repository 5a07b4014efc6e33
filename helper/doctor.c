/*
 * doctor: --doctor (see doctor.h): read the configuration through Squid, run the checks in the
 * order a request meets them (the helper Squid runs, http_access, the scanner, SslBump, the
 * decision log, advisories) and write the report. What the checks share is here too
 * (doctor_int.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "allowlist.h"
#include "doctor.h"
#include "doctor_int.h"
#include "listfile.h"
#include "log.h"
#include "note.h"
#include "squidacl.h"
#include "squidconf.h"
#include "xalloc.h"

/* Squid's parser: the longest each of its runs may take. */
#define SQUID_TIMEOUT_MS	30000

static const char *const check_names[CHECK_COUNT] = {
	"helper", "list", "fields", "http_access", "kpoint_denied", "adaptation",
	"ssl_bump_order", "ssl_bump_catch_all", "ssl_bump_peek", "intercept_port",
	"ssl_bump_acls", "decision_log", "metrics", "quic", "helper_in_ssl_bump"
};

static const char *const verdict_names[] = { "ok", "warn", "FAIL" };

void
dr_found(struct doctor *dr, enum check c, enum finding_verdict v,
    const struct squid_directive *d, char *fix, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	dr->f = xreallocarray(dr->f, dr->nf + 1, sizeof *dr->f);
	f = &dr->f[dr->nf++];
	f->check = c;
	f->verdict = v;
	f->directive = d != NULL ? xstrdup(d->text) : NULL;
	f->fix = fix;
	va_start(ap, fmt);
	if (vasprintf(&f->problem, fmt, ap) == -1)
		fatalx("out of memory formatting a finding");
	va_end(ap);
}

bool
dr_is(const struct squid_directive *d, const char *name)
{
	return strcmp(d->word[0], name) == 0;
}

bool
dr_has_word(const struct squid_directive *d, size_t from, const char *w)
{
	size_t i;

	for (i = from; i < d->nwords; i++)
		if (strcmp(d->word[i], w) == 0)
			return true;
	return false;
}

/* Is file a the file b, or one that (through includes) brings b in? */
static bool
encloses(const struct squidconf *sc, const struct squid_file *a, const struct squid_file *b)
{
	for (;;) {
		if (a == b)
			return true;
		if (!b->included)
			return false;
		b = squidconf_file_of(sc, &sc->d[b->include_at]);
	}
}

/*
 * What a fix moves to put directive i before directive anchor: i itself when both are in one
 * file, else the include, in a file that holds the anchor, that brings i in.
 */
const char *
dr_movable(const struct doctor *dr, size_t i, size_t anchor)
{
	const struct squidconf *sc = dr->sc;
	const struct squid_file *fa = squidconf_file_of(sc, &sc->d[anchor]);
	const struct squid_file *f = squidconf_file_of(sc, &sc->d[i]);

	while (!encloses(sc, f, fa) && f->included) {
		i = f->include_at;
		f = squidconf_file_of(sc, &sc->d[i]);
	}
	return sc->d[i].text;
}

/* The first acl name on a rule that satisfies pred, for naming it in a fix. */
const char *
dr_acl_named(const struct doctor *dr, dr_pred *pred, const char *arg, const char *fallback)
{
	size_t i;

	for (i = 0; i < dr->acls.n; i++)
		if (pred(dr, &dr->acls.acl[i], arg))
			return dr->acls.acl[i].name;
	return fallback;
}

bool
dr_pred_external(const struct doctor *dr, const struct squid_acl *a, const char *unused)
{
	(void)unused;
	return acl_is_kpoint_external(&dr->acls, a);
}

bool
dr_pred_note(const struct doctor *dr, const struct squid_acl *a, const char *value)
{
	(void)dr;
	return acl_is_kpoint_note(a, value);
}

bool
dr_pred_type(const struct doctor *dr, const struct squid_acl *a, const char *type_and_value)
{
	size_t n = strcspn(type_and_value, " ");

	(void)dr;
	return strlen(a->type) == n && strncmp(a->type, type_and_value, n) == 0 &&
	    a->nvalues == 1 && strcasecmp(a->value[0], type_and_value + n + 1) == 0;
}

/* Does the rule (acl words from index from) name, not negated, an acl satisfying pred? */
bool
dr_rule_names(const struct doctor *dr, const struct squid_directive *d, size_t from,
    dr_pred *pred, const char *arg)
{
	size_t i;

	for (i = from; i < d->nwords; i++) {
		const struct squid_acl *a;

		if (d->word[i][0] != '!' && (a = acltable_find(&dr->acls, d->word[i])) != NULL &&
		    pred(dr, a, arg))
			return true;
	}
	return false;
}

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

static enum doctor_result
report(const struct doctor *dr, const struct doctor_options *o, FILE *out)
{
	size_t i, count[3] = { 0, 0, 0 };

	if (o->format == DECLOG_TEXT)
		fprintf(out, "%s, as Squid %s read it: %zu directives applied\n", o->conf,
		    dr->sc->version != NULL ? dr->sc->version : "(version unknown)", dr->sc->n);
	for (i = 0; i < dr->nf; i++) {
		const struct finding *f = &dr->f[i];

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
		json_string(out, dr->sc->version);
		fputs("}\n", out);
	} else {
		fprintf(out, "summary: %zu ok, %zu warn, %zu FAIL\n", count[FOUND_OK],
		    count[FOUND_WARN], count[FOUND_FAIL]);
	}
	return count[FOUND_FAIL] > 0 ? DOCTOR_FAILED : DOCTOR_OK;
}

/* Squid's user: the last cache_effective_user, else what Squid was built with. */
static const char *
effective_user(const struct squidconf *sc)
{
	const char *user = sc->default_user != NULL ? sc->default_user : "nobody";
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (dr_is(&sc->d[i], "cache_effective_user") && sc->d[i].nwords > 1)
			user = sc->d[i].word[1];
	return user;
}

/* Say on stderr why the configuration cannot be checked. */
static enum doctor_result
cannot_check(const struct doctor_options *o, const struct squidconf *sc)
{
	const char *p;

	switch (sc->status) {
	case SQUIDCONF_NO_SQUID:
		log_warnx("--doctor: no Squid to read %s with: %s: %s (name it with --squid PATH)",
		    o->conf, o->squid, sc->message);
		break;
	case SQUIDCONF_REJECTED:
		log_warnx("--doctor: Squid %s refuses %s; in its words:",
		    sc->version != NULL ? sc->version : "", o->conf);
		for (p = sc->message; *p != '\0'; p += strcspn(p, "\n") + 1)
			fprintf(stderr, "    %.*s\n", (int)strcspn(p, "\n"), p);
		break;
	case SQUIDCONF_FAILED:
		log_warnx("--doctor: %s: %s", o->conf, sc->message);
		break;
	case SQUIDCONF_READ:
		log_warnx("--doctor: %s has no kPoint line: no external_acl_type runs %s (see "
		    "squid-kpoint.conf)", o->conf, PACKAGE);
		break;
	}
	return DOCTOR_CANNOT_CHECK;
}

enum doctor_result
doctor_run(const struct doctor_options *o, FILE *out)
{
	struct squidconf sc;
	struct doctor dr;
	struct stat sb;
	enum doctor_result rc;
	size_t i;

	/* Squid reads a directory as an empty file: say what it is */
	if (stat(o->conf, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		log_warnx("--doctor: %s is a directory, not a squid.conf", o->conf);
		return DOCTOR_CANNOT_CHECK;
	}
	if (squidconf_read(o->squid, o->conf, SQUID_TIMEOUT_MS, &sc) == -1)
		fatal("--doctor: running %s", o->squid);
	memset(&dr, 0, sizeof dr);
	dr.sc = &sc;
	if (sc.status != SQUIDCONF_READ || !dr_find_helper(&dr)) {
		rc = cannot_check(o, &sc);
		squidconf_free(&sc);
		return rc;
	}
	dr.user = effective_user(&sc);
	acltable_build(&dr.acls, &sc, sc.d[dr.ext].word[1]);
	/* the list the helper runs with; the built-in one if it does not load (said under "list") */
	dr.list = dr.hopts.config != NULL ? listfile_load(dr.hopts.config, NULL, NULL) : NULL;
	if (dr.list == NULL)
		dr.list = listfile_builtin();

	check_helper(&dr);
	check_fields(&dr);
	check_http_access(&dr);
	check_denied(&dr);
	check_adaptation(&dr);
	check_sslbump(&dr);
	check_log(&dr);
	check_metrics(&dr);
	check_advisories(&dr);
	rc = report(&dr, o, out);

	for (i = 0; i < dr.nf; i++) {
		free(dr.f[i].problem);
		free(dr.f[i].directive);
		free(dr.f[i].fix);
	}
	free(dr.f);
	free(dr.hargv);
	allowlist_free(dr.list);
	acltable_free(&dr.acls);
	squidconf_free(&sc);
	return rc;
}
