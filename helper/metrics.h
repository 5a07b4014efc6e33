/*
 * metrics: the helper's state for Prometheus, through node_exporter's textfile collector
 * (Debian: prometheus-node-exporter reads the .prom files in /var/lib/prometheus/
 * node-exporter). Each helper process keeps one file of its own, ext_kpoint_acl_PID.prom,
 * and --verify keeps ext_kpoint_acl_verify.prom. A file is written whole to a temporary name
 * that the collector does not read (.NAME.prom.tmp) and renamed into place, so a scrape never
 * sees half of one. Every sample of a helper carries pid="PID": the files of the helpers of
 * one Squid (and of its workers) never name the same series.
 *
 * Names and types by Prometheus conventions: counters end in _total, timestamps are seconds
 * since the epoch; the effect label uses the answers' and the decision log's words (allow,
 * deny, scan).
 */
#ifndef KP_METRICS_H
#define KP_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "allowlist.h"
#include "answer.h"
#include "source.h"
#include "verify.h"

/* What a helper's file says: the answerer's counters and the list source's. */
struct metrics_helper {
	const struct answer_counters	*counters;
	const struct source_counters	*reloads;
	uint64_t			 log_lost;	/* decision log lines lost */
	const struct allowlist		*list;		/* in force; NULL: failing closed */
	time_t				 loaded;	/* when it was loaded */
	time_t				 started;
};

/*
 * Write dir/ext_kpoint_acl_PID.prom for this process. Returns 0, or -1 with errno set (the
 * file in place, if any, is left as it was).
 */
int metrics_write_helper(const char *dir, const struct metrics_helper *m);
/* Remove this process's file (at exit): nothing is left of a helper that has gone. */
void metrics_remove_helper(const char *dir);
/* Write dir/ext_kpoint_acl_verify.prom. Returns 0, or -1 with errno set. */
int metrics_write_verify(const char *dir, const struct verify_summary *v);

#endif
