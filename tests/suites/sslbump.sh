#!/bin/bash
# sslbump.sh: a real squid-openssl as an SslBump proxy (explicit, http_port ssl-bump) with the
# project's snippets, c-icap as the scanner, TLS origins with their own CA (tests/lib/lab/lab.sh,
# LAB_TLS=1). Judged from the certificate issuer the client saw, the origin's own request log,
# c-icap's log and Squid's access.log, never from the helper:
#  - kPoint media and CloudFront over HTTPS are spliced: the origin's certificate, the bytes
#    intact, nothing at the scanner; another site is bumped and scanned both ways
#  - a listed kPoint address with no SNI is spliced; an unlisted one is not
#  - SNI spoofing either way (CONNECT other + SNI kPoint, CONNECT kPoint + SNI other) is bumped
#  - inside a bumped tunnel, a request that claims a kPoint Host is still scanned
#  - CONNECT to kPoint on 1935/5222 (not TLS) reaches the origin
#  - with the helper broken (BH to all, BH for some hosts, exiting at once, a list that does not
#    load or is missing, a bad option) nothing that is not kPoint is spliced and no request
#    reaches an origin unscanned; a helper that cannot load stays up failing closed, so Squid
#    never stops itself
. "$TOP_SRCDIR/tests/lib/lib.sh"
. "$TOP_SRCDIR/tests/lib/lab/lab.sh"
trap 'lab_stop; cleanup_tmp' EXIT

lab_need_tls

ORIGIN_CA=$LAB_ORIGIN_CA
BUMP_CA=$LAB_BUMP_CA
LAB_SECONDS=600
LAB_TLS=1

# tls TARGET SNI HOST PATH: "CONNECT HTTP ISSUER BYTES SHA" through the lab's Squid.
tls() { lab_tls_get --proxy "$@"; }

# ---- the working set-up -------------------------------------------------------------------
LAB_ORIGIN_PORT=$(lab_free_port)
lab_pick_net	# first, so that the list can name the lab's kPoint address
LAB_LIST_EXTRA="port $LAB_ORIGIN_PORT
net $LAB_KPOINT/32"
lab_start

direct=$(lab_tls_get --direct "$LAB_KPOINT:443" mp001se.kpoint.com mp001se.kpoint.com /direct/big.mp4)
want_sha=$(lab_tls_field 5 "$direct")
check "origin serves big.mp4 directly over TLS" "$(lab_tls_field 2 "$direct") $(lab_tls_field 3 "$direct")" \
    "200 $ORIGIN_CA"

r=$(tls mp001se.kpoint.com:443 mp001se.kpoint.com mp001se.kpoint.com /t/k1/big.mp4)
check "kPoint HTTPS: spliced (origin's certificate), 8 MiB intact" \
    "$(lab_tls_field 1 "$r") $(lab_tls_field 2 "$r") $(lab_tls_field 3 "$r") $(lab_tls_field 4 "$r") $(lab_tls_field 5 "$r")" \
    "200 200 $ORIGIN_CA 8388608 $want_sha"
r=$(tls portal.kpoint.com:443 portal.kpoint.com portal.kpoint.com /t/k2/index.html)
check "kPoint HTML over HTTPS: spliced too (the whole connection is kPoint's)" \
    "$(lab_tls_field 2 "$r") $(lab_tls_field 3 "$r")" "200 $ORIGIN_CA"
r=$(tls d1.cloudfront.net:443 d1.cloudfront.net d1.cloudfront.net /t/c1/test.mp4)
check "CloudFront HTTPS: spliced" "$(lab_tls_field 2 "$r") $(lab_tls_field 3 "$r")" "200 $ORIGIN_CA"
r=$(tls www.other.example:443 www.other.example www.other.example /t/o1/index.html)
check "other site HTTPS: bumped (bump CA)" "$(lab_tls_field 2 "$r") $(lab_tls_field 3 "$r")" "200 $BUMP_CA"
r=$(tls "$LAB_KPOINT:443" - - /t/ip1/test.mp4)
check "listed kPoint address, no SNI: spliced" "$(lab_tls_field 2 "$r") $(lab_tls_field 3 "$r")" "200 $ORIGIN_CA"
r=$(tls "$LAB_OTHER:443" - - /t/ip2/test.mp4)
check "unlisted address, no SNI: not spliced" "$(lab_tls_field 3 "$r")" "$BUMP_CA"
r=$(tls "$LAB_KPOINT:443" www.other.example www.other.example /t/ip3/index.html)
check "listed kPoint address + SNI other: not spliced" "$(lab_tls_field 3 "$r")" "$BUMP_CA"
r=$(tls www.other.example:443 mp001se.kpoint.com mp001se.kpoint.com /t/s1/index.html)
check "CONNECT other + SNI kPoint: not spliced" "$(lab_tls_field 3 "$r")" "$BUMP_CA"
r=$(tls mp001se.kpoint.com:443 www.other.example www.other.example /t/s2/index.html)
check "CONNECT kPoint + SNI other: not spliced" "$(lab_tls_field 3 "$r")" "$BUMP_CA"
r=$(tls www.other.example:443 www.other.example mp001se.kpoint.com /t/h1/test.mp4)
check "bumped tunnel, request claims Host kPoint: bumped" "$(lab_tls_field 3 "$r")" "$BUMP_CA"
# The real scanner (lab.sh: virus_scan with clamd) inside a bumped tunnel: EICAR from another
# site is blocked, the scanner's page delivered inside the decrypted connection.
r=$(tls www.other.example:443 www.other.example www.other.example /t/e1/eicar.com)
check "bumped other site, EICAR: blocked by the scanner (403), the proxy's certificate" \
    "$(lab_tls_field 2 "$r") $(lab_tls_field 3 "$r")" "403 $BUMP_CA"
check "non-TLS CONNECT kPoint :1935" "$(lab_connect mp001se.kpoint.com:1935)" 200
check "non-TLS CONNECT kPoint :5222" "$(lab_connect mp001se.kpoint.com:5222)" 200
# The origin logs a request before it answers; Squid and c-icap log after: wait for them.
lab_scanner_settled
check "the scanner's and Squid's logs are settled" "$?" 0
wait_for 10 log_has_re "$LAB/access.log" 'TCP_TUNNEL/[0-9]+ [0-9]+ CONNECT mp001se\.kpoint\.com:443 '

K=$LAB_KPOINT C=$LAB_CDN O=$LAB_OTHER
check "origin: kPoint's big.mp4 arrived over TLS" "$(lab_origin_saw "$K:443" /t/k1/big.mp4)" 1
check "origin: CloudFront's request arrived" "$(lab_origin_saw "$C:443" /t/c1/test.mp4)" 1
check "origin: the listed address's request arrived" "$(lab_origin_saw "$K:443" /t/ip1/test.mp4)" 1
check "origin: the non-TLS CONNECT on 1935 arrived" "$(lab_origin_saw "$K:1935" /media/test.mp4)" 1
check "origin: the non-TLS CONNECT on 5222 arrived" "$(lab_origin_saw "$K:5222" /media/test.mp4)" 1
for p in /t/k1/ /t/k2/ /t/c1/ /t/ip1/; do
	check "scanner saw nothing of the spliced $p" "$(grep -cF "$p" "$LAB/icap/access.log")" 0
done
check "scanner saw no CONNECT for the spliced kPoint and CloudFront" \
    "$(grep -cE 'url=(mp001se\.kpoint\.com|portal\.kpoint\.com|d1\.cloudfront\.net):443' "$LAB/icap/access.log")" 0
for m in REQMOD RESPMOD; do
	lab_icap_saw $m "url=https://www.other.example/t/o1/index.html"
	check "scanner saw $m for the bumped other site" "$?" 0
done
grep -F 'VIRUS DETECTED: Lab.Test.EICAR' "$LAB/icap/server.log" | grep -qF '/t/e1/eicar.com'
check "clamd found EICAR in the bumped other site's file" "$?" 0
lab_icap_saw REQMOD "url=https://mp001se.kpoint.com/t/s1/index.html"
check "CONNECT other + SNI kPoint: decrypted requests scanned" "$?" 0
lab_icap_saw REQMOD "url=https://www.other.example/t/s2/index.html"
check "CONNECT kPoint + SNI other: decrypted requests scanned" "$?" 0
if lab_icap_saw REQMOD "url=https://mp001se.kpoint.com/t/h1/test.mp4" ||
    [ "$(lab_origin_saw "$O:443" /t/h1/test.mp4)" = 0 ]; then pass; else
	fail "a decrypted request claiming Host kPoint reached the origin unscanned"; fi
check "access.log: kPoint's CONNECT tunnelled" \
    "$(grep -cE 'TCP_TUNNEL/[0-9]+ [0-9]+ CONNECT mp001se\.kpoint\.com:443 ' "$LAB/access.log")" 1
check "cache.log: no FATAL, no helper errors" \
    "$(lab_cache_trouble BH)" ""
lab_stop

# ---- the helper broken --------------------------------------------------------------------
# Each variant is a lab of its own. A spliced connection shows the origin CA; nothing that is
# not kPoint may, and every request that reaches an origin for a site that is not kPoint must
# have been seen by the scanner first.
REAL_HELPER=$HELPER
cat > "$TMP/bh-all" <<-'EOF'
	#!/bin/sh
	exec awk '{ print $1 " BH message=\"broken on purpose\""; fflush() }'
	EOF
cat > "$TMP/exit-at-once" <<-'EOF'
	#!/bin/sh
	exit 1
	EOF
# BH for the other site and CloudFront, the real helper's answer for the rest.
cat > "$TMP/bh-some" <<-EOF
	#!/usr/bin/env python3
	import subprocess, sys
	real = subprocess.Popen(["$REAL_HELPER"] + sys.argv[1:], stdin=subprocess.PIPE,
	                        stdout=subprocess.PIPE, text=True, bufsize=1)
	for line in sys.stdin:
	    if "other.example" in line or "cloudfront" in line:
	        print(line.split()[0], 'BH message="broken on purpose"', flush=True)
	    else:
	        real.stdin.write(line); real.stdin.flush()
	        print(real.stdout.readline(), end="", flush=True)
	EOF
printf 'domian .kpoint.com\n' > "$TMP/bad.conf"
chmod 755 "$TMP"/bh-all "$TMP"/exit-at-once "$TMP"/bh-some "$TMP"
chmod 644 "$TMP/bad.conf"

for variant in bh-all bh-some exit-at-once bad-list missing-list bad-option; do
	case $variant in
	bad-list) HELPER=$REAL_HELPER LAB_HELPER_ARGS="-c $TMP/bad.conf" ;;
	missing-list) HELPER=$REAL_HELPER LAB_HELPER_ARGS="-c $TMP/no-such.conf" ;;
	bad-option) HELPER=$REAL_HELPER LAB_HELPER_ARGS="--bogus" ;;
	*) HELPER=$TMP/$variant LAB_HELPER_ARGS= ;;
	esac
	LAB_LIST_EXTRA=
	# A helper that exits at once makes Squid stop itself ("helpers are crashing too
	# rapidly"): the proxy is down, which fails closed; the requests below must then fail.
	LAB_SQUID_MAY_DIE=1 lab_start || echo "  $variant: Squid stopped itself: $(grep -m1 FATAL "$LAB/cache.log")"
	p=/b/$variant
	declare -A got=()
	got[other]=$(tls www.other.example:443 www.other.example www.other.example "$p/o/index.html")
	got[spoof-sni]=$(tls www.other.example:443 mp001se.kpoint.com mp001se.kpoint.com "$p/s1/index.html")
	got[spoof-target]=$(tls mp001se.kpoint.com:443 www.other.example www.other.example "$p/s2/index.html")
	got[claim-host]=$(tls www.other.example:443 www.other.example mp001se.kpoint.com "$p/h/test.mp4")
	got[noSNI-unlisted]=$(tls "$LAB_OTHER:443" - - "$p/ip/test.mp4")
	got[kpoint]=$(tls mp001se.kpoint.com:443 mp001se.kpoint.com mp001se.kpoint.com "$p/k/test.mp4")
	for c in other spoof-sni spoof-target claim-host noSNI-unlisted; do
		if [ "$(lab_tls_field 3 "${got[$c]}")" = "$ORIGIN_CA" ]; then
			fail "$variant: $c was spliced (${got[$c]})"; else pass; fi
	done
	# Every request that reached the other site's origin was scanned first (c-icap logs a
	# REQMOD after it answers Squid: waited for, bounded, only a missing one costs the wait).
	unscanned=0
	while read -r _ _ host path; do
		wait_for 5 lab_icap_saw REQMOD "$path" || { unscanned=$((unscanned + 1));
		    echo "  $variant: reached the origin unscanned: $host $path"; }
	done < <(grep -F " $p/" "$LAB/origin.log" | grep -vF "$p/k/")
	check "$variant: no request reached a non-kPoint origin unscanned" "$unscanned" 0
	case $variant in
	bad-list | missing-list | bad-option)
		# the real helper, unable to load: it stays up and fails closed, so Squid (7 counts
		# a helper that cannot start as crashed) never stops itself
		check "$variant: Squid still up, no helper crash" \
		    "$(kill -0 "$LAB_SQUID_PID" 2>/dev/null && echo up):$(grep -c 'too rapidly' "$LAB/cache.log")" \
		    "up:0" ;;
	esac
	lab_stop
	unset got
done
HELPER=$REAL_HELPER
finish
