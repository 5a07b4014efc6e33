#!/bin/bash
# integration.sh: a real Squid 5.7 and a real content scanner (c-icap's echo service) with the
# project's snippets, on loopback (tests/lib/lab/lab.sh). Every claim is read from c-icap's and
# Squid's own logs, not from the helper:
#  - kPoint and CloudFront media pass with no REQMOD and no RESPMOD at the scanner
#  - other sites are scanned both ways; kPoint HTML is scanned on the way back (RESPMOD)
#  - CONNECT to kPoint on 1935 and 5222 works; to other hosts there it is denied
#  - kPoint on an unlisted port is denied, and the decision log says why
#  - the helper runs with concurrency (channel-IDs arrive) and cache.log shows no helper trouble
#  - squid -k reconfigure and squid -k rotate restart the helper cleanly; service goes on
. "$TOP_SRCDIR/tests/lib/lib.sh"
. "$TOP_SRCDIR/tests/lib/lab/lab.sh"
trap 'lab_stop; cleanup_tmp' EXIT

LAB_ORIGIN_PORT=$(lab_free_port)
UNLISTED_PORT=$(lab_free_port)
# The origin listens on a free high port: the lab's list is the shipped kpoint.conf plus it.
LAB_LIST_EXTRA="port $LAB_ORIGIN_PORT"
LAB_HELPER_ARGS="-d"
LAB_SECONDS=600
lab_start
O=$LAB_ORIGIN_PORT

# Media from kPoint and CloudFront, other sites, kPoint HTML.
for f in test.mp4 test.flv test.mp3 test.swf; do
	for h in mp001se.kpoint.com portal.kpoint.com d1.cloudfront.net; do
		case $f in
		*.mp4) ct=video/mp4 ;; *.flv) ct=video/x-flv ;; *.mp3) ct=audio/mpeg ;;
		*.swf) ct=application/x-shockwave-flash ;;
		esac
		check "GET $h/media/$f" "$(lab_get "http://$h:$O/media/$f")" "200 $ct"
	done
done
check "GET other site HTML" "$(lab_get "http://www.other.example:$O/index.html")" \
    "200 text/html; charset=utf-8"
check "GET other site MP4" "$(lab_get "http://www.other.example:$O/media/test.mp4")" \
    "200 video/mp4"
check "GET kPoint HTML" "$(lab_get "http://portal.kpoint.com:$O/index.html")" \
    "200 text/html; charset=utf-8"

# CONNECT: kPoint on the guide's 1935 and 5222; others refused there.
check "CONNECT kPoint :5222" "$(lab_connect mp001se.kpoint.com:5222)" 200
check "CONNECT kPoint :1935" "$(lab_connect mp001se.kpoint.com:1935)" 200
check "CONNECT other :5222" "$(lab_connect www.other.example:5222)" 403
check "CONNECT other :1935" "$(lab_connect www.other.example:1935)" 403

# kPoint on a port the list does not allow.
check "GET kPoint on an unlisted port" \
    "$(lab_get "http://mp001se.kpoint.com:$UNLISTED_PORT/media/test.mp4" | cut -c1-3)" 403
check "CONNECT kPoint on an unlisted port" "$(lab_connect "mp001se.kpoint.com:$UNLISTED_PORT")" 403

# A bounded burst of parallel requests, so that Squid has several lookups in flight.
burst=()
for i in $(seq 24); do
	{ lab_get "http://mp0016se.kpoint.com:$O/burst/$i/test.mp4"; echo; } > "$TMP/burst.$i" &
	burst+=($!)
	{ lab_get "http://www.other.example:$O/burst/$i/index.html"; echo; } > "$TMP/burst-o.$i" &
	burst+=($!)
done
wait "${burst[@]}"
check "parallel burst: all answered 200" \
    "$(cat "$TMP"/burst.* "$TMP"/burst-o.* | cut -c1-3 | sort | uniq -c | tr -s ' ')" " 48 200"
# Every burst request logged by Squid, and the scanner's answer for each other-site reply.
burst_scanned() {
	[ "$(grep -F ' RESPMOD ' "$LAB/icap/access.log" | grep -cF "www.other.example:$O/burst/")" \
	    -ge 24 ]
}
wait_for 10 log_has "$LAB/access.log" "/burst/" 48 && wait_for 10 burst_scanned
check "Squid and c-icap logged the burst" "$?" 0

# What the scanner saw.
ICAP="$LAB/icap/access.log"
for h in mp001se.kpoint.com portal.kpoint.com d1.cloudfront.net mp0016se.kpoint.com; do
	check "scanner never saw $h media" \
	    "$(grep -F "url=http://$h:$O/" "$ICAP" | grep -Evc 'index.html$')" 0
done
for m in REQMOD RESPMOD; do
	lab_icap_saw $m "url=http://www.other.example:$O/index.html"
	check "scanner saw $m for the other site" "$?" 0
	lab_icap_saw $m "url=http://www.other.example:$O/media/test.mp4"
	check "scanner saw $m for the other site's MP4" "$?" 0
done
lab_icap_saw REQMOD "url=http://portal.kpoint.com:$O/index.html"
check "scanner saw no REQMOD for kPoint HTML" "$?" 1
lab_icap_saw RESPMOD "url=http://portal.kpoint.com:$O/index.html"
check "scanner saw RESPMOD for kPoint HTML" "$?" 0
check "scanner saw no CONNECT to kPoint" "$(grep -c 'url=mp001se.kpoint.com:' "$ICAP")" 0
check "scanner saw the parallel other-site requests" \
    "$(grep 'REQMOD' "$ICAP" | grep -c 'www.other.example:[0-9]*/burst/[0-9]*/index.html')" 24

# What Squid logged.
ACC="$LAB/access.log"
check "access.log: kPoint media tagged kpoint=1" \
    "$(grep -F "http://mp001se.kpoint.com:$O/media/test.mp4 " "$ACC" | grep -c 'TCP_MISS/200 .* kpoint=1 ea="kpoint-allow:mp001se.kpoint.com"')" 1
check "access.log: CONNECT 5222 tunnelled" \
    "$(grep -c 'TCP_TUNNEL/200 [0-9]* CONNECT mp001se.kpoint.com:5222 ' "$ACC")" 1
check "access.log: unlisted port denied with the helper's reason" \
    "$(grep -F "mp001se.kpoint.com:$UNLISTED_PORT" "$ACC" | grep -cE 'TCP_DENIED(_ABORTED)?/403 .*ea="kpoint-deny:port"')" 2
check "access.log: kPoint HTML, scanned, in the decision log's word (kpoint-scan:type)" \
    "$(grep -F "http://portal.kpoint.com:$O/index.html " "$ACC" | grep -c 'TCP_MISS/200 .* ea="kpoint-scan:type"')" 1

# What the decision log says.
DEC="$LAB/kpoint-decisions.log"
# GET and CONNECT share one lookup: Squid caches the answer for host and port.
check "decision log: the unlisted port, with the reason" \
    "$(grep -c "deny reason=port host=mp001se.kpoint.com port=$UNLISTED_PORT " "$DEC")" 1
check "decision log: kPoint HTML not exempt from scanning (type)" \
    "$(grep -c 'scan reason=type host=portal.kpoint.com .*type=text/html' "$DEC")" 1
check "decision log: nothing about other sites" "$(grep -c 'www.other.example' "$DEC")" 0

# The helper ran with concurrency: Squid sent channel-IDs (-d echoes each request line).
grep -Eq 'DEBUG: request: [0-9]+ mp0016se\.kpoint\.com ' "$LAB/cache.log"
check "helper received channel-IDs (concurrency on)" "$?" 0

helper_trouble() { lab_cache_trouble; }
check "cache.log: no helper errors or restarts" "$(helper_trouble)" ""

# Squid starts helpers as "(ext_kpoint_acl) ARGS": find this lab's by their log path.
LAB_DIR=$LAB	# lab_stop empties LAB
# (Squid's own command line may hold "ext_kpoint_acl" too: a Squid built into
# /var/cache/ext_kpoint_acl by tests/squidsrc.sh.)
helper_pids() { pgrep -d, -f "^\(ext_kpoint_acl\) .*$LAB_DIR/" | tr -d '\n'; }
# helpers_replaced PIDS: none of PIDS (comma-separated) runs any more, and a new helper does.
helpers_replaced() {
	local pid
	[ -n "$(helper_pids)" ] || return 1
	for pid in ${1//,/ }; do
		! kill -0 "$pid" 2>/dev/null || return 1
	done
}

# Squid 5.7 gives external acl helpers a TCP connection on loopback, not a pipe or a
# socketpair: the transport tests/suites/transport.py runs the helper on.
stdin_kind() {	# PID -> tcp, or what else its stdin is
	local link ino
	link=$(readlink "/proc/$1/fd/0")
	ino=$(sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' <<< "$link")
	if [ -n "$ino" ] && awk -v i="$ino" '$10 == i { f = 1 } END { exit !f }' \
	    /proc/net/tcp /proc/net/tcp6; then echo tcp; else echo "$link"; fi
}
first_helper=$(helper_pids)
check "Squid connects the helper over TCP" "$(stdin_kind "${first_helper%%,*}")" tcp

# Reconfigure and rotate: helpers get EOF, exit 0, new ones serve.
for action in reconfigure rotate; do
	before=$(helper_pids)
	"$SQUID" -n "$LAB_SERVICE" -k "$action" -f "$LAB/squid.conf"
	# the old helpers have gone, new ones run, and Squid listens
	wait_for 10 helpers_replaced "$before"
	check "after $action: old helpers gone, new ones started" "$?" 0
	lab_wait_port "$LAB_SQUID_PORT"
	check "after $action: kPoint media still served" \
	    "$(lab_get "http://mp001se.kpoint.com:$O/after-$action/test.mp4")" "200 video/mp4"
	check "after $action: other site still scanned and served" \
	    "$(lab_get "http://www.other.example:$O/after-$action/index.html" | cut -c1-3)" 200
	after=$(helper_pids)
	if [ -n "$before" ] && [ "$before" != "$after" ]; then pass; else
		fail "after $action: helper restarted (pids before '$before', after '$after')"; fi
	for pid in ${before//,/ }; do
		if kill -0 "$pid" 2>/dev/null; then fail "after $action: old helper $pid still runs"; else pass; fi
	done
	check "after $action: cache.log still clean" "$(helper_trouble)" ""
done
wait_for 10 lab_icap_saw RESPMOD "url=http://www.other.example:$O/after-rotate/index.html"
check "after rotate: the scanner still scans other sites" "$?" 0
check "after rotate: the scanner still skips kPoint" \
    "$(grep -c "url=http://mp001se.kpoint.com:$O/after-" "$ICAP")" 0

lab_stop
check "everything stopped: no helper left" "$(helper_pids)" ""
finish
