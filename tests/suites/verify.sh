#!/bin/bash
# verify.sh: ext_kpoint_acl --verify against a real DNS server on loopback: dnsmasq on a free
# port of the test's own 127.x.y.z, with its own configuration and zone data (a hosts file)
# serving the guide's names: most where the guide puts them, one moved to another address, one
# with an extra IPv6 address outside the list, one gone (NXDOMAIN). Checks every class of
# finding, the summary and the exit status (0 all good, 1 drift, 2 could not check), and that a
# DNS server that refuses or never answers gives 2 within the timeout, never a hang. Nothing
# but that loopback address is ever asked.
. "$TOP_SRCDIR/tests/lib/lib.sh"
. "$TOP_SRCDIR/tests/lib/lab/prom.sh"
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$DNSMASQ" ] || { echo "SKIP: dnsmasq is not installed (tests/setup.sh installs it)"; exit 77; }
pids=()
trap 'prom_stop; kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; cleanup_tmp' EXIT

free_udp_port() {
	python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
NET="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1))"
DNS=$NET.53
PORT=$(free_udp_port)
chmod 755 "$TMP"

# The zone: the guide's table, except mp0014se (moved), mp0015se (an extra IPv6 address
# outside every listed net) and mp0016se (gone).
awk '$1 !~ /^#/ && NF == 2 && $1 !~ /^mp001[46]se/ { print $2, $1 }' "$DATA/guide-table.txt" \
    > "$TMP/zone.hosts"
printf '203.0.113.14 mp0014se.kpoint.com\n2001:db8::15 mp0015se.kpoint.com\n' >> "$TMP/zone.hosts"
chmod 644 "$TMP/zone.hosts"
cat > "$TMP/dnsmasq.conf" <<-CONF
	port=$PORT
	listen-address=$DNS
	bind-interfaces
	no-resolv
	no-hosts
	addn-hosts=$TMP/zone.hosts
	local=/kpoint.com/
	pid-file=
	CONF
"$DNSMASQ" -k -C "$TMP/dnsmasq.conf" > "$TMP/dnsmasq.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	python3 - "$DNS" "$PORT" <<-'PY' 2>/dev/null && break
	import socket, sys
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.2)
	q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x06kpoint\x03com\x00\x00\x01\x00\x01"
	s.sendto(q, (sys.argv[1], int(sys.argv[2]))); s.recvfrom(512)
	PY
	sleep 0.1
done
check "dnsmasq answers on $DNS:$PORT" "$(kill -0 "${pids[0]}" 2>/dev/null && echo up)" up

"$HELPER" --verify --dns-server "$DNS:$PORT" --dns-timeout 5 > "$TMP/drift.out" 2>&1
check "the guide's list with drift: exit 1" "$?" 1
check "12 hosts where the guide puts them" "$(grep -c "^ok " "$TMP/drift.out")" 12
check "a listed host's address" "$(grep '^ok  *mp001se.kpoint.com ' "$TMP/drift.out")" \
    "ok       mp001se.kpoint.com 175.41.142.49"
check "moved: the new address" "$(grep '^moved  *mp0014se' "$TMP/drift.out")" \
    "moved    mp0014se.kpoint.com 203.0.113.14 (outside every listed net)"
check "moved: an extra address outside the list (AAAA asked too)" \
    "$(grep '^moved  *mp0015se' "$TMP/drift.out")" \
    "moved    mp0015se.kpoint.com 2001:db8::15 (outside every listed net)"
check "missing: the name is gone" "$(grep -c '^missing  mp0016se.kpoint.com (' "$TMP/drift.out")" 1
check "unused: the listed nets no host resolves into" "$(grep '^unused' "$TMP/drift.out" | tr -s ' ' | cut -d' ' -f2-3 | tr '\n' ' ')" \
    "net 54.251.253.192/32 net 54.251.253.195/32 "
check "one line per finding, and a summary" "$(wc -l < "$TMP/drift.out")" 18
check "summary" "$(tail -n 1 "$TMP/drift.out")" \
    "summary: 15 hosts: 12 ok, 2 moved, 1 missing, 0 not checked; 15 nets: 2 unused; drift"

# The same check for monitoring: --metrics, as a real node_exporter serves the file.
mkdir -p "$TMP/textfile"
prom_start "$TMP/textfile"
"$HELPER" --verify --dns-server "$DNS:$PORT" --metrics "$TMP/textfile" > /dev/null 2>&1
check "--metrics: the same exit status" "$?" 1
check "--metrics: hosts by status, as the summary says" \
    "$(for st in ok moved missing error; do prom_value ext_kpoint_acl_verify_hosts "status=\"$st\""; done | paste -sd' ' -)" \
    "12 2 1 0"
check "--metrics: nets, unused nets, the result (1: drift)" \
    "$(prom_value ext_kpoint_acl_verify_nets "") $(prom_value ext_kpoint_acl_verify_unused_nets "") $(prom_value ext_kpoint_acl_verify_result "")" \
    "15 2 1"
when=$(prom_value ext_kpoint_acl_verify_timestamp_seconds "")
check "--metrics: when the check ran" \
    "$(awk -v t="$when" -v now="$(date +%s)" 'BEGIN { print (now - t >= 0 && now - t < 60) }')" 1
check "--metrics: node_exporter read it without error" \
    "$(prom_scrape | awk '$1 == "node_textfile_scrape_error" { print $2 }')" 0
prom_stop

grep -vE 'mp001[456]se|54\.251\.253\.19[235]' "$TOP_SRCDIR/conf-snippets/kpoint.conf" > "$TMP/good.conf"
"$HELPER" --verify -c "$TMP/good.conf" --dns-server "$DNS:$PORT" > "$TMP/good.out" 2>&1
check "a list that matches DNS: exit 0" "$?" 0
check "a list that matches DNS: all good" "$(tail -n 1 "$TMP/good.out")" \
    "summary: 12 hosts: 12 ok, 0 moved, 0 missing, 0 not checked; 12 nets: 0 unused; all good"

# One finding alone is drift too: a host that is gone, and nothing else.
printf 'host mp0016se.kpoint.com\n' > "$TMP/gone.conf"
"$HELPER" --verify -c "$TMP/gone.conf" --dns-server "$DNS:$PORT" > "$TMP/gone.out" 2>&1
check "only a missing host: exit 1, drift" "$?:$(tail -n 1 "$TMP/gone.out" | grep -c 'drift$')" "1:1"

# A host with more addresses than a line shows (32): every one is judged, the rest counted.
for i in $(seq 1 40); do
	printf '198.51.100.%d many.kpoint.com\n203.0.113.%d far.kpoint.com\n' "$i" "$i"
done >> "$TMP/zone.hosts"
kill -HUP "${pids[0]}"	# dnsmasq rereads its hosts files
printf 'host many.kpoint.com far.kpoint.com\nnet 198.51.100.0/24\n' > "$TMP/many.conf"
# reread: it answers with the fortieth address
reread() {
	"$HELPER" --verify -c "$TMP/many.conf" --dns-server "$DNS:$PORT" 2>&1 |
	    grep -q '^ok .*many.kpoint.com .*(and 8 more)'
}
wait_for 10 reread
check "dnsmasq reread its hosts" "$?" 0
"$HELPER" --verify -c "$TMP/many.conf" --dns-server "$DNS:$PORT" > "$TMP/many.out" 2>&1
check "40 addresses: exit 1 (one host moved)" "$?" 1
check "40 addresses inside: 32 shown, 8 counted" \
    "$(grep '^ok  *many' "$TMP/many.out" | grep -o '198\.51\.100\.[0-9]*' | wc -l) $(grep -c '^ok .*(and 8 more)$' "$TMP/many.out")" "32 1"
check "40 addresses outside: 32 shown, 8 counted" \
    "$(grep -c '^moved  *far.kpoint.com .* (and 8 more) (outside every listed net)$' "$TMP/many.out")" 1

# A server that refuses (nothing listens: ICMP port unreachable) and one that never answers.
"$HELPER" --verify --dns-server "$NET.54:$PORT" --dns-timeout 3 > "$TMP/refused.out" 2>&1
check "nothing listening: exit 2" "$?" 2
check "nothing listening: every host not checked" "$(grep -c '^error ' "$TMP/refused.out")" 15
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((sys.argv[1], int(sys.argv[2])))
time.sleep(30)' "$NET.55" "$PORT" &
pids+=($!)
wait_for 10 bash -c "ss -Huln 'src $NET.55:$PORT' | grep -q ."	# it has bound
start=$(date +%s.%N)
"$HELPER" --verify --dns-server "$NET.55:$PORT" --dns-timeout 2 > "$TMP/silent.out" 2>&1
rc=$?
elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%d", (b - a) * 10 }')
check "a server that never answers: exit 2" "$rc" 2
check "...within the timeout (2 s, plus start-up)" "$([ "$elapsed" -le 35 ] && echo yes || echo "no: ${elapsed}ds")" yes
check "...its summary says so" "$(tail -n 1 "$TMP/silent.out" | grep -c 'could not check$')" 1
check "bad --dns-timeout: usage error" "$("$HELPER" --verify --dns-timeout 0 > /dev/null 2>&1; echo $?)" 2
# without --verify, DNS options are a mistake, also when they name the default
check "--dns-timeout without --verify: usage error" \
    "$("$HELPER" --check --dns-timeout 5 > /dev/null 2>&1; echo $?)" 2
check "--dns-server without --verify: usage error" \
    "$("$HELPER" --check --dns-server 127.0.0.1 > /dev/null 2>&1; echo $?)" 2
finish
