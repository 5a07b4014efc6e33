/*
 * ceiling: the I/O ceiling of the helper protocol, for the benchmark. It reads request lines
 * with the helper's own line reader, answers "[ID ]OK" through the helper's own reply buffer,
 * flushes when no complete request is left and sets the transport up, exactly as the helper
 * does, and decides nothing.
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "linereader.h"
#include "request.h"
#include "writer.h"

int
main(void)
{
	struct linereader *lr = linereader_new(STDIN_FILENO);
	struct writer *r = writer_new(STDOUT_FILENO);
	enum line_status s;
	const char *id;
	size_t len, idlen;
	char *line;
	ssize_t n;

	if (writer_nodelay(STDOUT_FILENO) == -1)
		return 1;
	for (;;) {
		while ((s = linereader_next(lr, &line, &len)) != LINE_NONE) {
			id = request_peek_id(line, len, &idlen);
			writer_begin(r, id, idlen, "OK");
			if (writer_end(r) == -1)
				return 1;
		}
		if (writer_flush(r) == -1)
			return 1;
		n = linereader_fill(lr);
		if (n == 0 || (n == -1 && errno != EINTR))
			break;
	}
	return writer_flush(r) == 0 ? 0 : 1;
}
