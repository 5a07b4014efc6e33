/*
 * request: the Squid request line (see request.h). Squid separates tokens with one space, sends
 * "-" for an unknown value, may end the line with a space, and escapes unsafe characters as %XX
 * but leaves a literal '%' alone (squid-helper-protocol.md, section 1b).
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "request.h"

static const char *const field_names[FIELD_COUNT] = {
	"host", "port", "ip", "type", "method", "path", "skip"
};

const char *
field_name(enum field f)
{
	return f < FIELD_COUNT ? field_names[f] : "?";
}

int
fieldspec_parse(const char *list, struct fieldspec *spec, const char **errstr)
{
	const char *p = list;
	bool seen[FIELD_COUNT] = { false };

	spec->n = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		enum field f;

		for (f = 0; f < FIELD_COUNT; f++)
			if (strlen(field_names[f]) == len && strncmp(p, field_names[f], len) == 0)
				break;
		if (f == FIELD_COUNT) {
			*errstr = "unknown field name (expected host, port, ip, type, method, "
			    "path or skip)";
			return -1;
		}
		if (f != FIELD_SKIP && seen[f]) {
			*errstr = "a field is named twice";
			return -1;
		}
		if (spec->n == FIELDS_MAX) {
			*errstr = "too many fields";
			return -1;
		}
		seen[f] = true;
		spec->order[spec->n++] = f;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	if (!seen[FIELD_HOST] && !seen[FIELD_IP]) {
		*errstr = "the fields must include host or ip";
		return -1;
	}
	if (spec->order[0] == FIELD_PORT) {
		/* A channel-ID is recognised as a leading number: a port there would look like one. */
		*errstr = "port cannot be the first field (it would read as a channel-ID)";
		return -1;
	}
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
pct_decode(char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len &&
		    (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
			s[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else
			s[o++] = s[i];
	}
	return o;
}

const char *
request_peek_id(const char *text, size_t len, size_t *idlen)
{
	size_t n = 0;

	while (n < len && text[n] >= '0' && text[n] <= '9')
		n++;
	if (n == 0 || (n < len && text[n] != ' '))
		return NULL;
	*idlen = n;
	return text;
}

/* Is the n-digit decimal token at p at most UINT64_MAX? */
static bool
id_in_range(const char *p, size_t n)
{
	static const char max[] = "18446744073709551615";

	while (n > 1 && *p == '0') {	/* leading zeros do not make a number larger */
		p++;
		n--;
	}
	if (n != sizeof max - 1)
		return n < sizeof max - 1;
	return memcmp(p, max, n) <= 0;
}

int
request_parse(char *line, size_t len, const struct fieldspec *spec, struct request *req,
    const char **errstr)
{
	size_t pos = 0, i, got = 0;

	memset(req, 0, sizeof *req);
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if ((req->id = request_peek_id(line, len, &req->idlen)) != NULL) {
		pos = req->idlen;
		if (req->idlen > REQUEST_ID_MAX || !id_in_range(line, req->idlen)) {
			*errstr = "channel-ID out of range";
			return -1;
		}
	}
	if (memchr(line, '\0', len) != NULL) {
		*errstr = "NUL byte in request";
		return -1;
	}
	for (i = 0; i < spec->n; i++) {
		const char *sp;
		size_t start;

		while (pos < len && line[pos] == ' ')
			pos++;
		if (pos == len)
			break;
		start = pos;
		sp = memchr(line + pos, ' ', len - pos);
		pos = sp != NULL ? (size_t)(sp - line) : len;
		got++;
		if (pos - start == 1 && line[start] == '-')
			continue;
		req->field[spec->order[i]].p = line + start;
		req->field[spec->order[i]].len = pos - start;
	}
	if (got == 0) {
		*errstr = "empty request";
		return -1;
	}
	if (got < spec->n) {
		*errstr = "too few fields for the -f field list";
		return -1;
	}
	while (pos < len && line[pos] == ' ')
		pos++;
	while (len > pos && line[len - 1] == ' ')
		len--;
	if (pos < len) {
		req->data.p = line + pos;
		req->data.len = len - pos;
	}
	if (req->field[FIELD_TYPE].p != NULL)
		req->field[FIELD_TYPE].len = pct_decode((char *)req->field[FIELD_TYPE].p,
		    req->field[FIELD_TYPE].len);
	return 0;
}
