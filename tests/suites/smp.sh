#!/bin/bash
# smp.sh: an SMP Squid (workers 2, started as a daemon: -N turns SMP off) with the shipped
# snippet, every helper idle while the list changes: the first request afterwards through
# each worker gets the new answer (not the old one, which Squid would then cache). Each
# worker also listens on a port of its own (squid.conf's `if ${process_number}`), so a
# request reaches the worker the test names, not the one the kernel picks. Each worker's
# helpers are told apart by their parent process; what each loaded and answered is read
# from their --metrics files. Once with a list renamed into place, once edited in place.
# Then the doctor judges each worker against the running ones: worker 2 alone refusing CONNECT
# before kPoint's rule is live for worker 2 only, the doctor names worker 2, and its fix
# (above worker 2's if-block) mends worker 2 and leaves what the site refuses as it was.
. "$TOP_SRCDIR/tests/lib/lib.sh"
. "$TOP_SRCDIR/tests/lib/lab/lab.sh"
trap 'lab_stop; cleanup_tmp' EXIT

LAB_SMP=1
LAB_SECONDS=300
LAB_ORIGIN_PORT=$(lab_free_port)
LAB_LIST_EXTRA="port $LAB_ORIGIN_PORT"
WORKER_PORT=([1]="$(lab_free_port)" [2]="$(lab_free_port)")
worker_ports() {
	cat >> "$1" <<-CONF
	if \${process_number} = 1
	http_port 127.0.0.1:${WORKER_PORT[1]}
	else
	http_port 127.0.0.1:${WORKER_PORT[2]}
	endif
	CONF
}
LAB_EDIT=worker_ports
mkdir -p "$TMP/prom"
chmod 755 "$TMP"
chown proxy "$TMP/prom"
LAB_HELPER_ARGS="--metrics $TMP/prom"
lab_start
LIST=$LAB/kpoint.conf
base=$(cat "$LIST")

# KID[N]: worker N's process, a child of the Squid this test started (its command line names
# it squid-N); no other process on the machine is counted
declare -A KID
for n in 1 2; do
	KID[$n]=$(pgrep -P "$LAB_SQUID_PID" -f -- "--kid squid-$n ")
done
check "two workers" "$(wc -w <<< "${KID[1]} ${KID[2]}")" 2
for n in 1 2; do
	lab_wait_port "${WORKER_PORT[$n]}" || fail "worker $n does not listen on its own port"
done
# every worker has its helper (children-startup=1): wait until both have started
helpers_of() { pgrep -P "$1" -f ext_kpoint_acl | paste -sd' ' -; }
wait_for 20 bash -c "for k in ${KID[1]} ${KID[2]}; do pgrep -P \$k -f ext_kpoint_acl > /dev/null || exit 1; done"
check "each worker has a helper" \
    "$(for n in 1 2; do [ -n "$(helpers_of "${KID[$n]}")" ] && echo y; done | paste -sd' ' -)" "y y"

# metric NAME PID: a helper's own figure from its metrics file (empty while it has none)
metric() {
	awk -v m="ext_kpoint_acl_$1" '$1 ~ "^" m "[{ ]" { print $2 }' \
	    "$TMP/prom/ext_kpoint_acl_$2.prom" 2>/dev/null
}
# loaded N: has every helper of both workers reported N reloads or more?
loaded() {
	local n h v
	for n in 1 2; do
		for h in $(helpers_of "${KID[$n]}"); do
			v=$(metric reloads_total "$h")
			[ "${v:-0}" -ge "$1" ] || return 1
		done
	done
}
# through N HOST:PORT: Squid's answer to a CONNECT through worker N's own port
through() {
	curl -s -o /dev/null -m 10 -p -x "http://127.0.0.1:${WORKER_PORT[$1]}" \
	    -w '%{http_connect}' "http://$2/media/test.mp4"
}
# answered_by N EFFECT: the decisions of that effect worker N's helpers have counted
answered_by() {
	local h n=0 v
	for h in $(helpers_of "${KID[$1]}"); do
		v=$(awk -v e="effect=\"$2\"" '$1 ~ /decisions_total\{/ && index($1, e) { print $2 }' \
		    "$TMP/prom/ext_kpoint_acl_$h.prom" 2>/dev/null)
		n=$((n + ${v:-0}))
	done
	echo "$n"
}

# every helper has loaded the list and reported it (its metrics file, 0 reloads): from now
# on all are idle, and a change of the list is one they have to find by themselves
reported() {
	local n h
	for n in 1 2; do
		for h in $(helpers_of "${KID[$n]}"); do
			[ -n "$(metric reloads_total "$h")" ] || return 1
		done
	done
}
wait_for 20 reported
check "every helper reported its first load" "$?" 0
check "no helper has reloaded yet" "$(loaded 1 && echo y)" ""
put_list() { printf '%s\n' "$1" > "$LIST.new" && chmod 644 "$LIST.new" && mv "$LIST.new" "$LIST"; }
put_list "$base
domain .other.example"
# no request: each helper loads it by itself, and says so in its metrics file
wait_for 20 loaded 1
check "renamed into place: every helper loaded it with no request" "$(loaded 1 && echo y)" y
check "renamed into place: the first request through worker 1 is allowed" \
    "$(through 1 www.other.example:1935)" 200
check "renamed into place: the first request through worker 2 is allowed" \
    "$(through 2 www.other.example:1935)" 200
each_allowed() { [ "$(answered_by 1 allow)" -gt 0 ] && [ "$(answered_by 2 allow)" -gt 0 ]; }
wait_for 10 each_allowed	# metrics are written at most every 2 s
check "renamed into place: each worker's own helper answered allow" \
    "$(each_allowed && echo y)" y

# edited in place: the other site is taken off the list again
printf '%s\n' "$base" > "$LIST"
wait_for 20 loaded 2	# settled (2 s) and loaded, still with no request
check "edited in place: every helper loaded it with no request" "$(loaded 2 && echo y)" y
check "edited in place: the first request through worker 1 is refused" \
    "$(through 1 www.other.example:5222)" 403
check "edited in place: the first request through worker 2 is refused" \
    "$(through 2 www.other.example:5222)" 403
check "cache.log: no errors" "$(lab_cache_trouble)" ""

# ---- the doctor, each worker judged: checked against the running workers -----------------------
# doctor: --doctor on the lab's squid.conf; its findings ("verdict check") in $TMP/doctor.out
doctor() {
	timeout 120 "$HELPER" --doctor "$LAB/squid.conf" --squid "$SQUID" > "$TMP/doctor.out" \
	    2> "$TMP/doctor.err"
}
doctor
check "the doctor: both workers read kPoint's lines, nothing fails" \
    "$?:$(head -n 1 "$TMP/doctor.out" | grep -c 'for each of its 2 workers')" "0:1"
# worker 2 alone refuses CONNECT to non-SSL ports before kPoint's rule, as a site might
python3 - "$LAB/squid.conf" "include $LAB/squid-kpoint.conf" <<-'EOF2'
	import sys
	path, anchor = sys.argv[1:]
	lines = open(path).read().split("\n")
	at = [l.strip() for l in lines].index(anchor)
	lines[at:at] = ["if ${process_number} = 2", "http_access deny CONNECT !SSL_ports", "endif"]
	open(path, "w").write("\n".join(lines))
	EOF2
lab_squid_stop
lab_squid_start
wait_for 10 lab_wait_port "${WORKER_PORT[1]}" && wait_for 10 lab_wait_port "${WORKER_PORT[2]}"
check "worker 2's mistake, live: CONNECT to kPoint's 1935 refused through worker 2 only" \
    "$(through 1 mp001se.kpoint.com:1935) $(through 2 mp001se.kpoint.com:1935)" "200 403"
doctor
check "the doctor: a FAIL that names worker 2, and no other" \
    "$(awk '$1 == "FAIL" || $1 == "warn"' "$TMP/doctor.out" | cut -c1-60)" \
    "FAIL http_access        worker 2: CONNECT to kPoint on ports"
fix=$(grep -m1 '^     fix: ' "$TMP/doctor.out")
python3 "$TOP_SRCDIR/tests/lib/lab/applyfix.py" "$LAB/squid.conf" "$fix"
check "its fix applies ($fix)" "$?" 0
lab_squid_stop
lab_squid_start
wait_for 10 lab_wait_port "${WORKER_PORT[1]}" && wait_for 10 lab_wait_port "${WORKER_PORT[2]}"
check "fixed, live: CONNECT to kPoint's 1935 goes through both workers" \
    "$(through 1 mp001se.kpoint.com:1935) $(through 2 mp001se.kpoint.com:1935)" "200 200"
check "fixed: worker 2 still refuses CONNECT to another site's 1935, as the site meant" \
    "$(through 2 www.other.example:1935)" 403
doctor
check "fixed: the doctor finds nothing" "$?:$(grep -cE '^(FAIL|warn) ' "$TMP/doctor.out")" "0:0"
finish
