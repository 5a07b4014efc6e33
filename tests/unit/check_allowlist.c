/*
 * Unit tests for the list from file to sets and back: listfile (every directive's meaning, the
 * exact FILE:LINE: messages for bad lines, whole-file rejection, the built-in list), allowlist's
 * questions, and listing (the normalised dump, the summary, the difference of two lists).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allowlist.h"
#include "check_main.h"
#include "listfile.h"
#include "listing.h"

/* Load text; errors are returned in *errs (caller frees). */
static struct allowlist *
load_text(const char *text, char **errs, size_t *nerrors)
{
	FILE *in = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	size_t errlen;
	FILE *e = open_memstream(errs, &errlen);
	struct allowlist *al;

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(e);
	al = listfile_read(in, "t.conf", e, nerrors);
	fclose(in);
	fclose(e);
	return al;
}

/* Is text an entry of this kind (a name without "." or "*.", a pattern, a type)? */
static bool
has_name(const struct allowlist *al, enum entry_kind kind, const char *text)
{
	struct allowlist_entry e = { .kind = kind, .text = text, .len = strlen(text) };

	return allowlist_has(al, &e);
}

static const struct {
	const char	*text;
	const char	*errors;	/* exactly what the loader must print */
} bad_cases[] = {
	{ "bogus x\n", "t.conf:1: unknown directive 'bogus' (expected host, domain, regex, net, "
	  "port or type)\n" },
	{ "# ok\n\nhost\n", "t.conf:3: 'host' needs at least one value\n" },
	{ "host a..b\n", "t.conf:1: host 'a..b': empty label in host name\n" },
	{ "host *.a.com\n", "t.conf:1: host '*.a.com': '*' is not allowed here; use 'domain "
	  "*.a.com'\n" },
	{ "host a.com:443\n", "t.conf:1: host 'a.com:443': host name contains ':' (a port or an "
	  "IPv6 address?)\n" },
	{ "domain *\n", "t.conf:1: domain '*': this pattern matches every host\n" },
	{ "domain .*.a.com\n", "t.conf:1: domain '.*.a.com': a leading '.' or '*.' cannot be "
	  "combined with another '*'\n" },
	{ "domain ..a.com\n", "t.conf:1: domain '..a.com': empty label in host name\n" },
	{ "domain *d..\n", "t.conf:1: domain '*d..': empty label in host name\n" },
	{ "host a.example..\n", "t.conf:1: host 'a.example..': empty label in host name\n" },
	{ "regex (x\n", "t.conf:1: regex '(x': missing closing parenthesis at offset 2\n" },
	{ "net 10.0.0.1/8\n", "t.conf:1: net '10.0.0.1/8': address has bits set past the prefix "
	  "length; perhaps you meant 'net 10.0.0.0/8' (the network), or the one address without the "
	  "/8\n" },
	{ "net 300.1.1.1\n", "t.conf:1: net '300.1.1.1': not an IPv4 or IPv6 address\n" },
	{ "port 0\n", "t.conf:1: port '0': not a port number 1-65535 or a range N-M\n" },
	{ "port 65536\n", "t.conf:1: port '65536': not a port number 1-65535 or a range N-M\n" },
	{ "port 90-80\n", "t.conf:1: port '90-80': range ends before it starts\n" },
	{ "port http\n", "t.conf:1: port 'http': not a port number 1-65535 or a range N-M\n" },
	{ "type video\n", "t.conf:1: type 'video': not a content type (type/subtype or type/*)\n" },
	{ "type */mp4\n", "t.conf:1: type '*/mp4': not a content type (type/subtype or type/*)\n" },
	{ "type a/b c/d;x=1\n", "t.conf:1: type 'c/d;x=1': not a content type (type/subtype or "
	  "type/*)\n" },
	{ "host b\xc3\xbc" "cher.example\n", "t.conf:1: host 'b\xc3\xbc" "cher.example': host name "
	  "contains a character other than a-z 0-9 - _ .\n" },
	{ "host \xff\n", "t.conf:1: host '\xff': host name contains a character other than a-z 0-9 "
	  "- _ .\n" },
	{ "net ::/129\n", "t.conf:1: net '::/129': prefix length is not a number in range\n" },
	{ "net 1.2.3.4/-1\n", "t.conf:1: net '1.2.3.4/-1': prefix length is not a number in "
	  "range\n" },
	{ "net [::1]\n", "t.conf:1: net '[::1]': not an IPv4 or IPv6 address\n" },
	{ "port 1-\n", "t.conf:1: port '1-': not a port number 1-65535 or a range N-M\n" },
	{ "port -5\n", "t.conf:1: port '-5': not a port number 1-65535 or a range N-M\n" },
	{ "port 080\n", "t.conf:1: port '080': not a port number 1-65535 or a range N-M\n" },
	{ "type a/b/c\n", "t.conf:1: type 'a/b/c': not a content type (type/subtype or type/*)\n" },
	{ "type a/\n", "t.conf:1: type 'a/': not a content type (type/subtype or type/*)\n" },
	/* a slash first is no type, even with a second one after it */
	{ "type /a/b\n", "t.conf:1: type '/a/b': not a content type (type/subtype or type/*)\n" },
	{ "HOST a.example\n", "t.conf:1: unknown directive 'HOST' (expected host, domain, regex, "
	  "net, port or type)\n" },
	{ "host a.example\nhost\t\t# only a comment\n", "t.conf:2: 'host' needs at least one "
	  "value\n" },
	{ "regex ^a[\n", "t.conf:1: regex '^a[': missing terminating ] for character class at "
	  "offset 3\n" },
	{ "host aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example\n",
	  "t.conf:1: host 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example': "
	  "label longer than 63 characters in host name\n" },
	/* entries that match everything: the list must say what kPoint is */
	{ "net 0.0.0.0/0\n", "t.conf:1: net '0.0.0.0/0': matches every address; list kPoint's "
	  "networks\n" },
	{ "net ::/0\n", "t.conf:1: net '::/0': matches every address; list kPoint's networks\n" },
	{ "regex .\n", "t.conf:1: regex '.': matches every host (localhost, example.com and "
	  "192.0.2.1 alike); anchor it to kPoint's names, e.g. ^mp[0-9]+se\\.kpoint\\.com$\n" },
	{ "domain *.*\n", "t.conf:1: domain '*.*': this pattern matches every host\n" },
	/* IPv4-mapped networks never match: the message says what to write */
	{ "net ::ffff:175.41.142.0/120\n", "t.conf:1: net '::ffff:175.41.142.0/120': an "
	  "IPv4-mapped network never matches (Squid reports IPv4 addresses as IPv4); write "
	  "'net 175.41.142.0/24' instead\n" },
	{ "net ::ffff:175.41.142.49\n", "t.conf:1: net '::ffff:175.41.142.49': an IPv4-mapped "
	  "network never matches (Squid reports IPv4 addresses as IPv4); write "
	  "'net 175.41.142.49/32' instead\n" },
	/* nothing that says what kPoint is: empty, comments, only ports and types */
	{ "", "t.conf: no host, domain, regex or net entry: nothing says what kPoint is (an empty "
	  "or cut-off file?)\n" },
	{ "port 80 443\ntype video/mp4\n", "t.conf: no host, domain, regex or net entry: nothing "
	  "says what kPoint is (an empty or cut-off file?)\n" },
	/* every bad value is reported, on its own line, and good lines do not hide them */
	{ "port 80 x 443 y\nhost ok.com\nnet 1.2.3.4/40\n",
	  "t.conf:1: port 'x': not a port number 1-65535 or a range N-M\n"
	  "t.conf:1: port 'y': not a port number 1-65535 or a range N-M\n"
	  "t.conf:3: net '1.2.3.4/40': prefix length is not a number in range\n" },
};

START_TEST(bad_lines)
{
	char *errs = NULL;
	size_t nerrors = 0;
	struct allowlist *al = load_text(bad_cases[_i].text, &errs, &nerrors);

	ck_assert_msg(al == NULL, "bad file accepted: %s", bad_cases[_i].text);
	ck_assert_str_eq(errs, bad_cases[_i].errors);
	ck_assert_uint_ge(nerrors, 1);
	free(errs);
}
END_TEST

START_TEST(nul_byte)
{
	static const char text[] = "host a.com\nhost b\0c.com\n";
	FILE *in = fmemopen((void *)(uintptr_t)text, sizeof text - 1, "r");
	char *errs = NULL;
	size_t errlen, nerrors;
	FILE *e = open_memstream(&errs, &errlen);

	ck_assert_ptr_null(listfile_read(in, "t.conf", e, &nerrors));
	fclose(in);
	fclose(e);
	ck_assert_str_eq(errs, "t.conf:2: NUL byte in line\n");
	free(errs);
}
END_TEST

START_TEST(directives)
{
	char *errs = NULL;
	size_t nerrors = 99;
	struct allowlist *al = load_text(
	    "# comment line\n"
	    "host Exact.Example.COM. other.example  # trailing comment\n"
	    "domain .dot.example *.star.example plain.example mp*se.glob.example\n"
	    "regex ^r[0-9]+\\.re\\.example$\n"
	    "net 192.0.2.0/24 2001:db8::/32 198.51.100.7\n"
	    "port 80 1000-1002\r\n"
	    "\ttype Video/MP4 audio/*\n", &errs, &nerrors);
	char summary[256];

	ck_assert_msg(al != NULL, "errors: %s", errs);
	ck_assert_uint_eq(nerrors, 0);
	listing_summary(al, summary, sizeof summary);
	/* two hosts + plain.example; .dot and *.star; 80 and 1000-1002 */
	ck_assert_str_eq(summary, "3 hosts, 2 domains, 1 globs, 1 regexes, 3 nets, 4 ports, "
	    "2 types");
	ck_assert_uint_eq(allowlist_count(al, ENTRY_HOST), 3);
	ck_assert_uint_eq(allowlist_count(al, ENTRY_DOMAIN), 1);
	ck_assert_uint_eq(allowlist_count(al, ENTRY_SUBDOMAINS), 1);
	ck_assert_uint_eq(allowlist_count(al, ENTRY_PORTS), 2);	/* runs */
	ck_assert_uint_eq(allowlist_count(al, ENTRY_TYPE), 1);
	ck_assert_uint_eq(allowlist_count(al, ENTRY_TYPE_ANY), 1);
	ck_assert(allowlist_has_port(al, 80));
	ck_assert(allowlist_has_port(al, 1001));
	ck_assert(!allowlist_has_port(al, 1003));
	ck_assert(!allowlist_has_port(al, 443));
	ck_assert(allowlist_has_type(al, "video/mp4", 9));
	ck_assert(allowlist_has_type(al, "audio/anything", 14));
	ck_assert(!allowlist_has_type(al, "video/webm", 10));
	ck_assert(!allowlist_has_type(al, "audio", 5));
	ck_assert(has_name(al, ENTRY_HOST, "exact.example.com"));
	ck_assert(!has_name(al, ENTRY_DOMAIN, "exact.example.com"));
	ck_assert(has_name(al, ENTRY_SUBDOMAINS, "star.example"));
	/* the glob's index key is marked in the name set, but is no entry of any kind */
	ck_assert(!has_name(al, ENTRY_HOST, "glob.example"));
	ck_assert(!has_name(al, ENTRY_DOMAIN, "glob.example"));
	ck_assert(!has_name(al, ENTRY_SUBDOMAINS, "glob.example"));
	ck_assert(has_name(al, ENTRY_GLOB, "mp*se.glob.example"));
	ck_assert(!has_name(al, ENTRY_REGEX, "mp*se.glob.example"));
	allowlist_free(al);
	free(errs);
}
END_TEST

START_TEST(dump_is_normalised)
{
	char *errs = NULL;
	size_t n, i;
	struct allowlist *al = load_text(
	    "host B.example a.example\nhost *.x.example\n", &errs, NULL);
	struct listing l;

	ck_assert_ptr_null(al);		/* '*' in host */
	free(errs);
	errs = NULL;
	al = load_text("port 443 80 81 82\nhost B.example a.example\ndomain .c.example\n"
	    "type audio/*\nnet 10.0.0.0/8\ndomain *.d.example\n", &errs, NULL);
	ck_assert_ptr_nonnull(al);
	listing_make(al, LISTING_ALL, &l);
	n = l.n;
	{
		static const char *const want[] = {
			"domain *.d.example", "domain .c.example", "host a.example",
			"host b.example", "net 10.0.0.0/8", "port 443", "port 80-82",
			"type audio/*",
		};

		ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
		for (i = 0; i < n; i++)
			ck_assert_str_eq(l.item[i].line, want[i]);
	}
	listing_free(&l);
	allowlist_free(al);
	free(errs);
}
END_TEST

START_TEST(builtin_matches_guide)
{
	struct allowlist *al = listfile_builtin();
	char summary[256];

	ck_assert_ptr_nonnull(al);
	listing_summary(al, summary, sizeof summary);
	ck_assert_str_eq(summary, "15 hosts, 2 domains, 0 globs, 0 regexes, 15 nets, 4 ports, "
	    "14 types");
	ck_assert(allowlist_has_port(al, 80) && allowlist_has_port(al, 443) &&
	    allowlist_has_port(al, 1935) && allowlist_has_port(al, 5222));
	ck_assert(allowlist_has_type(al, "video/mp4", 9));
	ck_assert(allowlist_has_type(al, "audio/mpeg", 10));
	ck_assert(allowlist_has_type(al, "audio/mp4", 9));
	ck_assert(allowlist_has_type(al, "video/x-flv", 11));
	ck_assert(allowlist_has_type(al, "application/x-shockwave-flash", 29));
	ck_assert(!allowlist_has_type(al, "text/html", 9));
	allowlist_free(al);
}
END_TEST

START_TEST(missing_file)
{
	char *errs = NULL;
	size_t errlen, nerrors = 0;
	FILE *e = open_memstream(&errs, &errlen);

	ck_assert_ptr_null(listfile_load("/nonexistent/kpoint.conf", e, &nerrors));
	fclose(e);
	ck_assert_str_eq(errs, "/nonexistent/kpoint.conf: cannot open: No such file or "
	    "directory\n");
	ck_assert_uint_eq(nerrors, 1);
	free(errs);
	allowlist_free(NULL);
}
END_TEST

START_TEST(long_lines_and_empty_files)
{
	char *errs = NULL, *text;
	size_t nerrors = 0, i, n;
	struct allowlist *al;

	/* a 1 MiB line of host names loads; a file of nothing but comments does not */
	text = malloc(1100000);
	ck_assert_ptr_nonnull(text);
	strcpy(text, "host");
	for (i = 0, n = 4; n < 1048576; i++)
		n += (size_t)sprintf(text + n, " h%zu.example", i);
	strcpy(text + n, "\n");
	al = load_text(text, &errs, &nerrors);
	ck_assert_msg(al != NULL, "%s", errs);
	ck_assert_uint_eq(allowlist_count(al, ENTRY_HOST), i);
	allowlist_free(al);
	free(errs);
	free(text);
	errs = NULL;
	/* a file of nothing but comments says nothing about kPoint: refused as a whole */
	al = load_text("# nothing\n\n   \n", &errs, &nerrors);
	ck_assert_ptr_null(al);
	ck_assert_uint_eq(nerrors, 1);
	ck_assert_str_eq(errs, "t.conf: no host, domain, regex or net entry: nothing says what "
	    "kPoint is (an empty or cut-off file?)\n");
	free(errs);
}
END_TEST

START_TEST(missing_counts_changes)
{
	char *errs_a = NULL, *errs_b = NULL;
	struct allowlist *a = load_text("host a.example b.example\ndomain .c.example mp*.x\n"
	    "net 10.0.0.0/8\nport 80 443\ntype video/mp4\n", &errs_a, NULL);
	struct allowlist *b = load_text("host a.example\ndomain c.example mp*.x q*.x\n"
	    "net 10.0.0.0/8 ::1\nport 80\ntype video/mp4 audio/*\n", &errs_b, NULL);

	ck_assert(a != NULL && b != NULL);
	/* a has b.example, .c.example (flags differ), port 443 that b lacks */
	ck_assert_uint_eq(listing_missing(a, b), 3);
	/* b has c.example (exact only), q*.x, ::1/128, audio/ * that a lacks */
	ck_assert_uint_eq(listing_missing(b, a), 4);
	ck_assert_uint_eq(listing_missing(a, a), 0);
	allowlist_free(a);
	allowlist_free(b);
	free(errs_a);
	free(errs_b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("allowlist");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, bad_lines, 0, sizeof bad_cases / sizeof bad_cases[0]);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, directives);
	tcase_add_test(tc, dump_is_normalised);
	tcase_add_test(tc, builtin_matches_guide);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, long_lines_and_empty_files);
	tcase_add_test(tc, missing_counts_changes);
	suite_add_tcase(s, tc);
	return s;
}
