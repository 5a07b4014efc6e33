#!/bin/bash
# sync.sh: helper/ext_kpoint_acl-sync against a running SslBump Squid (tests/lib/lab/lab.sh,
# LAB_TLS=1): a list change regenerates kpoint-sslbump-acls.conf, Squid logs its reconfigure,
# and what is spliced follows (another site, once listed, is spliced: the origin's own
# certificate); running it again with nothing changed does nothing; a list that does not load
# and a squid.conf that does not parse each leave the acls and Squid as they were, with a
# clear message; two quick writes (the path unit starting it twice) give one reconfigure.
. "$TOP_SRCDIR/tests/lib/lib.sh"
. "$TOP_SRCDIR/tests/lib/lab/lab.sh"
trap 'lab_stop; cleanup_tmp' EXIT

lab_need_tls
LAB_SECONDS=600
LAB_TLS=1
LAB_ORIGIN_PORT=$(lab_free_port)
LAB_LIST_EXTRA="port $LAB_ORIGIN_PORT"
lab_start
LIST=$LAB/kpoint.conf
ACLS=$LAB/kpoint-sslbump-acls.conf
SYNC=$TOP_SRCDIR/helper/ext_kpoint_acl-sync

tls() { lab_tls_get --proxy "$@"; }
# sync: the command as an admin runs it, pointed at the lab; output in $TMP/sync.err, $RC
sync_once() {
	timeout 90 sh "$SYNC" --list "$LIST" --acls "$ACLS" --squid "$SQUID" \
	    --squid-conf "$LAB/squid.conf" --service "$LAB_SERVICE" --helper "$HELPER" --settle 1 \
	    > "$TMP/sync.out" 2> "$TMP/sync.err"
	RC=$?
	return "$RC"	# in the background, RC is the subshell's: wait gives this
}
reconfigures() { grep -c 'Reconfiguring Squid Cache' "$LAB/cache.log"; }
# put_list TEXT: a new list, renamed into place as an admin should
put_list() { printf '%s\n' "$1" > "$LIST.new" && chmod 644 "$LIST.new" && mv "$LIST.new" "$LIST"; }
# answers: Squid answers a request. A signal sent to Squid before it is handled before the
# answer (Squid handles pending signals in its main loop, between the steps of a request), so
# an answer also says that a reconfigure sent earlier would be in cache.log by now.
answers() {
	[ "$(lab_get "http://www.other.example:$LAB_ORIGIN_PORT/answers/index.html" | cut -c1-3)" = 200 ]
}
# settled N: Squid has reconfigured N times and answers again (for wait_for)
settled() { [ "$(reconfigures)" -ge "$1" ] && answers; }

base=$(cat "$LIST")
r=$(tls www.other.example:443 www.other.example www.other.example /s0/index.html)
check "before: the other site is bumped" "$(lab_tls_field 3 "$r")" "$LAB_BUMP_CA"

# a change: the other site becomes kPoint's
before=$(reconfigures)
put_list "$base
domain .other.example"
sync_once
check "a list change: exit 0" "$RC" 0
check "a list change: says so" "$(grep -c 'Squid reconfigured' "$TMP/sync.err")" 1
check "a list change: the acls hold the new entry" \
    "$(grep -c '^acl kpoint_tls_sni ssl::server_name --client-requested .other.example$' "$ACLS")" 1
check "a list change: nothing left beside the acls" \
    "$(find "$LAB" -maxdepth 1 -name '*kpoint-sslbump-acls*' | sort | sed "s|$LAB/||" | paste -sd' ')" \
    "kpoint-sslbump-acls.conf"
wait_for 20 wait_for 20 settled $((before + 1))
check "a list change: Squid logs one reconfigure" "$(reconfigures)" $((before + 1))
r=$(tls www.other.example:443 www.other.example www.other.example /s1/index.html)
check "a list change: the newly listed site is spliced (its own certificate)" \
    "$(lab_tls_field 2 "$r") $(lab_tls_field 3 "$r")" "200 $LAB_ORIGIN_CA"

# again, nothing changed
before=$(reconfigures)
sync_once
check "nothing changed: exit 0, nothing to do" \
    "$RC:$(grep -c 'nothing to do' "$TMP/sync.err")" "0:1"
wait_for 10 answers
check "nothing changed: no reconfigure" "$(reconfigures)" "$before"

# a list that does not load
cp "$ACLS" "$TMP/acls.before"
put_list "$base
hots www.broken.example"
sync_once
check "a bad list: exit 1" "$RC" 1
check "a bad list: says why, with the line" \
    "$(grep -c 'the list does not load; nothing changed' "$TMP/sync.err"):$(grep -c "$LIST:[0-9]*:" "$TMP/sync.err")" "1:1"
check_file "a bad list: the acls as they were" "$ACLS" "$TMP/acls.before"
wait_for 10 answers
check "a bad list: no reconfigure" "$(reconfigures)" "$before"

# a squid.conf that does not parse: the old acls go back
cp "$LAB/squid.conf" "$TMP/squid.conf.good"
echo "http_acces allow all" >> "$LAB/squid.conf"
put_list "$base"
sync_once
check "squid.conf refused: exit 1" "$RC" 1
check "squid.conf refused: says so, in Squid's words" \
    "$(grep -c 'refuses' "$TMP/sync.err"):$(grep -cE "unrecognized: 'http_acces'|unrecognized directive near 'http_acces'" "$TMP/sync.err")" "1:1"
check_file "squid.conf refused: the acls as they were" "$ACLS" "$TMP/acls.before"
check "squid.conf refused: no backup left" "$(find "$LAB" -maxdepth 1 -name '*.old' | wc -l)" 0
wait_for 10 answers
check "squid.conf refused: no reconfigure" "$(reconfigures)" "$before"
cat "$TMP/squid.conf.good" > "$LAB/squid.conf"

# two quick writes, as an editor makes them: the path unit starts the command, and once more
# after it ends; one reconfigure, with the second write's list
put_list "$base
domain .first.example"
sync_once &
first=$!
sleep 0.3	# the scenario, not a wait: an editor's second write 0.3 s after its first
put_list "$base
domain .second.example"
wait "$first"
check "two quick writes: the first run puts the last write in force" "$?" 0
sync_once
check "two quick writes: the second run has nothing to do" \
    "$RC:$(grep -c 'nothing to do' "$TMP/sync.err")" "0:1"
check "two quick writes: the acls hold the last write" \
    "$(grep -c 'second.example' "$ACLS"):$(grep -c 'first.example' "$ACLS")" "2:0"
wait_for 20 settled $((before + 1))
check "two quick writes: one reconfigure" "$(reconfigures)" $((before + 1))

# a slow writer: the list written in place, a piece every 0.4 s (less than --settle 1): the
# command waits until it stands still and puts the whole of it in force, never a part
before=$(reconfigures)
printf '%s\n' "$base" > "$LIST"
sync_once &
slow=$!
for part in slow1 slow2 slow3; do
	sleep 0.4	# the scenario: a writer that pauses between pieces
	printf 'domain .%s.example\n' "$part" >> "$LIST"
done
wait "$slow"
check "a slow writer: exit 0" "$?" 0
check "a slow writer: the acls hold every piece, the last too" \
    "$(grep -c 'slow[123].example' "$ACLS"):$(grep -c 'slow3.example' "$ACLS")" "6:2"
wait_for 20 settled $((before + 1))
check "a slow writer: one reconfigure" "$(reconfigures)" $((before + 1))

check "bad option: exit 2" "$(sh "$SYNC" --bogus x 2> /dev/null; echo $?)" 2
# the helpers said why they kept the old list when the bad one was written: nothing else
check "cache.log: no errors or warnings but the bad list's" \
    "$(lab_cache_trouble | grep -v -e 'failed with 1 errors; the list loaded before stays' \
    -e "$LIST:[0-9]*: ")" ""
finish
