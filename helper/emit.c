/* emit: firewall and Squid-native renderings of the allowlist (see emit.h). */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "listing.h"
#include "xalloc.h"

const char emit_formats[] = "nft, iptables, ip6tables, ipset, dnsmasq, dnsmasq-ipset, squid, "
    "sslbump";

/* At most this many port specs per iptables multiport rule (a range counts as two). */
#define MULTIPORT_MAX	15

/* The names and patterns, as comment lines: a firewall cannot match them, the proxy does. */
static void
names_as_comments(const struct allowlist *al, FILE *out)
{
	struct listing l;
	size_t i;

	listing_make(al, LISTING_ALL & ~(LISTING_KIND(ENTRY_NET) | LISTING_KIND(ENTRY_PORTS)), &l);
	fprintf(out, "# Names are not resolved here; the proxy (ext_kpoint_acl in Squid) matches\n"
	    "# them, and the LAN's dnsmasq admits their addresses as it hands them out\n"
	    "# (--emit dnsmasq). Networks inside a larger listed one are left out (tools reject\n"
	    "# overlaps). Entries of the list that this file does not hold:\n");
	for (i = 0; i < l.n; i++)
		fprintf(out, "#   %s\n", l.item[i].line);
	if (l.n == 0)
		fprintf(out, "#   (none)\n");
	listing_free(&l);
}

/* Is net inside a shorter network of the list? */
static bool
inside_larger(const struct allowlist *al, const struct cidr *net)
{
	struct allowlist_entry up = { .kind = ENTRY_NET, .net = *net };
	int len;

	for (len = net->len - 1; len >= 0; len--) {
		cidr_truncate(&up.net, (unsigned)len);
		if (allowlist_has(al, &up))
			return true;
	}
	return false;
}

/*
 * The networks of one family as text, sorted so output is stable. A network inside a larger
 * listed one is left out: nft rejects overlapping intervals, and Squid ignores the larger one.
 */
static char **
nets_of(const struct allowlist *al, int af, size_t *n)
{
	struct listing l;
	char **v;
	size_t i;

	listing_make(al, LISTING_KIND(ENTRY_NET), &l);
	v = xreallocarray(NULL, l.n + 1, sizeof *v);
	*n = 0;
	for (i = 0; i < l.n; i++)
		if (l.item[i].entry.net.af == af && !inside_larger(al, &l.item[i].entry.net))
			v[(*n)++] = xstrdup(l.item[i].value);
	listing_free(&l);
	return v;
}

/* The listed ports as runs, in numeric order; *n gets how many. The caller frees them. */
static struct port_range *
port_runs(const struct allowlist *al, size_t *n)
{
	struct port_range *r = xreallocarray(NULL, allowlist_count(al, ENTRY_PORTS) + 1, sizeof *r);
	struct allowlist_entry e;
	size_t cursor = 0;

	*n = 0;
	while (allowlist_next(al, ENTRY_PORTS, &cursor, &e))
		r[(*n)++] = e.ports;
	return r;
}

static void
free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A set declaration with its kind's flags, and, for a set of learned names, its timeout. */
static void
nft_declare(FILE *out, const char *name, const char *type, const char *flags)
{
	fprintf(out, "\tset %s {\n\t\ttype %s\n\t\tflags %s\n%s\t}\n", name, type, flags,
	    strstr(flags, "timeout") != NULL ? "\t\ttimeout " EMIT_LEARNED_TIMEOUT "\n" : "");
}

/* CloudFront's range sets, as --emit nft and --cloudfront both declare them. */
static void
nft_declare_cdn(FILE *out)
{
	nft_declare(out, "kpoint_cdn_v4", "ipv4_addr", "interval");
	nft_declare(out, "kpoint_cdn_v6", "ipv6_addr", "interval");
}

void
emit_nft_cdn_sets(FILE *out)
{
	fprintf(out, "table inet filter {\n");
	nft_declare_cdn(out);
	fprintf(out, "}\n");
}

void
emit_nft_fill(FILE *out, const char *name, char *const *elems, size_t n)
{
	size_t i;

	fprintf(out, "flush set inet filter %s\n", name);
	if (n == 0)
		return;
	fprintf(out, "add element inet filter %s {", name);
	for (i = 0; i < n; i++)
		fprintf(out, "%s%s%s", i == 0 ? " " : ",", i > 0 && i % 4 == 0 ? "\n\t" :
		    i == 0 ? "" : " ", elems[i]);
	fprintf(out, " }\n");
}

static void
emit_nft(const struct allowlist *al, FILE *out)
{
	size_t nr, n4, n6, i;
	struct port_range *r = port_runs(al, &nr);
	char **v4 = nets_of(al, 4, &n4), **v6 = nets_of(al, 6, &n6), **ports;

	fprintf(out, "#!/usr/sbin/nft -f\n"
	    "# ext_kpoint_acl --emit nft (list: %s)\n"
	    "# The firewall half of kPoint's guide: outbound TCP on the listed ports to\n"
	    "#   kpoint_v4, kpoint_v6          the listed networks (this file fills them)\n"
	    "#   kpoint_dns_v4, kpoint_dns_v6  the addresses the resolver handed out for the listed\n"
	    "#                                 names (dnsmasq fills them: --emit dnsmasq); each\n"
	    "#                                 expires " EMIT_LEARNED_TIMEOUT " after its last use\n"
	    "#   kpoint_cdn_v4, kpoint_cdn_v6  CloudFront's published ranges (--cloudfront fills\n"
	    "#                                 them; empty until it has)\n"
	    "# Applying this file again replaces the listed networks and ports and the chain, in\n"
	    "# one transaction, and never touches the learned or CloudFront sets. It adds to\n"
	    "# Debian's \"table inet filter\" (/etc/nftables.conf); allow kPoint from your forward\n"
	    "# (or output) chain, before its final drop, with:   jump kpoint_out\n#\n",
	    allowlist_source(al));
	names_as_comments(al, out);
	ports = xreallocarray(NULL, nr + 1, sizeof *ports);
	for (i = 0; i < nr; i++) {
		char buf[PORT_RANGE_TEXT_MAX];

		listing_port_text(&r[i], '-', buf);
		ports[i] = xstrdup(buf);
	}
	fprintf(out, "table inet filter {\n");
	nft_declare(out, "kpoint_v4", "ipv4_addr", "interval");
	nft_declare(out, "kpoint_v6", "ipv6_addr", "interval");
	nft_declare(out, "kpoint_ports", "inet_service", "interval");
	nft_declare(out, "kpoint_dns_v4", "ipv4_addr", "dynamic, timeout");
	nft_declare(out, "kpoint_dns_v6", "ipv6_addr", "dynamic, timeout");
	nft_declare_cdn(out);
	fprintf(out, "\tchain kpoint_out {\n\t}\n}\n");
	emit_nft_fill(out, "kpoint_v4", v4, n4);
	emit_nft_fill(out, "kpoint_v6", v6, n6);
	emit_nft_fill(out, "kpoint_ports", ports, nr);
	/* a learned address in use stays: each new connection restarts its timeout */
	fprintf(out, "flush chain inet filter kpoint_out\n"
	    "table inet filter {\n\tchain kpoint_out {\n"
	    "\t\tip daddr @kpoint_v4 tcp dport @kpoint_ports accept\n"
	    "\t\tip6 daddr @kpoint_v6 tcp dport @kpoint_ports accept\n"
	    "\t\tip daddr @kpoint_cdn_v4 tcp dport @kpoint_ports accept\n"
	    "\t\tip6 daddr @kpoint_cdn_v6 tcp dport @kpoint_ports accept\n"
	    "\t\tip daddr @kpoint_dns_v4 tcp dport @kpoint_ports update @kpoint_dns_v4 "
	    "{ ip daddr } accept\n"
	    "\t\tip6 daddr @kpoint_dns_v6 tcp dport @kpoint_ports update @kpoint_dns_v6 "
	    "{ ip6 daddr } accept\n"
	    "\t}\n}\n");
	free_strings(v4, n4);
	free_strings(v6, n6);
	free_strings(ports, nr);
	free(r);
}

/*
 * The KPOINT_OUT rules for one match ("-d 192.0.2.0/24", "-m set --match-set S dst"), on the
 * listed ports: iptables' multiport takes at most 15 ports, a range counting as two, so the
 * ports are split across rules where needed.
 */
static void
ipt_rules(FILE *out, const char *match, const char *target, const struct port_range *r,
    size_t nr)
{
	size_t j = 0;

	while (j < nr) {
		size_t used = 0;

		fprintf(out, "-A KPOINT_OUT %s -p tcp -m multiport --dports ", match);
		while (j < nr && used + (r[j].lo == r[j].hi ? 1 : 2) <= MULTIPORT_MAX) {
			char buf[PORT_RANGE_TEXT_MAX];

			listing_port_text(&r[j], ':', buf);
			fprintf(out, "%s%s", used > 0 ? "," : "", buf);
			used += r[j].lo == r[j].hi ? 1 : 2;
			j++;
		}
		fprintf(out, " -j %s\n", target);
	}
}

static void
emit_iptables(const struct allowlist *al, FILE *out, int af)
{
	size_t nr, n, i;
	struct port_range *r = port_runs(al, &nr);
	char **nets = nets_of(al, af, &n);
	const char *tool = af == 4 ? "iptables" : "ip6tables", *v = af == 4 ? "v4" : "v6";
	char match[64 + CIDR_TEXT_MAX], refresh[64];

	fprintf(out, "# ext_kpoint_acl --emit %s (list: %s)\n"
	    "# The firewall half of kPoint's guide for IPv%d: outbound TCP on the listed ports to the\n"
	    "# listed networks, to the addresses the LAN's dnsmasq handed out for the listed names\n"
	    "# (ipset kpoint_dns_%s: --emit dnsmasq-ipset; each connection restarts its timeout)\n"
	    "# and to CloudFront's ranges (ipset kpoint_cdn_%s: --cloudfront --format ipset).\n"
	    "# Create the ipsets first (ext_kpoint_acl --emit ipset | ipset restore), load this with\n"
	    "# \"%s-restore --noflush\", then allow kPoint from your FORWARD (or OUTPUT) chain,\n"
	    "# before its final drop:   -j KPOINT_OUT\n"
	    "# (IPv%d: ext_kpoint_acl --emit %s)\n#\n", tool, allowlist_source(al), af, v, v, tool,
	    af == 4 ? 6 : 4, af == 4 ? "ip6tables" : "iptables");
	names_as_comments(al, out);
	fprintf(out, "*filter\n:KPOINT_OUT - [0:0]\n-F KPOINT_OUT\n");
	for (i = 0; i < n; i++) {
		snprintf(match, sizeof match, "-d %s", nets[i]);
		ipt_rules(out, match, "ACCEPT", r, nr);
	}
	snprintf(match, sizeof match, "-m set --match-set kpoint_cdn_%s dst", v);
	ipt_rules(out, match, "ACCEPT", r, nr);
	/* a learned address in use stays: each new connection restarts its timeout */
	snprintf(match, sizeof match, "-m set --match-set kpoint_dns_%s dst", v);
	snprintf(refresh, sizeof refresh, "SET --add-set kpoint_dns_%s dst --exist", v);
	ipt_rules(out, match, refresh, r, nr);
	ipt_rules(out, match, "ACCEPT", r, nr);
	fprintf(out, "COMMIT\n");
	free_strings(nets, n);
	free(r);
}

/*
 * ipset restore input that creates the sets the iptables rules name, where they are missing,
 * and never empties one: the learned ones (kpoint_dns_*, timeout as --emit nft's) and
 * CloudFront's ranges (kpoint_cdn_*, filled by --cloudfront --format ipset).
 */
static void
emit_ipset(const struct allowlist *al, FILE *out)
{
	fprintf(out, "# ext_kpoint_acl --emit ipset (list: %s)\n"
	    "# The ipsets of --emit iptables and ip6tables, for \"ipset restore\": created where\n"
	    "# missing, never emptied. dnsmasq fills kpoint_dns_v4 and kpoint_dns_v6\n"
	    "# (--emit dnsmasq-ipset); an address leaves them " EMIT_LEARNED_TIMEOUT " after its last\n"
	    "# connection (or dnsmasq's last answer with it: a re-add restarts an ipset timeout).\n"
	    "create kpoint_dns_v4 hash:ip family inet timeout %d -exist\n"
	    "create kpoint_dns_v6 hash:ip family inet6 timeout %d -exist\n"
	    "create kpoint_cdn_v4 hash:net family inet -exist\n"
	    "create kpoint_cdn_v6 hash:net family inet6 -exist\n", allowlist_source(al),
	    EMIT_LEARNED_SECONDS, EMIT_LEARNED_SECONDS);
}

/* Is name under an entry that covers all its subdomains? (Squid warns about such overlaps.) */
static bool
covered_by_parent(const struct allowlist *al, const char *name)
{
	struct allowlist_entry up;
	const char *p = name;

	while ((p = strchr(p, '.')) != NULL) {
		up.text = ++p;
		up.len = strlen(p);
		up.kind = ENTRY_DOMAIN;
		if (allowlist_has(al, &up))
			return true;
		up.kind = ENTRY_SUBDOMAINS;
		if (allowlist_has(al, &up))
			return true;
	}
	return false;
}

/*
 * dnsmasq lines that put the addresses it hands out for each listed name into the learned sets
 * of --emit nft (nftset=, dnsmasq 2.87 and later built with it, as Debian's is) or of ipsets
 * for iptables (ipset=). dnsmasq matches a domain and every name under it, on label
 * boundaries: a host entry admits the names under it too, and "*.x" admits x itself (a '*' in
 * a dnsmasq domain is taken literally). One line per domain: a name already under a listed
 * domain is left out (dnsmasq fills one set list per domain). Globs and regexes cannot be
 * given to it: they are listed in a comment, for the proxy. Returns -1 with *errstr when no
 * entry can be given to dnsmasq, writing nothing.
 */
static int
emit_dnsmasq(const struct allowlist *al, FILE *out, bool ipset, const char **errstr)
{
	struct listing names, patterns;
	size_t i;

	listing_make(al, LISTING_KIND(ENTRY_HOST) | LISTING_KIND(ENTRY_DOMAIN) |
	    LISTING_KIND(ENTRY_SUBDOMAINS), &names);
	if (names.n == 0) {
		listing_free(&names);
		*errstr = "no name of the list can be given to dnsmasq (it matches whole domains: "
		    "globs and regexes cannot be); nothing written";
		return -1;
	}
	listing_make(al, LISTING_KIND(ENTRY_GLOB) | LISTING_KIND(ENTRY_REGEX), &patterns);
	fprintf(out, "# ext_kpoint_acl --emit %s (list: %s)\n"
	    "# For the LAN's dnsmasq (a file in /etc/dnsmasq.d/): each address it hands out for a\n"
	    "# listed name goes into the firewall's learned sets, kpoint_dns_v4 and kpoint_dns_v6\n"
	    "# (%s), before the answer is sent.\n"
	    "# dnsmasq matches a domain and every name under it: a host entry admits the names\n"
	    "# under it, and \"*.x\" admits x itself too.\n",
	    ipset ? "dnsmasq-ipset" : "dnsmasq", allowlist_source(al),
	    ipset ? "ipsets: ext_kpoint_acl(8) shows how to create them" :
	    "ext_kpoint_acl --emit nft declares them");
	if (patterns.n > 0) {
		fprintf(out, "# Not given to dnsmasq (it cannot match them; the proxy does):\n");
		for (i = 0; i < patterns.n; i++)
			fprintf(out, "#   %s\n", patterns.item[i].line);
	}
	listing_free(&patterns);
	for (i = 0; i < names.n; i++) {
		const struct allowlist_entry *e = &names.item[i].entry;

		if (covered_by_parent(al, e->text))
			continue;	/* dnsmasq's line for the domain above covers it */
		if (e->kind == ENTRY_HOST)
			fprintf(out, "# %s (and the names under it)\n", names.item[i].line);
		else if (e->kind == ENTRY_SUBDOMAINS)
			fprintf(out, "# %s (and %s itself)\n", names.item[i].line, e->text);
		if (ipset)
			fprintf(out, "ipset=/%s/kpoint_dns_v4,kpoint_dns_v6\n", e->text);
		else
			fprintf(out, "nftset=/%s/4#inet#filter#kpoint_dns_v4,6#inet#filter#kpoint_dns_v6\n",
			    e->text);
	}
	listing_free(&names);
	return 0;
}

/* Write s as a POSIX extended regex matching it literally; with glob, '*' is ".*". */
static void
put_escaped(FILE *out, const char *s, bool glob)
{
	for (; *s != '\0'; s++) {
		if (*s == '*' && glob)
			fputs(".*", out);
		else {
			if (strchr(".[]{}()\\*+?|^$", *s) != NULL)
				fputc('\\', out);
			fputc(*s, out);
		}
	}
}

/*
 * How one family of Squid acls spells the list's names and networks: the acl names and the
 * type (with options) of each. Names and .domains under a listed .domain are left out (Squid
 * 5.7 and 6.13 refuse such an acl when the narrower name comes first and warn otherwise;
 * Squid 7 warns); subdomains-only entries and patterns become regexes.
 */
struct squid_acls {
	const char	*dom;		/* "acl <dom> <dom_type> name" */
	const char	*dom_type;
	const char	*re;		/* "acl <re> <re_type> regex" */
	const char	*re_type;
	const char	*ip;		/* "acl <ip> <ip_type> net"; NULL: no networks */
	const char	*ip_type;
	bool		 always;	/* write every acl: an empty one gets a value that never
					   matches (.invalid, RFC 6761; the broadcast address) */
};

/* Which acls of a squid_acls family emit_names wrote. */
struct squid_written {
	bool	dom, re, ip;
};

static void
emit_names(const struct allowlist *al, const struct squid_acls *a, FILE *out,
    struct squid_written *w)
{
	size_t i, n4, n6;
	struct listing names, patterns;
	char **v4 = nets_of(al, 4, &n4), **v6 = nets_of(al, 6, &n6);

	memset(w, 0, sizeof *w);
	listing_make(al, LISTING_KIND(ENTRY_HOST) | LISTING_KIND(ENTRY_DOMAIN), &names);
	for (i = 0; i < names.n; i++) {
		const struct allowlist_entry *e = &names.item[i].entry;

		if (covered_by_parent(al, e->text))
			continue;	/* a host or .domain already under a .domain entry */
		fprintf(out, "acl %s %s %s\n", a->dom, a->dom_type, names.item[i].value);
		w->dom = true;
	}
	listing_free(&names);
	/* subdomains only, globs and regexes: as regexes */
	listing_make(al, LISTING_KIND(ENTRY_SUBDOMAINS) | LISTING_KIND(ENTRY_GLOB) |
	    LISTING_KIND(ENTRY_REGEX), &patterns);
	for (i = 0; i < patterns.n; i++) {
		const struct allowlist_entry *e = &patterns.item[i].entry;

		fprintf(out, "acl %s %s ", a->re, a->re_type);
		if (e->kind == ENTRY_SUBDOMAINS) {
			fputs("\\.", out);
			put_escaped(out, e->text, false);
			fputc('$', out);
		} else if (e->kind == ENTRY_GLOB) {
			fputc('^', out);
			put_escaped(out, e->text, true);
			fputc('$', out);
		} else
			fputs(e->text, out);
		fputc('\n', out);
		w->re = true;
	}
	listing_free(&patterns);
	if (a->ip != NULL) {
		for (i = 0; i < n4; i++)
			fprintf(out, "acl %s %s %s\n", a->ip, a->ip_type, v4[i]);
		for (i = 0; i < n6; i++)
			fprintf(out, "acl %s %s %s\n", a->ip, a->ip_type, v6[i]);
		w->ip = n4 + n6 > 0;
	}
	if (a->always) {
		if (!w->dom)
			fprintf(out, "acl %s %s .invalid\n", a->dom, a->dom_type);
		if (!w->re)
			fprintf(out, "acl %s %s \\.invalid$\n", a->re, a->re_type);
		if (a->ip != NULL && !w->ip)
			fprintf(out, "acl %s %s 255.255.255.255/32\n", a->ip, a->ip_type);
	}
	free_strings(v4, n4);
	free_strings(v6, n6);
}

static void
emit_squid(const struct allowlist *al, FILE *out)
{
	static const struct squid_acls acls = {
		"kpoint_dst", "dstdomain", "kpoint_dst_re", "dstdom_regex -i",
		"kpoint_ip", "dst", false
	};
	struct squid_written w;
	struct listing types;
	size_t i, nr;
	struct port_range *r = port_runs(al, &nr);

	fprintf(out, "# ext_kpoint_acl --emit squid (list: %s)\n"
	    "# Squid-native acls for the same list, for proxies that cannot run the helper.\n"
	    "# Differences: dst resolves names through DNS (the helper only uses the address\n"
	    "# Squid connected to), and Squid's regexes are POSIX, not PCRE2.\n", allowlist_source(al));
	emit_names(al, &acls, out, &w);
	for (i = 0; i < nr; i++) {
		char buf[PORT_RANGE_TEXT_MAX];

		listing_port_text(&r[i], '-', buf);
		fprintf(out, "acl kpoint_ports port %s\n", buf);
	}
	listing_make(al, LISTING_KIND(ENTRY_TYPE) | LISTING_KIND(ENTRY_TYPE_ANY), &types);
	for (i = 0; i < types.n; i++) {
		/* "video/mp4" with or without parameters; "video/" begins every video type */
		fprintf(out, "acl kpoint_media rep_mime_type -i ^");
		put_escaped(out, types.item[i].entry.text, false);
		fprintf(out, "%s\n", types.item[i].entry.kind == ENTRY_TYPE_ANY ? "" : "($|;| )");
	}
	listing_free(&types);
	fprintf(out, "acl kpoint any-of");
	if (w.dom)
		fprintf(out, " kpoint_dst");
	if (w.re)
		fprintf(out, " kpoint_dst_re");
	if (w.ip)
		fprintf(out, " kpoint_ip");
	fprintf(out, "\n# Use (doc/operator-tools.md):\n"
	    "#   http_access allow localnet kpoint kpoint_ports\n"
	    "#   http_access deny kpoint !kpoint_ports\n"
	    "#   adaptation_access scanner_req deny kpoint\n"
	    "#   adaptation_access scanner_resp deny kpoint kpoint_media\n");
	free(r);
}

/*
 * The acls conf-snippets/squid-kpoint-sslbump.conf decides with: the CONNECT target (or, when
 * intercepted, the original destination address) and the TLS client's SNI. All are fast and
 * native: inside ssl_bump any helper failure means splice (Squid 5.7), so no helper is asked
 * there. -n everywhere: no DNS lookup, so a name is judged as the client wrote it and an
 * address only by the networks listed. Every acl is written even when its part of the list is
 * empty, with a value that never matches (.invalid, RFC 6761; the broadcast address), so the
 * snippet always parses.
 */
static void
emit_sslbump(const struct allowlist *al, FILE *out)
{
	static const struct squid_acls target = {
		"kpoint_tls_dst", "dstdomain -n", "kpoint_tls_dst_re", "dstdom_regex -n -i",
		"kpoint_tls_ip", "dst -n", true
	};
	static const struct squid_acls sni = {
		"kpoint_tls_sni", "ssl::server_name --client-requested",
		"kpoint_tls_sni_re", "ssl::server_name_regex --client-requested -i", NULL, NULL,
		true
	};
	struct squid_written w;

	fprintf(out, "# ext_kpoint_acl --emit sslbump (list: %s)\n"
	    "# The acls of squid-kpoint-sslbump.conf, from the same list as the helper. Squid reads\n"
	    "# them at start and on \"squid -k reconfigure\": regenerate this file and reconfigure\n"
	    "# after every change of the list. .invalid (RFC 6761) and 255.255.255.255 stand in\n"
	    "# for an empty part of the list and never match.\n"
	    "# The CONNECT target (explicit proxy) or original destination (intercepted):\n",
	    allowlist_source(al));
	emit_names(al, &target, out, &w);
	fprintf(out, "# The server name the TLS client asked for (SNI):\n");
	emit_names(al, &sni, out, &w);
	fprintf(out, "acl kpoint_tls_target any-of kpoint_tls_dst kpoint_tls_dst_re kpoint_tls_ip\n"
	    "acl kpoint_tls_server any-of kpoint_tls_sni kpoint_tls_sni_re\n");
}

int
emit_list(const struct allowlist *al, const char *format, FILE *out, const char **errstr)
{
	/* Every list names kPoint (listfile refuses one that does not): no empty output. */
	if (strcmp(format, "nft") == 0)
		emit_nft(al, out);
	else if (strcmp(format, "iptables") == 0)
		emit_iptables(al, out, 4);
	else if (strcmp(format, "ip6tables") == 0)
		emit_iptables(al, out, 6);
	else if (strcmp(format, "ipset") == 0)
		emit_ipset(al, out);
	else if (strcmp(format, "dnsmasq") == 0 || strcmp(format, "dnsmasq-ipset") == 0) {
		if (emit_dnsmasq(al, out, strcmp(format, "dnsmasq-ipset") == 0, errstr) == -1)
			return -1;
	} else if (strcmp(format, "squid") == 0)
		emit_squid(al, out);
	else if (strcmp(format, "sslbump") == 0)
		emit_sslbump(al, out);
	else {
		*errstr = "unknown format";
		return -1;
	}
	if (fflush(out) != 0 || ferror(out)) {
		*errstr = "write error";
		return -1;
	}
	return 0;
}
