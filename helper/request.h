/*
 * request: one line from Squid, split into its channel-ID, the declared fields (in the order of
 * the external_acl_type FORMAT) and the acl's own arguments (%DATA), which follow the fields and
 * are never read as fields. Field values borrow from the line, which is modified in place: they
 * stay valid until the line buffer is reused.
 */
#ifndef KP_REQUEST_H
#define KP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

enum field {
	FIELD_HOST,	/* %DST (%>rd) */
	FIELD_PORT,	/* %PORT (%>rP) */
	FIELD_IP,	/* %<a: the server address, known once Squid has connected */
	FIELD_TYPE,	/* %<h{Content-Type} */
	FIELD_METHOD,	/* %METHOD */
	FIELD_PATH,	/* %PATH */
	FIELD_SKIP,	/* a FORMAT token the helper does not use */
	FIELD_COUNT
};

#define FIELDS_MAX	16
#define FIELDS_DEFAULT	"host,port,ip,type"

struct fieldspec {
	enum field	order[FIELDS_MAX];
	size_t		n;
};

/*
 * Parse a comma-separated list of field names (host, port, ip, type, method, path, skip).
 * Returns 0, or -1 with *errstr set to a static message.
 */
int fieldspec_parse(const char *list, struct fieldspec *spec, const char **errstr);
const char *field_name(enum field f);

/*
 * The field a FORMAT token of external_acl_type sends: %DST or %>rd host, %PORT or %>rP port,
 * %<a ip, %<h{Content-Type} type, %METHOD or %>rm method, %PATH or %>rp path; FIELD_SKIP for
 * any other token.
 */
enum field field_of_format(const char *token);

struct request_value {
	const char	*p;	/* NULL: not sent, or sent as "-" (unknown) */
	size_t		 len;
};

struct request {
	const char		*id;	/* the channel-ID as sent, or NULL (concurrency=0) */
	size_t			 idlen;
	struct request_value	 field[FIELD_COUNT];
	struct request_value	 data;	/* the acl arguments, as sent; p is NULL if none */
};

/* Longest channel-ID accepted: Squid counts them in 64 bits (20 decimal digits). */
#define REQUEST_ID_MAX	20

/*
 * Split line (len bytes, no '\n'; a trailing '\r' and spaces are ignored) into *req. A leading
 * token of decimal digits is a channel-ID. The content type is decoded with
 * request_pct_decode; other values stay as sent. Returns 0, or -1 with *errstr set to a static
 * message when the line cannot be read (the answer is then BH); req->id is set in both cases
 * when the line starts with one.
 */
int request_parse(char *line, size_t len, const struct fieldspec *spec, struct request *req,
    const char **errstr);

/*
 * The channel-ID at the start of text, if any: sets *idlen and returns text, or returns NULL.
 * Used for lines too long to parse, whose answer must still carry their ID.
 */
const char *request_peek_id(const char *text, size_t len, size_t *idlen);

/*
 * Decode, in place, the %XX escapes that Squid writes (control bytes, bytes past ASCII, space
 * and < > " # { } | \ ^ ~ [ ] ` '); any other %XX is the sender's own text and stays as it is
 * ("video%2Fmp4" is not "video/mp4"), as does a '%' not followed by two hex digits. Returns the
 * new length.
 */
size_t request_pct_decode(char *s, size_t len);

/*
 * The port number in the len bytes at s (decimal 1-65535, no leading zero, as Squid writes a
 * port; the list's port entries are read with it too), or 0 if it is none.
 */
unsigned request_port_number(const char *s, size_t len);

/* Does Squid 5.7 write c as %XX in a request line (the bytes request_pct_decode decodes)? */
bool request_squid_escapes(unsigned char c);

#endif
