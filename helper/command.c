/*
 * command: run a program, bounded in time and output (see command.h). A pipe with close-on-exec
 * carries exec's errno back from the child, so "could not start" is told from "exited 127".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "xalloc.h"

struct sink {
	char	*buf;
	size_t	 len, cap;
	bool	 dropped;
};

static void
sink_add(struct sink *s, const char *p, size_t n)
{
	if (s->len + n > COMMAND_OUTPUT_MAX) {
		n = COMMAND_OUTPUT_MAX - s->len;
		s->dropped = true;
	}
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->buf = xreallocarray(s->buf, s->cap, 1);
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child: become pw's user, set up the descriptors, exec. Never returns. */
static _Noreturn void
child(const char *const argv[], const struct passwd *pw, int out, int err, int report)
{
	int e, null = open("/dev/null", O_RDONLY);

	if (null == -1 || dup2(null, STDIN_FILENO) == -1 || dup2(out, STDOUT_FILENO) == -1 ||
	    dup2(err, STDERR_FILENO) == -1)
		goto fail;
	if (pw != NULL && (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1))
		goto fail;
	signal(SIGPIPE, SIG_DFL);
	(void)setpgid(0, 0);	/* its own group: a timeout ends whatever it started too */
	/* execvp takes char *const[] for C89 callers; POSIX says it changes neither */
	execvp(argv[0], (char *const *)argv);
fail:
	e = errno;
	(void)!write(report, &e, sizeof e);
	_exit(127);
}

int
command_run(const char *const argv[], const char *user, unsigned timeout_ms,
    struct command_result *res)
{
	int out[2], err[2], report[2], status, e;
	struct passwd *pw = NULL;
	struct sink so = { NULL, 0, 0, false }, se = { NULL, 0, 0, false };
	long long deadline;
	bool killed = false;
	ssize_t n;
	pid_t pid;

	memset(res, 0, sizeof *res);
	if (user != NULL && geteuid() == 0 && (pw = getpwnam(user)) == NULL) {
		res->status = COMMAND_NO_USER;
		res->out = xstrdup("");
		res->err = xstrdup("");
		return 0;
	}
	if (pipe2(out, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(err, O_CLOEXEC) == -1) {
		close(out[0]), close(out[1]);
		return -1;
	}
	if (pipe2(report, O_CLOEXEC) == -1) {
		close(out[0]), close(out[1]), close(err[0]), close(err[1]);
		return -1;
	}
	if ((pid = fork()) == -1) {
		e = errno;
		close(out[0]), close(out[1]), close(err[0]), close(err[1]);
		close(report[0]), close(report[1]);
		errno = e;
		return -1;
	}
	if (pid == 0)
		child(argv, pw, out[1], err[1], report[1]);
	close(out[1]), close(err[1]), close(report[1]);

	sink_add(&so, "", 0);
	sink_add(&se, "", 0);
	deadline = now_ms() + timeout_ms;
	{
		struct pollfd pfd[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
		char buf[65536];
		int open_fds = 2, i;

		while (open_fds > 0) {
			long long left = deadline - now_ms();

			if (left <= 0) {
				kill(-pid, SIGKILL), kill(pid, SIGKILL);
				killed = true;
				break;
			}
			if (poll(pfd, 2, (int)(left > 1000 ? 1000 : left)) == -1) {
				if (errno == EINTR)
					continue;
				kill(-pid, SIGKILL), kill(pid, SIGKILL);
				killed = true;
				break;
			}
			for (i = 0; i < 2; i++) {
				if (pfd[i].fd == -1 || pfd[i].revents == 0)
					continue;
				n = read(pfd[i].fd, buf, sizeof buf);
				if (n > 0) {
					sink_add(i == 0 ? &so : &se, buf, (size_t)n);
				} else if (n == 0 || errno != EINTR) {
					pfd[i].fd = -1;
					open_fds--;
				}
			}
		}
	}
	close(out[0]), close(err[0]);
	/* Output closed: the program ends now, or is made to at the deadline. */
	while (!killed) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (now_ms() >= deadline) {
			kill(-pid, SIGKILL), kill(pid, SIGKILL);
			killed = true;
			break;
		}
		usleep(10000);
	}
	if (killed)
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	n = read(report[0], &e, sizeof e);
	close(report[0]);

	res->out = so.buf;
	res->outlen = so.len;
	res->err = se.buf;
	res->errlen = se.len;
	res->truncated = so.dropped || se.dropped;
	if (n == (ssize_t)sizeof e) {
		res->status = COMMAND_NOT_RUN;
		res->error = e;
	} else if (killed) {
		res->status = COMMAND_TIMED_OUT;
	} else if (WIFSIGNALED(status)) {
		res->status = COMMAND_SIGNALLED;
		res->signal = WTERMSIG(status);
	} else {
		res->status = COMMAND_EXITED;
		res->exit_code = WEXITSTATUS(status);
	}
	return 0;
}

void
command_result_free(struct command_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}

bool
command_succeeded(const struct command_result *res)
{
	return res->status == COMMAND_EXITED && res->exit_code == 0;
}
