/*
 * doctor_adapt: the ICAP and eCAP check (see doctor_int.h): every service, set or chain with
 * adaptation_access rules exempts kPoint before any rule adapts it, by a name that exists.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "doctor_int.h"
#include "note.h"
#include "squidacl.h"
#include "squidconf.h"
#include "xalloc.h"

enum vector {
	VECTOR_NONE,	/* no service of that name */
	VECTOR_REQMOD,
	VECTOR_RESPMOD
};

static const char *const vector_names[] = { "no service", "REQMOD", "RESPMOD" };

/* What an adaptation name adapts: a service's vectoring point, a set's or chain's members'. */
static enum vector
vector_of(const struct squidconf *sc, const char *name, int depth)
{
	size_t i;

	for (i = 0; i < sc->n && depth < 8; i++) {
		const struct squid_directive *d = &sc->d[i];

		if (d->nwords < 3 || strcmp(d->word[1], name) != 0)
			continue;
		if (squid_directive_is(d, "icap_service") || squid_directive_is(d, "ecap_service"))
			return strncmp(d->word[2], "reqmod", 6) == 0 ? VECTOR_REQMOD :
			    strncmp(d->word[2], "respmod", 7) == 0 ? VECTOR_RESPMOD : VECTOR_NONE;
		if (squid_directive_is(d, "adaptation_service_set") ||
		    squid_directive_is(d, "adaptation_service_chain"))
			return vector_of(sc, d->word[2], depth + 1);
	}
	return VECTOR_NONE;
}

/* The first adaptation_access rule for name that exempts kPoint (deny on the helper's OK). */
static bool
exemption_of(const struct doctor *dr, const char *name, size_t *at)
{
	size_t i;

	for (i = 0; i < dr->sc->n; i++) {
		const struct squid_directive *d = &dr->sc->d[i];

		if (squid_directive_is(d, "adaptation_access") && d->nwords > 3 &&
		    strcmp(d->word[1], name) == 0 &&
		    strcmp(d->word[2], "deny") == 0 &&
		    dr_rule_names(dr, d, 3, dr_pred_note, NOTE_VALUE_OK)) {
			*at = i;
			return true;
		}
	}
	return false;
}

/* An exemption that names no service: which vector it was meant for, by its acls. */
static enum vector
orphan_vector(const struct doctor *dr, const struct squid_directive *d)
{
	/* the ICAP snippet's RESPMOD rule also asks the helper (type check); REQMOD does not */
	return dr_rule_names(dr, d, 3, dr_pred_external, NULL) ? VECTOR_RESPMOD : VECTOR_REQMOD;
}

static void
check_one_service(struct doctor *dr, const char *name, size_t first, const size_t *orphan,
    size_t norphans, bool *orphan_used)
{
	const struct squidconf *sc = dr->sc;
	enum vector v = vector_of(sc, name, 0);
	struct kp_request r;
	size_t e, i;

	if (!exemption_of(dr, name, &e)) {
		for (i = 0; i < norphans; i++) {
			const struct squid_directive *o = &sc->d[orphan[i]];

			if (orphan_used[i] || orphan_vector(dr, o) != v)
				continue;
			orphan_used[i] = true;
			dr_fix(dr_found(dr, CHECK_ADAPTATION, FOUND_FAIL, o, "kPoint "
			    "is scanned by %s (%s): kPoint's exemption names `%s`, which is no "
			    "service", name, vector_names[v], o->word[1]), "rename `%s` to `%s` "
			    "in %s", o->word[1], name, squidconf_file_of(sc, o)->path);
			return;
		}
		dr_fix(dr_found(dr, CHECK_ADAPTATION, FOUND_FAIL, &sc->d[first], "kPoint is scanned "
		    "by %s (%s): no adaptation_access rule exempts it", name, vector_names[v]),
		    "add `adaptation_access %s deny %s%s` above `%s`", name, dr_acl_named(dr,
		    dr_pred_note, NOTE_VALUE_OK, "kpoint_ok"), v == VECTOR_RESPMOD ? " kpoint" : "",
		    sc->d[first].text);
		return;
	}
	memset(&r, 0, sizeof r);
	r.listed_port = true;
	r.note = NOTE_OK;
	r.port = 80;
	r.client_rule = dr->have_rule ? &sc->d[dr->rule] : NULL;
	for (i = first; i < e; i++) {
		const struct squid_directive *d = &sc->d[i];
		enum tri t;

		if (!squid_directive_is(d, "adaptation_access") || d->nwords < 4 ||
		    strcmp(d->word[1], name) != 0 ||
		    strcmp(d->word[2], "allow") != 0)
			continue;
		if ((t = acl_rule_matches(&dr->acls, d->word + 3, d->nwords - 3, &r)) == TRI_NO)
			continue;
		dr_fix(dr_found(dr, CHECK_ADAPTATION, t == TRI_YES ? FOUND_FAIL : FOUND_WARN, d,
		    "kPoint %s scanned by %s (%s): this rule matches it before kPoint's exemption "
		    "`%s`", t == TRI_YES ? "is" : "may be", name, vector_names[v], sc->d[e].text),
		    "move `%s` above `%s`", dr_movable(dr, e, i), d->text);
		return;
	}
	dr_found(dr, CHECK_ADAPTATION, FOUND_OK, &sc->d[e], "%s (%s): kPoint is exempt before "
	    "any rule adapts it", name, vector_names[v]);
}

void
check_adaptation(struct doctor *dr)
{
	const struct squidconf *sc = dr->sc;
	size_t i, j, nnames = 0, norphans = 0, e;
	size_t *names = xreallocarray(NULL, sc->n + 1, sizeof *names);
	size_t *orphan = xreallocarray(NULL, sc->n + 1, sizeof *orphan);
	bool *used;

	/* every adaptation name with rules, at its first rule */
	for (i = 0; i < sc->n; i++) {
		if (!squid_directive_is(&sc->d[i], "adaptation_access") || sc->d[i].nwords < 3)
			continue;
		for (j = 0; j < nnames; j++)
			if (strcmp(sc->d[names[j]].word[1], sc->d[i].word[1]) == 0)
				break;
		if (j < nnames)
			continue;
		names[nnames++] = i;
		if (vector_of(sc, sc->d[i].word[1], 0) == VECTOR_NONE &&
		    exemption_of(dr, sc->d[i].word[1], &e))
			orphan[norphans++] = e;
	}
	used = xcalloc(norphans + 1, sizeof *used);
	for (j = 0; j < nnames; j++) {
		const char *name = sc->d[names[j]].word[1];

		if (vector_of(sc, name, 0) != VECTOR_NONE)
			check_one_service(dr, name, names[j], orphan, norphans, used);
	}
	for (i = 0; i < norphans; i++)
		if (!used[i])
			dr_fix(dr_found(dr, CHECK_ADAPTATION, FOUND_FAIL, &sc->d[orphan[i]],
			    "kPoint's exemption names `%s`, which is no service: it exempts "
			    "nothing", sc->d[orphan[i]].word[1]), "rename `%s` to the name of your "
			    "%s service in %s", sc->d[orphan[i]].word[1],
			    vector_names[orphan_vector(dr, &sc->d[orphan[i]])],
			    squidconf_file_of(sc, &sc->d[orphan[i]])->path);
	if (nnames == 0)
		dr_found(dr, CHECK_ADAPTATION, FOUND_OK, NULL, "no ICAP or eCAP service adapts "
		    "anything (no adaptation_access): nothing to exempt");
	free(used);
	free(names);
	free(orphan);
}

