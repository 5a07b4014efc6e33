/*
 * ext_kpoint_acl: Squid external ACL helper that tells kPoint traffic from the rest.
 * main owns the modes, start-up, signal flags, list reloads and the request loop; the command
 * line is options', everything else lives in its own module. Signals are blocked except inside
 * ppoll(), so a flag can never be missed and no request is ever cut by one: reloads and exits
 * happen between batches.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "allowlist.h"
#include "answer.h"
#include "declog.h"
#include "doctor.h"
#include "emit.h"
#include "explain.h"
#include "linereader.h"
#include "listfile.h"
#include "listing.h"
#include "log.h"
#include "metrics.h"
#include "options.h"
#include "reloader.h"
#include "request.h"
#include "verify.h"
#include "writer.h"
#include "xalloc.h"

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

/* Why a list is (re)loaded. */
enum cause {
	CAUSE_START,
	CAUSE_SIGHUP,
	CAUSE_FILE_CHANGED
};

/* Where the list comes from. A bad command line is a state of its own, never a list source. */
enum config_state {
	CONFIG_BUILTIN,		/* no -c: the built-in list */
	CONFIG_FILE,		/* -c FILE: config names it */
	CONFIG_INVALID		/* the command line is bad: fail closed until Squid restarts the
				   helper with a good one; nothing is ever loaded */
};

struct state {
	enum config_state	 cfg;
	const char		*config;	/* the file, when cfg is CONFIG_FILE */
	struct allowlist	*list;
	struct stat		 seen;		/* the file as last loaded or tried */
	bool			 seen_valid;
	struct stat		 pending;	/* an edit in place, waiting to settle */
	bool			 pending_valid;
	struct reloader		*rl;		/* loads the file off the request path */
	enum cause		 loading_cause;	/* why the running load was started */
	bool			 again;		/* a reload was asked for while one ran */
	enum cause		 again_cause;
	char			 failure[512];
	time_t			 started;
	time_t			 loaded;	/* when the list in force was loaded */
	time_t			 last_stat;	/* monotonic seconds */
	const char		*metrics;	/* --metrics DIR, or NULL */
	time_t			 metrics_last;	/* monotonic seconds of the last write */
	struct counters		 metrics_seen;	/* what the last write said */
	const struct allowlist	*metrics_list;
	uint64_t		 metrics_lost;
	bool			 metrics_written;
	time_t			 metrics_failed;	/* when a write last failed (said once a minute) */
	struct answerer		 ans;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ext_kpoint_acl [-d] [-c FILE] [-f FIELDS] [-l LOGFILE [--log-format json]]\n"
	    "                      [--metrics DIR]\n"
	    "       ext_kpoint_acl --check [-c FILE]\n"
	    "       ext_kpoint_acl --dump [-c FILE]\n"
	    "       ext_kpoint_acl --explain TARGET [--port N] [--ip ADDR] [--type T] [-c FILE]\n"
	    "       ext_kpoint_acl --verify [--dns-server ADDR[:PORT]] [--metrics DIR] [-c FILE]\n"
	    "       ext_kpoint_acl --emit nft|iptables|ip6tables|squid|sslbump [-c FILE]\n"
	    "       ext_kpoint_acl --doctor [SQUID_CONF] [--squid PATH] [--log-format json]\n"
	    "  -c, --config FILE   allowlist file (default: the built-in kPoint list)\n"
	    "  -f, --fields LIST   FORMAT fields in order, from host, port, ip, type, method,\n"
	    "                      path, skip (default: " FIELDS_DEFAULT ")\n"
	    "  -l, --log FILE      decision log: one record per kPoint request Squid refuses\n"
	    "                      or scans (not allowed and exempt), appended to FILE\n"
	    "      --log-format F  text (TIME EVENT key=value...) or json (one object a line)\n"
	    "      --metrics DIR   keep this helper's Prometheus metrics in DIR/ext_kpoint_acl_PID.prom\n"
	    "                      (node_exporter's textfile directory); with --verify, its\n"
	    "                      result in DIR/ext_kpoint_acl_verify.prom\n"
	    "  -d, --debug         debug output on stderr (cache.log)\n"
	    "      --check         load the list, report every error as FILE:LINE: message,\n"
	    "                      print a summary, exit 0 if it loads and 1 if not\n"
	    "      --dump          print the list normalised, one entry per line\n"
	    "      --explain TARGET [--port N] [--ip ADDR] [--type TYPE]\n"
	    "                      what Squid does with one request (host, address or URL)\n"
	    "                      under the shipped snippets, and why; exit 0 if kPoint and\n"
	    "                      allowed, 1 if not\n"
	    "      --verify [--dns-server ADDR[:PORT]] [--dns-timeout SECONDS]\n"
	    "                      resolve every host entry (A, AAAA) and report it against the\n"
	    "                      listed nets: exit 0 all good, 1 drift, 2 could not check\n"
	    "      --emit FORMAT   print the list as nft, iptables, ip6tables, squid or sslbump\n"
	    "                      config\n"
	    "      --doctor [SQUID_CONF] [--squid PATH]\n"
	    "                      check how squid.conf (default " DOCTOR_DEFAULT_CONF ")\n"
	    "                      wires kPoint, as that Squid reads it: exit 0 all good,\n"
	    "                      1 something fails, 2 could not check\n"
	    "  -h, --help  -V, --version\n");
}

static const char *
cause_name(enum cause c)
{
	switch (c) {
	case CAUSE_START:
		return "start";
	case CAUSE_SIGHUP:
		return "SIGHUP";
	case CAUSE_FILE_CHANGED:
		break;
	}
	return "file changed";
}

/*
 * A load's outcome, from any path: errors go to stderr (cache.log) as FILE:LINE: message; a
 * list that loaded replaces the one in force (freed off the request path), a list that did not
 * leaves it in force. With no list in force, the first error is what fail-closed answers say.
 */
static void
apply(struct state *st, enum cause why, struct reload_result *res)
{
	char summary[256];
	struct allowlist *old = st->list;

	if (res->errors != NULL) {
		fputs(res->errors, stderr);
		fflush(stderr);
	}
	if (res->list == NULL) {
		if (why != CAUSE_START)
			st->ans.counters.reload_failures++;
		if (st->list != NULL) {
			log_warnx("reload (%s) of %s failed with %zu errors; the list loaded before "
			    "stays in force", cause_name(why), st->config, res->nerrors);
		} else {
			snprintf(st->failure, sizeof st->failure, "allowlist not loaded: %.*s%s",
			    res->errors != NULL ? (int)strcspn(res->errors, "\n") : 0,
			    res->errors != NULL ? res->errors : "", res->nerrors > 1 ?
			    " (and more, see cache.log)" : "");
			log_warnx("%s: %zu errors; answering ERR to every request until it "
			    "loads", st->config, res->nerrors);
		}
		free(res->errors);
		return;
	}
	if (why != CAUSE_START)
		st->ans.counters.reloads++;
	listing_summary(res->list, summary, sizeof summary);
	if (old != NULL)
		log_info("reloaded (%s) %s: %s; %zu entries added, %zu removed", cause_name(why),
		    st->cfg == CONFIG_FILE ? st->config : "built-in list", summary, res->added,
		    res->removed);
	else
		log_info("loaded %s: %s", st->cfg == CONFIG_FILE ? st->config : "built-in list",
		    summary);
	st->list = res->list;
	st->ans.list = res->list;
	st->loaded = time(NULL);
	reloader_dispose(old);
	free(res->errors);
}

/* Record the file as it is now, as the version loaded or tried. */
static void
remember_file(struct state *st)
{
	st->seen_valid = stat(st->config, &st->seen) == 0;
	st->pending_valid = false;
}

/*
 * Load the list now, on the caller's thread: at start (nothing to serve with yet) and for the
 * built-in list (a few microseconds).
 */
static void
load_now(struct state *st, enum cause why)
{
	struct reload_result res;

	memset(&res, 0, sizeof res);
	if (st->cfg == CONFIG_BUILTIN) {
		res.list = listfile_builtin();
		if (res.list != NULL && st->list != NULL)
			listing_changes(res.list, st->list, &res.added, &res.removed);
	} else {
		remember_file(st);
		reloader_load(st->config, NULL, &res);
	}
	apply(st, why, &res);
}

/*
 * Reload for why. A file loads on the reloader's thread and the helper goes on answering with
 * the list in force; a reload asked for while one runs is done when it ends.
 */
static void
reload(struct state *st, enum cause why)
{
	if (st->cfg == CONFIG_INVALID) {
		/* No list is right for a command line that says nothing reliable about it. */
		log_warnx("not reloading (%s): %s; fix the helper's line in squid.conf",
		    cause_name(why), st->failure);
		return;
	}
	if (st->cfg == CONFIG_BUILTIN) {
		load_now(st, why);
		return;
	}
	if (reloader_busy(st->rl)) {
		st->again = true;
		st->again_cause = why;
		return;
	}
	remember_file(st);
	st->loading_cause = why;
	(void)reloader_start(st->rl, st->config, st->list);
}

/* The reloader's fd is readable: take its result, between two requests. */
static void
reload_done(struct state *st)
{
	struct reload_result res;

	if (!reloader_take(st->rl, &res))
		return;
	apply(st, st->loading_cause, &res);
	if (st->again) {
		st->again = false;
		reload(st, st->again_cause);
	}
}

static time_t
monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec;
}

/*
 * An edit in place (same inode) is loaded once the file has stood still: seen unchanged on two
 * looks, its last write at least this many seconds ago. A file being written slowly is never
 * loaded half-way; one moved into place (a new inode: write, then rename) loads at once.
 */
#define SETTLE_SECONDS	2

/* Reload when the file changed; looks at most once a second, idle or not; never per request. */
static void
check_file(struct state *st)
{
	struct stat sb;
	time_t now;

	if (st->cfg != CONFIG_FILE || (now = monotonic_seconds()) == st->last_stat)
		return;
	st->last_stat = now;
	if (stat(st->config, &sb) == -1) {
		if (st->seen_valid)
			log_warn("%s", st->config);	/* keep the list in force */
		st->seen_valid = false;
		return;
	}
	if (st->seen_valid && reloader_same_file(&sb, &st->seen))
		return;
	if (st->seen_valid && sb.st_ino == st->seen.st_ino && sb.st_dev == st->seen.st_dev) {
		/* the same file, written in place: wait until it has settled */
		if (!st->pending_valid || !reloader_same_file(&sb, &st->pending)) {
			st->pending = sb;
			st->pending_valid = true;
			return;
		}
		if (time(NULL) - sb.st_mtim.tv_sec < SETTLE_SECONDS)
			return;
	}
	reload(st, CAUSE_FILE_CHANGED);
}

/* The counters, one line to stderr (cache.log) and one record to the decision log. */
static void
print_counters(struct state *st)
{
	const struct counters *c = &st->ans.counters;
	const struct {
		const char	*key;
		uint64_t	 value;
	} v[] = {
		{ "requests", c->requests }, { "ok", c->ok }, { "err", c->err }, { "bh", c->bh },
		{ "deny_port", c->denied[VERDICT_DENY_PORT] },
		{ "deny_type", c->denied[VERDICT_DENY_TYPE] },
		{ "deny_error", c->denied[VERDICT_FAIL] }, { "failclosed", c->failclosed },
		{ "reloads", c->reloads }, { "reload_failures", c->reload_failures },
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
	    st->metrics_list == st->list && st->metrics_lost == lost)))
		return;
	m = (struct metrics_helper){ &st->ans.counters, lost, st->list, st->loaded,
	    st->started };
	st->metrics_last = now;
	if (metrics_write_helper(st->metrics, &m) == -1) {
		if (st->metrics_failed == 0 || now - st->metrics_failed >= 60)
			log_warn("metrics in %s", st->metrics);
		st->metrics_failed = now;
		return;
	}
	st->metrics_seen = st->ans.counters;
	st->metrics_list = st->list;
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
serve(struct state *st, const sigset_t *waitmask)
{
	struct linereader *lr = linereader_new(STDIN_FILENO);
	struct pollfd pfd[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = reloader_fd(st->rl), .events = POLLIN },
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
			reload(st, CAUSE_SIGHUP);
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
		if ((n = ppoll(pfd, 2, st->cfg == CONFIG_FILE || st->metrics != NULL ?
		    &file_tick : NULL, waitmask)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll on stdin");
		}
		if (pfd[1].revents & POLLIN)
			reload_done(st);
		check_file(st);
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
main(int argc, char *argv[])
{
	struct options o;
	struct state st;
	sigset_t waitmask;
	const char *errstr;
	char startup_error[256];
	int ch, rc;

	/*
	 * Descriptors 0-2 must be taken before anything opens a file: a closed one would be
	 * handed to the next open() or pipe() (the reloader's pipe as "stdin": a helper that
	 * waits on itself). Closed ones get /dev/null; a closed stdin then reads as end of input.
	 */
	for (ch = 0; ch <= 2; ch++)
		if (fcntl(ch, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", ch == 0 ? O_RDONLY : O_WRONLY) != ch)
			return 1;
	memset(&st, 0, sizeof st);
	st.started = time(NULL);
	options_parse(&o, argc, argv, false);
	if (o.help) {
		usage(stdout);
		return 0;
	}
	if (o.version) {
		printf("%s %s\n", PACKAGE, PACKAGE_VERSION);
		return 0;
	}
	if (o.config != NULL) {
		st.cfg = CONFIG_FILE;
		st.config = o.config;
	}
	snprintf(startup_error, sizeof startup_error, "%s", o.error);
	log_init(PACKAGE, o.debug);

	if (o.doctor) {
		struct doctor_options d = {
			o.squid_conf != NULL ? o.squid_conf : DOCTOR_DEFAULT_CONF,
			o.squid != NULL ? o.squid : DOCTOR_DEFAULT_SQUID, o.logformat
		};

		if (startup_error[0] != '\0') {
			log_warnx("%s", startup_error);
			return DOCTOR_CANNOT_CHECK;
		}
		rc = (int)doctor_run(&d, stdout);
		return fflush(stdout) == 0 ? rc : DOCTOR_CANNOT_CHECK;
	}
	if (o.check || o.dump || o.emit != NULL || o.query.target != NULL || o.verify) {
		size_t nerrors = 0, i;
		char summary[256];

		if (startup_error[0] != '\0') {
			log_warnx("%s", startup_error);
			return 2;
		}
		st.list = st.cfg == CONFIG_FILE ? listfile_load(st.config, stderr, &nerrors) :
		    listfile_builtin();
		if (st.list == NULL) {
			fprintf(stderr, "%s: %zu error%s; the list would not be loaded\n",
			    st.cfg == CONFIG_FILE ? st.config : "built-in", nerrors,
			    nerrors == 1 ? "" : "s");
			return 1;
		}
		if (o.verify) {
			struct metrics_verify sum = { 0, 0, 0, 0, 0, 0, VERIFY_FAILED, time(NULL) };
			enum verify_result r = verify_list(st.list, &o.vopts, stdout, &sum);

			allowlist_free(st.list);
			if (o.metrics != NULL && metrics_write_verify(o.metrics, &sum) == -1) {
				log_warn("metrics in %s", o.metrics);
				r = VERIFY_FAILED;
			}
			return fflush(stdout) == 0 ? (int)r : VERIFY_FAILED;
		}
		if (o.query.target != NULL) {
			enum explain_result r = explain(st.list, &o.query, stdout, &errstr);

			if (r == EXPLAIN_BAD_INPUT)
				log_warnx("--explain %s: %s", o.query.target, errstr);
			allowlist_free(st.list);
			return fflush(stdout) == 0 ? (int)r : EXPLAIN_BAD_INPUT;
		}
		if (o.check) {
			listing_summary(st.list, summary, sizeof summary);
			printf("%s: OK: %s\n", st.cfg == CONFIG_FILE ? st.config : "built-in",
			    summary);
		} else if (o.emit != NULL) {
			if (emit_list(st.list, o.emit, stdout, &errstr) == -1) {
				log_warnx("--emit %s: %s (formats: %s)", o.emit, errstr, emit_formats);
				allowlist_free(st.list);
				return 2;
			}
		} else {
			struct listing l;

			listing_make(st.list, LISTING_ALL, &l);
			for (i = 0; i < l.n; i++)
				printf("%s\n", l.item[i].line);
			listing_free(&l);
		}
		allowlist_free(st.list);
		return fflush(stdout) == 0 ? 0 : 1;
	}

	/*
	 * Serving. Squid restarts a helper that exits and stops itself when helpers keep dying,
	 * so a start-up problem is not fatal: the helper serves and fails closed instead.
	 * Signals first: a SIGHUP during a long first load must not kill the helper.
	 */
	setup_signals(&waitmask);
	st.rl = reloader_new();		/* never started when the command line is bad */
	st.ans.out = writer_new(STDOUT_FILENO);
	if (writer_nodelay(STDOUT_FILENO) == -1)
		log_warn("stdout: cannot turn off Nagle's algorithm (answers may wait for TCP)");
	if (startup_error[0] == '\0' && fieldspec_parse(o.fields, &st.ans.spec, &errstr) == -1)
		snprintf(startup_error, sizeof startup_error, "-f %s: %s", o.fields, errstr);
	if (startup_error[0] != '\0') {
		log_warnx("%s; answering ERR to every request", startup_error);
		snprintf(st.failure, sizeof st.failure, "%s", startup_error);
		st.ans.failure = st.failure;
		(void)fieldspec_parse(FIELDS_DEFAULT, &st.ans.spec, &errstr);
		st.cfg = CONFIG_INVALID;
		st.config = NULL;
	} else {
		if (o.logpath != NULL &&
		    (st.ans.log = declog_open(o.logpath, o.logformat)) == NULL)
			log_warn("decision log %s (continuing without it)", o.logpath);
		load_now(&st, CAUSE_START);
		st.ans.failure = st.failure;
		st.last_stat = monotonic_seconds();
	}
	if (o.metrics != NULL && startup_error[0] == '\0') {
		st.metrics = o.metrics;
		metrics_dir_at_exit = o.metrics;
		atexit(remove_metrics);
		write_metrics(&st, true);
	}
	rc = serve(&st, &waitmask);
	reloader_free(st.rl);
	allowlist_free(st.list);
	declog_close(st.ans.log);
	writer_free(st.ans.out);
	return rc;
}
