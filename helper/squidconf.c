/*
 * squidconf: what Squid's parser applied, from its own report (see squidconf.h).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "squidconf.h"
#include "xalloc.h"

static const char MARK_FILE[] = "| Processing Configuration File: ";
static const char MARK_LINE[] = "| Processing: ";

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Split text at white space; a word starting with '"' runs to the next '"'. */
static void
split_words(struct squid_directive *d)
{
	size_t cap = 8;
	char *p = d->text;

	d->word = xreallocarray(NULL, cap, sizeof *d->word);
	d->nwords = 0;
	for (;;) {
		char *start, *copy;

		while (is_space(*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		if (*p == '"') {
			p = strchr(p + 1, '"');
			p = p != NULL ? p + 1 : start + strlen(start);
		}
		while (*p != '\0' && !is_space(*p))
			p++;
		copy = xmemdup0(start, (size_t)(p - start));
		if (d->nwords + 1 == cap)
			d->word = xreallocarray(d->word, cap *= 2, sizeof *d->word);
		d->word[d->nwords++] = copy;
	}
	d->word[d->nwords] = NULL;
}

/* text without a trailing comment: from a '#' that starts a word to the end. */
static char *
without_comment(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (text[i] == '#' && (i == 0 || is_space(text[i - 1])))
			break;
	while (i > 0 && is_space(text[i - 1]))
		i--;
	return xmemdup0(text, i);
}

/* Squid's StrToInt: the whole string is one number (strtol, any base it takes). */
static bool
whole_number(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 0);
	return end != s && *end == '\0';
}

/*
 * An if-condition as Squid evaluates it: "true", "false" or "number = number". Returns 1 or 0,
 * or -1 for one Squid cannot evaluate (it would have stopped).
 */
static int
eval_condition(const char *expr)
{
	const char *eq = strchr(expr, '=');
	long a, b;
	char *left;
	size_t n;
	bool ok;

	if (strcmp(expr, "true") == 0)
		return 1;
	if (strcmp(expr, "false") == 0)
		return 0;
	if (eq == NULL)
		return -1;
	n = (size_t)(eq - expr);
	while (n > 0 && is_space(expr[n - 1]))
		n--;
	left = xmemdup0(expr, n);
	eq++;
	while (is_space(*eq))
		eq++;
	ok = whole_number(left, &a) && whole_number(eq, &b);
	free(left);
	return ok ? a == b : -1;
}

/* Squid's FindStatement: the line is the word w, alone or followed by white space. */
static const char *
statement(const char *line, const char *w)
{
	size_t n = strlen(w);

	while (is_space(*line))
		line++;
	if (strncmp(line, w, n) != 0 || (line[n] != '\0' && !is_space(line[n])))
		return NULL;
	line += n;
	while (is_space(*line))
		line++;
	return line;
}

struct parse_state {
	bool		*cond;		/* the if-conditions in force, innermost last */
	size_t		 ncond, capcond;
	char		*outer_if;	/* the outermost open if's line; NULL when none is open */
	size_t		*stack;		/* the files open, by depth: indices into sc->file */
	size_t		 depth, capstack;
	bool		 have_file;
	size_t		 capd, capfiles;
	unsigned	*inc_depth;	/* per directive: the depth an include was found at */
	bool		*inc_known;
};

static void
set_message(struct squidconf *sc, const char *msg)
{
	free(sc->message);
	sc->message = xstrdup(msg);
}

/* "PATH (depth N)": a file Squid opened. */
static int
on_file(struct squidconf *sc, struct parse_state *ps, const char *text, size_t len)
{
	const char *open_paren = NULL;
	struct squid_file *f;
	unsigned long depth;
	size_t i;
	char *end;

	for (i = len; i > 0; i--)
		if (text[i - 1] == '(') {
			open_paren = text + i - 1;
			break;
		}
	if (open_paren == NULL || open_paren == text || strncmp(open_paren, "(depth ", 7) != 0)
		return 0;	/* not a marker after all: ignore, as any other line */
	depth = strtoul(open_paren + 7, &end, 10);
	if (end != text + len - 1 || *end != ')' || depth > 64)
		return 0;
	if (sc->nfiles == ps->capfiles)
		sc->file = xreallocarray(sc->file, ps->capfiles = ps->capfiles * 2 + 4,
		    sizeof *sc->file);
	f = &sc->file[sc->nfiles];
	memset(f, 0, sizeof *f);
	f->path = xmemdup0(text, (size_t)(open_paren - 1 - text));
	f->depth = (unsigned)depth;
	if (depth > 0 && (!ps->have_file || depth > ps->depth + 1)) {
		free(f->path);
		set_message(sc, "Squid's report opens an included file deeper than any include");
		return -1;
	}
	if (depth > 0) {
		/* The opener: the latest include found at depth - 1, or not yet placed. */
		for (i = sc->n; i > 0; i--) {
			struct squid_directive *d = &sc->d[i - 1];

			if (strcmp(d->word[0], "include") != 0)
				continue;
			if (ps->inc_known[i - 1] && ps->inc_depth[i - 1] != depth - 1)
				continue;
			f->included = true;
			f->include_at = i - 1;
			ps->inc_known[i - 1] = true;
			ps->inc_depth[i - 1] = (unsigned)depth - 1;
			d->file = ps->stack[depth - 1];
			break;
		}
		if (!f->included) {
			free(f->path);
			set_message(sc, "Squid's report opens an included file that no include "
			    "directive opened");
			return -1;
		}
	}
	if (depth + 1 > ps->capstack)
		ps->stack = xreallocarray(ps->stack, ps->capstack = depth + 8, sizeof *ps->stack);
	ps->stack[depth] = sc->nfiles++;
	ps->depth = depth;
	ps->have_file = true;
	return 0;
}

/* A directive Squid reported: an if/else/endif, or one that counts if the conditions hold. */
static int
on_line(struct squidconf *sc, struct parse_state *ps, const char *text, size_t len)
{
	char *raw = xmemdup0(text, len);
	struct squid_directive *d;
	const char *expr;
	int v;

	if (!ps->have_file) {
		free(raw);
		set_message(sc, "Squid's report has a directive before any file");
		return -1;
	}
	if ((expr = statement(raw, "if")) != NULL) {
		if ((v = eval_condition(expr)) == -1) {
			set_message(sc, "Squid's report has an if-condition it cannot evaluate");
			free(raw);
			return -1;
		}
		if (ps->ncond == ps->capcond)
			ps->cond = xreallocarray(ps->cond, ps->capcond = ps->capcond * 2 + 8,
			    sizeof *ps->cond);
		if (ps->ncond == 0) {
			free(ps->outer_if);
			ps->outer_if = xmemdup0(raw, strlen(raw));
		}
		ps->cond[ps->ncond++] = v == 1;
		free(raw);
		return 0;
	}
	if (statement(raw, "endif") != NULL || statement(raw, "else") != NULL) {
		bool is_else = statement(raw, "else") != NULL;

		free(raw);
		if (ps->ncond == 0) {
			set_message(sc, "Squid's report has an else or endif without if");
			return -1;
		}
		if (is_else)
			ps->cond[ps->ncond - 1] = !ps->cond[ps->ncond - 1];
		else
			ps->ncond--;
		return 0;
	}
	if (ps->ncond > 0 && !ps->cond[ps->ncond - 1]) {
		free(raw);	/* inside a false condition: Squid does not apply it */
		return 0;
	}
	if (sc->n == ps->capd) {
		ps->capd = ps->capd * 2 + 64;
		sc->d = xreallocarray(sc->d, ps->capd, sizeof *sc->d);
		ps->inc_depth = xreallocarray(ps->inc_depth, ps->capd, sizeof *ps->inc_depth);
		ps->inc_known = xreallocarray(ps->inc_known, ps->capd, sizeof *ps->inc_known);
	}
	d = &sc->d[sc->n];
	if (!squid_directive_make(d, raw, len)) {
		free(raw);
		return 0;
	}
	free(raw);
	d->file = ps->stack[ps->depth];
	if (ps->ncond > 0)
		d->if_text = xstrdup(ps->outer_if);
	ps->inc_known[sc->n] = false;
	sc->n++;
	return 0;
}

int
squidconf_parse_report(const char *report, size_t len, struct squidconf *sc)
{
	struct parse_state ps;
	const char *p = report, *end = report + len;
	int rc = 0;

	memset(&ps, 0, sizeof ps);
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl != NULL ? nl : end;
		size_t n = (size_t)(eol - p);
		char *line = xmemdup0(p, n);
		char *m;

		if ((m = strstr(line, MARK_FILE)) != NULL) {
			m += sizeof MARK_FILE - 1;
			rc = on_file(sc, &ps, m, strlen(m));
		} else if ((m = strstr(line, MARK_LINE)) != NULL) {
			m += sizeof MARK_LINE - 1;
			rc = on_line(sc, &ps, m, strlen(m));
		}
		free(line);
		p = eol + (nl != NULL);
	}
	if (rc == 0 && ps.ncond > 0) {
		set_message(sc, "Squid's report has an if without endif");
		rc = -1;
	}
	if (rc == 0 && !ps.have_file) {
		set_message(sc, "Squid reported no configuration file processed");
		rc = -1;
	}
	free(ps.cond);
	free(ps.outer_if);
	free(ps.stack);
	free(ps.inc_depth);
	free(ps.inc_known);
	return rc;
}

void
squidconf_parse_version(const char *text, struct squidconf *sc)
{
	const char *v = strstr(text, "Version ");
	const char *u = strstr(text, "--with-default-user=");

	if (v != NULL) {
		v += 8;
		sc->version = xmemdup0(v, strcspn(v, " \t\r\n"));
	}
	if (u != NULL) {
		u += 20;
		sc->default_user = xmemdup0(u, strcspn(u, "' \t\r\n"));
	}
}

/*
 * Squid's own words for why it refused: its ERROR, FATAL and "unrecognized" lines, each with
 * the indented lines Squid 7 writes under it ("    directive location: FILE(LINE)").
 */
static char *
refusal(const char *out)
{
	size_t cap = 256, len = 0;
	char *msg = xmalloc(cap);
	const char *p = out;
	bool under = false;

	msg[0] = '\0';
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");
		char *line = xmemdup0(p, n), *t = strstr(line, "| ");
		const char *body = t != NULL ? t + 2 : line;
		bool take = strstr(body, "FATAL") != NULL || strstr(body, "ERROR") != NULL ||
		    strstr(body, "unrecognized") != NULL;

		if (take || (under && t == NULL && is_space(line[0]))) {
			size_t bl = strlen(body);

			if (len + bl + 2 > cap)
				msg = xreallocarray(msg, cap = (len + bl + 2) * 2, 1);
			memcpy(msg + len, body, bl);
			len += bl;
			msg[len++] = '\n';
			msg[len] = '\0';
			under = true;
		} else {
			under = false;
		}
		free(line);
		p += n + (p[n] == '\n');
	}
	if (len == 0) {
		free(msg);
		return xstrdup("squid -k parse failed and said nothing about why\n");
	}
	return msg;
}

int
squidconf_read(const char *squid, const char *conf, unsigned kid, unsigned timeout_ms,
    struct squidconf *sc)
{
	char kidname[32];
	const char *version_argv[] = { squid, "-v", NULL };
	const char *parse_argv[] = { squid, "-k", "parse", "-f", conf, NULL, NULL, NULL };
	struct command_result r;

	if (kid > 0) {
		snprintf(kidname, sizeof kidname, "squid-%u", kid);
		parse_argv[5] = "--kid";
		parse_argv[6] = kidname;
	}

	memset(sc, 0, sizeof *sc);
	if (command_run(version_argv, NULL, timeout_ms, &r) == -1)
		return -1;
	if (r.status == COMMAND_NOT_RUN) {
		sc->status = SQUIDCONF_NO_SQUID;
		sc->message = xstrdup(strerror(r.error));
		command_result_free(&r);
		return 0;
	}
	squidconf_parse_version(r.out, sc);
	command_result_free(&r);

	if (command_run(parse_argv, NULL, timeout_ms, &r) == -1)
		return -1;
	if (r.status == COMMAND_TIMED_OUT || r.status == COMMAND_SIGNALLED ||
	    r.status == COMMAND_NOT_RUN || r.truncated) {
		sc->status = SQUIDCONF_FAILED;
		if (r.status == COMMAND_SIGNALLED)
			sc->message = xasprintf("squid -k parse crashed (%s)",
			    strsignal(r.signal));
		else
			sc->message = xstrdup(r.status == COMMAND_TIMED_OUT ? "squid -k parse did "
			    "not finish in time" : r.truncated ? "squid -k parse printed more than "
			    "can be read" : "squid -k parse did not run to its end");
	} else if (r.exit_code != 0) {
		sc->status = SQUIDCONF_REJECTED;
		sc->message = refusal(r.err);
	} else if (squidconf_parse_report(r.err, r.errlen, sc) == -1) {
		sc->status = SQUIDCONF_FAILED;
	} else {
		sc->status = SQUIDCONF_READ;
	}
	command_result_free(&r);
	return 0;
}

bool
squid_directive_make(struct squid_directive *d, const char *line, size_t len)
{
	memset(d, 0, sizeof *d);
	d->text = without_comment(line, len);
	split_words(d);
	if (d->nwords > 0)
		return true;
	squid_directive_free(d);
	return false;
}

void
squid_directive_free(struct squid_directive *d)
{
	size_t j;

	for (j = 0; j < d->nwords; j++)
		free(d->word[j]);
	free(d->word);
	free(d->text);
	free(d->if_text);
	memset(d, 0, sizeof *d);
}

void
squidconf_free(struct squidconf *sc)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		squid_directive_free(&sc->d[i]);
	for (i = 0; i < sc->nfiles; i++)
		free(sc->file[i].path);
	free(sc->d);
	free(sc->file);
	free(sc->message);
	free(sc->version);
	free(sc->default_user);
	memset(sc, 0, sizeof *sc);
}

const struct squid_file *
squidconf_file_of(const struct squidconf *sc, const struct squid_directive *d)
{
	return &sc->file[d->file];
}

unsigned
squidconf_workers(const struct squidconf *sc)
{
	unsigned long n = 1;
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (squid_directive_is(&sc->d[i], "workers") && sc->d[i].nwords == 2) {
			char *end;
			unsigned long w = strtoul(sc->d[i].word[1], &end, 10);

			if (*end == '\0' && w >= 1 && w <= 128)
				n = w;
		}
	return (unsigned)n;
}

const char *
squidconf_effective_user(const struct squidconf *sc)
{
	const char *user = sc->default_user != NULL ? sc->default_user : "nobody";
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (squid_directive_is(&sc->d[i], "cache_effective_user") && sc->d[i].nwords > 1)
			user = sc->d[i].word[1];
	return user;
}

bool
squid_directive_is(const struct squid_directive *d, const char *name)
{
	return strcmp(d->word[0], name) == 0;
}

bool
squid_directive_has_word(const struct squid_directive *d, size_t from, const char *w)
{
	size_t i;

	for (i = from; i < d->nwords; i++)
		if (strcmp(d->word[i], w) == 0)
			return true;
	return false;
}

static bool
is_port(const struct squid_directive *d)
{
	return squid_directive_is(d, "http_port") || squid_directive_is(d, "https_port");
}

bool
squid_port_intercepts(const struct squid_directive *d)
{
	return is_port(d) && (squid_directive_has_word(d, 2, "intercept") ||
	    squid_directive_has_word(d, 2, "tproxy"));
}

bool
squid_port_bumps(const struct squid_directive *d)
{
	return is_port(d) && squid_directive_has_word(d, 2, "ssl-bump");
}
