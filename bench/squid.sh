#!/bin/bash
# squid.sh: part 4 of bench/run.sh. Squid 5.7 on loopback serves small replies of a local
# origin (bench/origin, in C, so that the origin is never the limit) under wrk (bounded: 16
# connections, 8 s per measurement after a 2 s warm-up), in two modes: "forwarded", every
# request fetched from the origin (cache deny all), and "cached", replies from Squid's memory
# cache, where Squid does the least work per request. Each with
#   (a) no kPoint acl  (b) Squid-native acls from --emit squid  (c) the helper as in
#   conf-snippets/squid-kpoint.conf  (d) the same helper with ttl=0 negative_ttl=0
#   (e) for reference, (d) with bench/ceiling, a helper that answers OK and decides nothing:
#   what Squid's own external-acl round trip costs, whatever the helper
# Two rounds, interleaved; the best of each. Prints requests per second, the CPU Squid used
# (100 % = one core: Squid is one process) and the CPU the helper used.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
command -v wrk > /dev/null || { echo "bench: wrk is not installed (tests/setup.sh installs it)"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench: run as root (Squid)"; exit 1; }

D=$(mktemp -d "${TMPDIR:-/tmp}/kpoint-squidbench.XXXXXX")
chmod 755 "$D"
ORIGIN_PORT=$(lab_free_port)
export ORIGIN_PORT
make -C build -s bench/origin bench/ceiling || exit 1
build/bench/origin 900 127.0.0.2 "$ORIGIN_PORT" &
origin=$!
build/bench/origin 900 127.0.0.4 "$ORIGIN_PORT" &
origin="$origin $!"
trap 'kill $origin 2>/dev/null; [ -n "${sq:-}" ] && kill $sq 2>/dev/null; rm -rf "$D"' EXIT
lab_wait_port "$ORIGIN_PORT" 127.0.0.2 || { echo "bench: origin did not start"; exit 1; }
{ echo "127.0.0.2 mp001se.kpoint.com"
  for i in $(seq 0 99); do echo "127.0.0.4 www.site$i.example"; done; } > "$D/hosts"
{ cat conf-snippets/kpoint.conf; echo "port $ORIGIN_PORT"; } > "$D/kpoint.conf"
"$HELPER" --emit squid -c "$D/kpoint.conf" > "$D/native.conf"
chmod 644 "$D"/*

snippet_helper() {	# the snippet's lines, helper pointed at the bench list; $1: extra sed
	sed -e "s|/usr/lib/squid/ext_kpoint_acl|$HELPER -c $D/kpoint.conf|" \
	    -e "s| -l /var/log/squid/kpoint-decisions.log||" -e "$1" \
	    conf-snippets/squid-kpoint.conf | grep -v '^logformat'
}

variant_lines() {
	case $1 in
	a) ;;
	b) echo "include $D/native.conf"
	   echo "http_access allow localnet kpoint kpoint_ports"
	   echo "http_access deny kpoint !kpoint_ports" ;;
	c) snippet_helper 's/^$//' ;;
	d) snippet_helper 's/ttl=300 negative_ttl=60 grace=50/ttl=0 negative_ttl=0/' ;;
	e) snippet_helper 's/ttl=300 negative_ttl=60 grace=50/ttl=0 negative_ttl=0/' |
	       sed "s|$HELPER -c $D/kpoint.conf|$TOP/build/bench/ceiling -c $D/kpoint.conf|" ;;
	esac
}

measure() {	# mode variant -> "req/s squid-cpu% helper-cpu% non-2xx"
	local mode=$1 v=$2 port conf out
	port=$(lab_free_port)
	conf=$D/squid-$v.conf
	cat > "$conf" <<-CONF
	http_port 127.0.0.1:$port
	$(bench_squid_head "$D" "$v")
	visible_hostname kpoint-bench
	cache_mem 64 MB
	$([ "$mode" = forwarded ] && echo "cache deny all")
	maximum_object_size_in_memory 64 KB
	acl localnet src 127.0.0.0/8
	acl Safe_ports port 80 443 1025-65535
	http_access deny !Safe_ports
	$(variant_lines "$v")
	http_access allow localnet
	http_access deny all
	CONF
	touch "$D/cache-$v.log"; chown proxy "$D/cache-$v.log" "$D"
	squid -N -f "$conf" > /dev/null 2>&1 &
	sq=$!
	lab_wait_port "$port" || { echo "0 0 0 0"; return; }
	wrk -t1 -c16 -d2s -s bench/proxy.lua "http://127.0.0.1:$port/" > /dev/null 2>&1
	local hp s0 h0 s1 h1 t0 t1 hz
	hz=$(getconf CLK_TCK)
	# Squid starts helpers as "(name) args": find them by their list path
	hp=$(pgrep -d' ' -f -- "-c $D/kpoint.conf" || true)
	s0=$(ticks "$sq"); h0=$(ticks $hp); t0=$(date +%s.%N)
	out=$(wrk -t1 -c16 -d8s -s bench/proxy.lua "http://127.0.0.1:$port/" 2>&1)
	s1=$(ticks "$sq"); h1=$(ticks $hp); t1=$(date +%s.%N)
	squid -k shutdown -f "$conf" > /dev/null 2>&1
	wait "$sq" 2>/dev/null
	sq=
	local rps non2xx
	rps=$(awk '/^Requests\/sec:/ { print $2 }' <<< "$out")
	non2xx=$(awk '/Non-2xx/ { print $NF }' <<< "$out")
	awk -v r="${rps:-0}" -v h=$((h1 - h0)) -v s=$((s1 - s0)) -v e="${non2xx:-0}" \
	    -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v hz="$hz" \
	    'BEGIN { printf "%.0f %.0f %.0f %d\n", r, 100 * s / hz / t, 100 * h / hz / t, e }'
}

declare -A best scpu hcpu errs names=([a]="(a) no kPoint acl"
    [b]="(b) Squid-native acls (--emit squid)" [c]="(c) helper, snippet settings (ttl=300)"
    [d]="(d) helper, ttl=0 (a lookup per request)" [e]="(e) no-op helper (bench/ceiling), ttl=0")
for _ in 1 2; do
	for mode in forwarded cached; do
		for v in a b c d e; do
			read -r r sc hc e < <(measure "$mode" "$v")
			if [ "${best[$mode$v]:-0}" -lt "$r" ]; then
				best[$mode$v]=$r; scpu[$mode$v]=$sc; hcpu[$mode$v]=$hc; errs[$mode$v]=$e
			fi
		done
	done
done
ratio3() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "4. Squid $("$SQUID" -v | sed -n '1s/.*Version //p') end to end: wrk -c16, 8 s, best of 2 rounds; CPU: 100 % = one core"
for mode in forwarded cached; do
	case $mode in
	forwarded) echo "   forwarded: every request fetched from the origin" ;;
	cached) echo "   cached: every reply from Squid's memory cache" ;;
	esac
	for v in a b c d e; do
		printf '   %-42s %7s req/s  Squid CPU %3s%%  helper CPU %3s%%  non-2xx %s\n' \
		    "${names[$v]}" "${best[$mode$v]}" "${scpu[$mode$v]}" "${hcpu[$mode$v]}" \
		    "${errs[$mode$v]}"
	done
	printf '   (d)/(b) %s (target >= 0.95)   (d)/(e) %s   (c)/(b) %s\n' \
	    "$(ratio3 "${best[${mode}d]}" "${best[${mode}b]}")" \
	    "$(ratio3 "${best[${mode}d]}" "${best[${mode}e]}")" \
	    "$(ratio3 "${best[${mode}c]}" "${best[${mode}b]}")"
done
