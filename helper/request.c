/*
 * request: the Squid request line (see request.h). Squid separates tokens with one space, sends
 * "-" for an unknown value, may end the line with a space, and escapes unsafe characters as %XX
 * but leaves a literal '%' alone (squid-helper-protocol.md, section 1b).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "request.h"

static const char *const field_names[FIELD_COUNT] = {
	"host", "port", "ip", "type", "method", "path", "skip"
};

const char *
field_name(enum field f)
{
	return f < FIELD_COUNT ? field_names[f] : "?";
}

enum field
field_of_format(const char *token)
{
	static const struct {
		const char	*token;
		enum field	 f;
	} codes[] = {
		{ "%DST", FIELD_HOST }, { "%>rd", FIELD_HOST }, { "%PORT", FIELD_PORT },
		{ "%>rP", FIELD_PORT }, { "%<a", FIELD_IP }, { "%METHOD", FIELD_METHOD },
		{ "%>rm", FIELD_METHOD }, { "%PATH", FIELD_PATH }, { "%>rp", FIELD_PATH },
	};
	size_t i;

	for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (strcmp(token, codes[i].token) == 0)
			return codes[i].f;
	/* a header's name is case-insensitive */
	if (strcasecmp(token, "%<h{Content-Type}") == 0)
		return FIELD_TYPE;
	return FIELD_SKIP;
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

/*
 * Does Squid 5.7 write c as %XX in a logformat value? rfc1738_escape_unescaped() escapes control
 * bytes, DEL, bytes past ASCII, space and < > " # { } | \\ ^ ~ [ ] ` ' and leaves everything
 * else, '%' included, as it is (squid-helper-protocol.md, section 1b).
 */
bool
request_squid_escapes(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || strchr("<>\"#{}|\\^~[]`'", c) != NULL;
}

size_t
request_pct_decode(char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len &&
		    (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0 &&
		    request_squid_escapes((unsigned char)(hi * 16 + lo))) {
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

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORDWISE	1
/* A word whose bytes are all b. */
#define BYTES(b)	(UINT64_C(0x0101010101010101) * (b))

/*
 * The bytes of w that are ' ' or NUL, flagged by their top bit. Only the lowest flag is exact
 * (the false flags (w - 0x01..) & ~w & 0x80.. can raise all lie above a true one), which is
 * all token_end asks.
 */
static uint64_t
stop_bytes(uint64_t w)
{
	uint64_t s = w ^ BYTES(' ');

	return (((w - BYTES(1)) & ~w) | ((s - BYTES(1)) & ~s)) & BYTES(0x80);
}
#endif

/* Where the token at pos ends: the first ' ' or NUL in line[pos..len), or len. */
static size_t
token_end(const char *line, size_t pos, size_t len)
{
#ifdef WORDWISE
	uint64_t w, m;

	for (; len - pos >= 8; pos += 8) {	/* eight bytes at a time while eight are left */
		memcpy(&w, line + pos, sizeof w);
		if ((m = stop_bytes(w)) != 0)
			return pos + (size_t)__builtin_ctzll(m) / 8;
	}
#endif
	while (pos < len && line[pos] != ' ' && line[pos] != '\0')
		pos++;
	return pos;
}

int
request_parse(char *line, size_t len, const struct fieldspec *spec, struct request *req,
    const char **errstr)
{
	size_t pos = 0, i;

	/* Not memset: gcc makes that a "rep stos", slower than these stores on every request. */
	_Static_assert(FIELD_COUNT == 7, "request_parse clears each field by name");
	req->id = NULL;
	req->idlen = 0;
	req->field[FIELD_HOST] = (struct request_value){ NULL, 0 };
	req->field[FIELD_PORT] = (struct request_value){ NULL, 0 };
	req->field[FIELD_IP] = (struct request_value){ NULL, 0 };
	req->field[FIELD_TYPE] = (struct request_value){ NULL, 0 };
	req->field[FIELD_METHOD] = (struct request_value){ NULL, 0 };
	req->field[FIELD_PATH] = (struct request_value){ NULL, 0 };
	req->field[FIELD_SKIP] = (struct request_value){ NULL, 0 };
	req->data = (struct request_value){ NULL, 0 };
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if ((req->id = request_peek_id(line, len, &req->idlen)) != NULL) {
		pos = req->idlen;
		if (req->idlen > REQUEST_ID_MAX || !id_in_range(line, req->idlen)) {
			*errstr = "channel-ID out of range";
			return -1;
		}
	}
	/*
	 * Every byte is checked for NUL once: the ID's are digits, a token stops at one, and the
	 * rest (the acl arguments) is searched below.
	 */
	for (i = 0; i < spec->n; i++) {
		struct request_value *v;
		size_t start;

		while (pos < len && line[pos] == ' ')
			pos++;
		if (pos == len)
			break;
		start = pos;
		pos = token_end(line, pos, len);
		if (pos < len && line[pos] == '\0')
			goto nul;
		if (pos - start == 1 && line[start] == '-')
			continue;
		v = &req->field[spec->order[i]];
		v->p = line + start;
		v->len = pos - start;
	}
	/* i: the fields read */
	if (i == 0) {
		*errstr = "empty request";
		return -1;
	}
	if (i < spec->n) {
		*errstr = "too few fields for the -f field list";
		return -1;
	}
	while (pos < len && line[pos] == ' ')
		pos++;
	while (len > pos && line[len - 1] == ' ')
		len--;
	if (pos < len) {
		if (memchr(line + pos, '\0', len - pos) != NULL)
			goto nul;
		req->data.p = line + pos;
		req->data.len = len - pos;
	}
	if (req->field[FIELD_TYPE].p != NULL)
		req->field[FIELD_TYPE].len = request_pct_decode((char *)req->field[FIELD_TYPE].p,
		    req->field[FIELD_TYPE].len);
	return 0;
nul:
	*errstr = "NUL byte in request";
	return -1;
}

unsigned
request_port_number(const char *s, size_t len)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || len > 5 || *s == '0')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= 65535 ? v : 0;
}
