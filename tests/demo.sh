#!/bin/bash
# demo.sh: the main job, for real. A private Squid 5.7 on loopback with the project's snippets
# and the helper's BUILT-IN kPoint list, c-icap's echo service as the content scanner, and a
# local origin on port 80 of three loopback addresses standing in for kPoint, CloudFront and
# another site.
# Sends a handful of requests, prints what Squid allowed, what the scanner saw and what the
# decision log says, then stops everything it started. Exit 0 when every result is the one the
# kPoint guide asks for.
# usage: HELPER=build/helper/ext_kpoint_acl TOP_SRCDIR=. bash tests/demo.sh
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${HELPER:=$TOP_SRCDIR/build/helper/ext_kpoint_acl}"
. "$TOP_SRCDIR/tests/lab/lab.sh"
trap lab_stop EXIT

LAB_ORIGIN_PORT=80	# the built-in list allows 80, 443, 1935 and 5222 only
LAB_SECONDS=120
lab_start

# request kind, target, expected Squid result, expected scanner sightings
DEMO="GET http://mp001se.kpoint.com/media/test.mp4 200 none
GET http://portal.kpoint.com/media/test.flv 200 none
GET http://d1.cloudfront.net/media/test.mp3 200 none
GET http://portal.kpoint.com/index.html 200 RESPMOD
GET http://www.other.example/index.html 200 REQMOD+RESPMOD
CONNECT mp001se.kpoint.com:1935 200 none
CONNECT mp001se.kpoint.com:5222 200 none
CONNECT www.other.example:5222 403 none
GET http://mp001se.kpoint.com:8080/media/test.mp4 403 none"

while read -r kind target _ _; do
	if [ "$kind" = GET ]; then lab_get "$target"; else lab_connect "$target"; fi > /dev/null
done <<< "$DEMO"
sleep 0.5	# let Squid and c-icap write their logs

printf '\next_kpoint_acl demo: Squid %s on 127.0.0.1:%s, c-icap echo as the scanner, built-in kPoint list\n\n' \
    "$(squid -v | sed -n 's/.*Version \([^ ]*\).*/\1/p')" "$LAB_SQUID_PORT"
printf '%-52s %-7s %-15s %s\n' "request" "squid" "scanner saw" "helper verdict (access.log %ea)"
good=0 bad=0
while read -r kind target want_status want_scan; do
	line=$(grep -F " $kind $target " "$LAB/access.log" | tail -n 1)
	# c-icap's log: date zone client METHOD service status url=URL
	scan=$(grep -F "url=$target" "$LAB/icap/access.log" | awk '{ print $4 }' | sort -u | paste -sd+)
	status=$(printf '%s' "$line" | awk '{ split($4, s, "/"); print s[2] + 0 }')
	verdict=$(printf '%s' "$line" | sed -n 's/.* ea="\([^"]*\)".*/\1/p')
	[ "$verdict" = "-" ] && verdict="ERR (not kPoint)"
	scan=${scan:-none}
	if [ "$status" = "$want_status" ] && [ "$scan" = "$want_scan" ]; then
		mark=ok; good=$((good + 1))
	else
		mark="UNEXPECTED (want $want_status, scanner $want_scan)"; bad=$((bad + 1))
	fi
	printf '%-52s %-7s %-15s %s  %s\n' "$kind ${target#http://}" "$status" "$scan" "$verdict" "$mark"
done <<< "$DEMO"

printf '\ndecision log (%s):\n' "kpoint-decisions.log"
sed 's/^/  /' "$LAB/kpoint-decisions.log"
helper_errors=$(grep -cE 'ERROR|FATAL|exited|Too few' "$LAB/cache.log")
printf '\ncache.log: %s helper error lines\n' "$helper_errors"
lab_stop
printf 'demo: %d passed, %d failed\n' "$good" "$bad"
[ "$bad" -eq 0 ] && [ "$helper_errors" -eq 0 ]
