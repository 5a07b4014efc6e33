/*
 * ext_kpoint_acl: Squid external ACL helper that tells kPoint traffic from the rest.
 * main is the top and only the top: it reads the command line (options.h) and runs the one mode
 * it asks for, from the table below. Serving Squid is serve.h; the operator's one-shot tools
 * are tools.h; a command line that names two modes is refused by options.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"
#include "options.h"
#include "serve.h"
#include "tools.h"

static int
help(const struct options *o)
{
	(void)o;
	options_usage(stdout);
	return 0;
}

static int
version(const struct options *o)
{
	(void)o;
	printf("%s %s\n", PACKAGE, PACKAGE_VERSION);
	return 0;
}

/* Each mode, the one function that runs it. */
static int (*const run[])(const struct options *) = {
	[MODE_SERVE] = serve,
	[MODE_CHECK] = tool_check,
	[MODE_DUMP] = tool_dump,
	[MODE_EMIT] = tool_emit,
	[MODE_EXPLAIN] = tool_explain,
	[MODE_VERIFY] = tool_verify,
	[MODE_DOCTOR] = tool_doctor,
	[MODE_CLOUDFRONT] = tool_cloudfront,
	[MODE_HELP] = help,
	[MODE_VERSION] = version,
};

int
main(int argc, char *argv[])
{
	struct options o;
	int fd;

	/*
	 * Descriptors 0-2 must be taken before anything opens a file: a closed one would be
	 * handed to the next open() or pipe() (the reloader's pipe as "stdin": a helper that
	 * waits on itself). Closed ones get /dev/null; a closed stdin then reads as end of input.
	 */
	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			return 1;
	options_parse(&o, argc, argv, false);
	log_init(PACKAGE, o.debug);
	return run[o.mode](&o);
}
