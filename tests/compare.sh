#!/bin/bash
# compare.sh OLD NEW: are two builds of the helper the same to everyone who reads them? Runs
# both on the same inputs, every mode: --check, --dump, every --emit format and --explain on
# the built-in list and on the test lists, the errors of a bad list, usage errors, --help,
# --version; and serving: the request cases (tests/data/*.cases, the fuzz corpora) with
# channel-IDs, each binary's answers, cache.log lines and decision log (times taken out).
# Prints each difference and "N same, N differ"; exit 0 only when nothing differs. Not a
# suite of make check: it is for a change that must not change behaviour (a refactor), run
# by hand against the binary of the commit before.
set -uo pipefail
OLD=${1:?usage: compare.sh OLD NEW}
NEW=${2:?usage: compare.sh OLD NEW}
TOP=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
same=0
differ=0

# run NAME ARGS...: run both binaries with ARGS; stdout, stderr and status must be the same.
run() {
	local name=$1 b
	shift
	for b in old new; do
		local bin=$OLD
		[ $b = new ] && bin=$NEW
		"$bin" "$@" > "$TMP/$b.out" 2> "$TMP/$b.err" < "${STDIN:-/dev/null}"
		echo "status $?" >> "$TMP/$b.out"
		# a program names itself in its messages: the same name for both
		sed -i "s|$bin|HELPER|g" "$TMP/$b.out" "$TMP/$b.err"
	done
	if cmp -s "$TMP/old.out" "$TMP/new.out" && cmp -s "$TMP/old.err" "$TMP/new.err"; then
		same=$((same + 1))
	else
		differ=$((differ + 1))
		echo "DIFFERS: $name"
		diff -u "$TMP/old.out" "$TMP/new.out" | head -n 20
		diff -u "$TMP/old.err" "$TMP/new.err" | head -n 20
	fi
}

LISTS=("" "$TOP/tests/data/directives.conf" "$TOP/tests/data/emit.conf")
for list in "${LISTS[@]}"; do
	c=()
	[ -n "$list" ] && c=(-c "$list")
	run "--check ${c[*]}" --check "${c[@]}"
	run "--dump ${c[*]}" --dump "${c[@]}"
	for f in nft iptables ip6tables squid sslbump nonsense; do
		run "--emit $f ${c[*]}" --emit "$f" "${c[@]}"
	done
	for q in mp001se.kpoint.com "https://d1.cloudfront.net/x.mp4" www.example.com 52.66.10.20 \
	    "http://[::1]/" "a..b" ""; do
		for extra in "" "--port 1935" "--port 8080 --type text/html" "--type video/mp4" \
		    "--ip 13.32.0.1"; do
			# shellcheck disable=SC2086 # the extra options are words
			run "--explain '$q' $extra ${c[*]}" --explain "$q" $extra "${c[@]}"
		done
	done
done
run "bad list --check" --check -c "$TOP/tests/data/bad/typos.conf"
run "missing list --check" --check -c "$TMP/nonexistent.conf"
run "--help" --help
run "--version" --version
for bad in "--port 80" "--dns-timeout 5" "--squid /bin/true" "--emit" "--log-format yaml --check" \
    "--frobnicate" "--check extra" "--verify --dns-timeout 0" "--check --emit nft" \
    "--dump --explain mp001se.kpoint.com" "--doctor --check"; do
	# shellcheck disable=SC2086 # the options are words
	run "usage: $bad" $bad
done
# --verify with a DNS server that never answers (a port nobody listens on): the same report
run "--verify, no DNS" --verify --dns-server 127.0.0.1:9 --dns-timeout 1 -c "$TOP/tests/data/emit.conf"

# Serving: every request case, with and without channel-IDs, through each binary; the
# answers, cache.log and the decision log (its time taken out) must be the same.
reqs=$TMP/requests
{
	grep -hv '^#' "$TOP"/tests/data/*.cases | sed -n 's/ => .*//p'
	cat "$TOP"/tests/fuzz/corpus/request/*
} > "$TMP/plain"
awk '{ print NR, $0 }' "$TMP/plain" > "$TMP/ids"
cat "$TMP/plain" "$TMP/ids" > "$reqs"
for args in "" "-f host,port,ip,type,method,path" "-c $TOP/tests/data/directives.conf" \
    "-f nonsense"; do
	for fmt in text json; do
		for b in old new; do
			rm -f "$TMP/$b.log"
		done
		# shellcheck disable=SC2086 # the arguments are words
		STDIN=$reqs run "serve $args (log $fmt)" $args -l "$TMP/LOG" --log-format "$fmt"
		# the decision logs (written under one name in turn: run them apart)
		for b in old new; do
			bin=$OLD
			[ $b = new ] && bin=$NEW
			rm -f "$TMP/LOG"
			# shellcheck disable=SC2086 # the arguments are words
			"$bin" $args -l "$TMP/LOG" --log-format "$fmt" < "$reqs" > /dev/null 2>&1
			sed -E 's/^[0-9]{4}-[0-9-]+T[0-9:.+Z-]+ //; s/"time":"[^"]*",?//' "$TMP/LOG" \
			    > "$TMP/$b.log" 2>/dev/null
		done
		if cmp -s "$TMP/old.log" "$TMP/new.log"; then
			same=$((same + 1))
		else
			differ=$((differ + 1))
			echo "DIFFERS: decision log, serve $args ($fmt)"
			diff -u "$TMP/old.log" "$TMP/new.log" | head -n 20
		fi
	done
done
echo "$same same, $differ differ"
[ "$differ" -eq 0 ]
