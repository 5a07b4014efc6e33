#!/bin/bash
# smp.sh: an SMP Squid (workers 2, started as a daemon: -N turns SMP off) with the shipped
# snippet, every helper idle while the list changes: the first request afterwards through
# each worker gets the new answer (not the old one, which Squid would then cache). Each
# worker's helpers are told apart by their parent process, and what each answered is read
# from their --metrics files. Once with a list renamed into place, once edited in place.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/lab/lab.sh"
trap 'lab_stop; cleanup_tmp' EXIT

LAB_SMP=1
LAB_SECONDS=300
LAB_ORIGIN_PORT=$(lab_free_port)
LAB_LIST_EXTRA="port $LAB_ORIGIN_PORT"
mkdir -p "$TMP/prom"
chmod 755 "$TMP"
chown proxy "$TMP/prom"
LAB_HELPER_ARGS="--metrics $TMP/prom"
lab_start
LIST=$LAB/kpoint.conf
base=$(cat "$LIST")

kids=$(pgrep -f -- "--kid squid-[0-9] -n $LAB_SERVICE " | sort | paste -sd' ' -)
check "two workers" "$(wc -w <<< "$kids")" 2
# every worker has its helper (children-startup=1): wait until both have started
helpers_of() { pgrep -P "$1" -f ext_kpoint_acl | paste -sd' ' -; }
wait_for 20 bash -c "for k in $kids; do pgrep -P \$k -f ext_kpoint_acl > /dev/null || exit 1; done"
check "each worker has a helper" \
    "$(for k in $kids; do [ -n "$(helpers_of "$k")" ] && echo y; done | paste -sd' ' -)" "y y"

# allowed_by WORKER: the allow decisions its helpers have counted (their metrics files)
allowed_by() {
	local h n=0 v
	for h in $(helpers_of "$1"); do
		v=$(awk '$1 ~ /decisions_total\{.*effect="allow"/ { print $2 }' \
		    "$TMP/prom/ext_kpoint_acl_$h.prom" 2>/dev/null)
		n=$((n + ${v:-0}))
	done
	echo "$n"
}
# burst PORT: 16 CONNECTs to the other site at once, on new connections (both workers take
# some); prints Squid's answers, counted: "16 200"
burst() {
	local i pids=()
	for i in $(seq 16); do
		lab_connect "www.other.example:$1" > "$TMP/burst.$1.$i" &
		pids+=($!)
	done
	wait "${pids[@]}"
	for i in $(seq 16); do cat "$TMP/burst.$1.$i"; echo; done |
	    sort | uniq -c | awk '{ print $1, $2 }' | paste -sd' ' -
}

sleep 2	# all idle
put_list() { printf '%s\n' "$1" > "$LIST.new" && chmod 644 "$LIST.new" && mv "$LIST.new" "$LIST"; }
put_list "$base
domain .other.example"
sleep 3	# no request: the helpers load it by themselves
check "renamed into place: the first requests through both workers are allowed" \
    "$(burst 1935)" "16 200"
sleep 3	# metrics are written at most every 2 s
check "renamed into place: each worker's helper allowed some" \
    "$(for k in $kids; do [ "$(allowed_by "$k")" -gt 0 ] && echo y; done | paste -sd' ' -)" "y y"

# edited in place: the other site is taken off the list again
printf '%s\n' "$base" > "$LIST"
sleep 5	# settled (2 s) and loaded, still with no request
check "edited in place: the first requests through both workers are refused" \
    "$(burst 5222)" "16 403"
check "cache.log: no errors" "$(lab_cache_trouble)" ""
finish
