#!/bin/bash
# run.sh: build the libFuzzer targets (clang, ASan+UBSan) in build-fuzz/ and run each for
# FUZZ_SECONDS (default 60) from its seed corpus in tests/fuzz/corpus/. The seed corpus is
# read, not written: new inputs go to a temporary directory. A crash, leak or invariant
# failure leaves its input in build-fuzz/crash-* and fails the run. A longer run:
#     FUZZ_SECONDS=3600 bash tests/fuzz/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
: "${FUZZ_SECONDS:=60}"
mkdir -p build-fuzz
(cd build-fuzz && "$TOP/configure" -q CC=clang --enable-fuzzing --enable-sanitizers &&
    make -j"$(nproc)" tests/fuzz/fuzz_request tests/fuzz/fuzz_allowlist tests/fuzz/fuzz_squidconf) \
    > build-fuzz/build.out 2>&1 || { tail -n 30 build-fuzz/build.out; exit 1; }
status=0
for target in request allowlist squidconf; do
	work=$(mktemp -d)
	build-fuzz/tests/fuzz/fuzz_$target -max_total_time="$FUZZ_SECONDS" -timeout=10 \
	    -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
	    -artifact_prefix="build-fuzz/crash-$target-" "$work" "tests/fuzz/corpus/$target" \
	    > "build-fuzz/fuzz-$target.out" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build-fuzz/fuzz-$target.out")
	cov=$(grep -o 'cov: [0-9]*' "build-fuzz/fuzz-$target.out" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		printf '  fuzz_%-10s %s runs in %ss, %s, no findings\n' "$target" "$runs" \
		    "$FUZZ_SECONDS" "$cov"
	else
		printf '  fuzz_%-10s FINDING (exit %d):\n' "$target" "$rc"
		grep -E 'ERROR|SUMMARY|crash-' "build-fuzz/fuzz-$target.out" | head -n 10
		status=1
	fi
	rm -rf "$work"
done
exit "$status"
