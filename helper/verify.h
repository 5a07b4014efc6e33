/*
 * verify: do the list's addresses still belong to kPoint? (ext_kpoint_acl --verify). Resolves
 * every host entry (A and AAAA, all in parallel, with c-ares, DNS only: no hosts file, no search
 * list) and reports each against the listed networks, one line per finding:
 *   ok      HOST ADDR... (resolves inside the listed nets)
 *   moved   HOST ADDR... (at least one address outside every listed net)
 *   missing HOST (the name does not exist, or has no address)
 *   error   HOST (DNS did not answer: timeout, refused, server failure)
 *   unused  NET (no listed host resolves into it)
 * then one summary line. The exit status is for monitoring checks: 0 all good, 1 drift (moved,
 * missing, unused), 2 could not check (any error).
 */
#ifndef KP_VERIFY_H
#define KP_VERIFY_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "allowlist.h"

struct verify_options {
	const char	*server;	/* "ADDR", "ADDR:PORT" or "[V6]:PORT"; NULL: resolv.conf's */
	unsigned	 timeout_ms;	/* for the whole check */
};

enum verify_result {
	VERIFY_OK = 0,
	VERIFY_DRIFT = 1,
	VERIFY_FAILED = 2
};

/* What a check found, in figures (for metrics_write_verify). */
struct verify_summary {
	size_t			ok, moved, missing, error;	/* hosts */
	size_t			nets, unused;
	enum verify_result	result;
	time_t			when;
};

/*
 * Check al's hosts and nets as above, writing the findings to out, and the counts to *sum
 * (if not NULL).
 */
enum verify_result verify_list(const struct allowlist *al, const struct verify_options *o,
    FILE *out, struct verify_summary *sum);

#endif
