/*
 * fuzz_request: libFuzzer target for the request path (parse, decide, answer, decision log)
 * with the built-in list plus a glob and a regex. The input is a stream of request lines.
 * Invariants checked on every line: exactly one answer line, ending in '\n', starting with the
 * line's channel-ID when it has one; OK only for a line that names kPoint or CloudFront or
 * holds an address; on the reply side (server address known) OK only with a Content-Type, and
 * OK with a Content-Type only when it is media written with a literal '/' (Squid never escapes
 * '/', so "video%2Fmp4" is not a type).
 */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answer.h"
#include "defaults.h"
#include "linereader.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct answerer a;
static struct source *src;
static char log_path[4096];

static void
remove_log(void)
{
	unlink(log_path);
}

/* A temporary file of ours (TMPDIR or /tmp) in path, from template NAME.XXXXXX. */
static FILE *
temp_file(char *path, size_t size, const char *name)
{
	int fd;

	snprintf(path, size, "%s/%s.XXXXXX", getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp",
	    name);
	if ((fd = mkstemp(path)) == -1)
		abort();
	return fdopen(fd, "w");
}

static void
setup(void)
{
	static const char extra[] = "domain mp*se.kpoint.net\nregex ^(cdn|media)[0-9]+\\.kpoint\\.org$\n";
	static char list_path[4096];	/* the source keeps the name */
	FILE *f = temp_file(list_path, sizeof list_path, "fuzz-list");
	const char *errstr;
	int fd = open("/dev/null", O_WRONLY);

	/* The list as the helper has it: a file, loaded by the list source. */
	if (f == NULL || fd == -1 || fputs(kpoint_builtin_list, f) == EOF || fputs(extra, f) == EOF ||
	    fclose(f) != 0)
		abort();
	src = source_file(list_path);
	source_load(src);
	unlink(list_path);
	if (source_list(src) == NULL || fieldspec_parse(FIELDS_DEFAULT, &a.spec, &errstr) == -1)
		abort();
	a.src = src;
	a.out = writer_new(fd);
	/* The log must be a regular file: one of our own, emptied now and then, removed at exit. */
	if ((f = temp_file(log_path, sizeof log_path, "fuzz-declog")) == NULL || fclose(f) != 0)
		abort();
	atexit(remove_log);
	if ((a.log = declog_open(log_path, DECLOG_JSON)) == NULL)
		abort();
}

static bool
contains_ci(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i, j;

	for (i = 0; i + k <= n; i++) {
		for (j = 0; j < k; j++) {
			char c = s[i + j];

			if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != needle[j])
				break;
		}
		if (j == k)
			return true;
	}
	return false;
}

static void
one_line(char *line, size_t len)
{
	char *copy = malloc(len + 1), idbuf[LINE_PREFIX_BYTES + 1];
	const char *out, *id;
	size_t outlen, idlen = 0, i, newlines = 0;
	bool maybe_kpoint, ok;

	if (copy == NULL)
		abort();
	memcpy(copy, line, len);
	maybe_kpoint = contains_ci(line, len, "kpoint.") || contains_ci(line, len, "cloudfront.net") ||
	    memchr(line, ':', len) != NULL || memchr(line, '.', len) != NULL;
	id = request_peek_id(line, len, &idlen);
	if (id != NULL && idlen <= LINE_PREFIX_BYTES) {
		memcpy(idbuf, id, idlen);
		idbuf[idlen] = '\0';
	}
	if (writer_flush(a.out) == -1)
		abort();
	if (len > LINE_MAX_BYTES)
		(void)answer_too_long(&a, copy, LINE_PREFIX_BYTES);
	else
		(void)answer_line(&a, copy, len);
	out = writer_peek(a.out, &outlen);
	for (i = 0; i < outlen; i++)
		newlines += out[i] == '\n';
	if (newlines != 1 || outlen == 0 || out[outlen - 1] != '\n')
		abort();	/* one line in, one answer out */
	if (id != NULL && idlen <= 20 && len <= LINE_MAX_BYTES &&
	    (outlen <= idlen || memcmp(out, idbuf, idlen) != 0 || out[idlen] != ' '))
		abort();	/* the channel-ID comes back first */
	ok = memmem(out, outlen, " OK", 3) != NULL || (outlen >= 2 && memcmp(out, "OK", 2) == 0);
	if (!maybe_kpoint && ok)
		abort();	/* OK for something that cannot be kPoint */
	if (ok && len <= LINE_MAX_BYTES) {
		struct request req;
		const char *errstr;
		const struct request_value *ip, *type;

		memcpy(copy, line, len);
		if (request_parse(copy, len, &a.spec, &req, &errstr) == -1)
			abort();	/* OK for a line that does not parse */
		ip = &req.field[FIELD_IP];
		type = &req.field[FIELD_TYPE];
		if (ip->p != NULL && type->p == NULL)
			abort();	/* a reply without a type exempted */
		if (type->p != NULL && (memchr(type->p, '/', type->len) == NULL ||
		    !(contains_ci(type->p, type->len, "video/") ||
		    contains_ci(type->p, type->len, "audio/") ||
		    contains_ci(type->p, type->len, "shockwave"))))
			abort();	/* a type that is not listed media exempted */
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	const char *p = (const char *)data, *end = p + size;

	static unsigned runs;

	if (!ready) {
		setup();
		ready = true;
	}
	if (++runs % 4096 == 0 && truncate(log_path, 0) == -1)
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		one_line((char *)(uintptr_t)p, len);
		p += len + 1;
	}
	return 0;
}
