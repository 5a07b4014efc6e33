#!/bin/bash
# operators.sh: what operators read. The decision log's event word says what Squid does with
# the request under the shipped snippets (deny: refused; scan: kPoint but not exempt); the same
# records as JSON lines (--log-format json), every line parsed by a JSON parser and compared
# field by field with the text record; --explain, which runs the helper's own decision, for
# each kind of answer, with its exit status.
. "$TOP_SRCDIR/tests/lib/lib.sh"
trap cleanup_tmp EXIT

REQ='1 mp001se.kpoint.com 8080 - - ctx
2 portal.kpoint.com 80 127.0.0.2 text/html;%20charset=utf-8
3 www.example.com 80 - -
4 mp001se.kpoint.com 443 - -
5 d1.cloudfront.net 443 54.230.1.1 -
6 a.kpoint.com 443 - a\b"c'
printf '%s\n' "$REQ" | "$HELPER" -l "$TMP/text.log" > /dev/null 2>&1
printf '%s\n' "$REQ" | "$HELPER" -l "$TMP/json.log" --log-format json > /dev/null 2>&1
check "text: one record per kPoint request not allowed and exempt" "$(wc -l < "$TMP/text.log")" 4
check "text: a refused port is 'deny'" "$(sed -n 1p "$TMP/text.log" | cut -d' ' -f2-3)" "deny reason=port"
check "text: a kPoint reply that is not media is 'scan'" \
    "$(sed -n 2p "$TMP/text.log" | cut -d' ' -f2-3)" "scan reason=type"
check "text: a reply without a type is 'scan', type=(none) in the message" \
    "$(sed -n 3p "$TMP/text.log" | cut -d' ' -f2-3)" "scan reason=type"
check "text: other sites and allowed kPoint are not logged" \
    "$(grep -c 'www.example.com\|port=443 ip=- type=- ' "$TMP/text.log")" 0

python3 - "$TMP/text.log" "$TMP/json.log" > "$TMP/json.out" 2>&1 <<'PY'
import json, sys
text = open(sys.argv[1]).read().splitlines()
lines = open(sys.argv[2]).read().splitlines()
bad = 0
for t, j in zip(text, lines):
    rec = json.loads(j)                      # every line must parse
    words = t.split(" ")
    want = {"time": words[0], "event": words[1]}
    for kv in words[2:]:
        k, _, v = kv.partition("=")
        want[k] = None if v == "-" else v
    got = {k: (v.replace("\\", "\\") if isinstance(v, str) else v) for k, v in rec.items()}
    if got != want or list(rec)[:2] != ["time", "event"]:
        bad += 1
        print("differs:", t, j)
print(len(lines), len(text), bad)
PY
check "json: every line parses, same records and fields as the text log" \
    "$(tail -n 1 "$TMP/json.out")" "4 4 0"
check "json: a backslash in a value is JSON-escaped" "$(grep -c 'a\\\\b%22c' "$TMP/json.log")" 1
check "bad --log-format: fail closed" \
    "$(printf 'mp001se.kpoint.com 443 - -\n' | "$HELPER" --log-format xml 2>/dev/null)" \
    'ERR log=kpoint-failclosed message="--log-format xml: expected text or json"'

# --explain: the decision for each kind of request, and the exit status.
explain() { "$HELPER" --explain "$@" > "$TMP/explain.out" 2>&1; echo $?; }
check "explain kPoint media over HTTPS: exit 0" "$(explain https://mp001se.kpoint.com/media/a.mp4)" 0
check "explain: names the entry" "$(grep '^kPoint:' "$TMP/explain.out")" \
    "kPoint:   yes, by the entry mp001se.kpoint.com"
check "explain: allowed, not scanned" "$(grep -c '^squid:    allowed .*not scanned' "$TMP/explain.out")" 1
check "explain: SslBump splices it" "$(grep -c '^https:    .*spliced' "$TMP/explain.out")" 1
check "explain an unlisted port: exit 1" "$(explain mp001se.kpoint.com --port 8080)" 1
check "explain: refused, and why" "$(grep -c '^squid:    refused (403.*port 8080 is not on the list' "$TMP/explain.out")" 1
check "explain another site: exit 1" "$(explain http://www.example.com/x)" 1
check "explain: not kPoint, scanned both ways" "$(grep -c '^kPoint:   no' "$TMP/explain.out")" 1
check "explain kPoint HTML: allowed (exit 0)" \
    "$(explain http://portal.kpoint.com/ --type 'text/html; charset=utf-8')" 0
check "explain: the reply is scanned" "$(grep '^reply:' "$TMP/explain.out")" \
    "reply:    text/html is not listed media: scanned (RESPMOD)"
check "explain CloudFront media with its server address: exempt" \
    "$(explain d1.cloudfront.net --port 443 --ip 54.230.1.1 --type video/mp4; grep -c '^reply:    video/mp4 is listed media: exempt' "$TMP/explain.out")" "0
1"
check "explain another name on a listed address: the reply is still scanned" \
    "$(explain www.example.com --port 443 --ip 54.251.253.195 --type video/mp4; grep -c '^reply:    scanned' "$TMP/explain.out")" "1
1"
printf 'host media.example\nnet 2001:db8::/32\nport 443\ntype video/mp4\n' > "$TMP/list.conf"
check "explain with -c: the file's list" "$(explain '[2001:db8::5]:443' -c "$TMP/list.conf"; grep '^kPoint:' "$TMP/explain.out")" "0
kPoint:   yes, by the entry net:2001:db8::/32"
check "explain a bad target: exit 2" "$(explain 'http://')" 2
# Fields that Squid's escaping makes longer than the line: refused, never decided cut short.
long=$(printf '<%.0s' $(seq 700))
check "explain a host too long once escaped: exit 2" "$(explain "mp001se.kpoint.com$long")" 2
check "explain: says why" "$(grep -c 'longer than a line Squid would send' "$TMP/explain.out")" 1
check "explain a Content-Type too long once escaped: exit 2" \
    "$(explain mp001se.kpoint.com --ip 175.41.142.49 --type "video/mp4$long")" 2
check "explain: --port alone is a usage error" \
    "$("$HELPER" --port 80 --check > /dev/null 2>&1; echo $?)" 2
# One mode at a time: two are refused with both flags named, never one done silently.
while read -r first second args; do
	# shellcheck disable=SC2086 # the options are words
	"$HELPER" $args > "$TMP/modes.out" 2> "$TMP/modes.err"
	check "two modes ($args): exit 2, nothing on stdout" "$? $(wc -c < "$TMP/modes.out")" "2 0"
	check "two modes ($args): both named" "$(cat "$TMP/modes.err")" \
	    "ext_kpoint_acl: ERROR: $first and $second cannot be given together: one mode at a time"
done <<'CASES'
--check --emit --check --emit nft
--dump --explain --dump --explain mp001se.kpoint.com
--verify --check --verify --check
--emit --doctor --emit squid --doctor
CASES
finish
