#!/bin/bash
# snippets.sh: the admin-facing files stay true.
#  - every active line of the squid.conf snippets appears verbatim in the README, so the
#    README shows the lines exactly as the integration tests use them
#  - logrotate accepts the logrotate snippet
#  - the creators' optional section of kpoint.conf loads when uncommented
#  - the man page renders with man -l, without warnings, and documents every option
. "$TOP_SRCDIR/tests/lib/lib.sh"
trap cleanup_tmp EXIT
S="$TOP_SRCDIR/conf-snippets"

for f in squid-kpoint.conf squid-kpoint-icap.conf squid-kpoint-sslbump.conf; do
	while IFS= read -r line; do
		# the README indents them by four spaces and drops the trailing comments
		line=$(printf '%s' "$line" | sed 's/[[:space:]]*#.*$//')
		if grep -qxF "    $line" "$TOP_SRCDIR/README"; then pass; else
			fail "README lacks the $f line: $line"; fi
	done < <(grep -vE '^[[:space:]]*(#|$)' "$S/$f")
done

if command -v logrotate > /dev/null; then
	sed "s|/var/log/ext_kpoint_acl/|$TMP/|" "$S/logrotate-ext_kpoint_acl" > "$TMP/lr.conf"
	logrotate -d -s "$TMP/state" "$TMP/lr.conf" > "$TMP/lr.out" 2>&1
	check "logrotate accepts the snippet" "$?" 0
	check "logrotate reports no error" "$(grep -ci 'error' "$TMP/lr.out")" 0
else
	fail "logrotate is not installed (tests/setup.sh installs it)"
fi

sed 's/^#\(type\|host\|domain\) /\1 /' "$S/kpoint.conf" > "$TMP/creators.conf"
"$HELPER" --check -c "$TMP/creators.conf" > "$TMP/creators.out"
check "kpoint.conf with the creators' section loads" "$?" 0
check "creators' section adds its entries" "$(cut -d: -f2- "$TMP/creators.out")" \
    " OK: 19 hosts, 3 domains, 0 globs, 0 regexes, 15 nets, 4 ports, 12 types"
MAN="$TOP_SRCDIR/helper/ext_kpoint_acl.8"
if command -v man > /dev/null; then
	MANWIDTH=80 man --warnings -l "$MAN" > "$TMP/man.out" 2> "$TMP/man.err"
	check "man -l renders the page" "$?" 0
	check "man -l: no warnings" "$(cat "$TMP/man.err")" ""
	for section in NAME SYNOPSIS DESCRIPTION OPTIONS "FILE FORMAT" CONFIGURATION PROTOCOL \
	    "DECISION LOG" SIGNALS "EXIT STATUS" FILES; do
		check "man page has $section" "$(grep -c "^$section\$" "$TMP/man.out")" 1
	done
	for opt in $("$HELPER" --help | grep -oE -- '--[a-z]+' | sort -u); do
		if grep -qF -- "$opt" "$TMP/man.out"; then pass; else
			fail "man page lacks $opt"; fi
	done
else
	fail "man is not installed (tests/setup.sh installs man-db)"
fi
finish
