/*
 * doctor: is an admin's squid.conf wired the way kPoint needs (ext_kpoint_acl --doctor)? Squid
 * accepts every mistake checked here without a word: the kPoint rules placed after a rule that
 * decides kPoint first, an exemption that names no scanner, no ssl_bump catch-all, stale
 * generated acls, a decision log the proxy user cannot write. The configuration is what Squid's
 * own parser applied (squidconf); the helper's part is judged by running the helper exactly as
 * squid.conf runs it, as Squid's user. Each check gives ok, warn or FAIL, the directive as
 * Squid read it and, for what fails, the fix in one line.
 */
#ifndef KP_DOCTOR_H
#define KP_DOCTOR_H

#include <stdio.h>

#include "declog.h"

#define DOCTOR_DEFAULT_CONF	"/etc/squid/squid.conf"
#define DOCTOR_DEFAULT_SQUID	"squid"

struct doctor_options {
	const char		*conf;		/* the squid.conf to check */
	const char		*squid;		/* the Squid whose parser reads it */
	enum declog_format	 format;	/* text, or one JSON object a line */
};

/* The outcome; also the exit status of --doctor. */
enum doctor_result {
	DOCTOR_OK = 0,		/* nothing fails (advisories may warn) */
	DOCTOR_FAILED = 1,	/* at least one check fails */
	DOCTOR_CANNOT_CHECK = 2	/* no Squid, Squid refuses the file, or no kPoint line in it:
				   said on stderr */
};

/* Check o->conf and write the report to out. */
enum doctor_result doctor_run(const struct doctor_options *o, FILE *out);

#endif
