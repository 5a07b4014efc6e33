/* hostname: validation and normalisation of host names and host patterns (see hostname.h). */
#include "config.h"

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
explain(const char *in, size_t len, int allow_star)
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
hostname_normalize(const char *in, size_t len, int allow_star, char *out, const char **errstr)
{
	size_t i, last_dot = (size_t)-1;
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
	 * seen"; label structure is checked only at the dots.
	 */
	for (i = 0; i < len; i++) {
		unsigned char c = host_char[(unsigned char)in[i]];

		if (c <= STAR) {
			if (c != DOT) {
				bad |= c == 0 || !allow_star;
				out[i] = '*';
				continue;
			}
			/* a label ends here: not empty, not longer than 63 */
			bad |= i == last_dot + 1 || i - last_dot - 1 > 63;
			last_dot = i;
			out[i] = '.';
			continue;
		}
		out[i] = (char)c;
	}
	bad |= len == last_dot + 1 || len - last_dot - 1 > 63;
	if (bad) {
		*errstr = explain(in, len, allow_star);
		return -1;
	}
	out[len] = '\0';
	return (int)len;
}
