/* declog: the decision log file (see declog.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "declog.h"
#include "log.h"
#include "xalloc.h"

/* Longest value written in full; a longer one ends in "..." and says how long it was. */
#define VALUE_MAX	512

struct declog {
	int		 fd;
	char		*path;
	uint64_t	 lost;
	time_t		 last_warning;
};

struct declog *
declog_open(const char *path)
{
	struct declog *dl;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd == -1)
		return NULL;
	dl = xcalloc(1, sizeof *dl);
	dl->fd = fd;
	dl->path = xstrdup(path);
	return dl;
}

void
declog_close(struct declog *dl)
{
	if (dl == NULL)
		return;
	close(dl->fd);
	free(dl->path);
	free(dl);
}

static bool
needs_escape(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || c == '%' || c == '"';
}

/* Append value to p, escaped; returns the new end. p has room for 3 * VALUE_MAX + 32 bytes. */
static char *
put_value(char *p, const char *v, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, n = len > VALUE_MAX ? VALUE_MAX : len;

	if (v == NULL) {
		*p++ = '-';
		return p;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (needs_escape(c)) {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else
			*p++ = (char)c;
	}
	if (n < len) {
		memcpy(p, "...", 3);
		p += 3;
	}
	return p;
}

int
declog_write(struct declog *dl, time_t now, const char *event,
    const struct declog_field *fields, size_t nfields)
{
	struct tm tm;
	size_t i, cap = 64 + strlen(event);
	char *line, *p;
	ssize_t n;

	for (i = 0; i < nfields; i++)
		cap += strlen(fields[i].key) + 2 + 3 * VALUE_MAX + 32;
	line = p = xmalloc(cap);
	gmtime_r(&now, &tm);
	p += strftime(p, 32, "%Y-%m-%dT%H:%M:%SZ ", &tm);
	p = stpcpy(p, event);
	for (i = 0; i < nfields; i++) {
		*p++ = ' ';
		p = stpcpy(p, fields[i].key);
		*p++ = '=';
		p = put_value(p, fields[i].value, fields[i].len);
	}
	*p++ = '\n';
	do
		n = write(dl->fd, line, (size_t)(p - line));
	while (n == -1 && errno == EINTR);
	free(line);
	if (n == p - line)
		return 0;
	if (n >= 0)
		errno = ENOSPC;	/* a short write on a regular file: the disk is full */
	dl->lost++;
	if (now - dl->last_warning >= 60) {
		log_warn("decision log %s: line lost (%llu so far)", dl->path,
		    (unsigned long long)dl->lost);
		dl->last_warning = now;
	}
	return -1;
}

uint64_t
declog_lost(const struct declog *dl)
{
	return dl->lost;
}
