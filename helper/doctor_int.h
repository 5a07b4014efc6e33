/*
 * doctor_int: what --doctor's checks share, private to doctor*.c. Each check adds findings
 * (dr_found, doctor_common.c) about the configuration Squid applied; doctor.c, the driver,
 * runs its table of checks in the order a request meets them and writes the report.
 * doctor_helper.c: the helper Squid runs (helper, list, fields) and its decision log;
 * doctor_access.c: http_access; doctor_adapt.c: ICAP and eCAP; doctor_bump.c: SslBump and the
 * advisories. None of them includes doctor.h or calls the driver: no cycle.
 */
#ifndef KP_DOCTOR_INT_H
#define KP_DOCTOR_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "command.h"
#include "helperline.h"
#include "squidacl.h"
#include "squidconf.h"

/* The helper's --check and --emit, test(1): the longest each may take. */
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
	CHECK_INTERCEPT_NAME,	/* an dr_intercepting ssl-bump port has the name the snippet uses */
	CHECK_BUMP_ACLS,	/* the generated acls are the list in use now */
	CHECK_DECISION_LOG,	/* Squid's user can write the decision log */
	CHECK_METRICS,		/* ...and the --metrics directory */
	CHECK_QUIC,		/* advisory: QUIC goes around an dr_intercepting proxy */
	CHECK_HELPER_IN_BUMP,	/* advisory: the helper asked inside ssl_bump fails open */
	CHECK_COUNT
};

enum finding_verdict {
	FOUND_OK,
	FOUND_WARN,
	FOUND_FAIL
};

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
	struct helperline	 hl;		/* the helper's own line */
	const char		*user;		/* Squid's cache_effective_user */
	struct allowlist	*list;		/* the helper's list (built-in if it does not load) */
	bool			 have_rule;	/* kPoint's http_access allow rule exists: */
	size_t			 rule;
	struct finding		*f;
	size_t			 nf;
};

/*
 * The findings' builder. dr_found adds check c's verdict v about directive d (NULL: none in
 * particular), its problem formatted, and returns it; dr_fix gives it its fix, formatted (a
 * finding with none has nothing to do). The pointer is good until the next dr_found.
 */
struct finding *dr_found(struct doctor *dr, enum check c, enum finding_verdict v,
    const struct squid_directive *d, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void dr_fix(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * What a fix moves to put directive i before directive anchor: i itself when both are in one
 * file, else the include, in a file that holds the anchor, that brings i in.
 */
const char *dr_movable(const struct doctor *dr, size_t i, size_t anchor);

/*
 * Give f the fix that puts directive i before directive anchor: "move `I` above `ANCHOR`";
 * when the anchor is inside an if-block (a worker's own lines), above that whole block, for a
 * move into it would take i away from the other workers.
 */
void dr_fix_move_above(struct finding *f, const struct doctor *dr, size_t i, size_t anchor);

/* Acl predicates, for dr_acl_named and dr_rule_names: the helper's external acl; its note
   with the value arg; an acl of the type and one value in arg ("at_step SslBump1"). */
typedef bool dr_pred(const struct doctor *, const struct squid_acl *, const char *);
dr_pred dr_pred_external, dr_pred_note, dr_pred_type;

/* The name of the first acl that satisfies pred, or fallback: for naming it in a fix. */
const char *dr_acl_named(const struct doctor *dr, dr_pred *pred, const char *arg,
    const char *fallback);
/* Does the rule d (acl words from index from) name, not negated, an acl satisfying pred? */
bool dr_rule_names(const struct doctor *dr, const struct squid_directive *d, size_t from,
    dr_pred *pred, const char *arg);

/* Run the helper's own line with a and b (NULL: none) appended, as Squid's user. */
int dr_run_helper(struct doctor *dr, const char *a, const char *b, struct command_result *r);
/* The first line of s, a new string. */
char *dr_first_line(const char *s);

void check_helper(struct doctor *dr);
void check_fields(struct doctor *dr);
void check_log(struct doctor *dr);
void check_metrics(struct doctor *dr);
void check_http_access(struct doctor *dr);
void check_denied(struct doctor *dr);
void check_adaptation(struct doctor *dr);
void check_sslbump(struct doctor *dr);
void check_advisories(struct doctor *dr);

#endif
