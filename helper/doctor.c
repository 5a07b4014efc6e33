/*
 * doctor: the wiring checks of --doctor (see doctor.h). The order of the checks is the order of
 * a request's life: the helper Squid runs, http_access, the scanner (ICAP/eCAP), SslBump, the
 * decision log, then advisories.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allowlist.h"
#include "answer.h"
#include "command.h"
#include "doctor.h"
#include "listfile.h"
#include "log.h"
#include "options.h"
#include "request.h"
#include "squidacl.h"
#include "squidconf.h"
#include "xalloc.h"

/* Squid's parser, the helper's --check and --emit: the longest each may take. */
#define SQUID_TIMEOUT_MS	30000
#define HELPER_TIMEOUT_MS	120000

enum check {
	CHECK_HELPER,		/* external_acl_type runs ext_kpoint_acl, and it can run */
	CHECK_LIST,		/* its list loads (its own --check) */
	CHECK_FIELDS,		/* FORMAT sends what -f reads */
	CHECK_HTTP_ACCESS,	/* kPoint's allow rule is asked before anything decides kPoint */
	CHECK_DENIED,		/* "deny kpoint_denied" follows it */
	CHECK_ADAPTATION,	/* every adapting service exempts kPoint first, by its own name */
	CHECK_BUMP_ORDER,	/* kPoint's ssl_bump rules come first */
	CHECK_BUMP_CATCHALL,	/* the last ssl_bump rule bumps or terminates everything */
	CHECK_BUMP_PEEK,	/* no peek at step 2 before a bump */
	CHECK_INTERCEPT_NAME,	/* an intercepting ssl-bump port has the name the snippet uses */
	CHECK_BUMP_ACLS,	/* the generated acls are the list in use now */
	CHECK_DECISION_LOG,	/* Squid's user can write the decision log */
	CHECK_QUIC,		/* advisory: QUIC goes around an intercepting proxy */
	CHECK_HELPER_IN_BUMP,	/* advisory: the helper asked inside ssl_bump fails open */
	CHECK_COUNT
};

static const char *const check_names[CHECK_COUNT] = {
	"helper", "list", "fields", "http_access", "kpoint_denied", "adaptation",
	"ssl_bump_order", "ssl_bump_catch_all", "ssl_bump_peek", "intercept_port",
	"ssl_bump_acls", "decision_log", "quic", "helper_in_ssl_bump"
};

enum finding_verdict {
	FOUND_OK,
	FOUND_WARN,
	FOUND_FAIL
};

static const char *const verdict_names[] = { "ok", "warn", "FAIL" };

struct finding {
	enum check	 check;
	enum finding_verdict	 verdict;
	char		*problem;	/* what is so, in a sentence */
	char		*directive;	/* the directive as Squid read it; NULL if none */
	char		*fix;		/* one line; NULL when nothing is to be done */
};

struct doctor {
	const struct squidconf	*sc;
	struct acltable		 acls;
	size_t			 ext;		/* the external_acl_type running the helper */
	char			**hargv;	/* the helper's command line, NULL-terminated */
	size_t			 hargc;
	struct options		 hopts;		/* that line, read as the helper reads it */
	const char		*user;		/* Squid's cache_effective_user */
	struct allowlist	*list;		/* the helper's list (built-in if it does not load) */
	bool			 have_rule;	/* kPoint's http_access allow rule exists: */
	size_t			 rule;
	struct finding		*f;
	size_t			 nf;
};

static void __attribute__((format(printf, 6, 7)))
found(struct doctor *dr, enum check c, enum finding_verdict v, const struct squid_directive *d,
    char *fix, const char *fmt, ...)
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

static bool
is(const struct squid_directive *d, const char *name)
{
	return strcmp(d->word[0], name) == 0;
}

static bool
has_word(const struct squid_directive *d, size_t from, const char *w)
{
	size_t i;

	for (i = from; i < d->nwords; i++)
		if (strcmp(d->word[i], w) == 0)
			return true;
	return false;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
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
static const char *
movable(const struct doctor *dr, size_t i, size_t anchor)
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
static const char *
acl_named(const struct doctor *dr, bool (*pred)(const struct doctor *, const struct squid_acl *,
    const char *), const char *arg, const char *fallback)
{
	size_t i;

	for (i = 0; i < dr->acls.n; i++)
		if (pred(dr, &dr->acls.acl[i], arg))
			return dr->acls.acl[i].name;
	return fallback;
}

static bool
pred_external(const struct doctor *dr, const struct squid_acl *a, const char *unused)
{
	(void)unused;
	return acl_is_kpoint_external(&dr->acls, a);
}

static bool
pred_note(const struct doctor *dr, const struct squid_acl *a, const char *value)
{
	(void)dr;
	return acl_is_kpoint_note(a, value);
}

static bool
pred_type(const struct doctor *dr, const struct squid_acl *a, const char *type_and_value)
{
	size_t n = strcspn(type_and_value, " ");

	(void)dr;
	return strlen(a->type) == n && strncmp(a->type, type_and_value, n) == 0 &&
	    a->nvalues == 1 && strcasecmp(a->value[0], type_and_value + n + 1) == 0;
}

/* Does the rule (acl words from index from) name, not negated, an acl satisfying pred? */
static bool
rule_names(const struct doctor *dr, const struct squid_directive *d, size_t from,
    bool (*pred)(const struct doctor *, const struct squid_acl *, const char *), const char *arg)
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

/* ---- the helper ---- */

/*
 * Find the external_acl_type that runs ext_kpoint_acl: name [options] FORMAT... program args.
 * Returns false if there is none.
 */
static bool
find_helper(struct doctor *dr)
{
	const struct squidconf *sc = dr->sc;
	size_t i, j;

	for (i = 0; i < sc->n; i++) {
		const struct squid_directive *d = &sc->d[i];

		if (!is(d, "external_acl_type") || d->nwords < 3)
			continue;
		for (j = 2; j < d->nwords; j++)
			if (d->word[j][0] != '%' && strchr(d->word[j], '=') == NULL &&
			    strcmp(d->word[j], "ipv4") != 0 && strcmp(d->word[j], "ipv6") != 0)
				break;
		if (j == d->nwords || strcmp(base_name(d->word[j]), PACKAGE) != 0)
			continue;
		dr->ext = i;
		dr->hargc = d->nwords - j;
		dr->hargv = xreallocarray(NULL, dr->hargc + 3, sizeof *dr->hargv);
		memcpy(dr->hargv, d->word + j, dr->hargc * sizeof *dr->hargv);
		dr->hargv[dr->hargc] = NULL;
		options_parse(&dr->hopts, (int)dr->hargc, dr->hargv, true);
		return true;
	}
	return false;
}

/* Run the helper's own line with extra words appended (as Squid's user), into *r. */
static int
run_helper(struct doctor *dr, const char *a, const char *b, struct command_result *r)
{
	char **argv = xreallocarray(NULL, dr->hargc + 3, sizeof *argv);
	int rc;

	memcpy(argv, dr->hargv, dr->hargc * sizeof *argv);
	argv[dr->hargc] = (char *)a;
	argv[dr->hargc + 1] = (char *)b;
	argv[dr->hargc + 2] = NULL;
	rc = command_run(argv, dr->user, HELPER_TIMEOUT_MS, r);
	free(argv);
	return rc;
}

/* The first line of s, for a message. */
static char *
first_line(const char *s)
{
	return xmemdup0(s, strcspn(s, "\n"));
}

static void
check_helper(struct doctor *dr)
{
	const struct squid_directive *d = &dr->sc->d[dr->ext];
	const char *path = dr->hargv[0];
	struct command_result r;

	if (run_helper(dr, "--check", NULL, &r) == -1)
		fatal("running %s", path);
	if (r.status == COMMAND_NOT_RUN || r.status == COMMAND_NO_USER) {
		found(dr, CHECK_HELPER, FOUND_FAIL, d, xasprintf("install the helper there "
		    "(apt-get install squid-kpoint-acl), or write its path in this line"),
		    "%s cannot be run as %s: %s (so its list is not checked)", path, dr->user,
		    r.status == COMMAND_NO_USER ? "no such user" : strerror(r.error));
	} else if (!command_succeeded(&r)) {
		char *why = first_line(r.err[0] != '\0' ? r.err : r.out);

		found(dr, CHECK_HELPER, FOUND_OK, d, NULL, "%s runs as %s", path, dr->user);
		found(dr, CHECK_LIST, FOUND_FAIL, d, xasprintf("correct what it says, then check "
		    "with `%s --check%s%s`", path, dr->hopts.config != NULL ? " -c " : "",
		    dr->hopts.config != NULL ? dr->hopts.config : ""), "the helper fails closed "
		    "(ERR to every request: no kPoint): %s", why);
		free(why);
	} else {
		char *summary = first_line(r.out);

		found(dr, CHECK_HELPER, FOUND_OK, d, NULL, "%s runs as %s", path, dr->user);
		found(dr, CHECK_LIST, FOUND_OK, NULL, NULL, "%s", summary);
		free(summary);
	}
	command_result_free(&r);
}

static void
check_fields(struct doctor *dr)
{
	const struct squid_directive *d = &dr->sc->d[dr->ext];
	char sent[256] = "", *p = sent;
	struct fieldspec spec;
	const char *errstr;
	size_t i, n = 0;
	bool same;

	for (i = 2; i < d->nwords && d->word[i] != dr->hargv[0]; i++) {
		if (d->word[i][0] != '%')
			continue;
		p += snprintf(p, sizeof sent - (size_t)(p - sent), "%s%s", n++ > 0 ? "," : "",
		    field_name(field_of_format(d->word[i])));
		if (p >= sent + sizeof sent)
			break;
	}
	if (fieldspec_parse(dr->hopts.fields, &spec, &errstr) == -1) {
		found(dr, CHECK_FIELDS, FOUND_FAIL, d, xasprintf("write `-f %s`", sent),
		    "-f %s: %s", dr->hopts.fields, errstr);
		return;
	}
	same = spec.n == n;
	for (i = 0, p = sent; same && i < n; i++) {
		size_t len = strcspn(p, ",");
		enum field f = spec.order[i];

		same = f == FIELD_SKIP || (strlen(field_name(f)) == len &&
		    strncmp(p, field_name(f), len) == 0);
		p += len + (p[len] == ',');
	}
	if (same)
		found(dr, CHECK_FIELDS, FOUND_OK, NULL, NULL, "FORMAT sends %s, as the helper "
		    "reads it (-f %s)", sent, dr->hopts.fields);
	else
		found(dr, CHECK_FIELDS, FOUND_FAIL, d, xasprintf("give the helper `-f %s`, the "
		    "fields FORMAT sends", sent), "FORMAT sends %s but the helper reads %s: it "
		    "would judge one field as another", sent, dr->hopts.fields);
}

/* ---- http_access ---- */

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

static void
check_http_access(struct doctor *dr)
{
	const struct squidconf *sc = dr->sc;
	const char *kacl = acl_named(dr, pred_external, NULL, NULL);
	size_t i, nports, ng, nc;
	unsigned *ports = listed_ports(dr->list, &nports), *get, *conn;

	for (i = 0; i < sc->n && !dr->have_rule; i++)
		if (is(&sc->d[i], "http_access") && sc->d[i].nwords > 2 &&
		    strcmp(sc->d[i].word[1], "allow") == 0 &&
		    rule_names(dr, &sc->d[i], 2, pred_external, NULL)) {
			dr->have_rule = true;
			dr->rule = i;
		}
	if (!dr->have_rule) {
		found(dr, CHECK_HTTP_ACCESS, FOUND_FAIL, &sc->d[dr->ext], xasprintf("add "
		    "`http_access allow localnet %s` right after `http_access deny !Safe_ports`",
		    kacl != NULL ? kacl : "kpoint"), "no http_access rule asks the helper: kPoint "
		    "is neither allowed nor exempt from the scanner%s", kacl != NULL ? "" :
		    " (and no acl names it: `acl kpoint external NAME`)");
		free(ports);
		return;
	}
	get = xreallocarray(NULL, nports + 1, sizeof *get);
	conn = xreallocarray(NULL, nports + 1, sizeof *conn);
	for (i = 0; i < dr->rule; i++) {
		const struct squid_directive *d = &sc->d[i];
		char *what;

		if (!is(d, "http_access") || d->nwords < 3 ||
		    !rule_catches(dr, d, ports, nports, true, NOTE_UNSET, get, &ng, conn, &nc))
			continue;
		what = traffic_text(get, ng, conn, nc);
		if (strcmp(d->word[1], "deny") == 0)
			found(dr, CHECK_HTTP_ACCESS, FOUND_FAIL, d, xasprintf("move `%s` above "
			    "`%s`", movable(dr, dr->rule, i), d->text), "%s is refused before "
			    "kPoint's rule `%s` is asked", what, sc->d[dr->rule].text);
		else
			found(dr, CHECK_HTTP_ACCESS, FOUND_FAIL, d, xasprintf("move `%s` above "
			    "`%s`", movable(dr, dr->rule, i), d->text), "%s is allowed before "
			    "kPoint's rule `%s` is asked: the helper never tags it, so the scanner "
			    "scans it", what, sc->d[dr->rule].text);
		free(what);
		break;
	}
	if (i == dr->rule) {
		char *judged = port_text(ports, nports);

		found(dr, CHECK_HTTP_ACCESS, FOUND_OK, &sc->d[dr->rule], NULL, "kPoint's rule comes "
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

static void
check_denied(struct doctor *dr)
{
	const struct squidconf *sc = dr->sc;
	const struct squid_directive *rule;
	const char *dacl = acl_named(dr, pred_note, ANSWER_NOTE_DENIED, NULL);
	size_t i, d, nports, ng, nc;
	unsigned *ports, *get, *conn;

	if (!dr->have_rule)
		return;		/* said under http_access */
	rule = &sc->d[dr->rule];
	for (d = 0; d < sc->n; d++)
		if (is(&sc->d[d], "http_access") && sc->d[d].nwords > 2 &&
		    strcmp(sc->d[d].word[1], "deny") == 0 &&
		    rule_names(dr, &sc->d[d], 2, pred_note, ANSWER_NOTE_DENIED))
			break;
	if (d == sc->n) {
		found(dr, CHECK_DENIED, FOUND_FAIL, rule, dacl != NULL ? xasprintf("add "
		    "`http_access deny %s` right after `%s`", dacl, rule->text) : xasprintf("add "
		    "`acl kpoint_denied note %s %s` and `http_access deny kpoint_denied` right "
		    "after `%s`", ANSWER_NOTE, ANSWER_NOTE_DENIED, rule->text), "kPoint on a port "
		    "the list does not allow is not refused: it goes on to the rules below");
		return;
	}
	if (d < dr->rule) {
		found(dr, CHECK_DENIED, FOUND_FAIL, &sc->d[d], xasprintf("move `%s` right after "
		    "`%s`", sc->d[d].text, rule->text), "it comes before kPoint's rule, when the "
		    "helper has tagged nothing yet: it never refuses anything");
		return;
	}
	ports = unlisted_ports(dr, &nports);
	get = xreallocarray(NULL, nports + 1, sizeof *get);
	conn = xreallocarray(NULL, nports + 1, sizeof *conn);
	for (i = dr->rule + 1; i < d; i++) {
		const struct squid_directive *l = &sc->d[i];
		char *what;

		if (!is(l, "http_access") || l->nwords < 3 || strcmp(l->word[1], "allow") != 0 ||
		    !rule_catches(dr, l, ports, nports, false, NOTE_DENIED, get, &ng, conn, &nc))
			continue;
		what = traffic_text(get, ng, conn, nc);
		found(dr, CHECK_DENIED, FOUND_FAIL, l, xasprintf("move `%s` right after `%s`",
		    sc->d[d].text, rule->text), "%s, which the list does not allow, is allowed "
		    "by this rule before `%s`", what, sc->d[d].text);
		free(what);
		break;
	}
	if (i == d)
		found(dr, CHECK_DENIED, FOUND_OK, &sc->d[d], NULL, "kPoint on a port the list does "
		    "not allow is refused (`%s`)", sc->d[d].text);
	free(get);
	free(conn);
	free(ports);
}

/* ---- ICAP and eCAP ---- */

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
		if (is(d, "icap_service") || is(d, "ecap_service"))
			return strncmp(d->word[2], "reqmod", 6) == 0 ? VECTOR_REQMOD :
			    strncmp(d->word[2], "respmod", 7) == 0 ? VECTOR_RESPMOD : VECTOR_NONE;
		if (is(d, "adaptation_service_set") || is(d, "adaptation_service_chain"))
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

		if (is(d, "adaptation_access") && d->nwords > 3 && strcmp(d->word[1], name) == 0 &&
		    strcmp(d->word[2], "deny") == 0 &&
		    rule_names(dr, d, 3, pred_note, ANSWER_NOTE_OK)) {
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
	return rule_names(dr, d, 3, pred_external, NULL) ? VECTOR_RESPMOD : VECTOR_REQMOD;
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
			found(dr, CHECK_ADAPTATION, FOUND_FAIL, o, xasprintf("rename `%s` to `%s` "
			    "in %s", o->word[1], name, squidconf_file_of(sc, o)->path), "kPoint "
			    "is scanned by %s (%s): kPoint's exemption names `%s`, which is no "
			    "service", name, vector_names[v], o->word[1]);
			return;
		}
		found(dr, CHECK_ADAPTATION, FOUND_FAIL, &sc->d[first], xasprintf("add "
		    "`adaptation_access %s deny %s%s` above `%s`", name, acl_named(dr, pred_note,
		    ANSWER_NOTE_OK, "kpoint_ok"), v == VECTOR_RESPMOD ? " kpoint" : "",
		    sc->d[first].text), "kPoint is scanned by %s (%s): no adaptation_access rule "
		    "exempts it", name, vector_names[v]);
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

		if (!is(d, "adaptation_access") || d->nwords < 4 || strcmp(d->word[1], name) != 0 ||
		    strcmp(d->word[2], "allow") != 0)
			continue;
		if ((t = acl_rule_matches(&dr->acls, d->word + 3, d->nwords - 3, &r)) == TRI_NO)
			continue;
		found(dr, CHECK_ADAPTATION, t == TRI_YES ? FOUND_FAIL : FOUND_WARN, d,
		    xasprintf("move `%s` above `%s`", movable(dr, e, i), d->text), "kPoint %s "
		    "scanned by %s (%s): this rule matches it before kPoint's exemption `%s`",
		    t == TRI_YES ? "is" : "may be", name, vector_names[v], sc->d[e].text);
		return;
	}
	found(dr, CHECK_ADAPTATION, FOUND_OK, &sc->d[e], NULL, "%s (%s): kPoint is exempt before "
	    "any rule adapts it", name, vector_names[v]);
}

static void
check_adaptation(struct doctor *dr)
{
	const struct squidconf *sc = dr->sc;
	size_t i, j, nnames = 0, norphans = 0, e;
	size_t *names = xreallocarray(NULL, sc->n + 1, sizeof *names);
	size_t *orphan = xreallocarray(NULL, sc->n + 1, sizeof *orphan);
	bool *used;

	/* every adaptation name with rules, at its first rule */
	for (i = 0; i < sc->n; i++) {
		if (!is(&sc->d[i], "adaptation_access") || sc->d[i].nwords < 3)
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
			found(dr, CHECK_ADAPTATION, FOUND_FAIL, &sc->d[orphan[i]], xasprintf("rename "
			    "`%s` to the name of your %s service in %s", sc->d[orphan[i]].word[1],
			    vector_names[orphan_vector(dr, &sc->d[orphan[i]])],
			    squidconf_file_of(sc, &sc->d[orphan[i]])->path), "kPoint's exemption "
			    "names `%s`, which is no service: it exempts nothing",
			    sc->d[orphan[i]].word[1]);
	if (nnames == 0)
		found(dr, CHECK_ADAPTATION, FOUND_OK, NULL, NULL, "no ICAP or eCAP service adapts "
		    "anything (no adaptation_access): nothing to exempt");
	free(used);
	free(names);
	free(orphan);
}

/* ---- SslBump ---- */

/* Entries of acl lines, one "name type flags value" per value, sorted, for comparing. */
struct entries {
	char	**e;
	size_t	  n;
};

static void
entries_add_words(struct entries *es, char *const *w, size_t n)
{
	char flags[256] = "";
	size_t i, used = 0;

	for (i = 3; i < n && w[i][0] == '-'; i++)
		used += (size_t)snprintf(flags + used, sizeof flags - used, " %s", w[i]);
	for (; i < n; i++) {
		es->e = xreallocarray(es->e, es->n + 1, sizeof *es->e);
		es->e[es->n++] = xasprintf("%s %s%s %s", w[1], w[2], flags, w[i]);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
entries_free(struct entries *es)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		free(es->e[i]);
	free(es->e);
}

static bool
in_names(const char *names, const char *name)
{
	char *key = xasprintf(" %s ", name);
	bool in = strstr(names, key) != NULL;

	free(key);
	return in;
}

/* The acl lines --emit sslbump wrote, as entries; the names in *names (a space-separated list). */
static void
emitted_entries(const char *text, struct entries *es, char **names)
{
	const char *p = text;

	*names = xstrdup(" ");
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");
		struct squid_directive d;

		if (squid_directive_make(&d, p, n)) {
			if (is(&d, "acl") && d.nwords > 3) {
				entries_add_words(es, d.word, d.nwords);
				if (!in_names(*names, d.word[1])) {
					char *more = xasprintf("%s%s ", *names, d.word[1]);

					free(*names);
					*names = more;
				}
			}
			squid_directive_free(&d);
		}
		p += n + (p[n] == '\n');
	}
}

/* Is an ssl_bump rule kPoint's: does it name an acl of the generated file or of the snippet? */
static bool
kpoint_bump_rule(const struct squid_directive *d, const char *names)
{
	size_t i;

	for (i = 2; i < d->nwords; i++) {
		const char *w = d->word[i] + (d->word[i][0] == '!');

		if (in_names(names, w) || strncmp(w, "kpoint_tls_", 11) == 0)
			return true;
	}
	return false;
}

static bool
intercepting(const struct squid_directive *d)
{
	return has_word(d, 2, "intercept") || has_word(d, 2, "tproxy");
}

static void
check_bump_acls(struct doctor *dr, const struct entries *want, const char *names,
    const char *emit_error)
{
	const struct squidconf *sc = dr->sc;
	struct entries have = { NULL, 0 };
	size_t i, a = 0, b = 0, extra = 0, missing = 0, first = sc->n;
	const char *x = NULL, *m = NULL;
	char *cmd;

	if (emit_error != NULL) {
		found(dr, CHECK_BUMP_ACLS, FOUND_FAIL, &sc->d[dr->ext], NULL, "the helper cannot "
		    "generate kPoint's ssl_bump acls (--emit sslbump): %s", emit_error);
		return;
	}
	for (i = 0; i < sc->n; i++)
		if (is(&sc->d[i], "acl") && sc->d[i].nwords > 3 &&
		    in_names(names, sc->d[i].word[1])) {
			entries_add_words(&have, sc->d[i].word, sc->d[i].nwords);
			if (first == sc->n)
				first = i;
		}
	qsort(have.e, have.n, sizeof *have.e, cmp_str);
	while (a < have.n || b < want->n) {
		int c = a == have.n ? 1 : b == want->n ? -1 : strcmp(have.e[a], want->e[b]);

		if (c < 0) {
			if (extra++ == 0)
				x = have.e[a];
			a++;
		} else if (c > 0) {
			if (missing++ == 0)
				m = want->e[b];
			b++;
		} else {
			a++, b++;
		}
	}
	if (first == sc->n) {
		found(dr, CHECK_BUMP_ACLS, FOUND_FAIL, NULL, xasprintf("include the file `%s "
		    "--emit sslbump%s%s` writes, above kPoint's ssl_bump rules", dr->hargv[0],
		    dr->hopts.config != NULL ? " -c " : "", dr->hopts.config != NULL ?
		    dr->hopts.config : ""), "kPoint's generated ssl_bump acls are not in the "
		    "configuration");
	} else if (extra > 0 || missing > 0) {
		const char *file = squidconf_file_of(sc, &sc->d[first])->path;

		cmd = xasprintf("run `%s --emit sslbump%s%s > %s && squid -k reconfigure`",
		    dr->hargv[0], dr->hopts.config != NULL ? " -c " : "", dr->hopts.config !=
		    NULL ? dr->hopts.config : "", file);
		found(dr, CHECK_BUMP_ACLS, FOUND_FAIL, &sc->d[first], cmd, "%s is stale: %zu "
		    "entr%s the list no longer has%s%s%s, %zu entr%s of the list missing%s%s%s",
		    file, extra, extra == 1 ? "y" : "ies", x != NULL ? " (`" : "",
		    x != NULL ? x : "", x != NULL ? "`)" : "", missing, missing == 1 ? "y" : "ies",
		    m != NULL ? " (`" : "", m != NULL ? m : "", m != NULL ? "`)" : "");
	} else {
		found(dr, CHECK_BUMP_ACLS, FOUND_OK, NULL, NULL, "%s holds exactly what the list "
		    "in use now gives (%zu entries)", squidconf_file_of(sc, &sc->d[first])->path,
		    have.n);
	}
	entries_free(&have);
}

static void
check_sslbump(struct doctor *dr)
{
	const struct squidconf *sc = dr->sc;
	struct command_result r;
	struct entries want = { NULL, 0 };
	char *names = NULL, *emit_error = NULL;
	const char *step1;
	size_t i, j, nports = 0, first_k = sc->n, last_k = sc->n, first_admin = sc->n;
	size_t last = sc->n;

	for (i = 0; i < sc->n; i++) {
		if ((is(&sc->d[i], "http_port") || is(&sc->d[i], "https_port")) &&
		    has_word(&sc->d[i], 2, "ssl-bump"))
			nports++;
	}
	if (nports == 0) {
		found(dr, CHECK_BUMP_ORDER, FOUND_OK, NULL, NULL, "no port decrypts TLS (no "
		    "ssl-bump): nothing is bumped");
		return;
	}
	if (run_helper(dr, "--emit", "sslbump", &r) == -1)
		fatal("running %s", dr->hargv[0]);
	if (command_succeeded(&r))
		emitted_entries(r.out, &want, &names);
	else
		emit_error = first_line(r.err[0] != '\0' ? r.err : strerror(r.error));
	command_result_free(&r);
	if (names == NULL)
		names = xstrdup(" ");
	qsort(want.e, want.n, sizeof *want.e, cmp_str);

	for (i = 0; i < sc->n; i++) {
		if (!is(&sc->d[i], "ssl_bump") || sc->d[i].nwords < 2)
			continue;
		last = i;
		if (kpoint_bump_rule(&sc->d[i], names)) {
			if (first_k == sc->n)
				first_k = i;
			last_k = i;
		} else if (first_admin == sc->n) {
			first_admin = i;
		}
	}

	/* kPoint's rules first */
	if (first_k == sc->n)
		found(dr, CHECK_BUMP_ORDER, FOUND_FAIL, first_admin < sc->n ? &sc->d[first_admin] :
		    NULL, first_admin < sc->n ? xasprintf("add `include "
		    "/etc/squid/squid-kpoint-sslbump.conf` above `%s`", sc->d[first_admin].text) :
		    xasprintf("add `include /etc/squid/squid-kpoint-sslbump.conf` after your "
		    "ssl-bump port"), "no ssl_bump rule splices kPoint: it is decrypted and "
		    "scanned like any other site");
	else if (first_admin < last_k)
		found(dr, CHECK_BUMP_ORDER, FOUND_FAIL, &sc->d[first_admin], xasprintf("move `%s` "
		    "above `%s`", movable(dr, first_k, first_admin), sc->d[first_admin].text),
		    "this rule comes before kPoint's ssl_bump rules, and Squid takes the first "
		    "rule that matches: kPoint is bumped (decrypted and scanned) or, on 1935 and "
		    "5222, broken");
	else
		found(dr, CHECK_BUMP_ORDER, FOUND_OK, &sc->d[first_k], NULL, "kPoint's ssl_bump "
		    "rules come before every other ssl_bump rule");

	/*
	 * A catch-all: the first rule with a final action (not peek or stare, which look and
	 * go on) that matches every connection decides everything after it; it must bump or
	 * terminate. Without one, Squid splices what no rule matched.
	 */
	for (i = 0; i < sc->n; i++) {
		const struct squid_directive *d = &sc->d[i];
		bool all = is(d, "ssl_bump") && d->nwords > 2 && strcmp(d->word[1], "peek") != 0 &&
		    strcmp(d->word[1], "stare") != 0;

		for (j = 2; all && j < d->nwords; j++) {
			const struct squid_acl *a = acltable_find(&dr->acls, d->word[j]);

			all = a != NULL && strcmp(a->type, "all") == 0;
		}
		if (all)
			break;
	}
	if (i < sc->n && (strcmp(sc->d[i].word[1], "bump") == 0 ||
	    strcmp(sc->d[i].word[1], "terminate") == 0))
		found(dr, CHECK_BUMP_CATCHALL, FOUND_OK, &sc->d[i], NULL, "`%s` %ss what no rule "
		    "before it decided", sc->d[i].text, sc->d[i].word[1]);
	else if (i < sc->n)
		found(dr, CHECK_BUMP_CATCHALL, FOUND_FAIL, &sc->d[i], xasprintf("write `ssl_bump "
		    "bump all` instead"), "the catch-all %ss: every connection no rule before it "
		    "matched is passed through encrypted, neither decrypted nor scanned",
		    sc->d[i].word[1]);
	else
		found(dr, CHECK_BUMP_CATCHALL, FOUND_FAIL, last < sc->n ? &sc->d[last] : NULL,
		    last < sc->n ? xasprintf("add `ssl_bump bump all` after `%s`", sc->d[last].text) :
		    xasprintf("add `ssl_bump bump all` as the last ssl_bump rule"), "no catch-all: "
		    "Squid splices a connection that no ssl_bump rule matches, so it is neither "
		    "decrypted nor scanned");

	/* no peek at step 2 before a bump */
	step1 = acl_named(dr, pred_type, "at_step SslBump1", NULL);
	for (i = first_admin; i < sc->n; i++) {
		const struct squid_directive *d = &sc->d[i];

		if (!is(d, "ssl_bump") || d->nwords < 2 || strcmp(d->word[1], "peek") != 0 ||
		    kpoint_bump_rule(d, names) || rule_names(dr, d, 2, pred_type,
		    "at_step SslBump1"))
			continue;
		for (j = i + 1; j < sc->n; j++)
			if (is(&sc->d[j], "ssl_bump") && sc->d[j].nwords > 1 &&
			    strcmp(sc->d[j].word[1], "bump") == 0)
				break;
		if (j == sc->n)
			continue;
		found(dr, CHECK_BUMP_PEEK, FOUND_FAIL, d, step1 != NULL ? xasprintf("write "
		    "`ssl_bump peek %s` instead", step1) : xasprintf("write `acl step1 at_step "
		    "SslBump1` and `ssl_bump peek step1` instead"), "this peek matches at step 2 "
		    "too, and after a peek at step 2 Squid cannot bump: what `%s` should decrypt "
		    "is spliced", sc->d[j].text);
		break;
	}
	if (i >= sc->n)
		found(dr, CHECK_BUMP_PEEK, FOUND_OK, NULL, NULL, "no peek at step 2 before a bump");

	/* intercepting ssl-bump ports carry the name kPoint's rules know them by */
	for (i = 0; i < sc->n; i++) {
		const struct squid_directive *d = &sc->d[i];
		const char *name = d->nwords > 1 ? d->word[1] : "";
		const char *want_name = "kpoint_intercept";
		bool known = false;

		if (!(is(d, "http_port") || is(d, "https_port")) || !has_word(d, 2, "ssl-bump") ||
		    !intercepting(d))
			continue;
		for (j = 2; j < d->nwords; j++)
			if (strncmp(d->word[j], "name=", 5) == 0)
				name = d->word[j] + 5;
		for (j = 0; j < dr->acls.n; j++) {
			const struct squid_acl *a = &dr->acls.acl[j];
			size_t k;

			if (strcmp(a->type, "myportname") != 0 ||
			    strncmp(a->name, "kpoint_tls_", 11) != 0)
				continue;
			for (k = 0; k < a->nvalues; k++) {
				want_name = a->value[0];
				known = known || strcmp(a->value[k], name) == 0;
			}
		}
		if (known)
			found(dr, CHECK_INTERCEPT_NAME, FOUND_OK, d, NULL, "the intercepting port "
			    "is named %s, as kPoint's rules expect", name);
		else
			found(dr, CHECK_INTERCEPT_NAME, FOUND_FAIL, d, xasprintf("add name=%s to "
			    "`%s`", want_name, d->text), "kPoint's rules do not know this "
			    "intercepting port (its name is %s): kPoint known only by its SNI "
			    "(CloudFront) is bumped and scanned here", name);
	}

	check_bump_acls(dr, &want, names, emit_error);
	entries_free(&want);
	free(names);
	free(emit_error);
}

/* ---- the decision log ---- */

static void
check_log(struct doctor *dr)
{
	const char *path = dr->hopts.logpath;
	char *dir, *slash, *argv[8];
	struct command_result r;
	struct stat sb;
	bool exists;

	if (path == NULL) {
		found(dr, CHECK_DECISION_LOG, FOUND_OK, NULL, NULL, "no decision log (no -l): "
		    "nothing to write");
		return;
	}
	exists = stat(path, &sb) == 0;
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		strcpy(dir, ".");
	argv[0] = (char *)"test";
	argv[1] = (char *)"-w";
	argv[2] = exists ? (char *)path : dir;
	argv[3] = exists ? NULL : (char *)"-a";
	argv[4] = (char *)"-x";
	argv[5] = dir;
	argv[6] = NULL;
	if (command_run(argv, dr->user, HELPER_TIMEOUT_MS, &r) == -1)
		fatal("running test(1)");
	if (geteuid() != 0)
		found(dr, CHECK_DECISION_LOG, FOUND_WARN, &dr->sc->d[dr->ext], NULL, "%s: checked as "
		    "the user running --doctor, not as %s (run it as root to check as Squid's "
		    "user): %s", path, dr->user, command_succeeded(&r) ? "writable" :
		    "not writable");
	else if (command_succeeded(&r))
		found(dr, CHECK_DECISION_LOG, FOUND_OK, NULL, NULL, "%s can write %s", dr->user,
		    path);
	else
		found(dr, CHECK_DECISION_LOG, FOUND_FAIL, &dr->sc->d[dr->ext], xasprintf("run "
		    "`chown %s %s`", dr->user, exists ? path : dir), "%s (Squid's "
		    "cache_effective_user) cannot write %s: the helper runs without its decision "
		    "log, and no refused or scanned kPoint request is logged", dr->user, path);
	command_result_free(&r);
	free(dir);
}

/* ---- advisories ---- */

static void
advisories(struct doctor *dr)
{
	const struct squidconf *sc = dr->sc;
	size_t i;
	bool quic = false, bump_helper = false;

	for (i = 0; i < sc->n; i++) {
		const struct squid_directive *d = &sc->d[i];

		if (!quic && (is(d, "http_port") || is(d, "https_port")) && intercepting(d)) {
			quic = true;
			found(dr, CHECK_QUIC, FOUND_WARN, d, xasprintf("drop the clients' UDP 443 "
			    "in the firewall (nft: `add rule inet filter forward udp dport 443 "
			    "drop`); `%s --emit nft` gives kPoint's own addresses and ports for "
			    "the same firewall", PACKAGE), "an intercepting port: browsers' QUIC "
			    "(HTTP/3, UDP 443) never reaches Squid and goes around the scanner "
			    "unless the firewall drops it");
		}
		if (!bump_helper && is(d, "ssl_bump") &&
		    rule_names(dr, d, 2, pred_external, NULL)) {
			bump_helper = true;
			found(dr, CHECK_HELPER_IN_BUMP, FOUND_WARN, d, xasprintf("use the acls of "
			    "squid-kpoint-sslbump.conf (`%s --emit sslbump`) in ssl_bump instead",
			    PACKAGE), "the helper is asked inside ssl_bump, where Squid splices "
			    "on any helper failure (BH, a crash, a timeout): a failing helper "
			    "lets any site past decryption and the scanner");
		}
	}
	if (!quic)
		found(dr, CHECK_QUIC, FOUND_OK, NULL, NULL, "no intercepting port");
	if (!bump_helper)
		found(dr, CHECK_HELPER_IN_BUMP, FOUND_OK, NULL, NULL, "the helper is not asked "
		    "inside ssl_bump");
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
		if (is(&sc->d[i], "cache_effective_user") && sc->d[i].nwords > 1)
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
	enum doctor_result rc;
	size_t i;

	if (squidconf_read(o->squid, o->conf, SQUID_TIMEOUT_MS, &sc) == -1)
		fatal("--doctor: running %s", o->squid);
	memset(&dr, 0, sizeof dr);
	dr.sc = &sc;
	if (sc.status != SQUIDCONF_READ || !find_helper(&dr)) {
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
	advisories(&dr);
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
