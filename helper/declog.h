/*
 * declog: the decision log, for operators to tail and grep: one record per kPoint request that
 * was not allowed and exempt, and the counters that SIGUSR1 asks for. Each record is one line,
 * in one of two formats with the same fields:
 *   text: 2026-11-24T10:15:02Z deny reason=port host=mp001se.kpoint.com port=8080 ip=- ...
 *   json: {"time":"2026-11-24T10:15:02Z","event":"deny","reason":"port","host":"...",...}
 * Values are %XX-escaped in both (space, '%', '"', control and non-ASCII bytes), so a text line
 * stays words and a JSON line valid UTF-8; in JSON an unknown value ("-") is null and '\' is
 * escaped as JSON wants.
 * Each line is one write(2) on an O_APPEND descriptor, so the children of one helper pool can
 * share a file without mixing lines. Only a regular file is used. A failed write costs that
 * line, never an answer; after a short write (disk full, file size limit) the next line starts
 * on a line of its own; a log deleted or renamed while open is opened anew by its path.
 */
#ifndef KP_DECLOG_H
#define KP_DECLOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct declog;

enum declog_format {
	DECLOG_TEXT,	/* TIME EVENT key=value ... */
	DECLOG_JSON	/* one JSON object per line */
};

/*
 * Open path for appending (created 0640). Returns NULL (errno set; EINVAL: not a regular
 * file, ENXIO: a FIFO nobody reads) if it cannot be used. Never waits.
 */
struct declog *declog_open(const char *path, enum declog_format format);
/* declog_close(NULL) is a no-op. */
void declog_close(struct declog *dl);

struct declog_field {
	const char	*key;
	const char	*value;		/* NULL: written as "-" */
	size_t		 len;
};

/*
 * Write one record: the time, event (a word: what happened, "deny", "scan", "counters") and the
 * fields in order. Returns 0, or -1 if the line was lost (the failure is counted, and reported
 * on stderr at most once a minute).
 */
int declog_write(struct declog *dl, time_t now, const char *event,
    const struct declog_field *fields, size_t nfields);

/* Lines lost to write errors so far. */
uint64_t declog_lost(const struct declog *dl);

#endif
