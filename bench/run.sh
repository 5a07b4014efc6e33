#!/bin/bash
# run.sh: the benchmark, one command, every figure measured side by side in one run:
#  1. throughput on a realistic stream (4M requests with channel-IDs, file -> stdin/stdout)
#     against the protocol's I/O ceiling (bench/ceiling: same reader and buffering, no
#     decision), plus the round trip of one request at a time (no answer waits for input)
#  2. against a hand-written Python helper doing the same decision (1M requests, answers
#     into a pipe as into Squid's socket)
#  3. lookup cost against list size: built-in, 20, 10k, 1M entries (bench/lookup)
#  4. end to end: Squid 5.7 on loopback serving small replies of a local origin under wrk,
#     forwarded and from its cache, with (a) no kPoint acl, (b) Squid-native acls (--emit
#     squid), (c) the helper with caching (the snippet's settings), (d) the helper with ttl=0,
#     (e) a no-op helper with ttl=0: requests per second, Squid's and the helper's CPU
#  5. reloads of a 1M-entry list while answering one request at a time: the longest answer
#  6. HTTPS through squid-openssl: kPoint spliced by the SslBump snippet, by a native acl,
#     another site bumped, a plain CONNECT tunnel (bench/tls.sh)
#  7. the viewer: a kPoint video in Chromium through the scanning proxy with the snippets,
#     through the same proxy without them, and with no proxy: time to first frame,
#     rebuffering, seek, the scanner's CPU per GiB, and the plot bench/viewer.png
#     (bench/viewer.sh; chromium, ffmpeg, gnuplot and the npm packages of tests/setup.sh)
# CPU times come from bench/cputime.py (wait4), not from the shell's 1 ms `time`.
# Needs: tests/setup.sh (it builds, and installs squid, python3 and wrk). Run as root (Squid).
#     bash bench/run.sh            # everything, about 14 minutes (part 7: 8)
#     BENCH_PARTS="1 3" bash bench/run.sh
#     SQUID=/path/to/squid BENCH_PARTS="4 6" bash bench/run.sh   # parts 4 and 6 on another Squid
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
HELPER=$TOP/build/helper/ext_kpoint_acl
: "${BENCH_PARTS:=1 2 3 4 5 6 7}"
[ -x "$HELPER" ] || { echo "bench: run tests/setup.sh first" >&2; exit 1; }
make -C build -s bench/ceiling bench/lookup bench/origin || exit 1
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kpoint-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }

echo "ext_kpoint_acl benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"

case " $BENCH_PARTS " in *" 1 "*)
	python3 bench/gen_stream.py 4000000 > "$TMP/stream"
	# CPU seconds (user + system), interleaved, the best of 7 each: the machine is noisy
	{ read -r h; read -r c; } < <(python3 bench/cputime.py 7 "$TMP/stream" null \
	    "$HELPER" -- build/bench/ceiling)
	read -r p50 p99 < <(python3 bench/pingpong.py "$HELPER" 5000)
	echo
	echo "1. throughput, 4,000,000 requests (85% other sites, 12% kPoint/CloudFront, 3% by address),"
	echo "   file -> stdin -> stdout (/dev/null); CPU seconds, best of 7"
	printf '   %-38s %8.4f s  %10s req/s\n' "ext_kpoint_acl" "$h" "$(rate 4000000 "$h")"
	printf '   %-38s %8.4f s  %10s req/s\n' "ceiling (read + answer, no decision)" "$c" \
	    "$(rate 4000000 "$c")"
	printf '   ratio to the ceiling: %s (target >= 0.25)\n' "$(ratio "$c" "$h")"
	printf '   one request at a time over TCP on [::1]: median %s us, p99 %s us\n' "$p50" "$p99"
	;;
esac

case " $BENCH_PARTS " in *" 2 "*)
	python3 bench/gen_stream.py 1000000 > "$TMP/stream1m"
	{ read -r h; read -r c; read -r p; } < <(python3 bench/cputime.py 3 "$TMP/stream1m" pipe \
	    "$HELPER" -- build/bench/ceiling -- python3 bench/naive_helper.py)
	echo
	echo "2. against a hand-written Python helper, 1,000,000 requests, answers into a pipe;"
	echo "   CPU seconds, best of 3"
	printf '   %-38s %8.4f s  %10s req/s\n' "ext_kpoint_acl" "$h" "$(rate 1000000 "$h")"
	printf '   %-38s %8.4f s  %10s req/s\n' "ceiling (read + answer, no decision)" "$c" \
	    "$(rate 1000000 "$c")"
	printf '   %-38s %8.4f s  %10s req/s\n' "bench/naive_helper.py" "$p" "$(rate 1000000 "$p")"
	printf '   speed-up: %sx (target >= 100); the ceiling, which decides nothing: %sx\n' \
	    "$(ratio "$p" "$h")" "$(ratio "$p" "$c")"
	;;
esac

case " $BENCH_PARTS " in *" 3 "*)
	echo
	echo "3. lookup cost against list size (1,000,000 queries; parse + decide; best of 3)"
	printf '   %-10s %10s %12s %12s %14s\n' entries load_ms query_ns peak_rss_mb "vs built-in"
	for n in builtin 20 10000 1000000; do
		bq=999999 bl=0 br=0 be=0
		for _ in 1 2 3; do
			line=$(build/bench/lookup "$n")
			q=$(sed 's/.*query_ns=\([^ ]*\).*/\1/' <<< "$line")
			if awk -v a="$q" -v b="$bq" 'BEGIN { exit !(a < b) }'; then
				bq=$q
				bl=$(sed 's/.*load_ms=\([^ ]*\).*/\1/' <<< "$line")
				br=$(sed 's/.*peak_rss_mb=\([^ ]*\).*/\1/' <<< "$line")
				be=$(sed 's/entries=\([^ ]*\).*/\1/' <<< "$line")
			fi
		done
		[ "$n" = builtin ] && base=$bq
		printf '   %-10s %10s %12s %12s %14s\n' "$be" "$bl" "$bq" "$br" "$(ratio "$bq" "$base")"
	done
	echo "   targets at 1M: load < 1000 ms, peak RSS < 150 MB, query within 1.5x the built-in list"
	;;
esac

case " $BENCH_PARTS " in *" 4 "*)
	bash bench/squid.sh
	;;
esac

case " $BENCH_PARTS " in *" 5 "*)
	read -r load base worst p99 n < <(python3 bench/reload_pause.py "$HELPER" 1000000 3)
	echo
	echo "5. reloads of a 1,000,000-entry list while Squid asks, one request at a time over TCP"
	echo "   on [::1]: the file loads on the reloader's thread, answers come from the old list"
	printf '   one load of the file (--check): %s s, the pause every answer took per reload when\n' "$load"
	echo   "   loads ran on the request loop"
	printf '   longest answer, 2 s without a reload:    %8s ms\n' "$base"
	printf '   longest answer during 3 reloads:         %8s ms (p99 %s ms, %s answers; target < 50)\n' \
	    "$worst" "$p99" "$n"
	;;
esac

case " $BENCH_PARTS " in *" 6 "*)
	bash bench/tls.sh
	;;
esac

case " $BENCH_PARTS " in *" 7 "*)
	echo
	echo "7. the viewer, in Chromium (bench/viewer.sh)"
	bash bench/viewer.sh | sed 's/^/   /'
	;;
esac
