# shellcheck shell=bash
# browser.sh: the suites' way to a real browser. Sourced after tests/lib/lib.sh and lab.sh.
# browser_play runs play.js (Debian's chromium over the DevTools protocol, hls.js and dash.js
# put into each page) through the lab's Squid, or with no proxy when BROWSER_DIRECT holds
# chromium's host resolver rules (an intercepting lab, where the network sends it to Squid).
# Reports go to $TMP/NAME.json, screenshots to $BROWSER_SHOTS (default $TMP).
BROWSER_LIB=$TOP_SRCDIR/tests/lib/browser
# The lab's two CAs as the browser names a certificate's issuer (lab.sh makes them)
# shellcheck disable=SC2034  # for the suites
BROWSER_ORIGIN_CA="kpoint-lab origin CA" BROWSER_BUMP_CA="kpoint-lab bump CA"

# browser_missing: what this machine lacks for a browser test, on one line (empty: nothing).
browser_missing() {
	local tool lacks=""
	for tool in chromium ffmpeg node certutil; do
		command -v "$tool" > /dev/null || lacks+="$tool, "
	done
	[ -d "$BROWSER_LIB/node_modules/chrome-remote-interface" ] &&
	    [ -f "$BROWSER_LIB/node_modules/hls.js/dist/hls.min.js" ] ||
	    lacks+="the npm packages (npm ci --prefix tests/lib/browser), "
	echo "${lacks%, }"
}

# browser_trust: chromium's HOME ($TMP/home) with an NSS store, the one Chromium 146 and later
# read ($HOME/.local/share/pki/nssdb), trusting the lab's two CAs, as a real browser trusts the
# public CAs (for the origins) and a site's bump CA: never --ignore-certificate-errors.
browser_trust() {
	local nss=$TMP/home/.local/share/pki/nssdb
	mkdir -p "$nss" &&
	    certutil -N -d "sql:$nss" --empty-password &&
	    certutil -A -d "sql:$nss" -n "lab origin CA" -t C,, -i "$LAB/origin-ca.crt" &&
	    certutil -A -d "sql:$nss" -n "lab bump CA" -t C,, -i "$LAB/bump-ca.crt"
}

# browser_play NAME PAGE-URL [play.js options]: the browser's report in $TMP/NAME.json, shown
browser_play() {
	local name=$1 url=$2 how home=()
	shift 2
	if [ -n "${BROWSER_DIRECT:-}" ]; then how=(--direct "$BROWSER_DIRECT")
	else how=(--proxy "http://127.0.0.1:$LAB_SQUID_PORT"); fi
	[ -d "$TMP/home" ] && home=(--home "$TMP/home")
	mkdir -p "${BROWSER_SHOTS:=$TMP}"
	node "$BROWSER_LIB/play.js" "${how[@]}" "${home[@]}" --page "$url" \
	    --inject "$BROWSER_LIB/node_modules/hls.js/dist/hls.min.js,$BROWSER_LIB/node_modules/dashjs/dist/dash.all.min.js" \
	    --screenshot "$BROWSER_SHOTS/$name.png" --profile "$TMP/profile-$name" "$@" \
	    > "$TMP/$name.json" 2> "$TMP/$name.err"
	echo "  $name: $(cat "$TMP/$name.json")"
}

# browser_field NAME KEY: one value of that report (None when it has none)
browser_field() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' \
	    "$TMP/$1.json" "$2"
}

# browser_issuer NAME HOST: the issuer of the certificate the browser was shown for HOST
browser_issuer() {
	python3 -c 'import json, sys
print(json.load(open(sys.argv[1])).get("issuers", {}).get(sys.argv[2]))' "$TMP/$1.json" "$2"
}
