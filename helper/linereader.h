/*
 * linereader: request lines from a file descriptor with read(2), in a buffer of bounded size.
 * A line longer than the bound is drained to its '\n' and handed back as LINE_TOO_LONG with
 * only its first bytes, so memory stays bounded whatever Squid (or anyone) sends.
 * Lines handed out point into the buffer and stay valid until the next linereader_fill.
 */
#ifndef KP_LINEREADER_H
#define KP_LINEREADER_H

#include <stddef.h>
#include <sys/types.h>

/* The longest line accepted, without its '\n'. */
#define LINE_MAX_BYTES	(64 * 1024)
/* How much of an over-long line is kept (enough for a channel-ID). */
#define LINE_PREFIX_BYTES	32

enum line_status {
	LINE_OK,	/* line and len: one line, '\n' removed; the bytes may be modified */
	LINE_TOO_LONG,	/* line and len: the first bytes of a line over LINE_MAX_BYTES */
	LINE_NONE	/* no complete line buffered: call linereader_fill */
};

struct linereader;

struct linereader *linereader_new(int fd);
/* linereader_free(NULL) is a no-op. */
void linereader_free(struct linereader *lr);

/* The next complete line in the buffer, if any. */
enum line_status linereader_next(struct linereader *lr, char **line, size_t *len);

/*
 * Read once from the descriptor. Returns the bytes read (> 0), 0 at end of input, or -1 with
 * errno set (EINTR included, so that the caller can look at its signal flags).
 */
ssize_t linereader_fill(struct linereader *lr);

/*
 * At end of input: the unterminated last line, if one is left (it is answered like any other).
 * Returns LINE_OK, LINE_TOO_LONG or LINE_NONE.
 */
enum line_status linereader_rest(struct linereader *lr, char **line, size_t *len);

#endif
