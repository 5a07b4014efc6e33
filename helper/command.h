/*
 * command: run another program and take what it printed: Squid's own parser for --doctor, the
 * helper exactly as squid.conf runs it, test(1) as Squid's user. The only place that forks.
 * Bounded both ways: a program still running after its timeout is killed, and output past
 * COMMAND_OUTPUT_MAX is dropped and said so, never silently cut.
 */
#ifndef KP_COMMAND_H
#define KP_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

/* How a run ended. */
enum command_status {
	COMMAND_EXITED,		/* it exited; exit_code says how */
	COMMAND_SIGNALLED,	/* a signal ended it (signal says which) */
	COMMAND_TIMED_OUT,	/* still running at the timeout: killed */
	COMMAND_NOT_RUN,	/* it could not be started; error is exec's errno (ENOENT: no
				   such program, EACCES: not executable) */
	COMMAND_NO_USER		/* the user to run it as does not exist */
};

#define COMMAND_OUTPUT_MAX	(16u << 20)

struct command_result {
	enum command_status	 status;
	int			 exit_code;	/* COMMAND_EXITED */
	int			 signal;	/* COMMAND_SIGNALLED */
	int			 error;		/* COMMAND_NOT_RUN */
	char			*out;		/* stdout, NUL-terminated; never NULL after a run */
	size_t			 outlen;
	char			*err;		/* stderr, likewise */
	size_t			 errlen;
	bool			 truncated;	/* more than COMMAND_OUTPUT_MAX came on one of them */
};

/*
 * Run argv (argv[0] a path, or a name looked up on PATH) with stdin from /dev/null, for at most
 * timeout_ms. With user non-NULL and the caller root, the program runs as that user (its uid,
 * its primary group and its other groups), the way Squid runs its helpers; otherwise as the
 * caller. Returns 0 with *res filled (free it with command_result_free), or -1 with errno set
 * when no run could be attempted (no pipes, no fork: nothing to free).
 */
int command_run(const char *const argv[], const char *user, unsigned timeout_ms,
    struct command_result *res);
void command_result_free(struct command_result *res);

/* Did the run end with exit status 0? */
bool command_succeeded(const struct command_result *res);

#endif
