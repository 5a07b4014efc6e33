#!/bin/bash
# run-all.sh: every test, after setup.sh has built build/:
#  0. make check-unit as an unprivileged user, in a fresh out-of-tree build: the developer's
#     fast loop (Check tests and fuzz replays) needs no root and takes seconds
#  1. make check in build/ (warnings are errors): Check unit tests, stream tests, Squid tests,
#     then static analysis of every C file (cppcheck: warning, performance, portability), of
#     every shell script (ShellCheck: warnings and errors) and of the layers (make
#     check-layers: no include points up)
#  2. the suites that drive the helper and the doctor, built with AddressSanitizer and
#     UndefinedBehaviorSanitizer (build-asan/; make check-asan: tests/Makefile.inc says which)
#  3. the binary's stream and reload tests under valgrind: zero findings
#  4. libFuzzer on the request path and the list loader, FUZZ_SECONDS (60) each
#  5. make distcheck: the release tarball builds out of tree and passes the unit tests and the
#     suites that read what it ships (make distcheck-release)
#  6. the Debian package: build, lintian, install, squid -k parse, purge (tests/suites/package.sh)
#  7. the Squid-facing tests (emit, integration, sslbump, sslbump-intercept, doctor,
#     doctor-live, sync, scanner, browser) and the demo's checks again, against Squid 6.13 and against Squid 7.7
#     (tests/squidsrc.sh builds each once, in the background from the start), each reported
#     apart
# Prints each test's own summary and closes with "N passed, N failed" over all suites.
# Tests that need root or a missing tool skip (exit 77); under CI (CI=true) a skip fails the
# suite, since CI's machine is set up to run everything.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
jobs=$(nproc)
passed=0
failed=0

# summarize DIR: print the Check and shell-test summary lines of DIR's test logs.
summarize() {
	local log line
	for log in "$1"/tests/unit/*.log "$1"/tests/fuzz/*.log "$1"/tests/suites/*.log; do
		[ -e "$log" ] || continue
		[ "${log##*/}" = test-suite.log ] && continue
		line=$(grep -hE '^[0-9]+%: Checks: |^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
		printf '  %-28s %s\n' "${log##*/}" "$line"
	done
}

# ci_skipped OUT: under CI, did the make check that wrote OUT skip a test? (Say which.)
ci_skipped() {
	[ "${CI:-}" = true ] && grep -qE '^# SKIP: +[1-9]' "$1" || return 1
	echo "  a test was skipped, and CI runs them all:"
	grep -E '^SKIP:' "$1" | sed 's/^/    /'
}

# suite NAME DIR [TARGET]: make check (or TARGET) in DIR; count it; show the failures' logs.
suite() {
	echo "== $1"
	if make -C "$2" -j"$jobs" "${3:-check}" > "$2/check.out" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		grep -E '^(FAIL|ERROR):' "$2/check.out"
		tail -n 60 "$2/test-suite.log" 2>/dev/null
	fi
	summarize "$2"
	grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR):' "$2/check.out" | sed 's/^/  /'
	if ci_skipped "$2/check.out"; then
		passed=$((passed - 1)); failed=$((failed + 1))
	fi
}

[ -x build/helper/ext_kpoint_acl ] || { echo "run-all.sh: run tests/setup.sh first" >&2; exit 1; }

# The other Squids (tests/squidsrc.sh): on a machine that has not built them yet, they build
# now, in the background at the lowest priority, while the first suites run (builds that
# would otherwise take tens of minutes after them); a cached one is ready at once. Each
# Squid's stage below waits for its own.
SQUID_VERSIONS=$(bash tests/squidsrc.sh --versions)
declare -A squid_build
for v in $SQUID_VERSIONS; do
	{
		start=$SECONDS
		nice -n 19 bash tests/squidsrc.sh "$v" > "build/squid-$v.path" 2> "build/squid-$v.err"
		rc=$?
		echo $((SECONDS - start)) > "build/squid-$v.seconds"
		exit "$rc"
	} &
	squid_build[$v]=$!
done
echo "== make check-unit, as nobody (no root, no Squid)"
# a copy of the release tree of its own: the checkout may be where nobody cannot read
unitdir=$(mktemp -d)
if make -s -C build distdir distdir="$unitdir/src" > "$unitdir/dist.out" 2>&1 &&
    chown -R nobody "$unitdir" &&
    runuser -u nobody -- bash -c 'cd "$1" && mkdir b && cd b && ../src/configure -q --enable-werror &&
    make -j"$2" > build.out 2>&1 && start=$(date +%s%N) && make check-unit > unit.out 2>&1 &&
    echo "  $(grep -E "^# PASS:" unit.out | tr -s " "), in $((($(date +%s%N) - start) / 1000000)) ms"' \
    _ "$unitdir" "$jobs"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	tail -n 30 "$unitdir"/dist.out "$unitdir"/b/build.out "$unitdir"/b/unit.out 2>/dev/null
fi
rm -rf "$unitdir"

suite "tests (gcc, -Werror)" build

echo "== static analysis: cppcheck, shellcheck, the layers"
if cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c11 \
    -D_GNU_SOURCE -I helper -I build/helper helper/*.c tests/unit/*.c tests/fuzz/*.c bench/*.c \
    > build/cppcheck.out 2>&1 &&
    shellcheck -S warning tests/*.sh tests/suites/*.sh tests/lib/*.sh tests/lib/lab/*.sh \
    tests/lib/browser/*.sh tests/fuzz/*.sh bench/*.sh .ci/run \
    helper/gen-defaults.sh helper/ext_kpoint_acl-sync > build/shellcheck.out 2>&1 &&
    make -s -C build check-layers > build/layers.out 2>&1; then
	echo "  cppcheck and shellcheck: no findings; $(cat build/layers.out)"
	passed=$((passed + 1))
else
	cat build/cppcheck.out build/shellcheck.out build/layers.out 2>/dev/null | head -n 60
	failed=$((failed + 1))
fi

mkdir -p build-asan
if (cd build-asan && "$TOP/configure" -q --enable-werror --enable-sanitizers &&
    make -j"$jobs" > build.out 2>&1); then
	suite "tests under AddressSanitizer + UndefinedBehaviorSanitizer" build-asan check-asan
else
	echo "== sanitizer build FAILED"; tail -n 30 build-asan/build.out; failed=$((failed + 1))
fi

echo "== stream and reload tests under valgrind"
vgdir=$(mktemp -d)
export REAL_HELPER="$TOP/build/helper/ext_kpoint_acl" VALGRIND_LOG_DIR="$vgdir"
vg_ok=yes
HELPER="$TOP/tests/lib/valgrind-helper.sh" VALGRIND_WRAPPED=1 TOP_SRCDIR="$TOP" \
    bash tests/suites/stream.sh > build/valgrind-stream.out 2>&1 || vg_ok=no
HELPER="$TOP/tests/lib/valgrind-helper.sh" python3 tests/suites/reload.py \
    > build/valgrind-reload.out 2>&1 || vg_ok=no
printf '  %-28s %s\n' stream.sh "$(tail -n 1 build/valgrind-stream.out)" \
    reload.py "$(tail -n 1 build/valgrind-reload.out)"
findings=$(find "$vgdir" -type f -size +0 | wc -l)
printf '  valgrind: %d helper processes, %d with findings\n' \
    "$(find "$vgdir" -type f | wc -l)" "$findings"
if [ "$vg_ok" = yes ] && [ "$findings" -eq 0 ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	grep -h FAIL build/valgrind-stream.out build/valgrind-reload.out
	find "$vgdir" -type f -size +0 -exec cat {} + | head -n 60
fi
rm -rf "$vgdir"
unset REAL_HELPER VALGRIND_LOG_DIR

echo "== fuzzing (tests/fuzz/run.sh)"
if bash tests/fuzz/run.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo "== make distcheck"
if make -C build -j"$jobs" distcheck-release > build/distcheck.out 2>&1; then
	passed=$((passed + 1))
	grep -E 'ready for distribution' build/distcheck.out | sed 's/^/  /'
else
	failed=$((failed + 1))
	tail -n 40 build/distcheck.out
	# the failing tests' own words, from the tree distcheck leaves behind when it fails
	for log in $(grep -lE '^(FAIL|ERROR) ' build/ext_kpoint_acl-*/_build/sub/tests/*/*.log \
	    2>/dev/null); do
		echo "  ${log##*/}:"; grep -E '^(FAIL|  got|  want)' "$log" | head -n 20
	done
fi

SQUID_TESTS="tests/suites/emit.sh tests/suites/integration.sh tests/suites/sslbump.sh"
SQUID_TESTS+=" tests/suites/sslbump-intercept.sh tests/suites/doctor.sh tests/suites/doctor-live.sh"
SQUID_TESTS+=" tests/suites/sync.sh tests/suites/scanner.sh tests/suites/browser.sh"
for v in $SQUID_VERSIONS; do
	echo "== Squid-facing tests against Squid $v (tests/squidsrc.sh)"
	if wait "${squid_build[$v]}" && sq=$(cat "build/squid-$v.path") && [ -x "$sq" ]; then
		echo "  $("$sq" -v | head -n 1)"
		# said so that a run's time can be read right: did this run build it?
		if grep -q 'configuring and building' "build/squid-$v.err"; then
			echo "  built by this run, in the background: $(cat "build/squid-$v.seconds") s"
		else
			echo "  built by an earlier run (cached in $(dirname "$(dirname "$(dirname "$sq")")"))"
		fi
		ok=yes
		SQUID=$sq make -C build check TESTS="$SQUID_TESTS" > "build/check-squid-$v.out" 2>&1 ||
		    ok=no
		ci_skipped "build/check-squid-$v.out" && ok=no
		for t in $SQUID_TESTS; do
			log=build/${t%.sh}.log
			printf '  %-28s %s\n' "${log##*/}" \
			    "$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)"
		done
		SQUID=$sq bash tests/demo.sh > "build/demo-squid-$v.out" 2>&1 || ok=no
		printf '  %-28s %s\n' demo.sh "$(tail -n 1 "build/demo-squid-$v.out")"
		if [ "$ok" = yes ]; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			grep -hE '^(FAIL|  got|  want)' build/tests/suites/*.log "build/demo-squid-$v.out" |
			    head -n 40
		fi
	elif [ "${CI:-}" = true ]; then
		echo "  no Squid $v: $(tail -n 3 "build/squid-$v.err")"
		failed=$((failed + 1))
	else
		echo "  skipped, no Squid $v: $(tail -n 1 "build/squid-$v.err")"
	fi
done

echo "== Debian package (tests/suites/package.sh)"
HELPER="$TOP/build/helper/ext_kpoint_acl" TOP_SRCDIR="$TOP" bash tests/suites/package.sh \
    > build/package.out 2>&1
rc=$?
tail -n 1 build/package.out | sed 's/^/  /'
if [ "$rc" = 0 ]; then
	passed=$((passed + 1))
elif [ "$rc" = 77 ] && [ "${CI:-}" != true ]; then
	echo "  skipped: $(grep -m1 SKIP build/package.out)"
else
	failed=$((failed + 1))
	grep -E 'FAIL|SKIP' -A3 build/package.out | head -n 40
fi

echo
echo "suites: $passed passed, $failed failed, in $((SECONDS / 60)) min $((SECONDS % 60)) s"
[ "$failed" -eq 0 ]
