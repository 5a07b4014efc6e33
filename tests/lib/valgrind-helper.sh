#!/bin/sh
# valgrind-helper.sh: stands in for the helper binary in the stream and reload tests and runs
# REAL_HELPER under valgrind (memcheck, definite and indirect leaks count as errors). Each
# process writes its report to VALGRIND_LOG_DIR/vg.PID; run-all.sh fails on any non-empty one.
exec valgrind -q --error-exitcode=99 --leak-check=full \
    --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
    --log-file="$VALGRIND_LOG_DIR/vg.%p" "$REAL_HELPER" "$@"
