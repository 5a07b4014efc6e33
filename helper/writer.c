/* writer: buffered answers on stdout (see writer.h). */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "writer.h"
#include "xalloc.h"

/* Write out once this much has piled up, even before the batch ends. */
#define WRITER_HIGH_WATER	(64 * 1024)

struct writer {
	int	 fd;
	char	*buf;
	size_t	 len, cap;
};

struct writer *
writer_new(int fd)
{
	struct writer *r = xcalloc(1, sizeof *r);

	r->fd = fd;
	r->cap = WRITER_HIGH_WATER + 4096;
	r->buf = xmalloc(r->cap);
	return r;
}

void
writer_free(struct writer *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r);
}

static void __attribute__((noinline))
grow(struct writer *r, size_t n)
{
	while (r->cap - r->len < n)
		r->cap *= 2;
	r->buf = xreallocarray(r->buf, r->cap, 1);
}

/* Room for n more bytes; the common case is one comparison. */
static inline void
reserve(struct writer *r, size_t n)
{
	if (r->cap - r->len < n)
		grow(r, n);
}

static inline void
put(struct writer *r, const char *s, size_t n)
{
	reserve(r, n);
	memcpy(r->buf + r->len, s, n);
	r->len += n;
}

void
writer_begin(struct writer *r, const char *id, size_t idlen, const char *result)
{
	if (id != NULL) {
		put(r, id, idlen);
		put(r, " ", 1);
	}
	put(r, result, strlen(result));
}

/* Bytes a value may hold and still be written bare: letters, digits and . _ : / * + , @ - */
static const bool plain[256] = {
	['.'] = true, ['_'] = true, [':'] = true, ['/'] = true, ['*'] = true, ['+'] = true,
	[','] = true, ['@'] = true, ['-'] = true,
	['0'] = true, ['1'] = true, ['2'] = true, ['3'] = true, ['4'] = true, ['5'] = true,
	['6'] = true, ['7'] = true, ['8'] = true, ['9'] = true,
	['a'] = true, ['b'] = true, ['c'] = true, ['d'] = true, ['e'] = true, ['f'] = true,
	['g'] = true, ['h'] = true, ['i'] = true, ['j'] = true, ['k'] = true, ['l'] = true,
	['m'] = true, ['n'] = true, ['o'] = true, ['p'] = true, ['q'] = true, ['r'] = true,
	['s'] = true, ['t'] = true, ['u'] = true, ['v'] = true, ['w'] = true, ['x'] = true,
	['y'] = true, ['z'] = true,
	['A'] = true, ['B'] = true, ['C'] = true, ['D'] = true, ['E'] = true, ['F'] = true,
	['G'] = true, ['H'] = true, ['I'] = true, ['J'] = true, ['K'] = true, ['L'] = true,
	['M'] = true, ['N'] = true, ['O'] = true, ['P'] = true, ['Q'] = true, ['R'] = true,
	['S'] = true, ['T'] = true, ['U'] = true, ['V'] = true, ['W'] = true, ['X'] = true,
	['Y'] = true, ['Z'] = true,
};

void
writer_kv(struct writer *r, const char *key, const char *value, size_t len)
{
	size_t i;
	bool bare = len > 0;

	for (i = 0; i < len && bare; i++)
		bare = plain[(unsigned char)value[i]];
	put(r, " ", 1);
	put(r, key, strlen(key));
	put(r, "=", 1);
	if (bare) {
		put(r, value, len);
		return;
	}
	reserve(r, 2 * len + 2);
	r->buf[r->len++] = '"';
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c == '"' || c == '\\')
			r->buf[r->len++] = '\\';
		r->buf[r->len++] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	r->buf[r->len++] = '"';
}

int
writer_end(struct writer *r)
{
	put(r, "\n", 1);
	return r->len >= WRITER_HIGH_WATER ? writer_flush(r) : 0;
}

int
writer_nodelay(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof ss, optlen;
	int type, proto, one = 1;

	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1)
		return errno == ENOTSOCK ? 0 : -1;	/* a pipe or a file */
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return 0;				/* a socketpair */
	optlen = sizeof type;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &optlen) == -1)
		return -1;
#ifdef SO_PROTOCOL
	optlen = sizeof proto;
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &optlen) == -1)
		return -1;
#else
	proto = IPPROTO_TCP;	/* a stream socket of the Internet families */
#endif
	if (type != SOCK_STREAM || proto != IPPROTO_TCP)
		return 0;
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int
writer_flush(struct writer *r)
{
	size_t off = 0;

	while (off < r->len) {
		ssize_t n = write(r->fd, r->buf + off, r->len - off);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)n;
	}
	r->len = 0;
	return 0;
}

size_t
writer_pending(const struct writer *r)
{
	return r->len;
}

const char *
writer_peek(const struct writer *r, size_t *len)
{
	*len = r->len;
	return r->buf;
}
