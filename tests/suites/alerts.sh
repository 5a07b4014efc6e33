#!/bin/bash
# alerts.sh: the alert rules the package ships (doc/ext_kpoint_acl.rules.yml) are valid
# Prometheus rules (promtool check rules), fire when they should and only then (promtool test
# rules, tests/data/alerts.test.yml), and name only series the helper and --verify really
# write: each ext_kpoint_acl_* name in the rules is looked for in the .prom files of a running
# helper and of a --verify run. promtool is Debian's prometheus package (tests/setup.sh).
# shellcheck source=tests/lib/lib.sh
. "$TOP_SRCDIR/tests/lib/lib.sh"
trap cleanup_tmp EXIT
command -v promtool > /dev/null || { echo "SKIP: no promtool (Debian: prometheus)"; exit 77; }

RULES="$TOP_SRCDIR/doc/ext_kpoint_acl.rules.yml"
cp "$RULES" "$DATA/alerts.test.yml" "$TMP/"
(cd "$TMP" && promtool check rules ext_kpoint_acl.rules.yml) > "$TMP/check.out" 2>&1
check "promtool check rules" "$?" 0
check "two rules" "$(grep -c 'SUCCESS: 2 rules found' "$TMP/check.out")" 1
(cd "$TMP" && promtool test rules alerts.test.yml) > "$TMP/test.out" 2>&1
check "promtool test rules" "$?" 0
grep -v '^ *$' "$TMP/test.out" | grep -v SUCCESS | grep -v 'Unit Testing' | head -20

# The series the rules name, against what the programs write: a serving helper that fails
# closed (a list that does not exist), and --verify against a DNS server that is not there.
mkdir "$TMP/prom"
mkfifo "$TMP/in"
"$HELPER" -c "$TMP/no-such-list.conf" --metrics "$TMP/prom" < "$TMP/in" > /dev/null 2>&1 &
helper=$!
exec 3> "$TMP/in"
wait_for 10 test -s "$TMP/prom/ext_kpoint_acl_$helper.prom"
check "the helper writes its metrics file" "$?" 0
cp "$TMP/prom/ext_kpoint_acl_$helper.prom" "$TMP/helper.prom" 2> /dev/null
exec 3>&-
wait "$helper"
"$HELPER" --verify --dns-server 127.0.0.1:1 --dns-timeout 1 --metrics "$TMP/prom" \
    > /dev/null 2>&1
check "--verify with no DNS: could not check" "$?" 2
check "fail_closed is 1 in the helper's file" \
    "$(sed -n 's/^ext_kpoint_acl_fail_closed{pid="[0-9]*"} //p' "$TMP/helper.prom")" 1
check "verify_result is 2 in --verify's file" \
    "$(sed -n 's/^ext_kpoint_acl_verify_result //p' "$TMP/prom/ext_kpoint_acl_verify.prom")" 2
names=$(grep -oE 'ext_kpoint_acl_[a-z_]+' "$RULES" | grep -v '^ext_kpoint_acl_rules' | sort -u)
check "the rules name three series" "$(echo "$names" | wc -l)" 3
for n in $names; do
	if grep -qE "^${n}[{ ]" "$TMP/helper.prom" "$TMP/prom/ext_kpoint_acl_verify.prom"; then
		pass
	else
		fail "the rules name $n, which neither the helper nor --verify writes"
	fi
done
finish
