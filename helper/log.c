/*
 * log: diagnostics on stderr (Squid's cache.log). One fprintf per message so that the lines of
 * several helper children do not interleave mid-line.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_prog = PACKAGE;
static bool log_debugging;

void
log_init(const char *prog, bool debug)
{
	log_prog = prog;
	log_debugging = debug;
}

bool
log_debug_enabled(void)
{
	return log_debugging;
}

static void __attribute__((format(printf, 2, 0)))
log_vemit(const char *tag, const char *fmt, va_list ap, const char *err)
{
	char msg[1024];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (err != NULL)
		fprintf(stderr, "%s: %s%s: %s\n", log_prog, tag, msg, err);
	else
		fprintf(stderr, "%s: %s%s\n", log_prog, tag, msg);
	fflush(stderr);
}

void
log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vemit("ERROR: ", fmt, ap, err);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit("ERROR: ", fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit("", fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debugging)
		return;
	va_start(ap, fmt);
	log_vemit("DEBUG: ", fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	const char *err = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vemit("FATAL: ", fmt, ap, err);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit("FATAL: ", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
