/*
 * answer: turns one request line into exactly one answer line, plus a decision-log line for a
 * denied kPoint request, and keeps the counters. Owns the wording of every answer:
 *   OK kpoint_=1 log=kpoint-allow:<entry>                         kPoint, every check passed
 *   ERR kpoint_=0 log=kpoint-deny:port message="..."              kPoint, a port not listed
 *   ERR kpoint_=0 log=kpoint-scan:type message="..."              kPoint, a reply not listed media
 *   ERR log=kpoint-scan:error message="..."                       the matcher failed: not exempt
 *   ERR                                                           not kPoint traffic
 *   ERR log=kpoint-failclosed message="..."                      no list loaded: nothing passes
 *   BH message="..."                                              a line that cannot be read
 * and of the word for what the snippets do with each verdict (answer_effect: allow, deny,
 * scan), which the log= annotation, the decision log and --explain all use.
 */
#ifndef KP_ANSWER_H
#define KP_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "allowlist.h"
#include "declog.h"
#include "note.h"
#include "policy.h"
#include "request.h"
#include "source.h"
#include "writer.h"

struct answer_counters {
	uint64_t	requests, ok, err, bh;
	uint64_t	denied[VERDICT_FAIL + 1];	/* by verdict: port, type, error */
	uint64_t	failclosed;
};

struct answerer {
	struct fieldspec	 spec;
	const struct source	*src;		/* asked for the list in force at each request */
	struct writer		*out;
	struct declog		*log;		/* NULL: no decision log */
	struct answer_counters	 counters;
};

/*
 * What Squid does with a request of this verdict under the shipped snippets
 * (conf-snippets/squid-kpoint*.conf), as one word: "allow" (allowed, not scanned), "deny"
 * (refused: a port the list does not allow), "scan" (kPoint but not exempt: a reply whose type
 * is not listed media, or a matcher failure, which Squid treats as any other site).
 */
const char *answer_effect(enum verdict v);

/*
 * Answer one complete line (modified in place). Returns 0, or -1 if writing the answer failed
 * (Squid has gone).
 */
int answer_line(struct answerer *a, char *line, size_t len);

/* Answer a line that was too long to read, given its first bytes. Returns as answer_line. */
int answer_too_long(struct answerer *a, const char *prefix, size_t len);

#endif
