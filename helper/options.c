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
	{ "cloudfront", required_argument, NULL, 'G' },
	{ "previous", required_argument, NULL, 'p' },
	{ "format", required_argument, NULL, 'F' },
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

/* The flag of each mode, as the command line spells it. */
static const char *const mode_flag[] = {
	[MODE_SERVE] = "", [MODE_CHECK] = "--check", [MODE_DUMP] = "--dump",
	[MODE_EMIT] = "--emit", [MODE_EXPLAIN] = "--explain", [MODE_VERIFY] = "--verify",
	[MODE_DOCTOR] = "--doctor", [MODE_CLOUDFRONT] = "--cloudfront", [MODE_HELP] = "--help",
	[MODE_VERSION] = "--version",
};

/* One mode at a time: a second one is a fault, said with both flags (the first one stays). */
static void
set_mode(struct options *o, enum options_mode m)
{
	if (o->mode == MODE_SERVE || o->mode == m)
		o->mode = m;
	else
		set_error(o, false, "%s and %s cannot be given together: one mode at a time",
		    mode_flag[o->mode], mode_flag[m]);
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
			set_mode(o, MODE_CHECK);
			break;
		case 'D':
			set_mode(o, MODE_DUMP);
			break;
		case 'E':
			o->emit = optarg;
			set_mode(o, MODE_EMIT);
			break;
		case 'X':
			o->query.target = optarg;
			set_mode(o, MODE_EXPLAIN);
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
			set_mode(o, MODE_VERIFY);
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
			set_mode(o, MODE_DOCTOR);
			break;
		case 'Q':
			o->squid = optarg;
			break;
		case 'M':
			o->metrics = optarg;
			break;
		case 'G':
			o->cloudfront = optarg;
			set_mode(o, MODE_CLOUDFRONT);
			break;
		case 'p':
			o->previous = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "ipset") == 0)
				o->cdn_ipset = true;
			else if (strcmp(optarg, "nft") != 0)
				set_error(o, false, "--format %.40s: expected nft or ipset", optarg);
			o->cdn_format = true;
			break;
		case 'h':
			o->mode = MODE_HELP;
			return;
		case 'V':
			o->mode = MODE_VERSION;
			return;
		default:
			set_error(o, false, "bad command line option (see ext_kpoint_acl --help)");
			break;
		}
	}
	/* --doctor takes the squid.conf to check as its one argument. */
	if (o->mode == MODE_DOCTOR && optind < argc)
		o->squid_conf = argv[optind++];
	if (optind < argc)
		set_error(o, true, "unexpected argument '%s'", argv[optind]);
	if (o->mode != MODE_EXPLAIN &&
	    (o->query.port != NULL || o->query.ip != NULL || o->query.type != NULL))
		set_error(o, true, "--port, --ip and --type go with --explain");
	if (o->mode != MODE_VERIFY && o->dns_options)
		set_error(o, true, "--dns-server and --dns-timeout go with --verify");
	if (o->mode != MODE_DOCTOR && o->squid != NULL)
		set_error(o, true, "--squid goes with --doctor");
	if (o->mode != MODE_CLOUDFRONT && (o->previous != NULL || o->cdn_format))
		set_error(o, true, "--previous and --format go with --cloudfront");
}

void
options_usage(FILE *f)
{
	fprintf(f,
	    "usage: ext_kpoint_acl [-d] [-c FILE] [-f FIELDS] [-l LOGFILE [--log-format json]]\n"
	    "                      [--metrics DIR]\n"
	    "       ext_kpoint_acl --check [-c FILE]\n"
	    "       ext_kpoint_acl --dump [-c FILE]\n"
	    "       ext_kpoint_acl --explain TARGET [--port N] [--ip ADDR] [--type T] [-c FILE]\n"
	    "       ext_kpoint_acl --verify [--dns-server ADDR[:PORT]] [--dns-timeout SECONDS]\n"
	    "                      [--metrics DIR] [-c FILE]\n"
	    "       ext_kpoint_acl --emit nft|iptables|ip6tables|ipset|dnsmasq|dnsmasq-ipset|\n"
	    "                      squid|sslbump [-c FILE]\n"
	    "       ext_kpoint_acl --cloudfront IP-RANGES.JSON|- [--previous IP-RANGES.JSON]\n"
	    "                      [--format nft|ipset]\n"
	    "       ext_kpoint_acl --doctor [SQUID_CONF] [--squid PATH] [--log-format json]\n"
	    "       ext_kpoint_acl -h | -V\n"
	    "Every option, the protocol, the list file, the decision log, signals and exit\n"
	    "status: ext_kpoint_acl(8) (man ext_kpoint_acl).\n");
}
