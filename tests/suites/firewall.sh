#!/bin/bash
# firewall.sh: the firewall half by name, with a real dnsmasq and real nftables, in a private
# network namespace that this test creates and deletes. In it, on loopback and a unique-local
# IPv6 prefix only: an upstream dnsmasq with the lab's names (host-record, cname), the LAN's
# dnsmasq with the lines of --emit dnsmasq, the ruleset of --emit nft on the output hook
# (loopback never crosses forward) in front of a final reject, and listeners on the lab's
# addresses on 80, 443, 1935, 5222 and 8080. Clients resolve through glibc (the namespace's
# resolv.conf names the LAN's dnsmasq) and connect with curl. Shown:
#  - the built-in list's /32s are in the listed set; a listed name resolves and connects at
#    once on each listed port (IPv4 and IPv6); an unlisted port is refused; an address never
#    resolved is refused; kPoint's name CNAMEd to a cloudfront.net name is admitted;
#    xcloudfront.net and another site are not
#  - the learned-address policy (a timeout after the last use, here 3 s instead of a day):
#    use keeps an address; an idle one expires, and an answer dnsmasq then serves from its cache
#    is refused until the cache expires and the name is asked upstream again (the failure mode
#    doc/firewall.md describes)
#  - --cloudfront: a ranges file (AWS's format, lab prefixes and a few real ones) admits a
#    CloudFront edge address without DNS, not an origin-facing one; a truncated file, one with
#    no CLOUDFRONT prefixes, an older one and a drastically smaller one change nothing
#  - applying --emit nft again keeps the learned and CloudFront sets
#  - the same for iptables users: --emit ipset, iptables, ip6tables, dnsmasq-ipset and
#    --cloudfront --format ipset
#  - bad input: a list that dnsmasq cannot take
. "$TOP_SRCDIR/tests/lib/lib.sh"

if [ "${1:-}" != inside ]; then
	for tool in ip nft dnsmasq curl getent ipset iptables ip6tables; do
		command -v "$tool" > /dev/null ||
		    { echo "SKIP: no $tool (tests/setup.sh installs it)"; exit 77; }
	done
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (a network namespace)"; exit 77; }
	NS=kpoint-fw-$$-$RANDOM
	ip netns add "$NS" || { echo "SKIP: cannot create a network namespace"; exit 77; }
	# ip netns exec mounts this over /etc/resolv.conf inside: the LAN's dnsmasq
	mkdir -p "/etc/netns/$NS"
	echo "nameserver 127.0.0.1" > "/etc/netns/$NS/resolv.conf"
	trap 'ip netns del "$NS" 2>/dev/null; rm -rf "/etc/netns/$NS"; cleanup_tmp' EXIT
	ip -n "$NS" link set lo up
	ip netns exec "$NS" bash "$0" inside
	rc=$?
	ip netns del "$NS"
	rm -rf "/etc/netns/$NS"
	ip netns list | grep -q "^$NS\b"
	check "the namespace is gone" "$?" 1
	[ "$rc" = 0 ] && [ "$T_FAILED" = 0 ]
	exit $?
fi

# ---- inside the namespace -----------------------------------------------------------------
PIDS=()
# (the sync part's dnsmasq runs as a daemon, its pid in $TMP/front.pid)
trap 'kill "${PIDS[@]}" $(cat "$TMP/front.pid" 2>/dev/null) 2>/dev/null; wait 2>/dev/null
cleanup_tmp' EXIT
N=127.66.0 V6=fd6b:7031:: CDN=127.66.9.7 ORIGIN_FACING=127.66.8.7
ip -6 addr add "${V6}2/128" dev lo nodad && ip -6 addr add "${V6}5/128" dev lo nodad &&
    ip -6 addr add "fd6b:7031:9::7/128" dev lo nodad
check "the lab's IPv6 addresses" "$?" 0

listeners=()
for a in "$N.2" "$N.3" "$N.4" "$N.5" "$N.6" "$N.7" "$N.8" "$N.9" "$CDN" "$ORIGIN_FACING" \
    "[${V6}2]" "[${V6}5]" "[fd6b:7031:9::7]"; do
	for p in 80 443 1935 5222 8080; do listeners+=("$a:$p"); done
done
python3 "$TOP_SRCDIR/tests/lib/net/listen.py" 300 "${listeners[@]}" > "$TMP/listen.out" 2>&1 &
PIDS+=($!)
wait_for 10 grep -q ready "$TMP/listen.out"
check "the listeners are up" "$?" 0

# The upstream resolver: the lab's names. t1.kpoint.com's answers live 12 s in caches.
dnsmasq --keep-in-foreground --no-resolv --no-hosts --port 5353 --listen-address 127.0.0.1 \
    --bind-interfaces --pid-file="$TMP/up.pid" --local-ttl=60 \
    --host-record="mp001se.kpoint.com,$N.2,${V6}2" --host-record="portal.kpoint.com,$N.2" \
    --host-record="d9.cloudfront.net,$N.3" --host-record="xcloudfront.net,$N.4" \
    --host-record="www.other.example,$N.5,${V6}5" --host-record="d7.cloudfront.net,$N.6" \
    --cname=media.kpoint.com,d7.cloudfront.net --host-record="d8.cloudfront.net,$N.7" \
    --cname=video.other.example,d8.cloudfront.net --host-record="t1.kpoint.com,$N.8,12" \
    --host-record="v.newcdn.example,$N.9" \
    > "$TMP/up.out" 2>&1 &
PIDS+=($!)

# The firewall: kPoint's chain from --emit nft (the built-in list), then the site's own rule
# for the lab's addresses: everything kPoint's chain does not accept is refused.
"$HELPER" --emit nft > "$TMP/kpoint.nft"
check "--emit nft" "$?" 0
# The learned addresses' timeout, a day as shipped, is 3 s here, to watch it.
sed 's/timeout 1d$/timeout 3s/' "$TMP/kpoint.nft" > "$TMP/kpoint-3s.nft"
check "the shipped learned timeout is a day" "$(grep -c 'timeout 1d$' "$TMP/kpoint.nft")" 2
cat > "$TMP/site.nft" <<NFT
table inet filter {
	chain output {
		type filter hook output priority 0; policy accept;
		ct state established,related accept
		ip daddr 127.66.0.0/16 meta l4proto tcp jump kpoint_out
		ip6 daddr fd6b:7031::/32 meta l4proto tcp jump kpoint_out
		ip daddr 127.66.0.0/16 meta l4proto tcp reject with tcp reset
		ip6 daddr fd6b:7031::/32 meta l4proto tcp reject with tcp reset
	}
}
NFT
nft -f "$TMP/kpoint-3s.nft" && nft -f "$TMP/site.nft"
check "the ruleset loads into the kernel" "$?" 0
check "the built-in list's /32s are in the listed set" \
    "$(nft list set inet filter kpoint_v4 | grep -oE '175\.41\.142\.49|54\.251\.253\.195' | sort -u |
    tr '\n' ' ')" "175.41.142.49 54.251.253.195 "

# The LAN's resolver with the lines of --emit dnsmasq.
"$HELPER" --emit dnsmasq > "$TMP/kpoint-dnsmasq.conf"
check "--emit dnsmasq" "$?" 0
dnsmasq --test --conf-file="$TMP/kpoint-dnsmasq.conf" > "$TMP/test.out" 2>&1
check "dnsmasq --test takes the lines" "$?" 0
# front CONF: the LAN's dnsmasq with those lines (FRONT is its pid)
front() {
	dnsmasq --keep-in-foreground --no-resolv --no-hosts --port 53 --listen-address 127.0.0.1 \
	    --bind-interfaces --server=127.0.0.1#5353 --conf-file="$1" > "$TMP/front.out" 2>&1 &
	FRONT=$!
	PIDS+=("$FRONT")
	wait_for 10 getent hosts www.other.example > /dev/null
}
front "$TMP/kpoint-dnsmasq.conf"
check "the LAN's resolver answers" "$?" 0

# get URL [curl options]: the HTTP status, or 000 when the connection was refused
get() { curl -s -o /dev/null -m 3 -w '%{http_code}' "$@"; }

check "an address never resolved: refused" "$(get "http://$N.2:443/")" 000
for p in 80 443 1935 5222; do
	check "mp001se.kpoint.com resolves and connects at once on $p" \
	    "$(get "http://mp001se.kpoint.com:$p/")" 200
done
check "mp001se.kpoint.com on an unlisted port (8080): refused" \
    "$(get "http://mp001se.kpoint.com:8080/")" 000
check "mp001se.kpoint.com over IPv6 (its AAAA learned)" "$(get -6 "http://mp001se.kpoint.com:443/")" 200
check "d9.cloudfront.net: admitted" "$(get "http://d9.cloudfront.net:443/")" 200
check "media.kpoint.com, a CNAME to d7.cloudfront.net: admitted" \
    "$(get "http://media.kpoint.com:443/")" 200
check "xcloudfront.net: refused (dnsmasq matches whole labels)" \
    "$(get "http://xcloudfront.net:443/")" 000
check "another site: refused, IPv4 and IPv6" \
    "$(get "http://www.other.example:443/") $(get -6 "http://www.other.example:443/")" "000 000"
# A name outside the list whose CNAME is a cloudfront.net name: dnsmasq fills the sets of
# the name asked, so it is not admitted by name (only by CloudFront's ranges, below).
check "video.other.example, a CNAME to d8.cloudfront.net: not admitted by name" \
    "$(get "http://video.other.example:443/")" 000

# ---- the learned addresses' timeout ---------------------------------------------------------
t0=$(date +%s)
check "t1.kpoint.com: admitted" "$(get "http://t1.kpoint.com:443/")" 200
ok=0
for _ in 1 2 3 4 5; do	# the scenario is time passing in use: 5 s, each connection restarting the 3 s
	sleep 1
	[ "$(get "http://$N.8:1935/")" = 200 ] && ok=$((ok + 1))
done
check "an address in use outlives the timeout (5 connections over 5 s)" "$ok" 5
wait_for 6 sh -c "! nft list set inet filter kpoint_dns_v4 | grep -q '$N\\.8 '"
check "idle for 3 s, it expires" "$?" 0
# dnsmasq answers from its cache (12 s from t0) and does not add the address again
if [ $(( $(date +%s) - t0 )) -lt 11 ]; then
	check "an answer from dnsmasq's cache after the expiry: refused (the failure mode)" \
	    "$(get "http://t1.kpoint.com:443/")" 000
else
	echo "  (too late to see the cached answer refused: $(( $(date +%s) - t0 )) s after t0)"
fi
wait_for 12 sh -c "[ \"\$(curl -s -o /dev/null -m 2 -w '%{http_code}' http://t1.kpoint.com:443/)\" = 200 ]"
check "once the cache expires, the name is asked upstream and admitted again" "$?" 0
check "... within the answer's TTL of t0" "$(( $(date +%s) - t0 <= 14 ))" 1

# ---- CloudFront's ranges --------------------------------------------------------------------
# ranges FILE TOKEN V4-PREFIXES... : an ip-ranges.json in AWS's format, CLOUDFRONT GLOBAL for
# the given prefixes, plus an origin-facing one, EC2 and S3 entries, and IPv6 edges
ranges() {
	python3 - "$@" <<-'PY'
	import json, sys
	out, token, v4 = sys.argv[1], sys.argv[2], sys.argv[3:]
	p = lambda net, svc, region="GLOBAL": {"ip_prefix": net, "region": region, "service": svc,
	                                        "network_border_group": region}
	doc = {"syncToken": token, "createDate": "2026-12-06-00-00-00",
	       "prefixes": [p(n, "AMAZON") for n in v4] + [p(n, "CLOUDFRONT") for n in v4] +
	       [p("127.66.8.0/24", "CLOUDFRONT_ORIGIN_FACING"), p("127.66.7.0/24", "EC2", "us-east-1"),
	        p("127.66.7.0/25", "S3", "us-east-1")],
	       "ipv6_prefixes": [{"ipv6_prefix": "fd6b:7031:9::/48", "region": "GLOBAL",
	                          "service": "CLOUDFRONT", "network_border_group": "GLOBAL"},
	                         {"ipv6_prefix": "2600:9000::/28", "region": "GLOBAL",
	                          "service": "CLOUDFRONT", "network_border_group": "GLOBAL"}]}
	json.dump(doc, open(out, "w"), indent=2)
	PY
}
# the lab's edge, and three of CloudFront's real prefixes (set contents only: never contacted)
ranges "$TMP/r1.json" 1765000000 127.66.9.0/24 13.32.0.0/15 205.251.249.0/24 120.52.22.96/27 \
    52.84.0.0/15 54.182.0.0/16 127.66.9.0/25
check "before the ranges: a CloudFront edge address without DNS is refused" \
    "$(get "http://$CDN:443/")" 000
"$HELPER" --cloudfront "$TMP/r1.json" > "$TMP/cdn1.nft" 2> "$TMP/cdn1.err" &&
    nft -c -f "$TMP/cdn1.nft" && nft -f "$TMP/cdn1.nft"
check "--cloudfront: checked and applied" "$?" 0
check "the ranges: an edge address without DNS, on a listed port" "$(get "http://$CDN:443/")" 200
check "the ranges: not on an unlisted port" "$(get "http://$CDN:8080/")" 000
check "the ranges: IPv6 edge" "$(get "http://[fd6b:7031:9::7]:5222/")" 200
check "the ranges: an origin-facing address is not a viewer edge" \
    "$(get "http://$ORIGIN_FACING:443/")" 000
cdn_set() { nft list set inet filter kpoint_cdn_v4; nft list set inet filter kpoint_cdn_v6; }
check "the ranges: the real prefixes, the contained /25 left out, no EC2" \
    "$(cdn_set | grep -oE '13\.32\.0\.0/15|205\.251\.249\.0/24|120\.52\.22\.96/27|127\.66\.9\.0/2[45]|127\.66\.7\.|2600:9000::/28' |
    LC_ALL=C sort | tr '\n' ' ')" "120.52.22.96/27 127.66.9.0/24 13.32.0.0/15 205.251.249.0/24 2600:9000::/28 "
cdn_set > "$TMP/cdn-before"
# bad ranges files: a clear message, nothing written, the set in force unchanged
head -c 300 "$TMP/r1.json" > "$TMP/bad-truncated.json"
ranges "$TMP/bad-none.json" 1765000100
python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["prefixes"] = [x for x in d["prefixes"] if x["service"] != "CLOUDFRONT"]
d["ipv6_prefixes"] = []; json.dump(d, open(sys.argv[1], "w"))' "$TMP/bad-none.json"
ranges "$TMP/bad-older.json" 1764000000 127.66.9.0/24 13.32.0.0/15 205.251.249.0/24 120.52.22.96/27
ranges "$TMP/bad-shrunk.json" 1765000200 127.66.9.0/24
for bad in truncated:"line " none:"no CLOUDFRONT GLOBAL prefixes" older:"older than the ranges in force" \
    shrunk:"more than half gone"; do
	name=${bad%%:*} want=${bad#*:}
	"$HELPER" --cloudfront "$TMP/bad-$name.json" --previous "$TMP/r1.json" > "$TMP/out-$name" \
	    2> "$TMP/err-$name"
	check "--cloudfront, $name file: refused" "$? $(wc -c < "$TMP/out-$name")" "1 0"
	check "--cloudfront, $name file: says why" "$(grep -c "$want" "$TMP/err-$name")" 1
done
cdn_set > "$TMP/cdn-after"
check "bad ranges files changed nothing" "$(diff "$TMP/cdn-before" "$TMP/cdn-after")" ""
head -n 1 "$TMP/err-truncated" | sed 's/^/  /'

# ---- reapplying the kPoint ruleset keeps what was learned ----------------------------------
# (an address added as dnsmasq adds one, with a timeout longer than the test)
nft add element inet filter kpoint_dns_v4 "{ 127.66.0.99 timeout 1h }"
nft -f "$TMP/kpoint-3s.nft"
check "the ruleset applied again" "$?" 0
check "... keeps the CloudFront ranges" "$(cdn_set | diff - "$TMP/cdn-before")" ""
check "... keeps the learned addresses" \
    "$(nft list set inet filter kpoint_dns_v4 | grep -c '127\.66\.0\.99 ')" 1
# The site's whole firewall reloaded, its nftables.conf as doc/firewall.md writes it: its table
# flushed (not the ruleset), kPoint's file, then its own chains.
{ printf 'table inet filter\nflush table inet filter\ninclude "%s"\n' "$TMP/kpoint-3s.nft"
    cat "$TMP/site.nft"; } > "$TMP/nftables.conf"
nft -c -f "$TMP/nftables.conf" && nft -f "$TMP/nftables.conf"
check "a reload of nftables.conf as doc/firewall.md writes it" "$?" 0
check "... keeps the learned addresses and the ranges, and the chain works" \
    "$(nft list set inet filter kpoint_dns_v4 | grep -c '127\.66\.0\.99 ') $(cdn_set | diff - "$TMP/cdn-before" | wc -l) $(get "http://$CDN:443/") $(get "http://$CDN:8080/")" \
    "1 0 200 000"
check "... and holds one jump to kpoint_out per family, not two" \
    "$(nft list chain inet filter output | grep -c 'jump kpoint_out')" 2

# ---- the same with iptables and ipsets --------------------------------------------------------
# The nft ruleset goes; --emit ipset creates the sets, --emit iptables and ip6tables the chain,
# the LAN's dnsmasq fills the learned ipsets (--emit dnsmasq-ipset), --cloudfront --format
# ipset the ranges.
kill "$FRONT"
wait "$FRONT" 2> /dev/null
nft flush ruleset
"$HELPER" --emit ipset > "$TMP/kpoint.ipset" && ipset restore < "$TMP/kpoint.ipset" &&
    "$HELPER" --emit iptables > "$TMP/kpoint.ipt" && iptables-restore --noflush < "$TMP/kpoint.ipt" &&
    "$HELPER" --emit ip6tables > "$TMP/kpoint.ip6t" && ip6tables-restore --noflush < "$TMP/kpoint.ip6t"
check "ipset restore, iptables-restore and ip6tables-restore take them" "$?" 0
for t in iptables:127.66.0.0/16 ip6tables:fd6b:7031::/32; do
	"${t%%:*}" -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT &&
	    "${t%%:*}" -A OUTPUT -d "${t#*:}" -p tcp -j KPOINT_OUT &&
	    "${t%%:*}" -A OUTPUT -d "${t#*:}" -p tcp -j REJECT --reject-with tcp-reset
done
check "the site's own rules around KPOINT_OUT" "$?" 0
"$HELPER" --emit dnsmasq-ipset > "$TMP/kpoint-ipset.conf"
front "$TMP/kpoint-ipset.conf"
check "the LAN's resolver with the ipset lines answers" "$?" 0
check "iptables: an address never resolved: refused" "$(get "http://$N.3:443/")" 000
check "iptables: d9.cloudfront.net resolves and connects at once" \
    "$(get "http://d9.cloudfront.net:443/") $(get "http://d9.cloudfront.net:5222/")" "200 200"
check "iptables: an unlisted port refused" "$(get "http://d9.cloudfront.net:8080/")" 000
check "iptables: mp001se.kpoint.com over IPv6" "$(get -6 "http://mp001se.kpoint.com:1935/")" 200
check "iptables: xcloudfront.net and another site refused" \
    "$(get "http://xcloudfront.net:443/") $(get "http://www.other.example:443/")" "000 000"
check "iptables: the learned address carries the set's timeout" \
    "$(ipset list kpoint_dns_v4 | grep -cE "^$N\.3 timeout [0-9]+")" 1
check "iptables: a CloudFront edge without DNS, before the ranges: refused" \
    "$(get "http://$CDN:443/")" 000
"$HELPER" --cloudfront "$TMP/r1.json" --format ipset > "$TMP/cdn.ipset" &&
    ipset restore < "$TMP/cdn.ipset"
check "--cloudfront --format ipset: ipset restore takes it" "$?" 0
check "iptables: the ranges admit an edge, IPv4 and IPv6, not an origin-facing address" \
    "$(get "http://$CDN:443/") $(get "http://[fd6b:7031:9::7]:80/") $(get "http://$ORIGIN_FACING:443/")" \
    "200 200 000"
check "iptables: the swap left no copy behind" "$(ipset list -n | grep -c '\.new$')" 0
iptables-restore --noflush < "$TMP/kpoint.ipt" && ipset restore < "$TMP/kpoint.ipset"
check "iptables: loaded again" "$?" 0
check "... keeps the learned addresses and the ranges" \
    "$(ipset list kpoint_dns_v4 | grep -c "^$N\.3 ") $(ipset list kpoint_cdn_v4 | grep -c '^127\.66\.9\.0/24')" \
    "1 1"
iptables -F; iptables -X; ip6tables -F; ip6tables -X
ipset destroy

# ---- the firewall follows the list: ext_kpoint_acl-sync --nft --dnsmasq ---------------------
# A firewall-only site (--no-squid). The LAN's dnsmasq is a daemon here, restarted by the
# command the sync is given, as systemctl restarts Debian's.
kill "$FRONT"
wait "$FRONT" 2> /dev/null
nft flush ruleset
mkdir -p "$TMP/etc"
cp "$TOP_SRCDIR/conf-snippets/kpoint.conf" "$TMP/etc/kpoint.conf"
# (the old dnsmasq is waited for, 10 s at most, until it has let go of port 53)
cat > "$TMP/restart.sh" <<SH
if [ -s "$TMP/front.pid" ] && pid=\$(cat "$TMP/front.pid") && kill "\$pid"; then
	i=0
	while kill -0 "\$pid" 2> /dev/null && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
fi
exec dnsmasq --no-resolv --no-hosts --port 53 --listen-address 127.0.0.1 --bind-interfaces \
    --server=127.0.0.1#5353 --pid-file="$TMP/front.pid" --conf-file="$TMP/etc/kpoint-dnsmasq.conf"
SH
# fwsync: the sync as the package's path unit would run it on a firewall
fwsync() {
	timeout 60 sh "$TOP_SRCDIR/helper/ext_kpoint_acl-sync" --no-squid --list "$TMP/etc/kpoint.conf" \
	    --nft "$TMP/etc/kpoint.nft" --dnsmasq "$TMP/etc/kpoint-dnsmasq.conf" \
	    --dnsmasq-restart "sh $TMP/restart.sh" --helper "$HELPER" --settle 0 \
	    2> "$TMP/sync.err"
	local rc=$?
	sed 's/^/  /' "$TMP/sync.err"
	return "$rc"
}
fwsync
check "sync: the ruleset and the dnsmasq lines, checked and applied" \
    "$? $(grep -c 'updated from .* and applied' "$TMP/sync.err")" "0 2"
nft -f "$TMP/site.nft"
wait_for 10 getent hosts www.other.example > /dev/null
check "sync: dnsmasq restarted with the lines" "$?" 0
check "sync: kPoint admitted" "$(get "http://mp001se.kpoint.com:443/")" 200
check "sync: a name not listed yet: refused" "$(get "http://v.newcdn.example:443/")" 000
printf 'domain .newcdn.example\n' >> "$TMP/etc/kpoint.conf"
pid=$(cat "$TMP/front.pid")
fwsync
check "sync: a list change reaches both" \
    "$? $(grep -c 'updated from .* and applied' "$TMP/sync.err")" "0 2"
wait_for 10 sh -c "[ -s '$TMP/front.pid' ] && [ \"\$(cat '$TMP/front.pid')\" != $pid ]" &&
    wait_for 10 getent hosts www.other.example > /dev/null
check "sync: dnsmasq restarted" "$?" 0
check "sync: the newly listed name is admitted" "$(get "http://v.newcdn.example:443/")" 200
fwsync
check "sync: nothing changed, nothing to do" \
    "$? $(grep -c 'nothing to do' "$TMP/sync.err")" "0 2"
cp "$TMP/etc/kpoint.nft" "$TMP/nft.kept"; cp "$TMP/etc/kpoint-dnsmasq.conf" "$TMP/dnsmasq.kept"
pid=$(cat "$TMP/front.pid")
printf 'domain .broken.example\nbogus line\n' >> "$TMP/etc/kpoint.conf"
fwsync
check "sync: a bad list: exit 1, says why" \
    "$? $(grep -c 'the list does not load; nothing changed' "$TMP/sync.err")" "1 1"
check "sync: a bad list changes neither file, nor dnsmasq" \
    "$(cmp "$TMP/nft.kept" "$TMP/etc/kpoint.nft" && cmp "$TMP/dnsmasq.kept" "$TMP/etc/kpoint-dnsmasq.conf" &&
    cat "$TMP/front.pid")" "$pid"
# CloudFront's ranges through the sync: applied and kept; an older file refused
timeout 60 sh "$TOP_SRCDIR/helper/ext_kpoint_acl-sync" --cloudfront "$TMP/r1.json" \
    --cloudfront-state "$TMP/state/ip-ranges.json" --helper "$HELPER" 2> "$TMP/cf.err"
check "sync --cloudfront: applied, kept as the ranges in force" \
    "$? $(cmp -s "$TMP/r1.json" "$TMP/state/ip-ranges.json" && echo kept) $(get "http://$CDN:443/")" \
    "0 kept 200"
timeout 60 sh "$TOP_SRCDIR/helper/ext_kpoint_acl-sync" --cloudfront "$TMP/bad-older.json" \
    --cloudfront-state "$TMP/state/ip-ranges.json" --helper "$HELPER" 2> "$TMP/cf.err"
check "sync --cloudfront, an older file: refused, the ranges in force stay" \
    "$? $(grep -c 'older than the ranges in force' "$TMP/cf.err") $(get "http://$CDN:443/")" "1 1 200"

# ---- bad input -------------------------------------------------------------------------------
printf 'domain mp*se.kpoint.com\nregex ^mp[0-9]+se\\.kpoint\\.com$\nport 443\n' > "$TMP/globs.conf"
"$HELPER" --emit dnsmasq -c "$TMP/globs.conf" > "$TMP/globs.out" 2> "$TMP/globs.err"
check "--emit dnsmasq, a list of globs only: refused, nothing written" \
    "$? $(wc -c < "$TMP/globs.out")" "2 0"
check "... says why" "$(grep -c 'no name of the list can be given to dnsmasq' "$TMP/globs.err")" 1
printf 'domain .kpoint.com mp*se.kpoint.com\nregex cdn[0-9]\\.kpoint\\.com$\nhost a_b.kpoint.com\ndomain *.cloudfront.net\nport 443\n' \
    > "$TMP/mixed.conf"
"$HELPER" --emit dnsmasq -c "$TMP/mixed.conf" > "$TMP/mixed.out"
check "--emit dnsmasq: the glob and the regex listed as not given to dnsmasq" \
    "$(grep -cE '^#   (domain mp\*se\.kpoint\.com|regex cdn)' "$TMP/mixed.out")" 2
check "--emit dnsmasq: one line per domain (the host under .kpoint.com left out)" \
    "$(grep -E '^nftset=' "$TMP/mixed.out" | cut -d/ -f2 | tr '\n' ' ')" "cloudfront.net kpoint.com "
"$HELPER" --emit dnsmasq-ipset -c "$TMP/mixed.conf" > "$TMP/mixed-ipset.conf"
dnsmasq --test --conf-file="$TMP/mixed-ipset.conf" > /dev/null 2>&1
check "--emit dnsmasq-ipset: dnsmasq --test takes it" "$?" 0
finish
