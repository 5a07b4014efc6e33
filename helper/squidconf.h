/*
 * squidconf: a squid.conf as Squid itself read it. No squid.conf text is read here: Squid's own
 * parser runs ("squid -k parse -f FILE") and reports, in order, every directive it processed,
 * with includes followed, continuation lines joined and macros expanded
 * ("Processing: <line>"), and every file it opened ("Processing Configuration File: F (depth
 * N)"). Squid 5.7, 6.13 and 7.x all report so when asked to parse only. Squid reports the
 * lines of an if/else block whose condition is false too, but does not apply them; this module
 * applies Squid's own rule (the innermost if decides, "else" flips it) to the reported
 * condition, which Squid has already macro-expanded, so that only the directives Squid applied
 * remain.
 *
 * Where each directive came from: Squid says where a file starts, not where it ends. A directive
 * is taken to come from the file opened last, until the next include shows the depth again:
 * right for a directive near the start of an included file (the snippets), possibly wrong for a
 * directive that follows an include in its includer.
 */
#ifndef KP_SQUIDCONF_H
#define KP_SQUIDCONF_H

#include <stdbool.h>
#include <stddef.h>

/* One directive Squid applied. */
struct squid_directive {
	char		 *text;		/* as Squid reported it, a trailing "# comment" removed */
	char		**word;		/* text split at white space ("..." kept whole); word[0]
					   is the directive's name */
	size_t		  nwords;
	size_t		  file;		/* index into squidconf.file */
	char		 *if_text;	/* inside an if-block: the outermost one's "if" line,
					   as Squid expanded it ("if 2 = 2"); NULL: in none */
};

/* A file Squid opened. */
struct squid_file {
	char		*path;
	unsigned	 depth;		/* 0: the file named with -f */
	bool		 included;	/* depth > 0: include_at is the directive that opened it */
	size_t		 include_at;	/* index into squidconf.d */
};

/* How reading the configuration came out. */
enum squidconf_status {
	SQUIDCONF_READ,		/* Squid accepted it: d[] is what it applied */
	SQUIDCONF_REJECTED,	/* Squid refused it: message is Squid's own words */
	SQUIDCONF_NO_SQUID,	/* no Squid at that path or name */
	SQUIDCONF_FAILED	/* Squid did not say (crashed, timed out, no report): message */
};

struct squidconf {
	enum squidconf_status	  status;
	char			 *message;	/* REJECTED, NO_SQUID, FAILED: one or more lines */
	char			 *version;	/* "5.7", from "squid -v"; NULL if unknown */
	char			 *default_user;	/* the cache_effective_user it was built with;
						   NULL if "squid -v" does not say */
	struct squid_directive	 *d;
	size_t			  n;
	struct squid_file	 *file;
	size_t			  nfiles;
};

/*
 * Run squid (a path, or a name on PATH) on conf, at most timeout_ms for each of its two runs
 * (-v, then -k parse), and fill *sc. kid 0: as "squid -k parse" reads it (${process_number}
 * is 0); kid N: as SMP worker N reads it, Squid's own parser told so ("--kid squid-N", as the
 * master starts its kids), so ${process_number} is N. Returns 0 whatever Squid said
 * (sc->status tells), or -1 with errno set when Squid could not be run at all for want of
 * resources.
 */
int squidconf_read(const char *squid, const char *conf, unsigned kid, unsigned timeout_ms,
    struct squidconf *sc);

/* The workers the configuration asks for (the last "workers N"); 1 when it says nothing. */
unsigned squidconf_workers(const struct squidconf *sc);

/* Squid's user: the last cache_effective_user, else the one Squid was built with, else nobody. */
const char *squidconf_effective_user(const struct squidconf *sc);

/* Is d the directive name ("http_access")? */
bool squid_directive_is(const struct squid_directive *d, const char *name);

/* Is w one of d's words from index from on? */
bool squid_directive_has_word(const struct squid_directive *d, size_t from, const char *w);

/* Is d a port (http_port, https_port) that intercepts (intercept, tproxy)? that bumps? */
bool squid_port_intercepts(const struct squid_directive *d);
bool squid_port_bumps(const struct squid_directive *d);

/*
 * The part that reads Squid's report: fill sc->d and sc->file from the text "squid -k parse"
 * wrote (len bytes). For tests and fuzzing; squidconf_read calls it. Returns 0, or -1 with
 * sc->message set when the report breaks Squid's own rules (an "else" or "endif" without "if",
 * an if-condition Squid cannot evaluate), which Squid itself would have refused.
 */
int squidconf_parse_report(const char *report, size_t len, struct squidconf *sc);

/* Fill version and default_user from what "squid -v" wrote. */
void squidconf_parse_version(const char *text, struct squidconf *sc);

/*
 * One configuration line (len bytes) as a directive: a trailing comment removed, split into
 * words. Returns false, with nothing to free, for a line with no words. The doctor reads the
 * helper's own --emit output with it, so both sides of a comparison split alike.
 */
bool squid_directive_make(struct squid_directive *d, const char *line, size_t len);
void squid_directive_free(struct squid_directive *d);

/* squidconf_free on a zeroed or filled struct; it is zeroed again. */
void squidconf_free(struct squidconf *sc);

/* The file d came from, and, if it was included, the include directive that opened it. */
const struct squid_file *squidconf_file_of(const struct squidconf *sc,
    const struct squid_directive *d);

#endif
