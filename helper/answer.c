/* answer: one answer per request line (see answer.h for the wording). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answer.h"
#include "linereader.h"
#include "listing.h"
#include "xalloc.h"

static int
answer_bh(struct answerer *a, const char *id, size_t idlen, const char *msg)
{
	a->counters.bh++;
	writer_begin(a->out, id, idlen, "BH");
	writer_kv(a->out, "message", msg, strlen(msg));
	return writer_end(a->out);
}

const char *
answer_effect(enum verdict v)
{
	switch (v) {
	case VERDICT_ALLOW:
		return "allow";
	case VERDICT_DENY_PORT:
		return "deny";	/* ERR kpoint_=0: "http_access deny kpoint_denied" */
	case VERDICT_DENY_TYPE:	/* the RESPMOD lookup: not exempt, so scanned */
	case VERDICT_FAIL:	/* ERR, no note: the site's own rules, and the scanner */
	case VERDICT_OTHER:
		break;
	}
	return "scan";
}

/*
 * prefix and the entry d matched (decision_match), in buf when it fits (a regex entry can be
 * longer than any buffer: then in memory the caller frees, *heap). Returns the text; its
 * length in *len.
 */
static const char *
match_text(const struct decision *d, const char *prefix, char *buf, size_t size, char **heap,
    size_t *len)
{
	size_t pl = strlen(prefix), n = decision_match(d, buf + pl, size - pl);

	*heap = NULL;
	if (n >= size - pl) {
		buf = *heap = xmalloc(pl + n + 1);
		(void)decision_match(d, buf + pl, n + 1);
	}
	memcpy(buf, prefix, pl);
	*len = pl + n;
	return buf;
}

static void
log_denial(struct answerer *a, const struct request *req, const struct decision *d)
{
	struct declog_field f[FIELD_COUNT + 3];
	char buf[320], *heap;
	size_t n = 0, mlen;
	const char *match;
	enum field i;

	if (a->log == NULL)
		return;
	match = match_text(d, "", buf, sizeof buf, &heap, &mlen);
	f[n++] = (struct declog_field){ "reason", verdict_name(d->verdict),
	    strlen(verdict_name(d->verdict)) };
	for (i = 0; i < FIELD_SKIP; i++)
		f[n++] = (struct declog_field){ field_name(i), req->field[i].p, req->field[i].len };
	f[n++] = (struct declog_field){ "match", match, mlen };
	f[n++] = (struct declog_field){ "data", req->data.p, req->data.len };
	(void)declog_write(a->log, time(NULL), answer_effect(d->verdict), f, n);
	free(heap);
}

int
answer_line(struct answerer *a, char *line, size_t len)
{
	struct request req;
	struct decision d;
	const struct allowlist *list;
	const char *errstr;
	char msg[256], logv[400];

	a->counters.requests++;
	if (request_parse(line, len, &a->spec, &req, &errstr) == -1)
		return answer_bh(a, req.id, req.idlen, errstr);
	if ((list = source_list(a->src)) == NULL) {
		const char *why = source_failure(a->src);

		a->counters.failclosed++;
		a->counters.err++;
		writer_begin(a->out, req.id, req.idlen, "ERR");
		writer_kv(a->out, "log", "kpoint-failclosed", strlen("kpoint-failclosed"));
		writer_kv(a->out, "message", why, strlen(why));
		return writer_end(a->out);
	}
	if (policy_decide(list, &req, &d, &errstr) == -1)
		return answer_bh(a, req.id, req.idlen, errstr);

	switch (d.verdict) {
	case VERDICT_ALLOW: {
		char *heap;
		size_t mlen;
		const char *v = match_text(&d, "kpoint-allow:", logv, sizeof logv, &heap, &mlen);

		a->counters.ok++;
		writer_begin(a->out, req.id, req.idlen, "OK");
		writer_kv(a->out, NOTE_NAME, NOTE_VALUE_OK, 1);
		writer_kv(a->out, "log", v, mlen);
		free(heap);
		return writer_end(a->out);
	}
	case VERDICT_OTHER:
		a->counters.err++;
		writer_begin(a->out, req.id, req.idlen, "ERR");
		return writer_end(a->out);
	case VERDICT_DENY_PORT:
		snprintf(msg, sizeof msg, "kPoint traffic to port %u is not allowed", d.port);
		break;
	case VERDICT_DENY_TYPE:
		snprintf(msg, sizeof msg, "kPoint content type %s is not listed media: scanned",
		    decision_type(&d));
		break;
	case VERDICT_FAIL:
		snprintf(msg, sizeof msg, "the pattern matcher failed: not exempt, to be safe");
		break;
	}
	a->counters.err++;
	a->counters.denied[d.verdict]++;
	log_denial(a, &req, &d);
	writer_begin(a->out, req.id, req.idlen, "ERR");
	if (d.verdict != VERDICT_FAIL)
		writer_kv(a->out, NOTE_NAME, NOTE_VALUE_DENIED, 1);
	/* the word of what the snippets do with it, as in the decision log */
	snprintf(logv, sizeof logv, "kpoint-%s:%s", answer_effect(d.verdict),
	    verdict_name(d.verdict));
	writer_kv(a->out, "log", logv, strlen(logv));
	writer_kv(a->out, "message", msg, strlen(msg));
	return writer_end(a->out);
}

int
answer_too_long(struct answerer *a, const char *prefix, size_t len)
{
	size_t idlen = 0;
	const char *id = request_peek_id(prefix, len, &idlen);
	char msg[64];

	a->counters.requests++;
	/* A prefix that is digits to its end may be a cut ID: echoing it would be a guess. */
	if (id != NULL && (idlen == len || idlen > REQUEST_ID_MAX))
		id = NULL;
	snprintf(msg, sizeof msg, "request line longer than %d bytes", LINE_MAX_BYTES);
	return answer_bh(a, id, idlen, msg);
}
