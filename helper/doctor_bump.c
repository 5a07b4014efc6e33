/*
 * doctor_bump: the SslBump checks (see doctor_int.h): kPoint's ssl_bump rules first, a
 * catch-all that bumps, no peek at step 2 before a bump, the intercepting port's name, the
 * generated acls as the list in use gives them; and the advisories (QUIC around an
 * intercepting proxy, the helper asked inside ssl_bump).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor_int.h"
#include "log.h"
#include "squidacl.h"
#include "squidconf.h"
#include "xalloc.h"

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
			if (squid_directive_is(&d, "acl") && d.nwords > 3) {
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

/* Does the ssl_bump rule decrypt: bump, or Squid's older client-first and server-first? */
static bool
bumps(const struct squid_directive *d)
{
	return d->nwords > 1 && (strcmp(d->word[1], "bump") == 0 ||
	    strcmp(d->word[1], "client-first") == 0 || strcmp(d->word[1], "server-first") == 0);
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
		dr_found(dr, CHECK_BUMP_ACLS, FOUND_FAIL, &sc->d[dr->hl.ext], "the helper cannot "
		    "generate kPoint's ssl_bump acls (--emit sslbump): %s", emit_error);
		return;
	}
	for (i = 0; i < sc->n; i++)
		if (squid_directive_is(&sc->d[i], "acl") && sc->d[i].nwords > 3 &&
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
		cmd = helperline_command(&dr->hl, "--emit sslbump");
		dr_fix(dr_found(dr, CHECK_BUMP_ACLS, FOUND_FAIL, NULL, "kPoint's generated ssl_bump "
		    "acls are not in the configuration"), "include the file `%s` writes, above "
		    "kPoint's ssl_bump rules", cmd);
		free(cmd);
	} else if (extra > 0 || missing > 0) {
		const char *file = squidconf_file_of(sc, &sc->d[first])->path;

		cmd = helperline_command(&dr->hl, "--emit sslbump");
		dr_fix(dr_found(dr, CHECK_BUMP_ACLS, FOUND_FAIL, &sc->d[first], "%s is stale: %zu "
		    "entr%s the list no longer has%s%s%s, %zu entr%s of the list missing%s%s%s",
		    file, extra, extra == 1 ? "y" : "ies", x != NULL ? " (`" : "",
		    x != NULL ? x : "", x != NULL ? "`)" : "", missing, missing == 1 ? "y" : "ies",
		    m != NULL ? " (`" : "", m != NULL ? m : "", m != NULL ? "`)" : ""),
		    "run `%s > %s && squid -k reconfigure`", cmd, file);
		free(cmd);
	} else {
		dr_found(dr, CHECK_BUMP_ACLS, FOUND_OK, NULL, "%s holds exactly what the list "
		    "in use now gives (%zu entries)", squidconf_file_of(sc, &sc->d[first])->path,
		    have.n);
	}
	entries_free(&have);
}

void
check_sslbump(struct doctor *dr)
{
	const struct squidconf *sc = dr->sc;
	struct command_result r;
	struct entries want = { NULL, 0 };
	char *names = NULL, *emit_error = NULL;
	const char *step1;
	size_t i, j, nports = 0, first_k = sc->n, last_k = sc->n, first_admin = sc->n;
	size_t last = sc->n, first_harm = sc->n, shadowed;
	bool site_bumps = false;
	struct finding *f;

	for (i = 0; i < sc->n; i++) {
		if (squid_port_bumps(&sc->d[i]))
			nports++;
	}
	if (nports == 0) {
		dr_found(dr, CHECK_BUMP_ORDER, FOUND_OK, NULL, "no port decrypts TLS (no "
		    "ssl-bump): nothing is bumped");
		return;
	}
	if (dr_run_helper(dr, "--emit", "sslbump", &r) == -1)
		fatal("running %s", dr->hl.argv[0]);
	if (command_succeeded(&r))
		emitted_entries(r.out, &want, &names);
	else
		emit_error = dr_first_line(r.err[0] != '\0' ? r.err : strerror(r.error));
	command_result_free(&r);
	if (names == NULL)
		names = xstrdup(" ");
	qsort(want.e, want.n, sizeof *want.e, cmp_str);

	for (i = 0; i < sc->n; i++) {
		if (!squid_directive_is(&sc->d[i], "ssl_bump") || sc->d[i].nwords < 2)
			continue;
		last = i;
		if (kpoint_bump_rule(&sc->d[i], names)) {
			if (first_k == sc->n)
				first_k = i;
			last_k = i;
			continue;
		}
		if (first_admin == sc->n)
			first_admin = i;
		/* a splice of the site's own cannot harm kPoint, wherever it stands */
		if (first_harm == sc->n && strcmp(sc->d[i].word[1], "splice") != 0)
			first_harm = i;
		if (bumps(&sc->d[i]))
			site_bumps = true;
	}

	/* kPoint's rules first; where the site decrypts nothing, kPoint is not decrypted either */
	if (first_k == sc->n && !site_bumps) {
		dr_found(dr, CHECK_BUMP_ORDER, FOUND_OK, NULL, "no ssl_bump rule bumps: this "
		    "proxy decrypts nothing, kPoint included");
	} else if (first_k == sc->n) {
		f = dr_found(dr, CHECK_BUMP_ORDER, FOUND_FAIL, first_admin < sc->n ?
		    &sc->d[first_admin] : NULL, "no ssl_bump rule splices kPoint: it is decrypted "
		    "and scanned like any other site");
		if (first_admin < sc->n)
			dr_fix(f, "add `include /etc/squid/squid-kpoint-sslbump.conf` above `%s`",
			    sc->d[first_admin].text);
		else
			dr_fix(f, "add `include /etc/squid/squid-kpoint-sslbump.conf` after your "
			    "ssl-bump port");
	} else if (first_harm < last_k) {
		f = dr_found(dr, CHECK_BUMP_ORDER, FOUND_FAIL, &sc->d[first_harm], "this rule comes "
		    "before kPoint's ssl_bump rules, and Squid takes the first rule that matches: "
		    "kPoint is bumped (decrypted and scanned) or, on 1935 and 5222, broken");
		/* kPoint's rules from an include move as one; written out in this file, the
		   site's rule moves below them instead (only kPoint's order changes) */
		if (strcmp(dr_movable(dr, first_k, first_harm), sc->d[first_k].text) != 0)
			dr_fix_move_above(f, dr, first_k, first_harm);
		else
			dr_fix(f, "move `%s` after `%s`", sc->d[first_harm].text,
			    sc->d[last_k].text);
	} else {
		dr_found(dr, CHECK_BUMP_ORDER, FOUND_OK, &sc->d[first_k], "kPoint's ssl_bump "
		    "rules come before every other ssl_bump rule that could decide kPoint");
	}

	/*
	 * A catch-all: the first rule with a final action (not peek or stare, which look and
	 * go on) that matches every connection decides everything after it; it must bump or
	 * terminate. Without one, Squid splices what no rule matched.
	 */
	for (i = 0; i < sc->n; i++) {
		const struct squid_directive *d = &sc->d[i];
		bool all = squid_directive_is(d, "ssl_bump") && d->nwords > 2 &&
		    strcmp(d->word[1], "peek") != 0 && strcmp(d->word[1], "stare") != 0;

		for (j = 2; all && j < d->nwords; j++) {
			const struct squid_acl *a = acltable_find(&dr->acls, d->word[j]);

			all = a != NULL && strcmp(a->type, "all") == 0;
		}
		if (all)
			break;
	}
	if (i < sc->n && (strcmp(sc->d[i].word[1], "bump") == 0 ||
	    strcmp(sc->d[i].word[1], "terminate") == 0)) {
		dr_found(dr, CHECK_BUMP_CATCHALL, FOUND_OK, &sc->d[i], "`%s` %ss what no rule "
		    "before it decided", sc->d[i].text, sc->d[i].word[1]);
	} else if (i < sc->n) {
		/* a bump of the site's own after it never runs: the site meant to decrypt that */
		for (j = i + 1, shadowed = sc->n; j < sc->n; j++)
			if (squid_directive_is(&sc->d[j], "ssl_bump") && sc->d[j].nwords > 2 && bumps(&sc->d[j]) &&
			    !kpoint_bump_rule(&sc->d[j], names))
				shadowed = j;
		if (shadowed < sc->n)
			dr_fix(dr_found(dr, CHECK_BUMP_CATCHALL, FOUND_FAIL, &sc->d[i], "`%s` "
			    "decides every connection before your own `%s` is asked: what that rule "
			    "should decrypt and scan passes through encrypted", sc->d[i].text,
			    sc->d[shadowed].text), "move `%s` after `%s`", sc->d[i].text,
			    sc->d[shadowed].text);
		else
			dr_found(dr, CHECK_BUMP_CATCHALL, FOUND_OK, &sc->d[i], "`%s` %ss what no "
			    "rule before it decided: this proxy decrypts only what its rules before "
			    "it bump%s", sc->d[i].text, sc->d[i].word[1], site_bumps ? "" : " "
			    "(none: nothing is decrypted)");
	} else {
		/* Squid splices what no rule decided: a design, or a forgotten "bump all" */
		dr_found(dr, CHECK_BUMP_CATCHALL, FOUND_WARN, last < sc->n ? &sc->d[last] : NULL,
		    "no catch-all: Squid splices every connection no ssl_bump rule decides, "
		    "so it is neither decrypted nor scanned; assumed to be this proxy's design "
		    "(if it should decrypt the rest, end the ssl_bump rules with `ssl_bump bump "
		    "all`)");
	}

	/* no peek at step 2 before a bump */
	step1 = dr_acl_named(dr, dr_pred_type, "at_step SslBump1", NULL);
	for (i = first_admin; i < sc->n; i++) {
		const struct squid_directive *d = &sc->d[i];

		if (!squid_directive_is(d, "ssl_bump") || d->nwords < 2 || strcmp(d->word[1], "peek") != 0 ||
		    kpoint_bump_rule(d, names) || dr_rule_names(dr, d, 2, dr_pred_type,
		    "at_step SslBump1"))
			continue;
		for (j = i + 1; j < sc->n; j++)
			if (squid_directive_is(&sc->d[j], "ssl_bump") && sc->d[j].nwords > 1 &&
			    strcmp(sc->d[j].word[1], "bump") == 0)
				break;
		if (j == sc->n)
			continue;
		f = dr_found(dr, CHECK_BUMP_PEEK, FOUND_FAIL, d, "this peek matches at step 2 too, "
		    "and after a peek at step 2 Squid cannot bump: what `%s` should decrypt is "
		    "spliced", sc->d[j].text);
		if (step1 != NULL)
			dr_fix(f, "write `ssl_bump peek %s` instead", step1);
		else
			dr_fix(f, "write `acl step1 at_step SslBump1` and `ssl_bump peek step1` "
			    "instead");
		break;
	}
	if (i >= sc->n)
		dr_found(dr, CHECK_BUMP_PEEK, FOUND_OK, NULL, "no peek at step 2 before a bump");

	/* intercepting ssl-bump ports carry the name kPoint's rules know them by */
	for (i = 0; i < sc->n; i++) {
		const struct squid_directive *d = &sc->d[i];
		const char *name = d->nwords > 1 ? d->word[1] : "";
		const char *want_name = "kpoint_intercept";
		bool known = false;

		if (!squid_port_bumps(d) || !squid_port_intercepts(d))
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
			dr_found(dr, CHECK_INTERCEPT_NAME, FOUND_OK, d, "the intercepting port "
			    "is named %s, as kPoint's rules expect", name);
		else
			dr_fix(dr_found(dr, CHECK_INTERCEPT_NAME, FOUND_FAIL, d, "kPoint's rules do "
			    "not know this intercepting port (its name is %s): kPoint known only by "
			    "its SNI (CloudFront) is bumped and scanned here", name), "add name=%s "
			    "to `%s`", want_name, d->text);
	}

	check_bump_acls(dr, &want, names, emit_error);
	entries_free(&want);
	free(names);
	free(emit_error);
}

void
check_advisories(struct doctor *dr)
{
	const struct squidconf *sc = dr->sc;
	size_t i;
	bool quic = false, bump_helper = false;

	for (i = 0; i < sc->n; i++) {
		const struct squid_directive *d = &sc->d[i];

		if (!quic && squid_port_intercepts(d)) {
			quic = true;
			dr_fix(dr_found(dr, CHECK_QUIC, FOUND_WARN, d, "an intercepting port: "
			    "browsers' QUIC (HTTP/3, UDP 443) never reaches Squid and goes around "
			    "the scanner unless the firewall drops it"), "drop the clients' UDP 443 "
			    "in the firewall (nft: `add rule inet filter forward udp dport 443 "
			    "drop`); `%s --emit nft` gives kPoint's own addresses and ports for the "
			    "same firewall", PACKAGE);
		}
		if (!bump_helper && squid_directive_is(d, "ssl_bump") &&
		    dr_rule_names(dr, d, 2, dr_pred_external, NULL)) {
			bump_helper = true;
			dr_fix(dr_found(dr, CHECK_HELPER_IN_BUMP, FOUND_WARN, d, "the helper is "
			    "asked inside ssl_bump, where Squid splices on any helper failure (BH, "
			    "a crash, a timeout): a failing helper lets any site past decryption "
			    "and the scanner"), "use the acls of squid-kpoint-sslbump.conf (`%s "
			    "--emit sslbump`) in ssl_bump instead", PACKAGE);
		}
	}
	if (!quic)
		dr_found(dr, CHECK_QUIC, FOUND_OK, NULL, "no intercepting port");
	if (!bump_helper)
		dr_found(dr, CHECK_HELPER_IN_BUMP, FOUND_OK, NULL, "the helper is not asked "
		    "inside ssl_bump");
}

