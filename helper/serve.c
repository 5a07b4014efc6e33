/* serve: answering Squid, with signals, reloads, counters and metrics (see serve.h). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "clock.h"
#include "declog.h"
#include "linereader.h"
#include "log.h"
#include "metrics.h"
#include "serve.h"
#include "source.h"
#include "writer.h"

struct state {
	struct source		*src;
	struct answerer		 ans;
	time_t			 started;
	const char		*metrics;	/* --metrics DIR, or NULL */
	time_t			 metrics_last;	/* monotonic seconds of the last write */
	struct answer_counters	 metrics_seen;	/* what the last write said */
	struct source_counters	 metrics_reloads;
	const struct allowlist	*metrics_list;
	uint64_t		 metrics_lost;
	bool			 metrics_written;
	time_t			 metrics_failed;	/* when a write last failed (said once a minute) */
};

static volatile sig_atomic_t got_hup, got_term, got_usr1;

static void
on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_term = 1;
	errno = saved;
}

/* The counters, one line to stderr (cache.log) and one record to the decision log. */
static void
print_counters(struct state *st)
{
	const struct answer_counters *c = &st->ans.counters;
	const struct source_counters *r = source_counters(st->src);
	const struct {
		const char	*key;
		uint64_t	 value;
	} v[] = {
		{ "requests", c->requests }, { "ok", c->ok }, { "err", c->err }, { "bh", c->bh },
		{ "deny_port", c->denied[VERDICT_DENY_PORT] },
		{ "deny_type", c->denied[VERDICT_DENY_TYPE] },
		{ "deny_error", c->denied[VERDICT_FAIL] }, { "failclosed", c->failclosed },
		{ "reloads", r->reloads }, { "reload_failures", r->reload_failures },
		{ "log_lost", st->ans.log != NULL ? declog_lost(st->ans.log) : 0 },
		{ "uptime", (uint64_t)(time(NULL) - st->started) },
	};
	enum { N = sizeof v / sizeof v[0] };
	struct declog_field f[N];
	char text[N][24], line[512];	/* at most 8 + 12 * (16 + 20) + 1 bytes are written */
	size_t i, used = 0;

	used += (size_t)snprintf(line, sizeof line, "counters");
	for (i = 0; i < N && used < sizeof line; i++) {
		int n = snprintf(text[i], sizeof text[i], "%llu", (unsigned long long)v[i].value);

		f[i] = (struct declog_field){ v[i].key, text[i], (size_t)n };
		used += (size_t)snprintf(line + used, sizeof line - used, " %s=%s%s", v[i].key,
		    text[i], i == N - 1 ? "s" : "");
	}
	log_info("%s", line);
	if (st->ans.log != NULL)
		(void)declog_write(st->ans.log, time(NULL), "counters", f, N);
}

/*
 * Write the helper's metrics file if something changed since the last write, at most every
 * METRICS_SECONDS (force: now, changed or not). A failed write costs the file, never an answer.
 */
#define METRICS_SECONDS	2

static void
write_metrics(struct state *st, bool force)
{
	struct metrics_helper m;
	uint64_t lost = st->ans.log != NULL ? declog_lost(st->ans.log) : 0;
	time_t now;

	if (st->metrics == NULL)
		return;
	now = monotonic_seconds();
	if (!force && (now - st->metrics_last < METRICS_SECONDS || (st->metrics_written &&
	    memcmp(&st->metrics_seen, &st->ans.counters, sizeof st->metrics_seen) == 0 &&
	    memcmp(&st->metrics_reloads, source_counters(st->src),
	    sizeof st->metrics_reloads) == 0 &&
	    st->metrics_list == source_list(st->src) && st->metrics_lost == lost)))
		return;
	m = (struct metrics_helper){ &st->ans.counters, source_counters(st->src), lost,
	    source_list(st->src), source_loaded(st->src), st->started };
	st->metrics_last = now;
	if (metrics_write_helper(st->metrics, &m) == -1) {
		if (st->metrics_failed == 0 || now - st->metrics_failed >= 60)
			log_warn("metrics in %s", st->metrics);
		st->metrics_failed = now;
		return;
	}
	st->metrics_seen = st->ans.counters;
	st->metrics_reloads = *source_counters(st->src);
	st->metrics_list = source_list(st->src);
	st->metrics_lost = lost;
	st->metrics_written = true;
}

/* At exit, however the helper ends: a helper that has gone leaves no metrics behind. */
static const char *metrics_dir_at_exit;

static void
remove_metrics(void)
{
	metrics_remove_helper(metrics_dir_at_exit);
}

static void
setup_signals(sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;	/* no SA_RESTART: ppoll returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout shows as EPIPE from write */
	signal(SIGXFSZ, SIG_IGN);	/* the file size limit shows as EFBIG: a lost log line */

	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, waitmask);
	sigdelset(waitmask, SIGHUP);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGUSR1);
}

/* Answer a line and stop quietly if Squid is gone. */
static void
answer_or_exit(struct state *st, enum line_status s, char *line, size_t len)
{
	int rc;

	if (log_debug_enabled() && s == LINE_OK)
		log_debug("request: %.*s", (int)len, line);
	rc = s == LINE_OK ? answer_line(&st->ans, line, len) :
	    answer_too_long(&st->ans, line, len);
	if (rc == -1)
		exit(0);	/* stdout closed: Squid has gone, nobody is left to answer */
}

/* The loop. waitmask: the signal mask for ppoll, from setup_signals. */
static int
loop(struct state *st, const sigset_t *waitmask)
{
	struct linereader *lr = linereader_new(STDIN_FILENO);
	struct pollfd pfd[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = source_fd(st->src), .events = POLLIN },
	};
	const struct timespec file_tick = { 1, 0 };
	enum line_status s;
	char *line;
	size_t len;
	ssize_t n;

	for (;;) {
		while ((s = linereader_next(lr, &line, &len)) != LINE_NONE)
			answer_or_exit(st, s, line, len);
		/* No complete request left: every answer owed goes out now. */
		if (writer_flush(st->ans.out) == -1)
			exit(0);
		write_metrics(st, false);
		if (got_term)
			break;
		if (got_hup) {
			got_hup = 0;
			source_reload(st->src, SOURCE_SIGHUP);
		}
		if (got_usr1) {
			got_usr1 = 0;
			print_counters(st);
		}
		/*
		 * A list file is looked at once a second even while no request comes, so that an
		 * idle helper has loaded a changed list before the next request arrives (that
		 * request, answered with the old list, would be cached by Squid); and the metrics
		 * of the last requests before a pause are written.
		 */
		if ((n = ppoll(pfd, 2, source_watches(st->src) || st->metrics != NULL ?
		    &file_tick : NULL, waitmask)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll on stdin");
		}
		if (pfd[1].revents & POLLIN)
			source_take(st->src);
		source_look(st->src);
		write_metrics(st, false);
		if (n == 0 || !(pfd[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
			continue;
		n = linereader_fill(lr);
		if (n == 0) {
			while ((s = linereader_rest(lr, &line, &len)) != LINE_NONE)
				answer_or_exit(st, s, line, len);
			break;
		}
		if (n == -1 && errno != EINTR && errno != EAGAIN) {
			/* stdin is gone: the same as end of input */
			log_warn("read from stdin");
			break;
		}
	}
	if (writer_flush(st->ans.out) == -1)
		exit(0);
	linereader_free(lr);
	return 0;
}

int
serve(const struct options *o)
{
	struct state st;
	sigset_t waitmask;
	const char *errstr;
	char startup_error[256];
	int rc;

	memset(&st, 0, sizeof st);
	st.started = time(NULL);
	snprintf(startup_error, sizeof startup_error, "%s", o->error);
	/* Signals first: a SIGHUP during a long first load must not kill the helper. */
	setup_signals(&waitmask);
	st.ans.out = writer_new(STDOUT_FILENO);
	if (writer_nodelay(STDOUT_FILENO) == -1)
		log_warn("stdout: cannot turn off Nagle's algorithm (answers may wait for TCP)");
	if (startup_error[0] == '\0' && fieldspec_parse(o->fields, &st.ans.spec, &errstr) == -1)
		snprintf(startup_error, sizeof startup_error, "-f %s: %s", o->fields, errstr);
	if (startup_error[0] != '\0') {
		log_warnx("%s; answering ERR to every request", startup_error);
		(void)fieldspec_parse(FIELDS_DEFAULT, &st.ans.spec, &errstr);
		st.src = source_invalid(startup_error);
	} else {
		if (o->logpath != NULL &&
		    (st.ans.log = declog_open(o->logpath, o->logformat)) == NULL)
			log_warn("decision log %s (continuing without it)", o->logpath);
		st.src = o->config != NULL ? source_file(o->config) : source_builtin();
		source_load(st.src);
	}
	st.ans.src = st.src;
	if (o->metrics != NULL && startup_error[0] == '\0') {
		st.metrics = o->metrics;
		metrics_dir_at_exit = o->metrics;
		atexit(remove_metrics);
		write_metrics(&st, true);
	}
	rc = loop(&st, &waitmask);
	source_free(st.src);
	declog_close(st.ans.log);
	writer_free(st.ans.out);
	return rc;
}
