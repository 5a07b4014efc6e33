#!/bin/bash
# stream.sh: drives the built helper binary with request streams, as Squid would.
#  - golden cases for the built-in list and for every directive (with and without channel-IDs)
#  - the built-in list against every row of the kPoint guide's server table
#  - thousands of pipelined requests: one answer each, in order, IDs echoed
#  - bad lines between good ones: BH for each, the next request answered
#  - answers are flushed without waiting for more input
#  - bad files: --check messages, fail-closed serving, pick-up of the corrected file
#  - the decision log
#  - the hostile corpus (tests/data/hostile.cases), lines of 1 and 10 MiB with memory bounded
#  - signals: SIGTERM answers what was read and exits 0, SIGUSR1 counters, SIGPIPE quiet
. "$TOP_SRCDIR/tests/lib/lib.sh"
trap 'cleanup_tmp; kill $(jobs -p) 2>/dev/null' EXIT

# run_cases CASEFILE HELPER-ARGS...: every "request => answer" line, plain and with an ID.
run_cases() {
	local cases=$1 name=${1##*/}
	shift
	grep -v '^#' "$cases" | sed 's/ => .*//' > "$TMP/req"
	grep -v '^#' "$cases" | sed 's/.* => //' > "$TMP/want"
	"$HELPER" "$@" < "$TMP/req" > "$TMP/got" 2> "$TMP/err"
	check_file "$name: answers" "$TMP/got" "$TMP/want"
	awk '{ print NR + 1000 " " $0 }' "$TMP/req" > "$TMP/req-id"
	awk '{ print NR + 1000 " " $0 }' "$TMP/want" > "$TMP/want-id"
	"$HELPER" "$@" < "$TMP/req-id" > "$TMP/got-id" 2> "$TMP/err"
	check_file "$name: answers with channel-IDs" "$TMP/got-id" "$TMP/want-id"
}

run_cases "$DATA/builtin.cases"
run_cases "$DATA/directives.cases" -c "$DATA/directives.conf" -f host,port

# The guide's table: each server by name and by address, on each of the guide's ports, is
# allowed; another port is denied with a reason.
while read -r host ip; do
	case $host in '#'*|'') continue ;; esac
	for port in 80 443 1935 5222; do
		printf '%s %s - - -\n- %s %s video/mp4 -\n%s %s - - -\n' "$host" "$port" "$port" "$ip" \
		    "$ip" "$port"
	done
	printf '%s 8443 - - -\n' "$host"
done < "$DATA/guide-table.txt" > "$TMP/guide-req"
"$HELPER" < "$TMP/guide-req" > "$TMP/guide-got"
check "guide table: 15 servers x 4 ports x 3 forms allowed" \
    "$(grep -c '^OK kpoint_=1' "$TMP/guide-got")" 180
check "guide table: every server denied on port 8443" \
    "$(grep -c '^ERR kpoint_=0 log=kpoint-deny:port' "$TMP/guide-got")" 15
check "guide table: one answer per request" "$(wc -l < "$TMP/guide-got")" \
    "$(wc -l < "$TMP/guide-req")"

# Pipelined load: 30000 requests with 64-bit channel-IDs, a mix of kPoint and other sites.
# IDs near 2^64, built as strings (awk's numbers lose precision past 2^53).
awk 'BEGIN {
	split("mp001se.kpoint.com 443|www.example.com 443|d9.cloudfront.net 80|" \
	      "mp001se.kpoint.com 8080|news.example.org 80", r, "|");
	for (i = 1; i <= 30000; i++)
		printf "1844674407370%07d %s - - -\n", i, r[i % 5 + 1];
}' > "$TMP/load"
"$HELPER" < "$TMP/load" > "$TMP/load-got"
check "load: one answer per request" "$(wc -l < "$TMP/load-got")" 30000
check "load: IDs echoed in order" "$(cut -d' ' -f1 "$TMP/load-got" | md5sum)" \
    "$(cut -d' ' -f1 "$TMP/load" | md5sum)"
check "load: answers match requests" \
    "$(paste -d' ' "$TMP/load" "$TMP/load-got" | awk '
	{ ok = ($2 == "mp001se.kpoint.com" && $3 == "443") || $2 == "d9.cloudfront.net"
	  if ($8 != (ok ? "OK" : "ERR")) bad++ } END { print bad + 0 }')" 0

# Bad lines between good ones, under both concurrency settings.
printf '1 mp001se.kpoint.com 443 - -\n2\n3 mp001se.kpoint.com\n4 a.kpoint.com 443 - -\n' \
    > "$TMP/bad"
printf '99999999999999999999999 a 80 - -\n5 a.kpoint.com 99999 - -\n6 a.kpoint.com 80 - -\n' \
    >> "$TMP/bad"
printf '7 a.kpoint.com 80 - -\n' >> "$TMP/bad"
"$HELPER" < "$TMP/bad" > "$TMP/bad-got"
cat > "$TMP/bad-want" <<'WANT'
1 OK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com
2 BH message="empty request"
3 BH message="too few fields for the -f field list"
4 OK kpoint_=1 log=kpoint-allow:.kpoint.com
99999999999999999999999 BH message="channel-ID out of range"
5 BH message="port is not a number 1-65535"
6 OK kpoint_=1 log=kpoint-allow:.kpoint.com
7 OK kpoint_=1 log=kpoint-allow:.kpoint.com
WANT
check_file "bad lines get BH and the stream goes on" "$TMP/bad-got" "$TMP/bad-want"
{ head -c 200000 /dev/zero | tr '\0' 'x'; printf '\nmp001se.kpoint.com 443 - -\n'; } |
    "$HELPER" > "$TMP/long-got"
check "an over-long line gets BH, the next line its answer" "$(cat "$TMP/long-got")" \
    "$(printf 'BH message="request line longer than 65536 bytes"\nOK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com')"

# No answer waits for more input: one request on an open pipe is answered at once.
coproc H { exec "$HELPER"; }
h_pid=$H_PID	# bash unsets H_PID when it ends
printf '41 mp001se.kpoint.com 443 - -\n' >&"${H[1]}"
if read -r -t 5 answer <&"${H[0]}"; then
	check "answered without waiting for more input" "$answer" \
	    "41 OK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com"
else
	fail "no answer within 5 s while stdin stayed open"
fi
# shellcheck disable=SC1083,SC2093  # bash's own way to close a coproc's input
exec {H[1]}>&-
wait "$h_pid" 2>/dev/null
check "exit status 0 at end of input" "$?" 0

# Bad files: --check reports every error with FILE:LINE and exits 1.
"$HELPER" --check -c "$DATA/bad/typos.conf" > /dev/null 2> "$TMP/check-err"
check "--check exit status for a bad file" "$?" 1
sed "s|@DIR@|$DATA/bad|" "$DATA/bad/typos.err" > "$TMP/check-want"
check_file "--check messages" "$TMP/check-err" "$TMP/check-want"
"$HELPER" --check -c "$TOP_SRCDIR/conf-snippets/kpoint.conf" > "$TMP/check-out"
check "--check exit status for kpoint.conf" "$?" 0
check "--check summary" "$(cat "$TMP/check-out")" \
    "$TOP_SRCDIR/conf-snippets/kpoint.conf: OK: 15 hosts, 2 domains, 0 globs, 0 regexes, 15 nets, 4 ports, 14 types"
check "kpoint.conf and the built-in list are the same list" \
    "$("$HELPER" --dump -c "$TOP_SRCDIR/conf-snippets/kpoint.conf" | md5sum)" \
    "$("$HELPER" --dump | md5sum)"

# A helper started with a bad file keeps serving, fails closed, and picks up the fix.
cp "$DATA/bad/typos.conf" "$TMP/live.conf"
coproc H2 { exec "$HELPER" -c "$TMP/live.conf" 2> "$TMP/live-err"; }
h2_pid=$H2_PID	# bash unsets H2_PID when it ends
printf '1 mp001se.kpoint.com 443 - -\n' >&"${H2[1]}"
read -r -t 5 answer <&"${H2[0]}"
check "bad file at start: fail closed" "$answer" \
    "1 ERR log=kpoint-failclosed message=\"allowlist not loaded: $TMP/live.conf:3: unknown directive 'domian' (expected host, domain, regex, net, port or type) (and more, see cache.log)\""
grep -q "^$TMP/live.conf:4: net '175.41.142.49/24'" "$TMP/live-err"
check "bad file at start: errors in cache.log" "$?" 0
# ask_until IN OUT WANT SECONDS: send a request every 0.2 s (the file is looked at on traffic,
# at most once a second, and loads on a thread of its own) until the answer is WANT; bounded.
ask_until() {
	local i answer
	for i in $(seq $(($4 * 5))); do
		printf '%s mp001se.kpoint.com 443 - -\n' "$i" >&"$1"
		read -r -t 5 answer <&"$2" || return 1
		[ "${answer#* }" = "$3" ] && return 0
		sleep 0.2
	done
	return 1
}
cp "$TOP_SRCDIR/conf-snippets/kpoint.conf" "$TMP/live.conf.new"
mv "$TMP/live.conf.new" "$TMP/live.conf"	# written, then renamed into place: loads at once
ask_until "${H2[1]}" "${H2[0]}" "OK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com" 5
check "corrected file picked up" "$?" 0
# shellcheck disable=SC1083,SC2093  # bash's own way to close a coproc's input
exec {H2[1]}>&-
wait "$h2_pid" 2>/dev/null

# A chmod alone (no new content, no new mtime: what fixing an unreadable list looks like) is
# noticed too: the helper loads the file again.
coproc H3 { exec "$HELPER" -c "$TMP/live.conf" 2> "$TMP/chmod-err"; }
h3_pid=$H3_PID	# bash unsets H3_PID when it ends
printf '1 mp001se.kpoint.com 443 - -\n' >&"${H3[1]}"
read -r -t 5 _ <&"${H3[0]}"
chmod 600 "$TMP/live.conf"
# an in-place change: loaded once it has settled (two looks, 2 s after the last write)
for i in $(seq 25); do
	printf '%s mp001se.kpoint.com 443 - -\n' "$i" >&"${H3[1]}"
	read -r -t 5 answer <&"${H3[0]}"
	[ "$answer" = "$i OK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com" ] ||
	    fail "after a chmod: answer $i was '$answer'"
	grep -q 'reloaded (file changed)' "$TMP/chmod-err" && break
	sleep 0.2
done
check "after a chmod: still answered from the list" "${answer#* }" \
    "OK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com"
# shellcheck disable=SC1083,SC2093  # bash's own way to close a coproc's input
exec {H3[1]}>&-
wait "$h3_pid" 2>/dev/null
check "after a chmod: the file was looked at again" \
    "$(grep -c 'reloaded (file changed)' "$TMP/chmod-err")" 1

# A bad option does not kill the helper either: it fails closed.
check "bad option: fail closed" \
    "$(printf 'mp001se.kpoint.com 443 - -\n' | "$HELPER" --bogus 2>/dev/null)" \
    'ERR log=kpoint-failclosed message="bad command line option (see ext_kpoint_acl --help)"'

# The decision log: one line per denied kPoint request, none for the others.
printf '1 mp001se.kpoint.com 8080 - - ctx\n2 www.example.com 8080 - -\n3 a.kpoint.com 443 - text/html%%3Bq -\n' |
    "$HELPER" -l "$TMP/decisions.log" > /dev/null
check "decision log: two denials" "$(wc -l < "$TMP/decisions.log")" 2
check "decision log: port line" "$(sed -n 1p "$TMP/decisions.log" | cut -d' ' -f2-)" \
    "deny reason=port host=mp001se.kpoint.com port=8080 ip=- type=- method=- path=- match=mp001se.kpoint.com data=ctx"
check "decision log: type line" "$(sed -n 2p "$TMP/decisions.log" | cut -d' ' -f2-)" \
    "scan reason=type host=a.kpoint.com port=443 ip=- type=text/html%253Bq method=- path=- match=.kpoint.com data=-"
sed -n 1p "$TMP/decisions.log" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z '
check "decision log: ISO 8601 UTC time" "$?" 0
# The log is appended to (O_APPEND): what was there stays; a space in a value is escaped.
printf 'an older line\n' > "$TMP/kept.log"
printf 'a.kpoint.com 443 - text/html;%%20charset=x\n' | "$HELPER" -l "$TMP/kept.log" > /dev/null
check "decision log: the lines already there are kept" "$(sed -n 1p "$TMP/kept.log")" "an older line"
check "decision log: a space in a value is escaped" \
    "$(sed -n 2p "$TMP/kept.log" | grep -o 'type=[^ ]*')" "type=text/html;%20charset=x"
check "decision log: one record, one line" "$(wc -l < "$TMP/kept.log")" 2

# A list entry with raw control bytes (a regex may hold them) is quoted in answers without
# them: every answer stays one line.
printf 'regex ^a\001?b\\.ctl\\.example$ ^c\033?\\[?d\\.ctl\\.example$\nport 443\n' > "$TMP/ctl.conf"
printf 'ab.ctl.example 443 - -\ncd.ctl.example 443 - -\nab.ctl.example 80 - -\n' |
    "$HELPER" -c "$TMP/ctl.conf" 2> /dev/null > "$TMP/ctl.out"
check "control bytes in an entry: one answer line per request" "$(wc -l < "$TMP/ctl.out")" 3
check "control bytes in an entry: none of them in the answers" \
    "$(LC_ALL=C tr -d '\n' < "$TMP/ctl.out" | LC_ALL=C grep -c '[[:cntrl:]]')" 0
check "control bytes in an entry: the entry still matches" "$(grep -c '^OK kpoint_=1' "$TMP/ctl.out")" 2

check "an unwritable log costs log lines, not answers" \
    "$(printf 'mp001se.kpoint.com 8080 - -\n' | "$HELPER" -l /nonexistent/dir/x.log 2>/dev/null)" \
    'ERR kpoint_=0 log=kpoint-deny:port message="kPoint traffic to port 8080 is not allowed"'
if [ -w /dev/full ]; then
	check "a full disk costs log lines, not answers" \
	    "$(printf 'mp001se.kpoint.com 8080 - -\nmp001se.kpoint.com 443 - -\n' |
	       "$HELPER" -l /dev/full 2>/dev/null | cut -c1-3)" "$(printf 'ERR\nOK ')"
fi

# The hostile corpus: one answer each, in order, exactly as written.
grep -v '^#' "$DATA/hostile.cases" | sed 's/ => .*//' |
    while IFS= read -r req; do printf '%b\n' "$req"; done > "$TMP/hostile"
grep -v '^#' "$DATA/hostile.cases" | sed 's/.* => //' > "$TMP/hostile-want"
"$HELPER" < "$TMP/hostile" > "$TMP/hostile-got" 2> /dev/null
check_file "hostile corpus: exact answers" "$TMP/hostile-got" "$TMP/hostile-want"
check "hostile corpus: at least 50 cases" "$(($(wc -l < "$TMP/hostile-want") >= 50))" 1
check "hostile corpus: OK only for kPoint" \
    "$(paste -d'|' "$TMP/hostile" "$TMP/hostile-got" | grep '| *[0-9]* *OK' | grep -vc 'kpoint\|175.41.142.49')" 0

# Lines of 1 MiB and 10 MiB: BH (with the ID), the next request answered, memory bounded.
big_line() { printf '%s ' "$1"; head -c "$2" /dev/zero | tr '\0' 'a'; printf '\n'; }
{ big_line 900 1048576; printf '901 mp001se.kpoint.com 443 - -\n'; big_line 902 10485760
  printf '903 www.example.com 443 - -\n'; } | "$HELPER" > "$TMP/big-got"
check "1 and 10 MiB lines: BH each, stream goes on" "$(cat "$TMP/big-got")" \
    "$(printf '%s\n' '900 BH message="request line longer than 65536 bytes"' \
        '901 OK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com' \
        '902 BH message="request line longer than 65536 bytes"' '903 ERR')"
if [ -z "${VALGRIND_WRAPPED:-}" ]; then
	coproc M { exec "$HELPER" 2>/dev/null; }
	m_pid=$M_PID	# bash unsets M_PID when it ends
	printf '1 a.kpoint.com 443 - -\n' >&"${M[1]}"
	read -r -t 5 _ <&"${M[0]}"
	base=$(awk '/VmHWM/ { print $2 }' "/proc/$m_pid/status")
	big_line 2 52428800 >&"${M[1]}"
	read -r -t 30 answer <&"${M[0]}"
	check "50 MiB line answered" "$answer" '2 BH message="request line longer than 65536 bytes"'
	peak=$(awk '/VmHWM/ { print $2 }' "/proc/$m_pid/status")
	check "50 MiB line: peak memory grew by less than 1 MiB" "$(( peak - base < 1024 ))" 1
	# shellcheck disable=SC1083,SC2093  # bash's own way to close a coproc's input
	exec {M[1]}>&-
	wait "$m_pid"
fi

# A pathological regex hits PCRE2's work limit: the answer is an error, never OK. (Labels
# stay within 63 characters: an invalid host name never reaches the matcher at all.)
printf 'regex ^(a|aa|\\.)+$\nport 443\n' > "$TMP/redos.conf"
a35=$(head -c 35 /dev/zero | tr '\0' a)
check "regex work limit: fail closed" \
    "$(printf '%s.%s.b 443 - -\naa.aa 443 - -\n' "$a35" "$a35" |
       "$HELPER" -c "$TMP/redos.conf" 2>/dev/null)" \
    "$(printf '%s\n' 'ERR log=kpoint-scan:error message="the pattern matcher failed: not exempt, to be safe"' \
        'OK kpoint_=1 log="kpoint-allow:regex:^(a|aa|\\.)+$"')"

# Out of memory ends the helper with a message (Squid denies the request in flight and
# starts a new helper); it never answers OK. Skipped where ulimit -v cannot apply (ASan,
# valgrind).
if [ -z "${VALGRIND_WRAPPED:-}" ] && (ulimit -v 60000; "$HELPER" --version) > /dev/null 2>&1
then
	awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "host h%d.example\n", i }' > "$TMP/huge.conf"
	(ulimit -v 60000; printf 'h1.example 80 - -\n' |
	    "$HELPER" -c "$TMP/huge.conf" > "$TMP/oom-out" 2> "$TMP/oom-err")
	check "out of memory: exit status 1" "$?" 1
	check "out of memory: says so" "$(grep -c 'FATAL: out of memory' "$TMP/oom-err")" 1
	check "out of memory: no OK" "$(grep -c OK "$TMP/oom-out")" 0
	rm -f "$TMP/huge.conf"
else
	echo "note: out-of-memory check skipped (ulimit -v does not apply to this build)"
fi

# SIGTERM: the answers owed go out, then exit 0. (A FIFO and a plain background process:
# bash drops a coproc's descriptors as soon as it ends.)
mkfifo "$TMP/term-in"
"$HELPER" < "$TMP/term-in" > "$TMP/term-got" 2>/dev/null &
t_pid=$!
exec {tw}> "$TMP/term-in"
for i in $(seq 500); do printf '%d mp001se.kpoint.com 443 - -\n' "$i"; done >&"$tw"
wait_for 5 test -s "$TMP/term-got"
kill -TERM "$t_pid"
wait "$t_pid"
check "SIGTERM: exit status 0" "$?" 0
exec {tw}>&-
check "SIGTERM: answers are whole lines, in order" \
    "$(awk '$1 != NR || $2 != "OK" || NF != 4 { bad++ } END { print bad + 0 }' "$TMP/term-got")" 0
check "SIGTERM: something was answered" "$(($(wc -l < "$TMP/term-got") > 0))" 1

# SIGPIPE: Squid gone, stdout closed: exit quietly.
printf 'mp001se.kpoint.com 443 - -\n' > "$TMP/one"
{ "$HELPER" < "$TMP/one" 2> "$TMP/pipe-err"; echo "$?" > "$TMP/pipe-rc"; } | true
check "closed stdout: exit 0" "$(cat "$TMP/pipe-rc")" 0
check "closed stdout: nothing on stderr but the load line" \
    "$(grep -v 'loaded built-in list' "$TMP/pipe-err")" ""

# SIGUSR1: one line of counters on stderr and in the decision log.
mkfifo "$TMP/usr1-in"
"$HELPER" -l "$TMP/usr1.log" < "$TMP/usr1-in" > "$TMP/usr1-got" 2> "$TMP/usr1-err" &
u_pid=$!
exec {uw}> "$TMP/usr1-in"
printf '1 mp001se.kpoint.com 443 - -\n2 mp001se.kpoint.com 8080 - -\n3 a.b 80 - -\n4 a.b 0 - -\n' >&"$uw"
wait_for 5 test "$(wc -l < "$TMP/usr1-got")" -eq 4
kill -USR1 "$u_pid"
wait_for 5 grep -q counters "$TMP/usr1-err"
exec {uw}>&-
wait "$u_pid"
check "SIGUSR1: counters on stderr" \
    "$(grep -o 'counters .*' "$TMP/usr1-err" | sed 's/ uptime=[0-9]*s//')" \
    "counters requests=4 ok=1 err=2 bh=1 deny_port=1 deny_type=0 deny_error=0 failclosed=0 reloads=0 reload_failures=0 log_lost=0"
check "SIGUSR1: counters in the decision log" "$(grep -c ' counters requests=4 ok=1 ' "$TMP/usr1.log")" 1

# The last request line without its newline is still answered, at end of input.
check "a last line without a newline: answered at end of input" \
    "$(printf '7 mp001se.kpoint.com 443 - -' | "$HELPER" 2>/dev/null)" \
    "7 OK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com"
finish
