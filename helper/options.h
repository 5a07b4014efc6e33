/*
 * options: the helper's command line, read once into a struct. main reads its own with it, and
 * --doctor reads, with the same table, the command line that squid.conf gives the helper, so
 * that the two can never read one line differently.
 */
#ifndef KP_OPTIONS_H
#define KP_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "declog.h"
#include "explain.h"
#include "verify.h"

/* What the command line asks for: one mode. */
enum options_mode {
	MODE_SERVE,		/* no mode flag: answer Squid's requests on stdin */
	MODE_CHECK,
	MODE_DUMP,
	MODE_EMIT,
	MODE_EXPLAIN,
	MODE_VERIFY,
	MODE_DOCTOR,
	MODE_CLOUDFRONT,
	MODE_HELP,
	MODE_VERSION
};

struct options {
	enum options_mode	 mode;
	const char		*config;	/* -c FILE; NULL: the built-in list */
	const char		*fields;	/* -f; FIELDS_DEFAULT when not given */
	const char		*logpath;	/* -l; NULL: no decision log */
	enum declog_format	 logformat;	/* --log-format (also --doctor's output) */
	bool			 debug;
	const char		*emit;		/* --emit FORMAT (MODE_EMIT) */
	struct explain_query	 query;		/* --explain TARGET and its --port, --ip, --type */
	struct verify_options	 vopts;		/* --dns-server, --dns-timeout */
	bool			 dns_options;	/* one of those two was given */
	const char		*metrics;	/* --metrics DIR (serving, --verify; the other modes
						   ignore it, as they do -l: --doctor runs the
						   helper's own line with --check); NULL: none */
	const char		*squid;		/* --squid PATH (with --doctor); NULL: "squid" */
	const char		*squid_conf;	/* --doctor's argument; NULL: the default */
	const char		*cloudfront;	/* --cloudfront FILE (MODE_CLOUDFRONT); "-": stdin */
	const char		*previous;	/* --previous FILE: the ranges in force; NULL: none */
	bool			 cdn_ipset;	/* --format ipset (with --cloudfront); else nft */
	bool			 cdn_format;	/* --format was given */
	char			 error[256];	/* what is wrong with the line; "" if nothing */
};

/*
 * Read argv into *o (zeroed first; strings point into argv). -h and -V stop the reading where
 * they stand, as they do for any program. A line that is wrong is not a failure to read: its
 * first fault is in o->error (two modes at once are a fault: o->mode is then the first given).
 * quiet: getopt prints nothing (the doctor reads another program's line).
 */
void options_parse(struct options *o, int argc, char *argv[], bool quiet);

/* The --help text. */
void options_usage(FILE *f);

#endif
