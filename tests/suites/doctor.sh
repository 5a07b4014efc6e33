#!/bin/bash
# doctor.sh: ext_kpoint_acl --doctor on a corpus of squid.conf files (tests/data/doctor/), each
# read by the real Squid under test (SQUID: 5.7, or 6.13 from tests/run-all.sh). Each file's
# first line says what the doctor must report, e.g. "# doctor: FAIL http_access" or
# "# doctor: clean": exactly those checks, nothing else, with a fix for every FAIL, and the exit
# status that goes with it (1 if anything fails, else 0). The README's recommended
# configurations are in the corpus and must come out clean. Bad input (no such file, an include
# Squid cannot read, no Squid, a file Squid refuses, no kPoint line) is exit 2 with a clear
# message, never a crash or a hang; so are a directory, a binary file, an include loop and a
# Squid that crashes. tests/suites/doctor-live.sh shows, with a running Squid and
# c-icap, that the harm each ordering finding claims is real and that its fix removes it.
. "$TOP_SRCDIR/tests/lib/lib.sh"
. "$TOP_SRCDIR/tests/lib/lab/lab.sh"
trap 'cleanup_tmp' EXIT

command -v "$SQUID" > /dev/null || { echo "SKIP: no Squid (run tests/setup.sh)"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: must run as root (the doctor runs the helper as proxy)"; exit 77; }
command -v openssl > /dev/null || { echo "SKIP: openssl is not installed"; exit 77; }

# The files an admin installs beside squid.conf, paths pointed into DIR.
DIR=$TMP/etc
mkdir -p "$DIR/cases" "$DIR/root-only" "$DIR/prom"
chmod 755 "$TMP" "$DIR"
lab_snippets "$DIR"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -sha256 -keyout "$DIR/bump-ca.key" \
    -out "$DIR/bump-ca.crt" -subj "/CN=doctor test CA" -addext basicConstraints=critical,CA:TRUE \
    > /dev/null 2>&1 || { echo "openssl could not make a CA"; exit 1; }
cat "$DIR/bump-ca.crt" "$DIR/bump-ca.key" > "$DIR/bump-ca.pem"
printf 'domain .kpoint.com\nport 443\nhots mp001se.kpoint.com\n' > "$DIR/bad-list.conf"
{ cat "$TOP_SRCDIR/conf-snippets/kpoint.conf"; echo "domain .newcdn.example"; } \
    > "$DIR/changed-list.conf"
# generated ssl_bump acls that still hold a domain the list no longer has
{ cat "$DIR/kpoint-sslbump-acls.conf"; echo "acl kpoint_tls_dst dstdomain -n .gone.example"; } \
    > "$DIR/extra-acls.conf"
sed "s|$DIR/kpoint-sslbump-acls.conf|$DIR/extra-acls.conf|" "$DIR/squid-kpoint-sslbump.conf" \
    > "$DIR/squid-kpoint-sslbump-extra.conf"
chmod 644 "$DIR"/*.conf "$DIR/bump-ca.pem"
chown proxy "$DIR" "$DIR/prom"	# the shipped snippet's decision log; metrics

# doctor FILE [ARGS]: run the doctor on FILE with the Squid under test; stdout to $TMP/out,
# stderr to $TMP/err, exit status in $RC. Bounded: a hang is a failure, not a stuck test.
doctor() {
	local f=$1
	shift
	timeout 120 "$HELPER" --doctor "$f" --squid "$SQUID" "$@" > "$TMP/out" 2> "$TMP/err"
	RC=$?
}

# The checks the doctor did not pass, "FAIL x, warn y" in its order of checks; "clean" if none.
flagged() {
	awk '$1 == "FAIL" || $1 == "warn" { print $1 " " $2 }' "$TMP/out" | uniq |
	    paste -sd, - | sed 's/,/, /g; s/^$/clean/'
}

for src in "$TOP_SRCDIR"/tests/data/doctor/*.conf; do
	name=$(basename "$src" .conf)
	conf=$DIR/cases/$name.conf
	sed -e "s|@DIR@|$DIR|g" -e "s|@HELPER@|$HELPER|g" "$src" > "$conf"
	want=$(sed -n '1s/^# doctor: //p' "$src")
	doctor "$conf"
	check "$name: the doctor flags exactly: $want" "$(flagged)" "$want"
	case $want in
	*FAIL*) want_rc=1 ;;
	*) want_rc=0 ;;
	esac
	check "$name: exit status" "$RC" "$want_rc"
	# every FAIL says how to fix it, on the line after the directive Squid read
	check "$name: a fix for every FAIL" \
	    "$(awk '$1 == "FAIL" { f++ } /^     fix: ./ { x++ } END { print (f <= x) }' "$TMP/out")" 1
	check "$name: nothing on stderr" "$(head -c 300 "$TMP/err")" ""
done

# Fixes checked: for every case that FAILs, the doctor's own fixes are applied, one at a time,
# as tests/lib/lab/applyfix.py does them by hand, to a copy of the case and of the files beside
# it, and the doctor reruns: every FAIL goes, and nothing appears that was not there (a warn
# may stay). A fix that needs the admin's judgement (correct a list, install the helper) is
# said, not applied: those cases are listed here.
NOT_MECHANICAL="list-bad helper-missing smp-one-worker"
for src in "$TOP_SRCDIR"/tests/data/doctor/*.conf; do
	name=$(basename "$src" .conf)
	grep -q '^# doctor: .*FAIL' "$src" || continue
	case " $NOT_MECHANICAL " in *" $name "*) continue ;; esac
	fixdir=$TMP/fix/$name
	mkdir -p "$TMP/fix"
	cp -a "$DIR" "$fixdir"
	conf=$fixdir/cases/$name.conf
	sed -e "s|@DIR@|$fixdir|g" -e "s|@HELPER@|$HELPER|g" "$src" > "$conf"
	sed -i "s|$DIR|$fixdir|g" "$fixdir"/*.conf
	chmod 644 "$fixdir"/*.conf "$conf"
	doctor "$conf"
	before_warns=$(awk '$1 == "warn" { print $2 }' "$TMP/out" | sort -u | paste -sd' ')
	applied=0
	while grep -q '^FAIL ' "$TMP/out" && [ "$applied" -lt 6 ]; do
		fix=$(awk '/^FAIL / { f = 1; next } f && /^     fix: / { print; exit }' "$TMP/out")
		directive=$(awk '/^FAIL / { f = 1; next } f && /^     squid.conf: / { sub(/^     squid.conf: /, ""); print; exit }' "$TMP/out")
		python3 "$TOP_SRCDIR/tests/lib/lab/applyfix.py" "$conf" "$fix" "$directive" \
		    2> "$TMP/applyfix.err" || { echo "  $name: $(cat "$TMP/applyfix.err")"; break; }
		applied=$((applied + 1))
		doctor "$conf"
	done
	check "$name: its fixes applied ($applied), no FAIL is left and nothing new appeared" \
	    "$(grep -c '^FAIL ' "$TMP/out") $(awk '$1 == "warn" { print $2 }' "$TMP/out" | sort -u | paste -sd' ')" \
	    "0 $before_warns"
done

# The fix names the line to move and where to, with the file's own words.
doctor "$DIR/cases/include-after-connect-deny.conf"
check "CONNECT deny first: the harm" \
    "$(grep -c '^FAIL http_access  *CONNECT to kPoint on ports 80, 1935, 5222 is refused' "$TMP/out")" 1
check "CONNECT deny first: the fix" "$(grep '^     fix:' "$TMP/out")" \
    "     fix: move \`include $DIR/squid-kpoint.conf\` above \`http_access deny CONNECT !SSL_ports\`"
doctor "$DIR/cases/icap-names.conf"
check "unrenamed services: the fix names the site's service" "$(grep '^     fix:' "$TMP/out")" \
    "     fix: rename \`scanner_req\` to \`av_req\` in $DIR/squid-kpoint-icap.conf
     fix: rename \`scanner_resp\` to \`av_resp\` in $DIR/squid-kpoint-icap.conf"
doctor "$DIR/cases/stale-acls.conf"
check "stale acls: the regenerating command" "$(grep '^     fix:' "$TMP/out")" \
    "     fix: run \`$HELPER --emit sslbump -c $DIR/changed-list.conf > $DIR/kpoint-sslbump-acls.conf && squid -k reconfigure\`"
check "stale acls: the entry the file lacks" \
    "$(grep -c '0 entries the list no longer has, 2 entries of the list missing (`kpoint_tls_dst dstdomain -n .newcdn.example`)' "$TMP/out")" 1

doctor "$DIR/cases/stale-extra.conf"
check "stale acls: the entry the list no longer has" \
    "$(grep -c '1 entry the list no longer has (`kpoint_tls_dst dstdomain -n .gone.example`), 0 entries of the list missing' "$TMP/out")" 1
doctor "$DIR/cases/splice-shadows-bump.conf"
check "splice all above the site's bump rule: the fix moves it below, nothing else" \
    "$(grep '^     fix:' "$TMP/out")" "     fix: move \`ssl_bump splice all\` after \`ssl_bump bump suspicious\`"
doctor "$DIR/cases/smp-one-worker.conf"
check "SMP: the worker without kPoint is named" \
    "$(grep -c '^FAIL helper  *worker 2: no external_acl_type runs ext_kpoint_acl for this worker' "$TMP/out")" 1
doctor "$DIR/cases/smp-worker-deny.conf"
check "SMP: a finding of one worker names it" \
    "$(grep -c '^FAIL http_access  *worker 2: CONNECT to kPoint on ports .*1935, 5222 is refused' "$TMP/out")" 1
check "SMP: each worker's count of directives" \
    "$(head -n 1 "$TMP/out" | grep -cE 'for each of its 2 workers: [0-9]+, [0-9]+ directives applied$')" 1
doctor "$DIR/cases/sni-only.conf"
check "an SNI-only proxy: never told to bump" "$(grep -c 'bump all' "$TMP/out")" 0

# Machine output: one JSON object a line, the same findings, a summary last.
doctor "$DIR/cases/sslbump-after-admin.conf" --log-format json
check "JSON: every line an object, one FAIL with its fix, the summary" "$(python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
fails = [r for r in rows[:-1] if r["verdict"] == "FAIL"]
print(len(rows) > 5, [(r["check"], r["fix"] is not None, r["directive"]) for r in fails],
      rows[-1]["summary"]["fail"], rows[-1]["squid"] is not None)' "$TMP/out")" \
    "True [('ssl_bump_order', True, 'ssl_bump peek step1')] 1 True"
check "JSON: exit status" "$RC" 1

# ---- bad input: exit 2, a clear message, never a crash or a hang ----
doctor "$DIR/cases/no-such-squid.conf"
check "missing file: exit 2" "$RC" 2
check "missing file: Squid's own words" \
    "$(grep -c "Unable to open configuration file: $DIR/cases/no-such-squid.conf" "$TMP/err")" 1

printf 'http_port 3128\ninclude %s/secret.conf\n' "$DIR" > "$DIR/cases/unreadable.conf"
echo "acl secret src 10.1.1.1" > "$DIR/secret.conf"
chmod 600 "$DIR/secret.conf"
chmod 644 "$DIR/cases/unreadable.conf"
chmod 755 "$DIR/cases"
timeout 120 setpriv --reuid=nobody --regid=nogroup --clear-groups "$HELPER" --doctor \
    "$DIR/cases/unreadable.conf" --squid "$SQUID" > "$TMP/out" 2> "$TMP/err"
check "unreadable include: exit 2" "$?" 2
check "unreadable include: Squid's own words" \
    "$(grep -c "Unable to open configuration file: $DIR/secret.conf: (13) Permission denied" "$TMP/err")" 1

# Not root: the doctor cannot check as Squid's user, and says what it found as its own.
for c in log-unwritable:decision_log:root-only/kpoint-decisions.log \
    metrics-unwritable:metrics:root-only; do
	IFS=: read -r name check what <<< "$c"
	timeout 120 setpriv --reuid=nobody --regid=nogroup --clear-groups "$HELPER" --doctor \
	    "$DIR/cases/$name.conf" --squid "$SQUID" > "$TMP/out" 2> "$TMP/err"
	check "$name, not as root: a warning that says as whom it checked" \
	    "$(grep -cx "warn $check  *$DIR/$what: checked as the user running --doctor, not as proxy (run it as root to check as Squid's user): not writable" "$TMP/out")" 1
done

timeout 60 "$HELPER" --doctor "$DIR/cases/plain.conf" --squid "$TMP/no/squid" > "$TMP/out" 2> "$TMP/err"
check "no Squid: exit 2" "$?" 2
check "no Squid: says so" "$(grep -c "no Squid to read .* with: $TMP/no/squid: No such file" "$TMP/err")" 1

grep -v 'squid-kpoint' "$DIR/cases/plain.conf" > "$DIR/cases/no-kpoint.conf"
doctor "$DIR/cases/no-kpoint.conf"
check "no kPoint line: exit 2" "$RC" 2
check "no kPoint line: says so" "$(grep -c 'has no kPoint line: no external_acl_type runs ext_kpoint_acl' "$TMP/err")" 1

{ cat "$DIR/cases/plain.conf"; echo "http_acces allow all"; } > "$DIR/cases/refused.conf"
doctor "$DIR/cases/refused.conf"
check "a file Squid refuses: exit 2" "$RC" 2
check "a file Squid refuses: Squid's own words" "$(grep -cE "unrecognized: 'http_acces'|unrecognized directive near 'http_acces'" "$TMP/err")" 1
check "a file Squid refuses: nothing judged" "$(wc -c < "$TMP/out")" 0

# a directory, a binary file, an include loop, a missing include, a Squid that crashes: exit 2,
# one clear line of its own (Squid's words where Squid read the file), nothing judged
mkdir -p "$DIR/cases/a-directory"
doctor "$DIR/cases/a-directory"
check "a directory: exit 2, said so" \
    "$RC:$(grep -c "is a directory, not a squid.conf" "$TMP/err"):$(wc -c < "$TMP/out")" "2:1:0"
head -c 4096 "$(command -v ls)" > "$DIR/cases/binary.conf"
doctor "$DIR/cases/binary.conf"
check "a binary file: exit 2, Squid's own words" \
    "$RC:$(grep -cE "refuses .*binary.conf|unrecognized" "$TMP/err" | grep -c '^[1-9]'):$(wc -c < "$TMP/out")" "2:1:0"
printf 'http_port 3128\ninclude %s\n' "$DIR/cases/loop.conf" > "$DIR/cases/loop.conf"
doctor "$DIR/cases/loop.conf"
check "an include loop: exit 2, Squid's own words" \
    "$RC:$(grep -c 'nested too deeply' "$TMP/err")" "2:1"
printf 'http_port 3128\ninclude %s/no-such-include.conf\n' "$DIR" > "$DIR/cases/missing-include.conf"
doctor "$DIR/cases/missing-include.conf"
check "a missing include: exit 2, Squid's own words" \
    "$RC:$(grep -c "no-such-include.conf: (2) No such file" "$TMP/err")" "2:1"
printf '#!/bin/sh\nkill -SEGV $$\n' > "$TMP/crashing-squid"
chmod 755 "$TMP/crashing-squid"
doctor "$DIR/cases/plain.conf" --squid "$TMP/crashing-squid"
check "a Squid that crashes: exit 2, said so" \
    "$RC:$(grep -c 'crashed (Segmentation fault)' "$TMP/err")" "2:1"

"$HELPER" --squid "$SQUID" --check > /dev/null 2> "$TMP/err"
check "--squid without --doctor is refused" "$?:$(grep -c 'squid goes with --doctor' "$TMP/err")" "2:1"
"$HELPER" --doctor a.conf b.conf > /dev/null 2> "$TMP/err"
check "two files are refused" "$?:$(grep -c "unexpected argument 'b.conf'" "$TMP/err")" "2:1"

finish
