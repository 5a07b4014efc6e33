/*
 * cdnranges: CloudFront's viewer-facing address ranges, read from the ip-ranges.json that AWS
 * publishes (https://ip-ranges.amazonaws.com/ip-ranges.json, fetched by the admin: nothing here
 * opens a connection). The viewer edges are the prefixes whose service is CLOUDFRONT and whose
 * region is GLOBAL (CLOUDFRONT_ORIGIN_FACING is where CloudFront fetches from origins, not
 * where viewers connect). It owns the reading (by jansson, never a parser of our own), whether
 * a new file may replace the one in force, and the ranges as nftables input that replaces the
 * firewall's set in one transaction.
 */
#ifndef KP_CDNRANGES_H
#define KP_CDNRANGES_H

#include <stdio.h>

#include "cidr.h"

struct cdn_ranges {
	struct cidr	*net;		/* IPv4 then IPv6, each sorted, none inside another */
	size_t		 n4, n6;
	long long	 sync_token;	/* the file's syncToken: seconds since 1970, when made */
	char		 created[32];	/* the file's createDate, as written */
};

/*
 * Read path ("-": stdin) into *r. Returns 0, or -1 with a message in err ("line 3: ...",
 * "no CLOUDFRONT GLOBAL prefixes", ...) and *r empty. A file that is not JSON, lacks
 * syncToken or the prefix arrays, or holds a prefix that is not a network, is refused whole.
 */
int cdn_ranges_read(const char *path, struct cdn_ranges *r, char *err, size_t errsize);
void cdn_ranges_free(struct cdn_ranges *r);

/*
 * May next replace prev (the ranges in force)? NULL when it may; otherwise why not, into err:
 * an older file (a smaller syncToken), or one that has lost more than half the prefixes (a
 * truncated or wrong file is likelier than CloudFront halving its edge).
 */
const char *cdn_ranges_refuse(const struct cdn_ranges *next, const struct cdn_ranges *prev,
    char *err, size_t errsize);

/*
 * The ranges as nftables input for "table inet filter": the sets kpoint_cdn_v4 and
 * kpoint_cdn_v6 declared, emptied and filled, all in one file that "nft -f" applies whole or
 * not at all. Returns 0, or -1 on a write error.
 */
int cdn_ranges_emit_nft(const struct cdn_ranges *r, const char *source, FILE *out);

/*
 * The same as "ipset restore" input for iptables: kpoint_cdn_v4 and kpoint_cdn_v6 created
 * where missing, and each replaced by a filled copy in one swap (ipset swap is atomic).
 * Returns 0, or -1 on a write error.
 */
int cdn_ranges_emit_ipset(const struct cdn_ranges *r, const char *source, FILE *out);

#endif
