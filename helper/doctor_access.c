/*
 * doctor_access: the http_access checks (see doctor_int.h): kPoint's allow rule is asked before
 * any rule that decides kPoint, judged on every port of the list in use, and "deny
 * kpoint_denied" follows it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allowlist.h"
#include "doctor_int.h"
#include "note.h"
#include "squidacl.h"
#include "squidconf.h"
#include "xalloc.h"

/* Ports as text, "80, 443", from a list of n. */
static char *
port_text(const unsigned *ports, size_t n)
{
	size_t i, cap = n * 8 + 16, len = 0;
	char *s = xmalloc(cap);

	s[0] = '\0';
	for (i = 0; i < n && i < 8; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%u", i > 0 ? ", " : "", ports[i]);
	if (n > 8)
		snprintf(s + len, cap - len, " and %zu more", n - 8);
	return s;
}

/* The listed ports, one by one (a run of ports counts each). */
static unsigned *
listed_ports(const struct allowlist *al, size_t *n)
{
	struct allowlist_entry e;
	unsigned *ports = NULL, p;
	size_t cursor = 0, cap = 0;

	*n = 0;
	while (allowlist_next(al, ENTRY_PORTS, &cursor, &e))
		for (p = e.ports.lo; p <= e.ports.hi; p++) {
			if (*n == cap)
				ports = xreallocarray(ports, cap = cap * 2 + 16, sizeof *ports);
			ports[(*n)++] = p;
		}
	return ports;
}

/*
 * Does rule d (acls from word 2) match kPoint traffic: GET, CONNECT, on the ports given, with
 * the helper's note in the state given? The ports it matches for, by method, go to *get and
 * *conn (counts *ng, *nc).
 */
static bool
rule_catches(const struct doctor *dr, const struct squid_directive *d, const unsigned *ports,
    size_t nports, bool listed, enum note_state note, unsigned *get, size_t *ng,
    unsigned *conn, size_t *nc)
{
	struct kp_request r;
	size_t i;

	memset(&r, 0, sizeof r);
	r.listed_port = listed;
	r.note = note;
	r.client_rule = dr->have_rule ? &dr->sc->d[dr->rule] : NULL;
	*ng = *nc = 0;
	for (i = 0; i < nports; i++) {
		r.port = ports[i];
		r.connect = false;
		if (acl_rule_matches(&dr->acls, d->word + 2, d->nwords - 2, &r) == TRI_YES)
			get[(*ng)++] = ports[i];
		r.connect = true;
		if (acl_rule_matches(&dr->acls, d->word + 2, d->nwords - 2, &r) == TRI_YES)
			conn[(*nc)++] = ports[i];
	}
	return *ng > 0 || *nc > 0;
}

/* "GET and CONNECT to kPoint on ports 80, 443", or one of the two. */
static char *
traffic_text(const unsigned *get, size_t ng, const unsigned *conn, size_t nc)
{
	char *g = port_text(get, ng), *c = port_text(conn, nc), *s;

	if (ng > 0 && nc > 0 && strcmp(g, c) == 0)
		s = xasprintf("GET and CONNECT to kPoint on port%s %s", ng > 1 ? "s" : "", g);
	else if (ng > 0 && nc > 0)
		s = xasprintf("GET to kPoint on port%s %s and CONNECT on port%s %s",
		    ng > 1 ? "s" : "", g, nc > 1 ? "s" : "", c);
	else if (ng > 0)
		s = xasprintf("GET to kPoint on port%s %s", ng > 1 ? "s" : "", g);
	else
		s = xasprintf("CONNECT to kPoint on port%s %s", nc > 1 ? "s" : "", c);
	free(g);
	free(c);
	return s;
}

void
check_http_access(struct doctor *dr)
{
	const struct squidconf *sc = dr->sc;
	const char *kacl = dr_acl_named(dr, dr_pred_external, NULL, NULL);
	size_t i, nports, ng, nc;
	unsigned *ports = listed_ports(dr->list, &nports), *get, *conn;
	struct finding *f;

	for (i = 0; i < sc->n && !dr->have_rule; i++)
		if (squid_directive_is(&sc->d[i], "http_access") && sc->d[i].nwords > 2 &&
		    strcmp(sc->d[i].word[1], "allow") == 0 &&
		    dr_rule_names(dr, &sc->d[i], 2, dr_pred_external, NULL)) {
			dr->have_rule = true;
			dr->rule = i;
		}
	if (!dr->have_rule) {
		dr_fix(dr_found(dr, CHECK_HTTP_ACCESS, FOUND_FAIL, &sc->d[dr->hl.ext], "no "
		    "http_access rule asks the helper: kPoint is neither allowed nor exempt from "
		    "the scanner%s", kacl != NULL ? "" : " (and no acl names it: `acl kpoint "
		    "external NAME`)"), "add `http_access allow localnet %s` right after "
		    "`http_access deny !Safe_ports`", kacl != NULL ? kacl : "kpoint");
		free(ports);
		return;
	}
	get = xreallocarray(NULL, nports + 1, sizeof *get);
	conn = xreallocarray(NULL, nports + 1, sizeof *conn);
	for (i = 0; i < dr->rule; i++) {
		const struct squid_directive *d = &sc->d[i];
		char *what;

		if (!squid_directive_is(d, "http_access") || d->nwords < 3 ||
		    !rule_catches(dr, d, ports, nports, true, NOTE_UNSET, get, &ng, conn, &nc))
			continue;
		what = traffic_text(get, ng, conn, nc);
		if (strcmp(d->word[1], "deny") == 0)
			f = dr_found(dr, CHECK_HTTP_ACCESS, FOUND_FAIL, d, "%s is refused before "
			    "kPoint's rule `%s` is asked", what, sc->d[dr->rule].text);
		else
			f = dr_found(dr, CHECK_HTTP_ACCESS, FOUND_FAIL, d, "%s is allowed before "
			    "kPoint's rule `%s` is asked: the helper never tags it, so the scanner "
			    "scans it", what, sc->d[dr->rule].text);
		dr_fix_move_above(f, dr, dr->rule, i);
		free(what);
		break;
	}
	if (i == dr->rule) {
		char *judged = port_text(ports, nports);

		dr_found(dr, CHECK_HTTP_ACCESS, FOUND_OK, &sc->d[dr->rule], "kPoint's rule comes "
		    "before every rule that would decide kPoint (GET and CONNECT on %s)", judged);
		free(judged);
	}
	free(get);
	free(conn);
	free(ports);
}

/* Ports the list does not allow that the configuration's port acls tell apart. */
static unsigned *
unlisted_ports(const struct doctor *dr, size_t *n)
{
	unsigned *ports = NULL;
	size_t i, j, cap = 0;

	*n = 0;
	for (i = 0; i <= dr->acls.n; i++) {
		const struct squid_acl *a = i < dr->acls.n ? &dr->acls.acl[i] : NULL;
		size_t nv = a != NULL ? a->nvalues : 1;

		if (a != NULL && strcmp(a->type, "port") != 0)
			continue;
		for (j = 0; j < nv; j++) {
			unsigned long lo = 8080, hi = 8080, c[4];
			char *end = NULL;
			size_t k;

			if (a != NULL) {
				lo = hi = strtoul(a->value[j], &end, 10);
				if (*end == '-')
					hi = strtoul(end + 1, &end, 10);
				if (*end != '\0')
					continue;
			}
			c[0] = lo, c[1] = hi, c[2] = lo - 1, c[3] = hi + 1;
			for (k = 0; k < 4; k++) {
				size_t m;

				if (c[k] < 1 || c[k] > 65535 || allowlist_has_port(dr->list,
				    (unsigned)c[k]))
					continue;
				for (m = 0; m < *n && ports[m] != c[k]; m++)
					;
				if (m < *n)
					continue;
				if (*n == cap)
					ports = xreallocarray(ports, cap = cap * 2 + 16,
					    sizeof *ports);
				ports[(*n)++] = (unsigned)c[k];
			}
		}
	}
	return ports;
}

void
check_denied(struct doctor *dr)
{
	const struct squidconf *sc = dr->sc;
	const struct squid_directive *rule;
	const char *dacl = dr_acl_named(dr, dr_pred_note, NOTE_VALUE_DENIED, NULL);
	size_t i, d, nports, ng, nc;
	unsigned *ports, *get, *conn;
	struct finding *f;

	if (!dr->have_rule)
		return;		/* said under http_access */
	rule = &sc->d[dr->rule];
	for (d = 0; d < sc->n; d++)
		if (squid_directive_is(&sc->d[d], "http_access") && sc->d[d].nwords > 2 &&
		    strcmp(sc->d[d].word[1], "deny") == 0 &&
		    dr_rule_names(dr, &sc->d[d], 2, dr_pred_note, NOTE_VALUE_DENIED))
			break;
	if (d == sc->n) {
		f = dr_found(dr, CHECK_DENIED, FOUND_FAIL, rule, "kPoint on a port the list does not "
		    "allow is not refused: it goes on to the rules below");
		if (dacl != NULL)
			dr_fix(f, "add `http_access deny %s` right after `%s`", dacl, rule->text);
		else
			dr_fix(f, "add `acl kpoint_denied note %s %s` and `http_access deny "
			    "kpoint_denied` right after `%s`", NOTE_NAME, NOTE_VALUE_DENIED, rule->text);
		return;
	}
	if (d < dr->rule) {
		dr_fix(dr_found(dr, CHECK_DENIED, FOUND_FAIL, &sc->d[d], "it comes before kPoint's "
		    "rule, when the helper has tagged nothing yet: it never refuses anything"),
		    "move `%s` right after `%s`", sc->d[d].text, rule->text);
		return;
	}
	ports = unlisted_ports(dr, &nports);
	get = xreallocarray(NULL, nports + 1, sizeof *get);
	conn = xreallocarray(NULL, nports + 1, sizeof *conn);
	for (i = dr->rule + 1; i < d; i++) {
		const struct squid_directive *l = &sc->d[i];
		char *what;

		if (!squid_directive_is(l, "http_access") || l->nwords < 3 || strcmp(l->word[1], "allow") != 0 ||
		    !rule_catches(dr, l, ports, nports, false, NOTE_DENIED, get, &ng, conn, &nc))
			continue;
		what = traffic_text(get, ng, conn, nc);
		dr_fix(dr_found(dr, CHECK_DENIED, FOUND_FAIL, l, "%s, which the list does not "
		    "allow, is allowed by this rule before `%s`", what, sc->d[d].text), "move `%s` "
		    "right after `%s`", sc->d[d].text, rule->text);
		free(what);
		break;
	}
	if (i == d)
		dr_found(dr, CHECK_DENIED, FOUND_OK, &sc->d[d], "kPoint on a port the list does "
		    "not allow is refused (`%s`)", sc->d[d].text);
	free(get);
	free(conn);
	free(ports);
}

