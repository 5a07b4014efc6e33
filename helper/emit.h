/*
 * emit: the list in force as configuration for other tools, so that one allowlist drives both
 * the proxy and the firewall: nftables, iptables-restore (IPv4) and ip6tables-restore (IPv6)
 * input, and Squid-native acl lines for proxies that cannot run the helper. Names are never
 * resolved: firewall output carries the networks and lists the names, as comments, for the
 * proxy.
 */
#ifndef KP_EMIT_H
#define KP_EMIT_H

#include <stdio.h>

#include "allowlist.h"

/* The format names emit_list accepts, for messages: "nft, iptables, ip6tables, squid". */
extern const char emit_formats[];

/*
 * Write al to out in format. Returns 0, or -1 with *errstr set to a static message for an
 * unknown format or a write error.
 */
int emit_list(const struct allowlist *al, const char *format, FILE *out, const char **errstr);

#endif
