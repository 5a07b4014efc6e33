#!/bin/bash
# viewer.sh: part 7 of bench/run.sh, the figure admins decide by. A kPoint video as the viewer
# gets it, measured in the browser (Debian's chromium, headless, tests/lib/browser/play.js),
# three ways, interleaved, the same media each time:
#   kpoint   through the scanning proxy with ext_kpoint_acl's snippets (the lab: Squid, c-icap
#            virus_scan with clamd)
#   scanned  through the same proxy without the kPoint snippets: everything scanned
#   direct   no proxy (the ceiling)
# Media made by ffmpeg: 60 s of 640x360 H.264/AAC at about 1.5 Mbit/s, as HLS (2 s segments,
# hls.js) and as a progressive MP4 (faststart, about 11 MB) that is seeked to 45 s. Figures:
# time to first frame, rebuffering ratio over 20 s of playback (time spent waiting / 20 s;
# 1 when it never starts), seek latency; and the scanner's CPU seconds (c-icap and clamd) per
# GiB delivered, each proxied way. Each run of chromium is bounded. Writes the figures to
# stdout and the plot to $VIEWER_PLOT (default bench/viewer.png) with gnuplot.
# Run from the top of the tree as root: bash bench/viewer.sh (SQUID=... for another Squid).
set -uo pipefail
. bench/lib.sh
. tests/lib/lib.sh
: "${VIEWER_ROUNDS:=3}" "${VIEWER_PLOT:=$TOP/bench/viewer.png}"
B=$TOP/tests/lib/browser
for tool in chromium ffmpeg node gnuplot; do
	command -v "$tool" > /dev/null || { echo "viewer: no $tool (tests/setup.sh)"; exit 1; }
done
[ -f "$B/node_modules/hls.js/dist/hls.min.js" ] || { echo "viewer: npm ci first"; exit 1; }

M=$TMP/media
mkdir -p "$M"
lab_make_media "$M" film 60 640x360 1400 || { echo "viewer: ffmpeg failed"; exit 1; }
cp "$B/player.html" "$M/"
chmod -R a+rX "$TMP"

# the lab's squid.conf without the kPoint snippets (their logformat stays: access.log uses it)
no_kpoint() {
	awk -v lf="$(grep '^logformat kpoint ' "$TOP/conf-snippets/squid-kpoint.conf")" \
	    '/squid-kpoint\.conf$/ { print lf; next } /squid-kpoint-icap\.conf$/ { next } { print }' \
	    "$1" > "$1.new" && mv "$1.new" "$1"
}
# A lab for each proxied way, side by side (direct uses the kpoint lab's origin); stop_all ends
# both, by pid.
declare -A LAB_DIR_OF SQUID_PORT_OF ORIGIN_PORT_OF ICAP_OF CLAMD_OF HOSTS_OF ORIGIN_OF SQUID_OF
stop_all() {
	local way
	for way in "${!LAB_DIR_OF[@]}"; do
		kill "${SQUID_OF[$way]}" "${ORIGIN_OF[$way]}" "${ICAP_OF[$way]}" "${CLAMD_OF[$way]}" \
		    2> /dev/null
		pkill -f "c-icap -N -f ${LAB_DIR_OF[$way]}/icap/c-icap.conf" 2> /dev/null
	done
	wait 2> /dev/null
	for way in "${!LAB_DIR_OF[@]}"; do rm -rf "${LAB_DIR_OF[$way]}"; done
}
trap 'lab_stop; stop_all; cleanup_tmp' EXIT
for way in kpoint scanned; do
	# read by lab.sh
	# shellcheck disable=SC2034
	LAB_ORIGIN_PORT=$(lab_free_port) LAB_MEDIA=$M LAB_EDIT=''
	# shellcheck disable=SC2034
	LAB_LIST_EXTRA="port $LAB_ORIGIN_PORT"
	# shellcheck disable=SC2034
	[ "$way" = scanned ] && LAB_EDIT=no_kpoint
	LAB_KPOINT=	# a net of its own: the origins hold ports 1935 and 5222 of theirs
	LAB_SECONDS=3600 LAB_KEEP=1 lab_start
	LAB_DIR_OF[$way]=$LAB SQUID_PORT_OF[$way]=$LAB_SQUID_PORT ORIGIN_PORT_OF[$way]=$LAB_ORIGIN_PORT
	ICAP_OF[$way]=$LAB_ICAP_PID CLAMD_OF[$way]=$LAB_CLAMD_PID
	HOSTS_OF[$way]="$LAB_KPOINT $LAB_OTHER"
	ORIGIN_OF[$way]=$LAB_ORIGIN_PID SQUID_OF[$way]=$LAB_SQUID_PID
	# keep this lab running: lab_start's next call would stop nothing of it
	LAB='' LAB_ORIGIN_PID='' LAB_SQUID_PID='' LAB_ICAP_PID='' LAB_CLAMD_PID=
done

# the scanner's CPU ticks for a way: c-icap (all its processes) and clamd
scanner_ticks() {
	local pids
	pids="${CLAMD_OF[$1]} $(pgrep -f "c-icap -N -f ${LAB_DIR_OF[$1]}/icap/c-icap.conf" | tr '\n' ' ')"
	# shellcheck disable=SC2086  # a list of pids
	ticks $pids
}

# run WAY MEDIA ROUND: one playback, its report in $TMP/WAY-MEDIA-ROUND.json
run() {
	local way=$1 media=$2 n=$3 o k opts=() url
	if [ "$way" = direct ]; then
		o=${ORIGIN_PORT_OF[kpoint]}
		read -r k _ <<< "${HOSTS_OF[kpoint]}"
		opts=(--direct "MAP portal.kpoint.com $k, MAP mp001se.kpoint.com $k")
	else
		o=${ORIGIN_PORT_OF[$way]}
		opts=(--proxy "http://127.0.0.1:${SQUID_PORT_OF[$way]}")
	fi
	url="http://portal.kpoint.com:$o/p/player.html#http://mp001se.kpoint.com:$o/$way$n/film.$media"
	[ "$media" = mp4 ] && opts+=(--seek 45)
	node "$B/play.js" "${opts[@]}" --page "$url" --seconds 45 --watch 20 \
	    --inject "$B/node_modules/hls.js/dist/hls.min.js" --profile "$TMP/p-$way-$media-$n" \
	    > "$TMP/$way-$media-$n.json" 2> "$TMP/$way-$media-$n.err"
	echo "  $way $media round $n: $(cat "$TMP/$way-$media-$n.json")" | cut -c1-400
}

declare -A T0
for way in kpoint scanned; do T0[$way]=$(scanner_ticks "$way"); done
for n in $(seq "$VIEWER_ROUNDS"); do
	for media in m3u8 mp4; do
		for way in kpoint scanned direct; do
			run "$way" "$media" "$n"
		done
	done
done
hz=$(getconf CLK_TCK)
{
	echo "# way media first_frame_ms rebuffer_ratio seek_ms (medians of $VIEWER_ROUNDS)"
	for media in m3u8 mp4; do
		for way in kpoint scanned direct; do
			python3 - "$TMP" "$way" "$media" "$VIEWER_ROUNDS" <<-'PY'
			import json, statistics, sys
			tmp, way, media, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
			ff, rb, sk = [], [], []
			for n in range(1, rounds + 1):
			    try:
			        r = json.load(open("%s/%s-%s-%d.json" % (tmp, way, media, n)))
			    except (OSError, ValueError):
			        r = {}
			    played = r.get("played") and r.get("firstFrameMs") is not None
			    ff.append(r["firstFrameMs"] if played else 20000)
			    rb.append(min(1.0, r.get("stallMs", 0) / 20000.0) if played else 1.0)
			    if r.get("seekMs") is not None:
			        sk.append(r["seekMs"])
			# a seek is asked of the MP4 only: "never" when none of its rounds landed one
			seek = round(statistics.median(sk)) if sk else ("never" if media == "mp4" else "-")
			print(way, media, round(statistics.median(ff)), "%.3f" % statistics.median(rb), seek)
			PY
		done
	done
} > "$TMP/figures.txt"
cat "$TMP/figures.txt"
for way in kpoint scanned; do
	bytes=$(awk '{ s += $5 } END { print s + 0 }' "${LAB_DIR_OF[$way]}/access.log")
	cpu=$(( $(scanner_ticks "$way") - ${T0[$way]} ))
	awk -v w="$way" -v b="$bytes" -v c="$cpu" -v hz="$hz" 'BEGIN {
	    printf "scanner CPU, %s: %.2f s for %.0f MiB through the proxy: %.2f s per GiB\n",
	    w, c / hz, b / 1048576, (b > 0 ? (c / hz) / (b / 1073741824) : 0) }'
done

# The plot: time to first frame and rebuffering ratio, each way, HLS and MP4.
squid_version=$("$SQUID" -v | sed -n 's/.*Version \([^ ]*\).*/\1/p')
gnuplot <<-GP
	set terminal pngcairo size 900,420 font "DejaVu Sans,10" noenhanced
	set output "$VIEWER_PLOT"
	set multiplot layout 1,2 title "A 60 s kPoint video in Chromium, Squid $squid_version + c-icap virus_scan/clamd (medians of $VIEWER_ROUNDS; never started = 20 s, ratio 1)"
	set style data histograms
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set boxwidth 0.9
	set grid ytics
	set key top left
	set title "time to first frame (ms)"
	set logscale y
	set yrange [10:40000]
	plot "< grep ' m3u8 ' $TMP/figures.txt" using 3:xtic(1) title "HLS", \
	     "< grep ' mp4 ' $TMP/figures.txt" using 3 title "progressive MP4"
	unset logscale y
	set yrange [0:1.1]
	set title "rebuffering ratio over 20 s"
	plot "< grep ' m3u8 ' $TMP/figures.txt" using 4:xtic(1) title "HLS", \
	     "< grep ' mp4 ' $TMP/figures.txt" using 4 title "progressive MP4"
	unset multiplot
GP
echo "plot: $VIEWER_PLOT"
