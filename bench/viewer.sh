#!/bin/bash
# viewer.sh: part 7 of bench/run.sh, the figure admins decide by. A kPoint video as the viewer
# gets it, measured in the browser (Debian's chromium, headless, tests/lib/browser/play.js),
# three ways, interleaved, the same media each time:
#   kpoint   through the scanning proxy with ext_kpoint_acl's snippets (the lab: Squid, c-icap
#            virus_scan with clamd)
#   scanned  through the same proxy without the kPoint snippets: everything scanned
#   direct   no proxy (the ceiling)
# The media, made by ffmpeg (H.264/AAC, a keyframe every 2 s):
#   ladder  a 5-minute HLS ladder: 240p at 400 kbit/s, 360p at 1 Mbit/s, 720p at 2.5 Mbit/s,
#           2 s segments, a master playlist (hls.js picks the rendition), seeked to 4:00
#   p20, p100, p500  progressive MP4 (faststart) of about 20, 100 and 500 MB: 720p at 4 Mbit/s,
#           40 s, 200 s and 1000 s, each seeked to 80 % of its length
# Figures, medians of VIEWER_ROUNDS (default 3): time to first frame, rebuffering ratio over
# VIEWER_WATCH seconds of playback (default 15; time spent waiting / that; 1 when it never
# starts), seek latency; and the scanner's CPU seconds (c-icap and clamd) per GiB delivered,
# each proxied way. Each run of chromium is bounded. Writes the figures to stdout and to
# $VIEWER_FIGURES (default bench/viewer.txt), and the plot of them to $VIEWER_PLOT (default
# bench/viewer.png) with gnuplot; VIEWER_PLOT_ONLY=1 only plots the figures file again.
# Run from the top of the tree as root: bash bench/viewer.sh (SQUID=... for another Squid).
set -uo pipefail
. bench/lib.sh
. tests/lib/lib.sh
: "${VIEWER_ROUNDS:=3}" "${VIEWER_WATCH:=15}" "${VIEWER_PLOT:=$TOP/bench/viewer.png}"
: "${VIEWER_FIGURES:=$TOP/bench/viewer.txt}"
MEDIA="ladder p20 p100 p500"

# plot: the figures file as three panels (first frame, seek, rebuffering), each way, each medium
plot() {
	local title
	title=$(sed -n 's/^# title: //p' "$VIEWER_FIGURES")
	gnuplot <<-GP
	set terminal pngcairo size 1200,420 font "DejaVu Sans,10" noenhanced
	set output "$VIEWER_PLOT"
	set multiplot layout 1,3 title "$title"
	set style data histograms
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set boxwidth 0.9
	set grid ytics
	set key top left
	set logscale y
	set yrange [10:40000]
	m(x) = x >= 99999 ? 40000 : x
	f(md) = "< grep ' ".md." ' $VIEWER_FIGURES"
	set title "time to first frame (ms)"
	plot for [md in "$MEDIA"] f(md) using (m(\$3)):xtic(1) title md
	set title "seek latency (ms)"
	plot for [md in "$MEDIA"] f(md) using (m(\$5)):xtic(1) title md
	unset logscale y
	set yrange [0:1.1]
	set title "rebuffering ratio while watched"
	plot for [md in "$MEDIA"] f(md) using 4:xtic(1) title md
	unset multiplot
	GP
	echo "plot: $VIEWER_PLOT"
}
if [ "${VIEWER_PLOT_ONLY:-0}" = 1 ]; then plot; exit; fi

B=$TOP/tests/lib/browser
for tool in chromium ffmpeg node gnuplot; do
	command -v "$tool" > /dev/null || { echo "viewer: no $tool (tests/setup.sh)"; exit 1; }
done
[ -f "$B/node_modules/hls.js/dist/hls.min.js" ] || { echo "viewer: npm ci first"; exit 1; }

M=$TMP/media
mkdir -p "$M"
declare -A URL_OF SEEK_OF
lab_make_media "$M" r240 300 426x240 400 && lab_make_media "$M" r360 300 640x360 1000 &&
    lab_make_media "$M" r720 300 1280x720 2500 && lab_make_media "$M" p20 40 1280x720 4000 &&
    ffmpeg -hide_banner -loglevel error -y -stream_loop 4 -i "$M/p20.mp4" -c copy \
    -movflags +faststart "$M/p100.mp4" &&
    ffmpeg -hide_banner -loglevel error -y -stream_loop 24 -i "$M/p20.mp4" -c copy \
    -movflags +faststart "$M/p500.mp4" || { echo "viewer: ffmpeg failed"; exit 1; }
# the ladder's master playlist: each rendition's bandwidth (video and audio) and size
printf '#EXTM3U\n#EXT-X-VERSION:3\n' > "$M/ladder.m3u8"
for r in "r240 480000 426x240" "r360 1100000 640x360" "r720 2600000 1280x720"; do
	read -r name bw res <<< "$r"
	printf '#EXT-X-STREAM-INF:BANDWIDTH=%s,RESOLUTION=%s,CODECS="avc1.64001f,mp4a.40.2"\n%s.m3u8\n' \
	    "$bw" "$res" "$name" >> "$M/ladder.m3u8"
done
URL_OF[ladder]=ladder.m3u8 SEEK_OF[ladder]=240
for p in p20 p100 p500; do
	URL_OF[$p]=$p.mp4
	SEEK_OF[$p]=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$M/$p.mp4" |
	    awk '{ printf "%d", $1 * 0.8 }')
	echo "  $p.mp4: $(( $(stat -c %s "$M/$p.mp4") / 1000000 )) MB, seeked to ${SEEK_OF[$p]} s"
done
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
	# each way and round its own path, so that nothing is ever served from a cache
	url="http://portal.kpoint.com:$o/p/player.html#http://mp001se.kpoint.com:$o/$way$n/${URL_OF[$media]}"
	node "$B/play.js" "${opts[@]}" --page "$url" --seconds $((VIEWER_WATCH + 25)) \
	    --watch "$VIEWER_WATCH" --seek "${SEEK_OF[$media]}" \
	    --inject "$B/node_modules/hls.js/dist/hls.min.js" --profile "$TMP/p-$way-$media-$n" \
	    > "$TMP/$way-$media-$n.json" 2> "$TMP/$way-$media-$n.err"
	echo "  $way $media round $n: $(cat "$TMP/$way-$media-$n.json")" | cut -c1-300
}

declare -A T0
for way in kpoint scanned; do T0[$way]=$(scanner_ticks "$way"); done
for n in $(seq "$VIEWER_ROUNDS"); do
	for media in $MEDIA; do
		for way in kpoint scanned direct; do
			run "$way" "$media" "$n"
		done
	done
done
hz=$(getconf CLK_TCK)
squid_version=$("$SQUID" -v | sed -n 's/.*Version \([^ ]*\).*/\1/p')
{
	echo "# title: A kPoint video in Chromium, Squid $squid_version + c-icap virus_scan/clamd" \
	    "(medians of $VIEWER_ROUNDS, $(date -u +%F); 'never' drawn at 40 s, ratio 1)"
	echo "# way media first_frame_ms rebuffer_ratio seek_ms (medians of $VIEWER_ROUNDS;" \
	    "never = 99999)"
	for media in $MEDIA; do
		for way in kpoint scanned direct; do
			python3 - "$TMP" "$way" "$media" "$VIEWER_ROUNDS" "$VIEWER_WATCH" <<-'PY'
			import json, statistics, sys
			tmp, way, media = sys.argv[1], sys.argv[2], sys.argv[3]
			rounds, watch = int(sys.argv[4]), float(sys.argv[5])
			ff, rb, sk = [], [], []
			for n in range(1, rounds + 1):
			    try:
			        r = json.load(open("%s/%s-%s-%d.json" % (tmp, way, media, n)))
			    except (OSError, ValueError):
			        r = {}
			    played = r.get("played") and r.get("firstFrameMs") is not None
			    ff.append(r["firstFrameMs"] if played else 99999)
			    rb.append(min(1.0, r.get("stallMs", 0) / 1000.0 / watch) if played else 1.0)
			    # a seek that never lands (or a video that never starts) counts as never
			    sk.append(r["seekMs"] if r.get("seekMs") is not None else 99999)
			print(way, media, round(statistics.median(ff)), "%.3f" % statistics.median(rb),
			      round(statistics.median(sk)))
			PY
		done
	done
} > "$VIEWER_FIGURES"
cat "$VIEWER_FIGURES"
for way in kpoint scanned; do
	bytes=$(awk '{ s += $5 } END { print s + 0 }' "${LAB_DIR_OF[$way]}/access.log")
	cpu=$(( $(scanner_ticks "$way") - ${T0[$way]} ))
	awk -v w="$way" -v b="$bytes" -v c="$cpu" -v hz="$hz" 'BEGIN {
	    printf "scanner CPU, %s: %.2f s for %.0f MiB through the proxy: %.2f s per GiB\n",
	    w, c / hz, b / 1048576, (b > 0 ? (c / hz) / (b / 1073741824) : 0) }' |
	    sed 's/^/# /' | tee -a "$VIEWER_FIGURES"
done

plot
