/*
 * emit: the list in force as configuration for other tools, so that one allowlist drives both
 * the proxy and the firewall: nftables, iptables-restore (IPv4) and ip6tables-restore (IPv6)
 * input, dnsmasq lines that admit the listed names at the firewall as the LAN's resolver hands
 * out their addresses, and Squid-native acl lines for proxies that cannot run the helper.
 * Names are never resolved here.
 */
#ifndef KP_EMIT_H
#define KP_EMIT_H

#include <stdio.h>

#include "allowlist.h"

/*
 * How long an address that dnsmasq put into the firewall's learned sets stays there after its
 * last use (each new connection to it restarts the clock; dnsmasq's re-adding it does not).
 * doc/firewall.md says why a day, and what it costs.
 */
#define EMIT_LEARNED_TIMEOUT	"1d"
#define EMIT_LEARNED_SECONDS	86400

/* The format names emit_list accepts, for messages: "nft, iptables, ip6tables, squid". */
extern const char emit_formats[];

/*
 * Write al to out in format. Returns 0, or -1 with *errstr set to a static message for an
 * unknown format, a list with nothing the format can say (dnsmasq: no names), or a write
 * error.
 */
int emit_list(const struct allowlist *al, const char *format, FILE *out, const char **errstr);

/*
 * The pieces of nftables input that --cloudfront shares with --emit nft: CloudFront's two
 * range sets, kpoint_cdn_v4 and kpoint_cdn_v6, declared in "table inet filter" as --emit nft
 * declares them; and "flush set" then "add element" of the n elements (nothing added when n
 * is 0), so that one "nft -f" replaces a set whole.
 */
void emit_nft_cdn_sets(FILE *out);
void emit_nft_fill(FILE *out, const char *set, char *const *elems, size_t n);

#endif
