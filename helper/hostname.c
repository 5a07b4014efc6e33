/* hostname: validation and normalisation of host names and host patterns (see hostname.h). */
#include "config.h"

#include <string.h>

#include "hostname.h"

/*
 * What each byte becomes in a host name: its lower-case form, DOT, STAR, or 0 (not allowed).
 * One table lookup per byte: this runs on every request.
 */
#define DOT	1
#define STAR	2
static const unsigned char host_char[256] = {
	['-'] = '-', ['_'] = '_', ['.'] = DOT, ['*'] = STAR,
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
	['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
	['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
	['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
	['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
	['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
	['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
};

/* Why a name that failed the fast pass is bad: the slow, careful pass, for the message. */
static const char *
why_invalid(const char *in, size_t len, bool allow_star)
{
	size_t i, label = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = host_char[(unsigned char)in[i]];

		if (c == DOT) {
			if (label == 0)
				return "empty label in host name";
			label = 0;
		} else if (c == 0 || (c == STAR && !allow_star))
			return in[i] == ':' ? "host name contains ':' (a port or an IPv6 address?)" :
			    "host name contains a character other than a-z 0-9 - _ .";
		else if (++label > 63)
			return "label longer than 63 characters in host name";
	}
	return "empty label in host name";	/* ends in ".." */
}

int
hostname_parse(const char *in, size_t len, bool allow_star, struct hostname *h,
    const char **errstr)
{
	size_t i, label = 0, n = 0;
	unsigned char bad = 0;

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
	/*
	 * This runs on every request: one table pass lower-cases and collects "a bad byte was
	 * seen"; label structure is checked only at the dots. n counts the dots.
	 */
	h->label[0] = 0;
	for (i = 0; i < len; i++) {
		unsigned char c = host_char[(unsigned char)in[i]];

		if (c > STAR) {
			h->text[i] = (char)c;
			continue;
		}
		if (c == DOT) {
			/* a label ends here: not empty, not longer than 63 */
			bad |= i == label || i - label > 63;
			label = i + 1;
			if (++n < HOSTNAME_LABELS_MAX)
				h->label[n] = (uint8_t)label;
			h->text[i] = '.';
			continue;
		}
		bad |= c == 0 || !allow_star;
		h->text[i] = '*';
	}
	/* more labels than fit in 253 bytes means an empty one, already flagged */
	bad |= len == label || len - label > 63 || n >= HOSTNAME_LABELS_MAX;
	if (bad) {
		*errstr = why_invalid(in, len, allow_star);
		return -1;
	}
	h->text[len] = '\0';
	h->len = len;
	h->nlabels = n + 1;
	return 0;
}

int
hostname_normalize(const char *in, size_t len, bool allow_star, char *out, const char **errstr)
{
	struct hostname h;

	if (hostname_parse(in, len, allow_star, &h, errstr) == -1)
		return -1;
	memcpy(out, h.text, h.len + 1);
	return (int)h.len;
}
