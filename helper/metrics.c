/*
 * metrics: Prometheus text files for node_exporter's textfile collector (see metrics.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "policy.h"

#define PREFIX	"ext_kpoint_acl"

/* A file being written under a name the collector does not read. */
struct promfile {
	FILE	*f;
	char	 tmp[4096], final[4096];
};

static int
promfile_begin(struct promfile *p, const char *dir, const char *name)
{
	int fd, n = snprintf(p->final, sizeof p->final, "%s/%s.prom", dir, name);

	if (n < 0 || (size_t)n >= sizeof p->final ||
	    (size_t)snprintf(p->tmp, sizeof p->tmp, "%s/.%s.prom.tmp", dir, name) >=
	    sizeof p->tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(p->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) == -1)
		return -1;
	if ((p->f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(p->tmp);
		return -1;
	}
	return 0;
}

static void
family(struct promfile *p, const char *name, const char *type, const char *help)
{
	fprintf(p->f, "# HELP " PREFIX "_%s %s\n# TYPE " PREFIX "_%s %s\n", name, help, name,
	    type);
}

/* labels: "" or "a=\"x\",b=\"y\"" (values are this program's own words: no escaping). */
static void
sample(struct promfile *p, const char *name, const char *pid, const char *labels,
    uint64_t value)
{
	if (pid[0] == '\0' && labels[0] == '\0')
		fprintf(p->f, PREFIX "_%s %" PRIu64 "\n", name, value);
	else
		fprintf(p->f, PREFIX "_%s{%s%s%s} %" PRIu64 "\n", name, pid, pid[0] != '\0' &&
		    labels[0] != '\0' ? "," : "", labels, value);
}

/* Flush and rename into place; on any failure the temporary file goes and errno is kept. */
static int
promfile_commit(struct promfile *p)
{
	int e;

	if (fflush(p->f) == 0 && ferror(p->f) == 0) {
		if (fclose(p->f) == 0 && rename(p->tmp, p->final) == 0)
			return 0;
	} else {
		e = errno;
		fclose(p->f);
		errno = e;
	}
	e = errno;
	unlink(p->tmp);
	errno = e;
	return -1;
}

int
metrics_write_helper(const char *dir, const struct metrics_helper *m)
{
	static const struct {
		enum entry_kind	 kind;
		const char	*name;
	} kinds[] = {
		{ ENTRY_HOST, "host" }, { ENTRY_DOMAIN, "domain" },
		{ ENTRY_SUBDOMAINS, "subdomains" }, { ENTRY_GLOB, "glob" },
		{ ENTRY_REGEX, "regex" }, { ENTRY_NET, "net" }, { ENTRY_PORTS, "port_run" },
		{ ENTRY_TYPE, "type" }, { ENTRY_TYPE_ANY, "type_family" },
	};
	const struct answer_counters *c = m->counters;
	uint64_t other = c->err - c->failclosed - c->denied[VERDICT_DENY_PORT] -
	    c->denied[VERDICT_DENY_TYPE] - c->denied[VERDICT_FAIL];
	char base[64], pid[32], labels[64];
	struct promfile p = { NULL, "", "" };
	size_t i;

	snprintf(base, sizeof base, PREFIX "_%ld", (long)getpid());
	snprintf(pid, sizeof pid, "pid=\"%ld\"", (long)getpid());
	if (promfile_begin(&p, dir, base) == -1)
		return -1;
	family(&p, "decisions_total", "counter", "Requests answered, by what the shipped "
	    "snippets do with the answer (allow, deny, scan) and why.");
	sample(&p, "decisions_total", pid, "effect=\"allow\",reason=\"kpoint\"", c->ok);
	sample(&p, "decisions_total", pid, "effect=\"deny\",reason=\"port\"",
	    c->denied[VERDICT_DENY_PORT]);
	sample(&p, "decisions_total", pid, "effect=\"scan\",reason=\"type\"",
	    c->denied[VERDICT_DENY_TYPE]);
	sample(&p, "decisions_total", pid, "effect=\"scan\",reason=\"error\"",
	    c->denied[VERDICT_FAIL]);
	sample(&p, "decisions_total", pid, "effect=\"scan\",reason=\"not_kpoint\"", other);
	sample(&p, "decisions_total", pid, "effect=\"scan\",reason=\"failclosed\"",
	    c->failclosed);
	family(&p, "bad_requests_total", "counter", "Request lines that could not be read (BH).");
	sample(&p, "bad_requests_total", pid, "", c->bh);
	family(&p, "reloads_total", "counter", "Lists loaded after the first.");
	sample(&p, "reloads_total", pid, "", m->reloads->reloads);
	family(&p, "reload_failures_total", "counter", "Reloads that failed (the list before "
	    "stayed in force).");
	sample(&p, "reload_failures_total", pid, "", m->reloads->reload_failures);
	family(&p, "log_lines_lost_total", "counter", "Decision log lines lost to write errors.");
	sample(&p, "log_lines_lost_total", pid, "", m->log_lost);
	family(&p, "fail_closed", "gauge", "1 while no list is in force: every request gets ERR.");
	sample(&p, "fail_closed", pid, "", m->list == NULL);
	family(&p, "start_time_seconds", "gauge", "When this helper started.");
	sample(&p, "start_time_seconds", pid, "", (uint64_t)m->started);
	if (m->list != NULL) {
		family(&p, "list_entries", "gauge", "Entries of the list in force, by kind.");
		for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
			snprintf(labels, sizeof labels, "kind=\"%s\"", kinds[i].name);
			sample(&p, "list_entries", pid, labels,
			    allowlist_count(m->list, kinds[i].kind));
		}
		family(&p, "list_loaded_timestamp_seconds", "gauge", "When the list in force was "
		    "loaded.");
		sample(&p, "list_loaded_timestamp_seconds", pid, "", (uint64_t)m->loaded);
	}
	return promfile_commit(&p);
}

void
metrics_remove_helper(const char *dir)
{
	char path[4096];

	if ((size_t)snprintf(path, sizeof path, "%s/" PREFIX "_%ld.prom", dir, (long)getpid()) <
	    sizeof path)
		(void)unlink(path);
}

int
metrics_write_verify(const char *dir, const struct verify_summary *v)
{
	struct promfile p = { NULL, "", "" };

	if (promfile_begin(&p, dir, PREFIX "_verify") == -1)
		return -1;
	family(&p, "verify_hosts", "gauge", "Host entries by what DNS says of them against the "
	    "listed nets (--verify).");
	sample(&p, "verify_hosts", "", "status=\"ok\"", v->ok);
	sample(&p, "verify_hosts", "", "status=\"moved\"", v->moved);
	sample(&p, "verify_hosts", "", "status=\"missing\"", v->missing);
	sample(&p, "verify_hosts", "", "status=\"error\"", v->error);
	family(&p, "verify_nets", "gauge", "Listed nets.");
	sample(&p, "verify_nets", "", "", v->nets);
	family(&p, "verify_unused_nets", "gauge", "Listed nets no host resolves into.");
	sample(&p, "verify_unused_nets", "", "", v->unused);
	family(&p, "verify_result", "gauge", "0 all good, 1 drift, 2 could not check.");
	sample(&p, "verify_result", "", "", (uint64_t)v->result);
	family(&p, "verify_timestamp_seconds", "gauge", "When the check ran.");
	sample(&p, "verify_timestamp_seconds", "", "", (uint64_t)v->when);
	return promfile_commit(&p);
}
