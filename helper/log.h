/*
 * log: diagnostics on stderr, which Squid copies into cache.log.
 * Owns the program name and the debug switch. Messages read "ext_kpoint_acl: ERROR: ...",
 * the way Squid's bundled helpers write theirs.
 */
#ifndef KP_LOG_H
#define KP_LOG_H

#include <stdbool.h>

void log_init(const char *prog, bool debug);
bool log_debug_enabled(void);

/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An informational line without the ERROR: tag (start-up, reloads, counters). */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only with -d. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
