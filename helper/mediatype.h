/*
 * mediatype: media types ("video/mp4"), the one place both sides read them the same way: a
 * list's "type video/mp4" or "type video/ *" (any video; written without the space), and the
 * Content-Type value of a reply. Both are lower-cased (media types are case-insensitive); a
 * Content-Type value loses its parameters and the white space around it. At most
 * MEDIATYPE_MAX bytes: a longer value is never cut into one that is listed.
 */
#ifndef KP_MEDIATYPE_H
#define KP_MEDIATYPE_H

#include <stdbool.h>
#include <stddef.h>

#define MEDIATYPE_MAX	127

/* How a media type reads. */
enum mediatype_status {
	MEDIATYPE_OK,		/* a media type, in out */
	MEDIATYPE_EMPTY,	/* nothing before the parameters */
	MEDIATYPE_TOO_LONG,	/* longer than MEDIATYPE_MAX */
	MEDIATYPE_INVALID	/* not a media type: a control or non-ASCII byte in a value; for a
				   list entry, anything but type/subtype or type/ * of RFC 9110
				   token characters */
};

/*
 * A Content-Type value (len bytes, as Squid sends it once decoded): its media type, lower
 * case, into out (MEDIATYPE_MAX + 1 bytes, NUL-terminated) when MEDIATYPE_OK.
 */
enum mediatype_status mediatype_of_value(const char *p, size_t len, char *out);

/*
 * A list's type entry, "type/subtype" or "type/ *" (any case): lower case into out
 * (MEDIATYPE_MAX + 1 bytes) with its length in *len; for "type/ *", out is "type/" and *any
 * is true. MEDIATYPE_EMPTY is never returned (an empty entry is MEDIATYPE_INVALID).
 */
enum mediatype_status mediatype_of_entry(const char *s, char *out, size_t *len, bool *any);

/* How a status other than MEDIATYPE_OK reads in answers and logs: "(too long)"... */
const char *mediatype_status_text(enum mediatype_status s);

#endif
