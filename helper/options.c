/*
 * options: the command line (see options.h). The one table of long options.
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "request.h"

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "fields", required_argument, NULL, 'f' },
	{ "log", required_argument, NULL, 'l' },
	{ "log-format", required_argument, NULL, 'J' },
	{ "debug", no_argument, NULL, 'd' },
	{ "check", no_argument, NULL, 'C' },
	{ "dump", no_argument, NULL, 'D' },
	{ "emit", required_argument, NULL, 'E' },
	{ "explain", required_argument, NULL, 'X' },
	{ "port", required_argument, NULL, 'P' },
	{ "ip", required_argument, NULL, 'I' },
	{ "type", required_argument, NULL, 'T' },
	{ "verify", no_argument, NULL, 'R' },
	{ "dns-server", required_argument, NULL, 'S' },
	{ "dns-timeout", required_argument, NULL, 'W' },
	{ "doctor", no_argument, NULL, 'K' },
	{ "squid", required_argument, NULL, 'Q' },
	{ "metrics", required_argument, NULL, 'M' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* In the loop the last fault found is kept, after it the first (as the helper always did). */
static void __attribute__((format(printf, 3, 4)))
set_error(struct options *o, bool keep_first, const char *fmt, ...)
{
	va_list ap;

	if (keep_first && o->error[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(o->error, sizeof o->error, fmt, ap);
	va_end(ap);
}

void
options_parse(struct options *o, int argc, char *argv[], bool quiet)
{
	int ch;

	memset(o, 0, sizeof *o);
	o->fields = FIELDS_DEFAULT;
	o->logformat = DECLOG_TEXT;
	o->vopts.timeout_ms = 5000;
	optind = 0;	/* GNU getopt: start afresh (the doctor reads a second line) */
	opterr = !quiet;
	while ((ch = getopt_long(argc, argv, "c:f:l:dhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 'f':
			o->fields = optarg;
			break;
		case 'l':
			o->logpath = optarg;
			break;
		case 'J':
			if (strcmp(optarg, "text") == 0)
				o->logformat = DECLOG_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->logformat = DECLOG_JSON;
			else
				set_error(o, false, "--log-format %.40s: expected text or json", optarg);
			break;
		case 'd':
			o->debug = true;
			break;
		case 'C':
			o->check = true;
			break;
		case 'D':
			o->dump = true;
			break;
		case 'E':
			o->emit = optarg;
			break;
		case 'X':
			o->query.target = optarg;
			break;
		case 'P':
			o->query.port = optarg;
			break;
		case 'I':
			o->query.ip = optarg;
			break;
		case 'T':
			o->query.type = optarg;
			break;
		case 'R':
			o->verify = true;
			break;
		case 'S':
			o->vopts.server = optarg;
			o->dns_options = true;
			break;
		case 'W': {
			char *end;
			unsigned long s = strtoul(optarg, &end, 10);

			if (*end != '\0' || s == 0 || s > 600)
				set_error(o, false, "--dns-timeout %.20s: not a number of seconds 1-600",
				    optarg);
			o->vopts.timeout_ms = (unsigned)s * 1000;
			o->dns_options = true;
			break;
		}
		case 'K':
			o->doctor = true;
			break;
		case 'Q':
			o->squid = optarg;
			break;
		case 'M':
			o->metrics = optarg;
			break;
		case 'h':
			o->help = true;
			return;
		case 'V':
			o->version = true;
			return;
		default:
			set_error(o, false, "bad command line option (see ext_kpoint_acl --help)");
			break;
		}
	}
	/* --doctor takes the squid.conf to check as its one argument. */
	if (o->doctor && optind < argc)
		o->squid_conf = argv[optind++];
	if (optind < argc)
		set_error(o, true, "unexpected argument '%s'", argv[optind]);
	if (o->query.target == NULL &&
	    (o->query.port != NULL || o->query.ip != NULL || o->query.type != NULL))
		set_error(o, true, "--port, --ip and --type go with --explain");
	if (!o->verify && o->dns_options)
		set_error(o, true, "--dns-server and --dns-timeout go with --verify");
	if (!o->doctor && o->squid != NULL)
		set_error(o, true, "--squid goes with --doctor");
}
