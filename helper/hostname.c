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
		unsigned char c = host_char[(unsigned char)in[i]];

		if (c == DOT) {
			if (label == 0) {
				*errstr = "empty label in host name";
				return -1;
			}
			label = 0;
			out[i] = '.';
			continue;
		}
		if (c == 0 || (c == STAR && !allow_star)) {
			*errstr = in[i] == ':' ? "host name contains ':' (a port or an IPv6 address?)" :
			    "host name contains a character other than a-z 0-9 - _ .";
			return -1;
		}
		if (++label > 63) {
			*errstr = "label longer than 63 characters in host name";
			return -1;
		}
		out[i] = c == STAR ? '*' : (char)c;
	}
	if (label == 0) {	/* "a.." : one trailing dot is dropped, the second is an empty label */
		*errstr = "empty label in host name";
		return -1;
	}
	out[len] = '\0';
	return (int)len;
}
