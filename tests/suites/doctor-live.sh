#!/bin/bash
# doctor-live.sh: ground truth for --doctor's ordering findings. For each mistake, a real Squid
# (SQUID) with c-icap as the scanner and the project's snippets (tests/lib/lab/lab.sh) runs the
# mistaken squid.conf, and the harm the doctor will claim is shown from Squid's answer, the
# certificate the client saw and c-icap's log; then the doctor reads that same file, flags
# exactly the one check, and its fix line is applied to the file as written
# (tests/lib/lab/applyfix.py); Squid restarts on the corrected file and the harm is gone:
#  - the kPoint include after "deny CONNECT !SSL_ports": CONNECT to kPoint's 1935 refused
#  - the ICAP include after "adaptation_access ... allow all": kPoint scanned
#  - the SslBump include after the site's ssl_bump rules: kPoint bumped (decrypted)
#  - "ssl_bump splice all" above the site's own "ssl_bump bump all": another site spliced,
#    never decrypted nor scanned; and with no catch-all at all, a warning that says so (the
#    site's design or a forgotten line: the doctor cannot tell, and gives no fix)
. "$TOP_SRCDIR/tests/lib/lib.sh"
. "$TOP_SRCDIR/tests/lib/lab/lab.sh"
trap 'lab_stop; cleanup_tmp' EXIT

lab_need_tls
LAB_SECONDS=600

# move_line FILE LINE AFTER: put the line LINE of FILE just below the line AFTER (the mistake).
move_line() {
	python3 - "$@" <<-'EOF'
	import sys
	path, line, after = sys.argv[1:]
	lines = [l for l in open(path).read().split("\n") if l.strip() != line]
	lines.insert([l.strip() for l in lines].index(after) + 1, line)
	open(path, "w").write("\n".join(lines))
	EOF
}

# diagnose NAME: the doctor on the lab's squid.conf; checks that it flags exactly the check
# NAME (FAIL) and applies its first fix to the file. Then Squid restarts on it.
diagnose() {
	timeout 120 "$HELPER" --doctor "$LAB/squid.conf" --squid "$SQUID" > "$TMP/doctor.out" \
	    2> "$TMP/doctor.err"
	check "$1: the doctor exits 1" "$?" 1
	check "$1: the doctor flags exactly it" \
	    "$(awk '$1 == "FAIL" || $1 == "warn" { print $1 " " $2 }' "$TMP/doctor.out" | uniq)" \
	    "FAIL $1"
	fix=$(grep -m1 '^     fix: ' "$TMP/doctor.out")
	python3 "$TOP_SRCDIR/tests/lib/lab/applyfix.py" "$LAB/squid.conf" "$fix"
	check "$1: the fix applies to the file as written ($fix)" "$?" 0
	lab_squid_stop
	lab_squid_start
	timeout 120 "$HELPER" --doctor "$LAB/squid.conf" --squid "$SQUID" > "$TMP/doctor.out" \
	    2> "$TMP/doctor.err"
	check "$1: fixed, the doctor finds nothing" \
	    "$?:$(grep -cE '^(FAIL|warn) ' "$TMP/doctor.out")" "0:0"
}

# ---- plain HTTP: http_access and ICAP --------------------------------------------------------
mistake_connect() {
	move_line "$1" "include $LAB/squid-kpoint.conf" "http_access deny CONNECT !SSL_ports"
}
LAB_ORIGIN_PORT=$(lab_free_port)
LAB_LIST_EXTRA="port $LAB_ORIGIN_PORT"
LAB_EDIT=mistake_connect
lab_start
O=$LAB_ORIGIN_PORT
check "CONNECT deny first: CONNECT to kPoint's 1935 is refused (the harm)" \
    "$(lab_connect mp001se.kpoint.com:1935)" 403
diagnose http_access
check "CONNECT deny first, fixed: CONNECT to kPoint's 1935 goes through" \
    "$(lab_connect mp001se.kpoint.com:1935)" 200

move_line "$LAB/squid.conf" "include $LAB/squid-kpoint-icap.conf" \
    "adaptation_access scanner_resp allow all"
lab_squid_stop
lab_squid_start
check "ICAP include last: kPoint media is served" \
    "$(lab_get "http://mp001se.kpoint.com:$O/icap1/test.mp4")" "200 video/mp4"
wait_for 10 lab_icap_saw REQMOD "url=http://mp001se.kpoint.com:$O/icap1/test.mp4"
check "ICAP include last: the scanner saw kPoint's request (the harm)" "$?" 0
wait_for 10 lab_icap_saw RESPMOD "url=http://mp001se.kpoint.com:$O/icap1/test.mp4"
check "ICAP include last: the scanner saw kPoint's reply (the harm)" "$?" 0
diagnose adaptation
check "ICAP include last, fixed: kPoint media is served" \
    "$(lab_get "http://mp001se.kpoint.com:$O/icap2/test.mp4")" "200 video/mp4"
lab_scanner_settled
check "the scanner's log is settled" "$?" 0
check "ICAP include last, fixed: the scanner never saw it" \
    "$(grep -c "url=http://mp001se.kpoint.com:$O/icap2/" "$LAB/icap/access.log")" 0
check "plain lab: cache.log has no errors or warnings" "$(lab_cache_trouble)" ""
lab_stop

# ---- SslBump: the order of ssl_bump rules, and the catch-all ---------------------------------
tls() { lab_tls_get --proxy "$@"; }
mistake_bump_order() {
	move_line "$1" "include $LAB/squid-kpoint-sslbump.conf" "ssl_bump bump all"
}
LAB_TLS=1
LAB_EDIT=mistake_bump_order
LAB_KPOINT=
lab_start
r=$(tls mp001se.kpoint.com:443 mp001se.kpoint.com mp001se.kpoint.com /b1/test.mp4)
check "SslBump include last: kPoint is bumped, the proxy's certificate (the harm)" \
    "$(lab_tls_field 2 "$r") $(lab_tls_field 3 "$r")" "200 $LAB_BUMP_CA"
diagnose ssl_bump_order
r=$(tls mp001se.kpoint.com:443 mp001se.kpoint.com mp001se.kpoint.com /b2/test.mp4)
check "SslBump include last, fixed: kPoint is spliced, its own certificate" \
    "$(lab_tls_field 2 "$r") $(lab_tls_field 3 "$r")" "200 $LAB_ORIGIN_CA"

# "ssl_bump splice all" above the site's own bump rule: what the site meant to decrypt is not
python3 - "$LAB/squid.conf" <<-'EOF2'
	import sys
	lines = open(sys.argv[1]).read().split("\n")
	lines.insert([l.strip() for l in lines].index("ssl_bump bump all"), "ssl_bump splice all")
	open(sys.argv[1], "w").write("\n".join(lines))
	EOF2
lab_squid_stop
lab_squid_start
r=$(tls www.other.example:443 www.other.example www.other.example /c1/index.html)
check "splice all above the site's bump: another site is spliced, its own certificate (the harm)" \
    "$(lab_tls_field 2 "$r") $(lab_tls_field 3 "$r")" "200 $LAB_ORIGIN_CA"
lab_scanner_settled
check "the scanner's log is settled" "$?" 0
check "splice all above the site's bump: the scanner never saw the other site (the harm)" \
    "$(grep -c 'www.other.example.*/c1/' "$LAB/icap/access.log")" 0
diagnose ssl_bump_catch_all
r=$(tls www.other.example:443 www.other.example www.other.example /c2/index.html)
check "splice all, fixed: the other site is bumped" \
    "$(lab_tls_field 2 "$r") $(lab_tls_field 3 "$r")" "200 $LAB_BUMP_CA"
wait_for 10 lab_icap_saw REQMOD "url=https://www.other.example/c2/index.html"
check "splice all, fixed: the scanner saw the other site" "$?" 0
r=$(tls mp001se.kpoint.com:443 mp001se.kpoint.com mp001se.kpoint.com /c3/test.mp4)
check "splice all, fixed: kPoint still spliced" "$(lab_tls_field 3 "$r")" "$LAB_ORIGIN_CA"

# No catch-all at all: Squid splices what no rule decided. The doctor cannot tell a design from
# a forgotten line: it warns (exit 0), says what it assumed, and gives no fix.
grep -vxE 'ssl_bump (bump|splice) all' "$LAB/squid.conf" > "$TMP/nocatchall" &&
    cat "$TMP/nocatchall" > "$LAB/squid.conf"
lab_squid_stop
lab_squid_start
r=$(tls www.other.example:443 www.other.example www.other.example /c4/index.html)
check "no catch-all: another site is spliced, as the warning says" "$(lab_tls_field 3 "$r")" \
    "$LAB_ORIGIN_CA"
timeout 120 "$HELPER" --doctor "$LAB/squid.conf" --squid "$SQUID" > "$TMP/doctor.out" \
    2> "$TMP/doctor.err"
check "no catch-all: the doctor warns, exit 0, no fix" \
    "$?:$(awk '$1 == "FAIL" || $1 == "warn" { print $1 " " $2 }' "$TMP/doctor.out"):$(grep -c '^     fix:' "$TMP/doctor.out")" \
    "0:warn ssl_bump_catch_all:0"
check "SslBump lab: cache.log has no errors or warnings" "$(lab_cache_trouble)" ""

finish
