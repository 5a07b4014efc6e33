#!/bin/bash
# snippets.sh: the admin-facing files stay true.
#  - every active line of the squid.conf snippets appears verbatim in the document that
#    explains it (doc/squid-conf.md, doc/tls-interception.md), so the documents show the
#    lines exactly as the integration tests use them; the README's include lines name the
#    snippets that exist
#  - the README starts with its two commands, and is short
#  - logrotate accepts the logrotate snippet
#  - the creators' optional section of kpoint.conf loads when uncommented
#  - the man page renders with man -l, without warnings, and documents every option
. "$TOP_SRCDIR/tests/lib/lib.sh"
trap cleanup_tmp EXIT
S="$TOP_SRCDIR/conf-snippets"

for f in squid-kpoint.conf:squid-conf.md squid-kpoint-icap.conf:squid-conf.md \
    squid-kpoint-sslbump.conf:tls-interception.md; do
	doc=$TOP_SRCDIR/doc/${f#*:}
	f=${f%%:*}
	while IFS= read -r line; do
		# the documents indent them by four spaces and drop the trailing comments
		line=$(printf '%s' "$line" | sed 's/[[:space:]]*#.*$//')
		if grep -qxF "    $line" "$doc"; then pass; else
			fail "${doc##*/} lacks the $f line: $line"; fi
	done < <(grep -vE '^[[:space:]]*(#|$)' "$S/$f")
	check "the README includes $f" "$(grep -cxF "    include /etc/squid/$f" "$TOP_SRCDIR/README")" 1
done
check "the README's first commands: set up and demo, set up and every test" \
    "$(sed -n '/^    bash /p' "$TOP_SRCDIR/README" | head -n 2 | sed 's/ *#.*//')" \
    "$(printf '    bash tests/setup.sh && bash tests/demo.sh\n    bash tests/setup.sh && bash tests/run-all.sh')"
check ".ci/run runs the README's test command" \
    "$(grep -c '^bash tests/setup.sh && bash tests/run-all.sh$' "$TOP_SRCDIR/.ci/run")" 1
readme_lines=$(wc -l < "$TOP_SRCDIR/README")
check "the README is short (at most 200 lines; it has $readme_lines)" \
    "$([ "$readme_lines" -le 200 ] && echo yes)" yes

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
    " OK: 19 hosts, 3 domains, 0 globs, 0 regexes, 15 nets, 4 ports, 19 types"
MAN="$TOP_SRCDIR/helper/ext_kpoint_acl.8"
if command -v man > /dev/null; then
	MANWIDTH=80 man --warnings -l "$MAN" > "$TMP/man.out" 2> "$TMP/man.err"
	check "man -l renders the page" "$?" 0
	check "man -l: no warnings" "$(cat "$TMP/man.err")" ""
	for section in NAME SYNOPSIS DESCRIPTION OPTIONS "FILE FORMAT" CONFIGURATION PROTOCOL \
	    "DECISION LOG" SIGNALS "EXIT STATUS" FILES; do
		check "man page has $section" "$(grep -c "^$section\$" "$TMP/man.out")" 1
	done
	# Every option is documented in the man page, and the man page names no option the
	# program lacks: options.c's getopt tables against the OPTIONS section's .TP tags.
	SRC="$TOP_SRCDIR/helper/options.c"
	sed -n '/longopts\[\] = {/,/};/s/.*{ "\([a-z-]*\)",.*/--\1/p' "$SRC" | sort -u \
	    > "$TMP/opts.code"
	sed -n 's/.*getopt_long(argc, argv, "\([^"]*\)".*/\1/p' "$SRC" | tr -d ':' |
	    grep -o . | sed 's/^/-/' >> "$TMP/opts.code"
	sort -u -o "$TMP/opts.code" "$TMP/opts.code"
	sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$MAN" | sed -n '/^\.TP/{n;p}' | sed 's/\\-/-/g' |
	    grep -oE -- '--?[a-zA-Z][a-z-]*' | sort -u > "$TMP/opts.man"
	check "options.c has options" "$(wc -l < "$TMP/opts.code")" 29
	check "options in options.c, not in the man page's OPTIONS" \
	    "$(comm -23 "$TMP/opts.code" "$TMP/opts.man" | tr '\n' ' ')" ""
	check "options in the man page's OPTIONS, not in options.c" \
	    "$(comm -13 "$TMP/opts.code" "$TMP/opts.man" | tr '\n' ' ')" ""
	check "--help points to the man page" "$("$HELPER" --help | grep -c 'ext_kpoint_acl(8)')" 1
else
	fail "man is not installed (tests/setup.sh installs man-db)"
fi
finish
