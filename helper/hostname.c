/* hostname: validation and normalisation of host names and host patterns (see hostname.h). */
#include "config.h"

#include "hostname.h"

int
hostname_normalize(const char *in, size_t len, int allow_star, char *out, const char **errstr)
{
	size_t i, label = 0;

	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0) {
		*errstr = "empty host name";
		return -1;
	}
	if (len > HOSTNAME_MAX) {
		*errstr = "host name longer than 253 characters";
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c == '.') {
			if (label == 0) {
				*errstr = "empty label in host name";
				return -1;
			}
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '_' || (c == '*' && allow_star)) {
			if (++label > 63) {
				*errstr = "label longer than 63 characters in host name";
				return -1;
			}
		} else {
			*errstr = c == ':' ? "host name contains ':' (a port or an IPv6 address?)" :
			    "host name contains a character other than a-z 0-9 - _ .";
			return -1;
		}
		out[i] = (char)c;
	}
	if (label == 0) {	/* "a.." : one trailing dot is dropped, the second is an empty label */
		*errstr = "empty label in host name";
		return -1;
	}
	out[len] = '\0';
	return (int)len;
}
