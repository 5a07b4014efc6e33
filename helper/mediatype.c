/* mediatype: media types on both sides, read one way (see mediatype.h). */
#include "config.h"

#include <string.h>

#include "mediatype.h"

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

enum mediatype_status
mediatype_of_value(const char *p, size_t len, char *out)
{
	size_t i, o = 0, end = len;
	const char *semi = memchr(p, ';', len);

	if (semi != NULL)
		end = (size_t)(semi - p);
	for (i = 0; i < end && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	while (end > i && (p[end - 1] == ' ' || p[end - 1] == '\t'))
		end--;
	if (end - i > MEDIATYPE_MAX)
		return MEDIATYPE_TOO_LONG;
	for (; i < end; i++) {
		unsigned char c = (unsigned char)p[i];

		/* a NUL or control byte must not cut the type short into a listed one */
		if (c < 0x20 || c >= 0x7f)
			return MEDIATYPE_INVALID;
		out[o++] = lower((char)c);
	}
	out[o] = '\0';
	return o == 0 ? MEDIATYPE_EMPTY : MEDIATYPE_OK;
}

/* RFC 9110's token characters, lower case. */
static bool
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

enum mediatype_status
mediatype_of_entry(const char *s, char *out, size_t *len, bool *any)
{
	size_t i, n = strlen(s), slash = 0;
	bool slashed = false;

	if (n > MEDIATYPE_MAX)
		return MEDIATYPE_TOO_LONG;
	for (i = 0; i < n; i++) {
		char c = lower(s[i]);

		if (c == '/' && !slashed) {
			slash = i;
			slashed = true;
		} else if (!is_tchar((unsigned char)c) || (c == '*' && i + 1 != n))
			return MEDIATYPE_INVALID;
		out[i] = c;
	}
	/* type "/" subtype, each at least one character; a '*' only as the whole subtype */
	if (!slashed || slash == 0 || slash + 1 == n || (out[n - 1] == '*' && slash + 2 != n) ||
	    memchr(out, '*', slash) != NULL)
		return MEDIATYPE_INVALID;
	*any = out[n - 1] == '*';
	*len = *any ? n - 1 : n;
	out[*len] = '\0';
	return MEDIATYPE_OK;
}

const char *
mediatype_status_text(enum mediatype_status s)
{
	switch (s) {
	case MEDIATYPE_OK:
		break;
	case MEDIATYPE_EMPTY:
		return "(empty)";
	case MEDIATYPE_TOO_LONG:
		return "(too long)";
	case MEDIATYPE_INVALID:
		return "(invalid)";
	}
	return "";
}
