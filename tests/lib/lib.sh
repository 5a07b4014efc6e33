# shellcheck shell=bash
# lib.sh: shared by the shell tests. Sourced, not run. Counts checks and prints the closing
# line "N passed, N failed"; the test exits non-zero if any check failed.
# Needs: HELPER (the built binary) and TOP_SRCDIR, set by "make check".
set -u
: "${HELPER:?HELPER must name the built ext_kpoint_acl}"
: "${TOP_SRCDIR:?TOP_SRCDIR must name the source tree}"
# shellcheck disable=SC2034  # for the tests that source this file
DATA="$TOP_SRCDIR/tests/data"
# The Squid the Squid-facing tests run (tests/lib/lab/lab.sh says more): the one on PATH unless
# named.
: "${SQUID:=$(command -v squid || echo /usr/sbin/squid)}"
T_PASSED=0
T_FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kpoint-test.XXXXXX")

cleanup_tmp() { rm -rf "$TMP"; }

pass() { T_PASSED=$((T_PASSED + 1)); }
fail() { T_FAILED=$((T_FAILED + 1)); printf 'FAIL: %s\n' "$*"; }

# check DESC ACTUAL EXPECTED
check() {
	if [ "$2" = "$3" ]; then pass; else
		fail "$1"; printf '  got:  %s\n  want: %s\n' "$2" "$3"; fi
}

# check_file DESC ACTUAL_FILE EXPECTED_FILE
check_file() {
	if cmp -s "$2" "$3"; then pass; else
		fail "$1"; diff -u "$3" "$2" | head -20; fi
}

finish() {
	printf '%d passed, %d failed\n' "$T_PASSED" "$T_FAILED"
	[ "$T_FAILED" -eq 0 ] && [ "$T_PASSED" -gt 0 ]
}

# log_has FILE STRING [COUNT]: does FILE have at least COUNT (default 1) lines with STRING?
# For wait_for: a log line is the event a test waits on, never a fixed time.
log_has() { [ "$(grep -cF -- "$2" "$1" 2>/dev/null)" -ge "${3:-1}" ]; }
# log_has_re FILE ERE [COUNT]: the same for an extended regular expression.
log_has_re() { [ "$(grep -cE -- "$2" "$1" 2>/dev/null)" -ge "${3:-1}" ]; }

# wait_for SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds; bounded.
wait_for() {
	local limit=$(( $1 * 10 )) i=0
	shift
	while ! "$@" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -ge "$limit" ] && return 1
		sleep 0.1
	done
}
