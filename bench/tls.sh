#!/bin/bash
# tls.sh: part 6 of bench/run.sh. HTTPS through squid-openssl on loopback, side by side in one
# run, the same http_access lines (the helper's snippet) in every variant:
#   (s) kPoint spliced by conf-snippets/squid-kpoint-sslbump.conf (its acls from --emit sslbump)
#   (n) kPoint spliced by a hand-written native acl: ssl::server_name .kpoint.com
#   (b) another site, bumped by the same configuration as (s): decrypted and re-encrypted
#   (t) a plain CONNECT tunnel, no ssl-bump on the port: the ceiling
# For each: new connections per second for a small object (CONNECT, TLS handshake, one GET,
# close; 8 at a time, 2000 in all) with the CPU Squid used per connection, and MB/s of one
# 200 MiB media file over one connection. Two rounds, interleaved; the best of each. The
# origin (tests/lib/lab/origin.py, Python) and the client share the machine's two cores with
# Squid, so compare the variants with one another, not with other machines.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
[ "$(id -u)" = 0 ] || { echo "bench: run as root (Squid)"; exit 1; }
[ -x /usr/lib/squid/security_file_certgen ] || { echo "bench: needs squid-openssl"; exit 1; }

LAB=$(mktemp -d "${TMPDIR:-/tmp}/kpoint-tlsbench.XXXXXX")
D=$LAB
chmod 755 "$D"
lab_pick_net
printf '%s\n' "$LAB_HOSTS" > "$D/hosts"
lab_tls_files
python3 tests/lib/lab/origin.py 900 --tls "$D/origin.pem" --huge-mb 200 \
    "$LAB_KPOINT:443:tls" "$LAB_OTHER:443:tls" > "$D/origin.out" 2>&1 &
origin=$!
sq=
trap 'kill $origin 2>/dev/null; [ -n "$sq" ] && kill $sq 2>/dev/null; rm -rf "$D"' EXIT
lab_wait_port 443 "$LAB_KPOINT" || { echo "bench: origin did not start"; exit 1; }
"$HELPER" --emit sslbump > "$D/kpoint-sslbump-acls.conf"
sed "s|/etc/squid/kpoint-sslbump-acls.conf|$D/kpoint-sslbump-acls.conf|" \
    conf-snippets/squid-kpoint-sslbump.conf > "$D/squid-kpoint-sslbump.conf"
sed -e "s|/usr/lib/squid/ext_kpoint_acl|$HELPER|" -e "s| -l /var/log/squid/kpoint-decisions.log||" \
    conf-snippets/squid-kpoint.conf | grep -v '^logformat' > "$D/squid-kpoint.conf"
chmod 644 "$D"/*.conf

bump_lines() {
	case $1 in
	s|b) echo "include $D/squid-kpoint-sslbump.conf"
	     echo "acl step1 at_step SslBump1"
	     echo "ssl_bump peek step1"
	     echo "ssl_bump bump all" ;;
	n) echo "acl kpoint_native_sni ssl::server_name .kpoint.com"
	   echo "acl step1 at_step SslBump1"
	   echo "ssl_bump peek step1"
	   echo "ssl_bump splice kpoint_native_sni"
	   echo "ssl_bump bump all" ;;
	esac
}

start_squid() {	# variant -> sets port, sq
	local v=$1 conf=$D/squid-$1.conf bump=""
	port=$(lab_free_port)
	[ "$v" != t ] && bump=" ssl-bump tls-cert=$D/bump-ca.pem generate-host-certificates=on dynamic_cert_mem_cache_size=4MB"
	cat > "$conf" <<-CONF
	http_port 127.0.0.1:$port$bump
	$(bench_squid_head "$D" "$v")
	visible_hostname kpoint-tlsbench
	cache deny all
	$([ "$v" != t ] && echo "sslcrtd_program $SQUID_CERTGEN -s $D/ssl_db -M 4MB")
	$([ "$v" != t ] && echo "sslcrtd_children 3 startup=1 idle=1")
	tls_outgoing_options cafile=$D/origin-ca.crt
	acl localnet src 127.0.0.0/8
	acl SSL_ports port 443
	acl Safe_ports port 80 443 1935 5222 1025-65535
	http_access deny !Safe_ports
	include $D/squid-kpoint.conf
	http_access deny CONNECT !SSL_ports
	http_access allow localnet
	http_access deny all
	$(bump_lines "$v")
	CONF
	touch "$D/cache-$v.log"; chown proxy "$D/cache-$v.log" "$D"
	squid -N -f "$conf" > /dev/null 2>&1 &
	sq=$!
	lab_wait_port "$port"
}

stop_squid() {
	squid -k shutdown -f "$D/squid-$1.conf" > /dev/null 2>&1
	wait "$sq" 2>/dev/null
	sq=
}

measure() {	# variant -> "conn/s errors squid_ms_per_conn MB/s"
	local v=$1 host=mp001se.kpoint.com t0 t1 small large hz
	[ "$v" = b ] && host=www.other.example
	start_squid "$v" || { echo "0 0 0 0"; return; }
	hz=$(getconf CLK_TCK)
	load() { python3 bench/tls_load.py "127.0.0.1:$port" "$host:443" "$host" \
	    "$D/clients-trust.crt" "$@"; }
	load small 40 8 /warm/test.mp4 > /dev/null	# helpers and certificates ready
	issuer=$(python3 tests/lib/lab/tlsclient.py --proxy "127.0.0.1:$port" --target "$host:443" \
	    --sni "$host" --cafile "$D/clients-trust.crt" /i/test.mp4 2> /dev/null | cut -d' ' -f3)
	t0=$(ticks "$sq")
	small=$(load small 2000 8 /s/test.mp4)
	t1=$(ticks "$sq")
	large=$(load large /l/huge.mp4)
	stop_squid "$v"
	awk -v s="$small" -v l="$large" -v dt=$((t1 - t0)) -v hz="$hz" -v i="$issuer" 'BEGIN {
		split(s, a, " "); split(l, b, " ");
		printf "%s %s %.3f %s %s\n", a[1], a[2], 1000 * dt / hz / 2000, b[1], i }'
}

declare -A cps err cpu mbs names iss
names=([s]="(s) kPoint spliced by the snippet" [n]="(n) kPoint spliced by native ssl::server_name"
    [b]="(b) another site, bumped" [t]="(t) plain CONNECT tunnel (no ssl-bump)")
for _ in 1 2; do
	for v in s n b t; do
		read -r c e m l i < <(measure "$v")
		if awk -v a="$c" -v b="${cps[$v]:-0}" 'BEGIN { exit !(a > b) }'; then
			cps[$v]=$c; err[$v]=$e; cpu[$v]=$m; iss[$v]=${i/kpoint-lab_/}
		fi
		awk -v a="$l" -v b="${mbs[$v]:-0}" 'BEGIN { exit !(a > b) }' && mbs[$v]=$l
	done
done
echo
echo "6. HTTPS through Squid $("$SQUID" -v | sed -n '1s/.*Version //p') (OpenSSL): 2000 new connections (CONNECT, TLS, GET 2 KB, close),"
echo "   8 at a time, and one 200 MiB file over one connection; best of 2 rounds"
printf '   %-46s %7s %6s %13s %7s  %s\n' "" "conn/s" "errors" "Squid ms/conn" "MB/s" \
    "certificate from"
for v in s n b t; do
	printf '   %-46s %7s %6s %13s %7s  %s\n' "${names[$v]}" "${cps[$v]}" "${err[$v]}" \
	    "${cpu[$v]}" "${mbs[$v]}" "${iss[$v]}"
done
awk -v s="${cpu[s]}" -v n="${cpu[n]}" -v ls="${mbs[s]}" -v lt="${mbs[t]}" 'BEGIN {
	printf "   Squid CPU per spliced connection, snippet / native: %.2f (target <= 1, within noise)\n", s / n;
	printf "   spliced 200 MiB / plain tunnel: %.2f (target >= 0.9)\n", ls / lt }'
