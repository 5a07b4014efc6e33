#!/bin/bash
# emit.sh: --emit output is loaded into the real tools' syntax checks: nft -c -f,
# iptables-restore --test and ip6tables-restore --test (in a network namespace of their own,
# after ipset restore of --emit ipset: the rules name the ipsets), dnsmasq --test, squid -k parse. For the built-in list and
# for tests/data/emit.conf (IPv6, ranges, more ports than one multiport rule holds). --emit
# sslbump is parsed with conf-snippets/squid-kpoint-sslbump.conf, which uses its acls, also for
# a list with no net and no pattern (every acl must still be defined). A broken copy of each
# output must be rejected, so a check that accepts anything would show.
. "$TOP_SRCDIR/tests/lib/lib.sh"
trap cleanup_tmp EXIT

for tool in nft iptables-restore ip6tables-restore ipset ip dnsmasq "$SQUID"; do
	command -v "$tool" > /dev/null || fail "$tool is not installed (tests/setup.sh installs it)"
done

# ipt_test TOOL FILE: TOOL-restore --test on FILE, in a namespace of its own where the ipsets
# of --emit ipset exist (the rules name them); deleted after
ipt_test() {
	local ns=kpoint-emit-$$-$RANDOM rc
	ip netns add "$ns" || return 9
	"$HELPER" --emit ipset | ip netns exec "$ns" ipset restore &&
	    ip netns exec "$ns" "$1-restore" --test --noflush "$2"
	rc=$?
	ip netns del "$ns"
	return "$rc"
}

squid_parse() {	# FILE: a minimal squid.conf using the emitted acls, parsed by Squid
	cat > "$TMP/squid.conf" <<-CONF
	http_port 127.0.0.1:3128
	pid_filename none
	cache_log $TMP/cache.log
	include $1
	acl localnet src 127.0.0.0/8
	http_access allow localnet kpoint kpoint_ports
	http_access deny kpoint !kpoint_ports
	http_reply_access allow kpoint kpoint_media
	http_access deny all
	CONF
	"$SQUID" -k parse -f "$TMP/squid.conf" > "$TMP/parse.out" 2>&1 &&
	    ! grep -qE 'ERROR|FATAL|WARNING|is a subdomain' "$TMP/parse.out"
}

# sslbump_parse FILE: squid-kpoint-sslbump.conf with FILE as its acls, parsed by Squid.
sslbump_parse() {
	sed "s|/etc/squid/kpoint-sslbump-acls.conf|$1|" \
	    "$TOP_SRCDIR/conf-snippets/squid-kpoint-sslbump.conf" > "$TMP/sslbump-snippet.conf"
	cat > "$TMP/squid-tls.conf" <<-CONF
	http_port 127.0.0.1:3128 ssl-bump tls-cert=$TMP/bump.pem generate-host-certificates=off
	pid_filename none
	cache_log $TMP/cache.log
	include $TMP/sslbump-snippet.conf
	ssl_bump bump all
	http_access deny all
	CONF
	"$SQUID" -k parse -f "$TMP/squid-tls.conf" > "$TMP/parse-tls.out" 2>&1 &&
	    ! grep -qE 'ERROR|FATAL|WARNING|is a subdomain' "$TMP/parse-tls.out"
}
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=emit-test -keyout "$TMP/bump.pem" \
    -out "$TMP/bump.crt" -addext basicConstraints=critical,CA:TRUE > /dev/null 2>&1
cat "$TMP/bump.crt" >> "$TMP/bump.pem"
printf 'host only.example\n' > "$TMP/names-only.conf"
# Names that overlap: Squid 5.7 and 6.13 refuse one dstdomain or ssl::server_name acl that
# holds both a domain and a name under it; Squid 7 only warns. --emit never writes one.
printf '%s\n' 'domain .kpoint.com' 'host mp001se.kpoint.com mp0016se.sub.kpoint.com' \
    'domain .sub.kpoint.com mp*se.kpoint.com *.cdn.kpoint.com' 'net 175.41.142.49/32' \
    'port 443' 'type video/mp4' > "$TMP/overlap.conf"

for list in "$TMP/names-only.conf" "$TMP/overlap.conf" built-in "$DATA/emit.conf"; do
	args=()
	[ "$list" != built-in ] && args=(-c "$list")
	name=${list##*/}
	for fmt in nft iptables ip6tables dnsmasq dnsmasq-ipset squid sslbump; do
		"$HELPER" --emit "$fmt" "${args[@]}" > "$TMP/out.$fmt" 2> "$TMP/err.$fmt"
		check "$name --emit $fmt: exit status" "$?" 0
	done
	for fmt in dnsmasq dnsmasq-ipset; do
		dnsmasq --test --conf-file="$TMP/out.$fmt" > "$TMP/dnsmasq.err" 2>&1
		check "$name --emit $fmt: dnsmasq --test accepts it" "$?" 0
	done
	sslbump_parse "$TMP/out.sslbump"
	check "$name: the SslBump snippet with --emit sslbump parses, no warnings" "$?" 0
	[ "$?" = 0 ] || cat "$TMP/parse-tls.out"
	[ "$name" = names-only.conf ] && continue	# no nets: the firewall formats say so
	if [ "$name" = overlap.conf ]; then
		squid_parse "$TMP/out.squid"
		check "overlap.conf: squid -k parse accepts --emit squid, no warnings" "$?" 0
		check "overlap.conf: only the widest names are written" \
		    "$(grep -h 'dstdomain' "$TMP/out.squid" "$TMP/out.sslbump" | awk '{ print $NF }' | sort -u | paste -sd' ')" \
		    ".kpoint.com"
		continue
	fi
	nft -c -f "$TMP/out.nft" > "$TMP/nft.err" 2>&1
	check "$name: nft -c accepts it" "$?" 0
	ipt_test iptables "$TMP/out.iptables" > "$TMP/ipt.err" 2>&1
	check "$name: iptables-restore --test accepts it" "$?" 0
	ipt_test ip6tables "$TMP/out.ip6tables" > "$TMP/ip6t.err" 2>&1
	check "$name: ip6tables-restore --test accepts it" "$?" 0
	squid_parse "$TMP/out.squid"
	check "$name: squid -k parse accepts it, no warnings" "$?" 0
	[ "$?" = 0 ] || cat "$TMP/parse.out"
	for fmt in nft iptables; do
		check "$name --emit $fmt: names listed for the proxy, not resolved" \
		    "$(grep -c '^# Names are not resolved here' "$TMP/out.$fmt")" 1
	done
done

# emit.conf specifics: every network and port made it, in the right family.
check "nft: IPv6 networks in the v6 set" \
    "$(grep -A1 '^add element inet filter kpoint_v6 ' "$TMP/out.nft" | grep -c '2001:db8::/32')" 1
check "iptables: 2 IPv4 networks x 2 rules (ports split at 15)" \
    "$(grep -c '^-A KPOINT_OUT -d ' "$TMP/out.iptables")" 4
check "ip6tables: 1 IPv6 network (the other lies inside it) x 2 rules" \
    "$(grep -c '^-A KPOINT_OUT -d ' "$TMP/out.ip6tables")" 2
check "iptables: the CloudFront and learned sets, each on every port (2 rules), learned twice" \
    "$(grep -cE '^-A KPOINT_OUT -m set --match-set kpoint_(cdn|dns)_v4 dst ' "$TMP/out.iptables")" 6
check "iptables: the range" "$(grep '^-A KPOINT_OUT -d ' "$TMP/out.iptables" | grep -c '8000:8010')" 2
check "squid: subdomains-only entry as a regex" \
    "$(grep -c 'dstdom_regex -i \\.star\\.example\$' "$TMP/out.squid")" 1
check "squid: glob as an anchored regex" \
    "$(grep -c 'dstdom_regex -i ^mp\.\*se\\.glob\\.example\$' "$TMP/out.squid")" 1
check "squid: type regexes anchored after the type (no video/mp4x)" \
    "$("$HELPER" --emit squid | grep -c '^acl kpoint_media rep_mime_type -i ^video/mp4(\$|;| )$')" 1
check "squid: regex specials in types escaped" \
    "$(grep -c 'rep_mime_type -i ^image/svg\\+xml' "$TMP/out.squid")" 1

# sslbump specifics: the target and the SNI are both judged, without DNS, and an empty part of
# the list never matches.
"$HELPER" --emit sslbump -c "$DATA/emit.conf" > "$TMP/out.sslbump"
check "sslbump: target names without DNS" \
    "$(grep -c '^acl kpoint_tls_dst dstdomain -n ' "$TMP/out.sslbump")" \
    "$(grep -c '^acl kpoint_dst dstdomain ' "$TMP/out.squid")"
check "sslbump: SNI names, the same ones" \
    "$(grep -c '^acl kpoint_tls_sni ssl::server_name --client-requested ' "$TMP/out.sslbump")" \
    "$(grep -c '^acl kpoint_dst dstdomain ' "$TMP/out.squid")"
check "sslbump: addresses without DNS" "$(grep -c '^acl kpoint_tls_ip dst -n ' "$TMP/out.sslbump")" \
    "$(grep -c '^acl kpoint_ip dst ' "$TMP/out.squid")"
"$HELPER" --emit sslbump -c "$TMP/names-only.conf" > "$TMP/names-only.sslbump"
check "sslbump: no nets in the list, an address that never matches" \
    "$(grep '^acl kpoint_tls_ip ' "$TMP/names-only.sslbump")" "acl kpoint_tls_ip dst -n 255.255.255.255/32"
check "sslbump: no patterns in the list, a regex that never matches" \
    "$(grep '^acl kpoint_tls_sni_re ' "$TMP/names-only.sslbump")" \
    'acl kpoint_tls_sni_re ssl::server_name_regex --client-requested -i \.invalid$'
sed 's|dstdomain -n|dstdomain -q|' "$TMP/out.sslbump" > "$TMP/bad.sslbump"
sslbump_parse "$TMP/bad.sslbump"
check "squid -k parse rejects a broken sslbump copy" "$?" 1

# Overlapping names: the parse check sees them (each Squid refuses or warns).
printf 'acl kpoint_dst dstdomain .kpoint.com mp001se.kpoint.com\nacl kpoint_ip dst 10.9.9.9\nacl kpoint any-of kpoint_dst kpoint_ip\nacl kpoint_ports port 443\nacl kpoint_media rep_mime_type video/mp4\n' \
    > "$TMP/overlap.squid"
squid_parse "$TMP/overlap.squid"
check "squid -k parse flags an acl with overlapping names" "$?" 1

# The checks can fail: a broken copy of each output is rejected.
sed 's|/32|/33|' "$TMP/out.nft" > "$TMP/bad.nft"
nft -c -f "$TMP/bad.nft" > /dev/null 2>&1
check "nft -c rejects a broken copy" "$?" 1
sed 's|/24|/33|' "$TMP/out.iptables" > "$TMP/bad.iptables"
ipt_test iptables "$TMP/bad.iptables" > /dev/null 2>&1
check "iptables-restore rejects a broken copy" "$?" 2
sed 's|acl kpoint_ports port 80|acl kpoint_ports port eighty|' "$TMP/out.squid" > "$TMP/bad.squid"
squid_parse "$TMP/bad.squid"
check "squid -k parse rejects a broken copy" "$?" 1

"$HELPER" --emit bogus > /dev/null 2> "$TMP/bogus.err"
check "unknown format: exit status 2" "$?" 2
check "unknown format: message" "$(cat "$TMP/bogus.err")" \
    "ext_kpoint_acl: ERROR: --emit bogus: unknown format (formats: nft, iptables, ip6tables, ipset, dnsmasq, dnsmasq-ipset, squid, sslbump)"
finish
