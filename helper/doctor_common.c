/*
 * doctor_common: what the doctor's checks share (see doctor_int.h): adding a finding, where a
 * fix moves a line to, and the acl questions the checks ask through squidacl.h. It calls no
 * check: doctor.c (the driver) calls the checks, and the checks call this.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doctor_int.h"
#include "log.h"
#include "squidacl.h"
#include "squidconf.h"
#include "xalloc.h"

struct finding *
dr_found(struct doctor *dr, enum check c, enum finding_verdict v,
    const struct squid_directive *d, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	dr->f = xreallocarray(dr->f, dr->nf + 1, sizeof *dr->f);
	f = &dr->f[dr->nf++];
	f->check = c;
	f->verdict = v;
	f->directive = d != NULL ? xstrdup(d->text) : NULL;
	f->fix = NULL;
	va_start(ap, fmt);
	if (vasprintf(&f->problem, fmt, ap) == -1)
		fatalx("out of memory formatting a finding");
	va_end(ap);
	return f;
}

void
dr_fix(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	free(f->fix);
	va_start(ap, fmt);
	if (vasprintf(&f->fix, fmt, ap) == -1)
		fatalx("out of memory formatting a fix");
	va_end(ap);
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

void
dr_fix_move_above(struct finding *f, const struct doctor *dr, size_t i, size_t anchor)
{
	const struct squid_directive *a = &dr->sc->d[anchor];

	if (a->if_text != NULL)
		dr_fix(f, "move `%s` above the if-block that holds `%s` (its first line, as Squid "
		    "expanded it: `%s`), outside it", dr_movable(dr, i, anchor), a->text,
		    a->if_text);
	else
		dr_fix(f, "move `%s` above `%s`", dr_movable(dr, i, anchor), a->text);
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
