/*
 * linereader: bounded line reading (see linereader.h). The buffer holds [start, end); scan is
 * where the search for '\n' resumes, so no byte is searched twice.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linereader.h"
#include "xalloc.h"

#define BUF_BYTES	(LINE_MAX_BYTES + 1)

struct linereader {
	int	 fd;
	char	*buf;
	size_t	 start, scan, end;
	bool	 draining;			/* inside a line that is too long */
	char	 prefix[LINE_PREFIX_BYTES];	/* its first bytes */
	size_t	 prefixlen;
};

struct linereader *
linereader_new(int fd)
{
	struct linereader *lr = xcalloc(1, sizeof *lr);

	lr->fd = fd;
	lr->buf = xmalloc(BUF_BYTES);
	return lr;
}

void
linereader_free(struct linereader *lr)
{
	if (lr == NULL)
		return;
	free(lr->buf);
	free(lr);
}

static void
start_draining(struct linereader *lr)
{
	lr->prefixlen = lr->end - lr->start < LINE_PREFIX_BYTES ? lr->end - lr->start :
	    LINE_PREFIX_BYTES;
	memcpy(lr->prefix, lr->buf + lr->start, lr->prefixlen);
	lr->draining = true;
	lr->start = lr->scan = lr->end = 0;
}

enum line_status
linereader_next(struct linereader *lr, char **line, size_t *len)
{
	char *nl;

	if (lr->scan >= lr->end)
		return LINE_NONE;
	nl = memchr(lr->buf + lr->scan, '\n', lr->end - lr->scan);
	if (nl == NULL) {
		lr->scan = lr->end;
		return LINE_NONE;
	}
	if (lr->draining) {
		/* The end of an over-long line: the bytes before nl are its tail, thrown away. */
		lr->start = lr->scan = (size_t)(nl - lr->buf) + 1;
		lr->draining = false;
		*line = lr->prefix;
		*len = lr->prefixlen;
		return LINE_TOO_LONG;
	}
	*line = lr->buf + lr->start;
	*len = (size_t)(nl - *line);
	lr->start = lr->scan = (size_t)(nl - lr->buf) + 1;
	if (*len > LINE_MAX_BYTES) {
		/* cannot happen: the buffer holds at most LINE_MAX_BYTES before a '\n' */
		abort();
	}
	return LINE_OK;
}

ssize_t
linereader_fill(struct linereader *lr)
{
	ssize_t n;

	if (lr->draining) {
		/* Nothing of a line being drained is kept. */
		lr->start = lr->scan = lr->end = 0;
	} else if (lr->start > 0) {
		memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
		lr->end -= lr->start;
		lr->scan -= lr->start;
		lr->start = 0;
	}
	if (lr->end == BUF_BYTES) {
		/* A full buffer and no '\n': the line is longer than LINE_MAX_BYTES. */
		start_draining(lr);
	}
	n = read(lr->fd, lr->buf + lr->end, BUF_BYTES - lr->end);
	if (n > 0)
		lr->end += (size_t)n;
	return n;
}

enum line_status
linereader_rest(struct linereader *lr, char **line, size_t *len)
{
	if (lr->draining) {
		lr->draining = false;
		lr->start = lr->scan = lr->end = 0;
		*line = lr->prefix;
		*len = lr->prefixlen;
		return LINE_TOO_LONG;
	}
	if (lr->start == lr->end)
		return LINE_NONE;
	*line = lr->buf + lr->start;
	*len = lr->end - lr->start;
	lr->start = lr->scan = lr->end;
	if (*len > LINE_MAX_BYTES) {
		*len = LINE_PREFIX_BYTES;
		return LINE_TOO_LONG;
	}
	return LINE_OK;
}
