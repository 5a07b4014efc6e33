#!/bin/bash
# metrics.sh: the helper's --metrics files as a real node_exporter (textfile collector, on
# loopback) serves them: after a known stream of requests every decision counter is exact;
# a helper with a list that does not load shows fail_closed 1, and a reload that fails counts;
# the files of helpers that have exited are gone from the scrape; node_exporter reports no
# error reading them. --verify's file is in tests/suites/verify.sh.
. "$TOP_SRCDIR/tests/lib/lib.sh"
. "$TOP_SRCDIR/tests/lib/lab/prom.sh"
trap 'prom_stop; cleanup_tmp' EXIT

DIR=$TMP/textfile
mkdir -p "$DIR"
prom_start "$DIR"
cp "$TOP_SRCDIR/conf-snippets/kpoint.conf" "$TMP/list.conf"

FIFO_FDS=
# start NAME ARGS...: the helper on two FIFOs, as on Squid's pipes; NAME_pid, NAME_in (write
# requests there) and NAME_out (read answers) are set.
start() {
	local name=$1 in out
	shift
	mkfifo "$TMP/$name.in" "$TMP/$name.out"
	# the other helpers' pipe ends are not this one's: it must see only its own end of input
	(
		for fd in $FIFO_FDS; do exec {fd}>&-; done
		exec "$HELPER" "$@" < "$TMP/$name.in" > "$TMP/$name.out" 2> "$TMP/$name.err"
	) &
	printf -v "${name}_pid" '%s' "$!"
	exec {in}> "$TMP/$name.in" {out}< "$TMP/$name.out"
	FIFO_FDS="$FIFO_FDS $in $out"
	printf -v "${name}_in" '%s' "$in"
	printf -v "${name}_out" '%s' "$out"
}
# ask NAME LINE: one request; its answer in $ANSWER
ask() {
	local in=${1}_in out=${1}_out
	echo "$2" >&"${!in}"
	read -r -t 5 ANSWER <&"${!out}"
}
# stop NAME: end of input; wait for the helper to exit
stop() {
	local in=${1}_in pid=${1}_pid fd
	fd=${!in}
	exec {fd}>&-
	wait "${!pid}"
}

# One helper, on pipes as under Squid, and a known stream: 5 allowed, 3 on an unlisted port,
# 2 kPoint replies that are not media, 4 other sites, 1 line it cannot read.
start h -c "$TMP/list.conf" --metrics "$DIR"
for i in 1 2 3 4 5; do ask h "$i mp001se.kpoint.com 443 - -"; done
for i in 6 7 8; do ask h "$i mp001se.kpoint.com 8080 - -"; done
for i in 9 10; do ask h "$i mp001se.kpoint.com 443 175.41.142.49 text/html"; done
for i in 11 12 13 14; do ask h "$i www.other$i.example 443 - -"; done
ask h "15 mp001se.kpoint.com notaport - -"
check "the stream was answered (the last: BH)" "$(cut -d' ' -f1-2 <<< "$ANSWER")" "15 BH"
# shellcheck disable=SC2154  # h_pid, b_pid: set by start (printf -v)
L="pid=\"$h_pid\""
prom_wait 10 ext_kpoint_acl_decisions_total "$L,effect=\"allow\",reason=\"kpoint\"" 5
check "allowed: 5" "$(prom_value ext_kpoint_acl_decisions_total "$L,effect=\"allow\",reason=\"kpoint\"")" 5
check "denied, port: 3" "$(prom_value ext_kpoint_acl_decisions_total "$L,effect=\"deny\",reason=\"port\"")" 3
check "scanned, type: 2" "$(prom_value ext_kpoint_acl_decisions_total "$L,effect=\"scan\",reason=\"type\"")" 2
check "not kPoint: 4" "$(prom_value ext_kpoint_acl_decisions_total "$L,effect=\"scan\",reason=\"not_kpoint\"")" 4
check "fail-closed answers: 0" "$(prom_value ext_kpoint_acl_decisions_total "$L,effect=\"scan\",reason=\"failclosed\"")" 0
check "lines it could not read: 1" "$(prom_value ext_kpoint_acl_bad_requests_total "$L")" 1
check "not failing closed" "$(prom_value ext_kpoint_acl_fail_closed "$L")" 0
check "the list's entries by kind" \
    "$(prom_value ext_kpoint_acl_list_entries "$L,kind=\"host\"") $(prom_value ext_kpoint_acl_list_entries "$L,kind=\"net\"") $(prom_value ext_kpoint_acl_list_entries "$L,kind=\"port_run\"")" \
    "15 15 4"
loaded=$(prom_value ext_kpoint_acl_list_loaded_timestamp_seconds "$L")
check "when the list was loaded: within a minute of now" \
    "$(awk -v t="$loaded" -v now="$(date +%s)" 'BEGIN { print (now - t >= 0 && now - t < 60) }')" 1

# A reload that fails: the old list stays, the failure counts; then one that loads.
printf 'bogus line\n' > "$TMP/list.new" && mv "$TMP/list.new" "$TMP/list.conf"
prom_wait 10 ext_kpoint_acl_reload_failures_total "$L" 1
check "a failed reload counts" "$(prom_value ext_kpoint_acl_reload_failures_total "$L")" 1
check "...and the old list stays: not failing closed" "$(prom_value ext_kpoint_acl_fail_closed "$L")" 0
cp "$TOP_SRCDIR/conf-snippets/kpoint.conf" "$TMP/list.new" && mv "$TMP/list.new" "$TMP/list.conf"
prom_wait 10 ext_kpoint_acl_reloads_total "$L" 1
check "a reload counts" "$(prom_value ext_kpoint_acl_reloads_total "$L")" 1

# The file is replaced whole (written beside it, renamed), never rewritten in place: a new
# inode each time, and a reader that reads it over and over while the helper rewrites it
# never sees part of one (every read ends with the last family, whole).
PROM=$DIR/ext_kpoint_acl_$h_pid.prom
last_family=$(grep -v '^#' "$PROM" | tail -n 1 | sed 's/[{ ].*//')
inode=$(stat -c %i "$PROM")
python3 - "$PROM" "$last_family" > "$TMP/reads.out" 2>&1 <<'PY' &
import sys, time
path, last = sys.argv[1], sys.argv[2]
reads = bad = 0
end = time.monotonic() + 8
while time.monotonic() < end:
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        text = ""
    reads += 1
    lines = text.splitlines()
    if not text.endswith("\n") or not lines or not lines[-1].startswith(last):
        bad += 1
print(reads, bad)
PY
reader=$!
# four rewrites, each after a request (a rewrite follows a change, at most every 2 s)
for i in 16 17 18 19; do
	ask h "$i mp001se.kpoint.com 443 - -"
	prom_wait 10 ext_kpoint_acl_decisions_total "$L,effect=\"allow\",reason=\"kpoint\"" $((i - 10))
done
check "a rewrite: a new file (inode), not the old one written in place" \
    "$([ "$(stat -c %i "$PROM")" != "$inode" ] && echo new)" new
wait "$reader"
read -r reads torn < "$TMP/reads.out"
check "reading it while it is rewritten: $reads reads, none torn" "${torn:-?}" 0

# A helper whose list does not load from the start: fail_closed 1.
printf 'domian .kpoint.com\n' > "$TMP/bad.conf"
start b -c "$TMP/bad.conf" --metrics "$DIR"
# shellcheck disable=SC2154  # set by start
bpid=$b_pid
ask b "1 mp001se.kpoint.com 443 - -"
prom_wait 10 ext_kpoint_acl_fail_closed "pid=\"$bpid\"" 1
check "a list that does not load: fail_closed 1" "$(prom_value ext_kpoint_acl_fail_closed "pid=\"$bpid\"")" 1
prom_wait 10 ext_kpoint_acl_decisions_total "pid=\"$bpid\",effect=\"scan\",reason=\"failclosed\"" 1
check "...and its answer counted as fail-closed" \
    "$(prom_value ext_kpoint_acl_decisions_total "pid=\"$bpid\",effect=\"scan\",reason=\"failclosed\"")" 1
check "...and not also as not kPoint" \
    "$(prom_value ext_kpoint_acl_decisions_total "pid=\"$bpid\",effect=\"scan\",reason=\"not_kpoint\"")" 0
check "node_exporter read every file without error" \
    "$(prom_scrape | awk '$1 == "node_textfile_scrape_error" { print $2 }')" 0
check "each helper its own file" "$(find "$DIR" -name 'ext_kpoint_acl_*.prom' | wc -l)" 2

# Helpers that exit leave nothing behind.
stop h
stop b
check "exited helpers: their files are gone" "$(find "$DIR" -name '*.prom*' | wc -l)" 0
check "exited helpers: gone from the scrape" "$(prom_scrape | grep -c '^ext_kpoint_acl_')" 0

# A directory it cannot write: answers as ever, one warning.
start w --metrics "$TMP/no-such-dir"
ask w "1 mp001se.kpoint.com 443 - -"
check "an unwritable metrics directory: answers as ever" "$ANSWER" \
    "1 OK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com"
stop w
check "...and says so" "$(grep -c "metrics in $TMP/no-such-dir" "$TMP/w.err")" 1
# --check on the helper's own squid.conf line (as --doctor runs it): --metrics, like -l, is
# for serving, and is no error there
"$HELPER" --check -l "$TMP/log" --metrics "$TMP/no-such-dir" > /dev/null 2> "$TMP/opt.err"
check "--check on a serving line with --metrics: exit 0, nothing written" \
    "$?:$(find "$TMP" -maxdepth 1 -name log | wc -l)" "0:0"
finish
