/* declog: the decision log file (see declog.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "declog.h"
#include "log.h"
#include "xalloc.h"

/* Longest value written in full; a longer one ends in "..." and says how long it was. */
#define VALUE_MAX	512

struct declog {
	int		 fd;
	enum declog_format format;
	char		*path;
	uint64_t	 lost;
	time_t		 last_warning;
	time_t		 last_check;	/* when the path was last compared with fd */
	bool		 torn;		/* the last write was cut short: the file's last line
					   has no newline yet */
	bool		 detached;	/* fd's file is no longer at path, and path cannot be
					   opened: every line is lost until it can */
};

/*
 * Open path for appending; only a regular file is accepted. O_NONBLOCK: a FIFO with no reader
 * fails at once (ENXIO) instead of waiting, and one with a reader is refused below.
 */
static int
open_log(const char *path)
{
	struct stat sb;
	int flags = O_APPEND | O_CREAT | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	/* read too, where allowed: ends_mid_line looks at the last byte */
	int fd = open(path, O_RDWR | flags, 0640);

	if (fd == -1 && errno == EACCES)
		fd = open(path, O_WRONLY | flags, 0640);
	if (fd == -1)
		return -1;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		errno = EINVAL;	/* "Invalid argument": not a regular file */
		return -1;
	}
	return fd;
}

/* Does the file end in the middle of a line (a short write, by this or another process)? */
static bool
ends_mid_line(int fd)
{
	struct stat sb;
	char last;

	return fstat(fd, &sb) == 0 && sb.st_size > 0 &&
	    pread(fd, &last, 1, sb.st_size - 1) == 1 && last != '\n';
}

struct declog *
declog_open(const char *path, enum declog_format format)
{
	struct declog *dl;
	int fd = open_log(path);

	if (fd == -1)
		return NULL;
	dl = xcalloc(1, sizeof *dl);
	dl->fd = fd;
	dl->format = format;
	dl->path = xstrdup(path);
	dl->torn = ends_mid_line(fd);
	return dl;
}

/*
 * At most once a second: is path still the file fd writes to? A log that was deleted (or
 * renamed away) while open would swallow every later line unseen: open path anew. If that
 * fails, the old descriptor stays and its lines count as lost.
 */
static bool
still_there(struct declog *dl, time_t now)
{
	struct stat mine, named;
	int fd;

	if (now == dl->last_check)
		return !dl->detached;
	dl->last_check = now;
	if (fstat(dl->fd, &mine) == 0 && stat(dl->path, &named) == 0 &&
	    mine.st_dev == named.st_dev && mine.st_ino == named.st_ino) {
		dl->detached = false;
		return true;
	}
	if ((fd = open_log(dl->path)) == -1) {
		dl->detached = true;
		return false;
	}
	close(dl->fd);
	dl->fd = fd;
	dl->detached = false;
	dl->torn = ends_mid_line(fd);
	return true;
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

/*
 * Append value to p, escaped; returns the new end. p has room for 3 * VALUE_MAX + 32 bytes.
 * json: quoted, '\\' doubled, NULL as null; text: NULL as "-".
 */
static char *
put_value(char *p, const char *v, size_t len, bool json)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, n = len > VALUE_MAX ? VALUE_MAX : len;

	if (v == NULL)
		return stpcpy(p, json ? "null" : "-");
	if (json)
		*p++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (needs_escape(c)) {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else if (c == '\\' && json) {
			*p++ = '\\';
			*p++ = '\\';
		} else
			*p++ = (char)c;
	}
	if (n < len) {
		memcpy(p, "...", 3);
		p += 3;
	}
	if (json)
		*p++ = '"';
	return p;
}

int
declog_write(struct declog *dl, time_t now, const char *event,
    const struct declog_field *fields, size_t nfields)
{
	bool json = dl->format == DECLOG_JSON;
	struct tm tm;
	size_t i, cap = 64 + strlen(event);
	char *line, *p, *start, stamp[32];
	ssize_t n;

	for (i = 0; i < nfields; i++)
		cap += strlen(fields[i].key) + 8 + 3 * VALUE_MAX + 32;
	line = p = xmalloc(cap);
	*p++ = '\n';		/* ends a line that a short write left torn; sent only then */
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (json)
		p += sprintf(p, "{\"time\":\"%s\",\"event\":\"%s\"", stamp, event);
	else
		p += sprintf(p, "%s %s", stamp, event);
	for (i = 0; i < nfields; i++) {
		if (json)
			p += sprintf(p, ",\"%s\":", fields[i].key);
		else
			p += sprintf(p, " %s=", fields[i].key);
		p = put_value(p, fields[i].value, fields[i].len, json);
	}
	if (json)
		*p++ = '}';
	*p++ = '\n';
	start = dl->torn ? line : line + 1;
	if (!still_there(dl, now)) {
		n = -1;
		errno = ENOENT;
	} else {
		do
			n = write(dl->fd, start, (size_t)(p - start));
		while (n == -1 && errno == EINTR);
	}
	free(line);
	if (n == p - start) {
		dl->torn = false;
		return 0;
	}
	if (n > 0)
		dl->torn = true;	/* part of a line is in the file: the next one ends it */
	if (n >= 0)
		errno = ENOSPC;	/* a short write on a regular file: disk full or file limit */
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
