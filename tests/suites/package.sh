#!/bin/bash
# package.sh: the Debian package, end to end, on this machine (root):
#  - dpkg-buildpackage -us -uc -b in a copy of the source tree (files land in a temporary
#    directory, never beside the checkout)
#  - lintian: no errors, no warnings
#  - apt-get install ./squid-kpoint-acl_*.deb: the helper, the man page, the list and the
#    snippets where README.Debian says, the /etc files as conffiles
#  - a copy of Debian's own /etc/squid/squid.conf (never the live one) with README.Debian's
#    include lines added where it says, plus an ssl-bump port and ICAP services: squid -k parse
#  - the installed helper's --check on the installed list, and one answer from it
#  - apt-get purge: nothing the package installed is left
. "$TOP_SRCDIR/tests/lib/lib.sh"
trap cleanup_tmp EXIT

if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root (apt-get install)"; exit 77; fi
for tool in dpkg-buildpackage lintian dh squid; do
	command -v "$tool" > /dev/null ||
	    { echo "SKIP: $tool is not installed (tests/setup.sh installs it)"; exit 77; }
done
if dpkg -s squid-kpoint-acl > /dev/null 2>&1; then
	echo "SKIP: squid-kpoint-acl is installed on this machine already; not touching it"
	exit 77
fi

# A copy of the tree as git sees it (tracked and new files, nothing ignored or built).
mkdir -p "$TMP/src"
(cd "$TOP_SRCDIR" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$TMP/src")
check "source copied" "$([ -x "$TMP/src/debian/rules" ] && echo yes)" yes
(cd "$TMP/src" && dpkg-buildpackage -us -uc -b > "$TMP/build.log" 2>&1)
check "dpkg-buildpackage -us -uc -b" "$?" 0 || tail -n 30 "$TMP/build.log"
version=$(dpkg-parsechangelog -l "$TOP_SRCDIR/debian/changelog" -S Version)
deb=$TMP/squid-kpoint-acl_${version}_$(dpkg --print-architecture).deb
check "the package is built" "$([ -f "$deb" ] && echo yes)" yes
[ -f "$deb" ] || { finish; exit 1; }

lintian --fail-on error,warning "$deb" "$TMP"/*.changes > "$TMP/lintian.out" 2>&1
check "lintian: no errors, no warnings" "$?" 0
check "lintian: nothing reported" "$(grep -E '^[EW]:' "$TMP/lintian.out")" ""

check "contents: helper, man page, list, snippets" \
    "$(dpkg-deb -c "$deb" | awk '{ print $6 }' | grep -E 'ext_kpoint_acl$|\.8\.gz$|etc/squid/.' | sort | tr '\n' ' ')" \
    "./etc/squid/kpoint-sslbump-acls.conf ./etc/squid/kpoint.conf ./etc/squid/squid-kpoint-icap.conf ./etc/squid/squid-kpoint-sslbump.conf ./etc/squid/squid-kpoint.conf ./usr/lib/squid/ext_kpoint_acl ./usr/share/man/man8/ext_kpoint_acl.8.gz "
check "the topic documents and the alert rules, under /usr/share/doc" \
    "$(dpkg-deb -c "$deb" | awk '{ print $6 }' | grep -E 'share/doc/squid-kpoint-acl/.*\.(md|yml)' |
    sed 's|.*/squid-kpoint-acl/||; s/\.gz$//' | sort | tr '\n' ' ')" \
    "doctor.md examples/ext_kpoint_acl.rules.yml firewall.md guarantees.md monitoring.md operator-tools.md performance.md squid-conf.md tls-interception.md "
dpkg-deb -e "$deb" "$TMP/control"
check "the /etc files are conffiles" "$(sort "$TMP/control/conffiles" | tr '\n' ' ')" \
    "/etc/squid/kpoint-sslbump-acls.conf /etc/squid/kpoint.conf /etc/squid/squid-kpoint-icap.conf /etc/squid/squid-kpoint-sslbump.conf /etc/squid/squid-kpoint.conf "
check "Depends on a Squid" "$(dpkg-deb -f "$deb" Depends | grep -c 'squid | squid-openssl')" 1

cp /etc/squid/squid.conf "$TMP/squid.conf.before"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" > "$TMP/install.log" 2>&1
check "apt-get install ./deb" "$?" 0 || tail -n 20 "$TMP/install.log"
dpkg -L squid-kpoint-acl > "$TMP/files"
check "squid.conf is not touched" "$(cmp -s /etc/squid/squid.conf "$TMP/squid.conf.before" && echo same)" same

/usr/lib/squid/ext_kpoint_acl --check -c /etc/squid/kpoint.conf > "$TMP/check.out" 2>&1
check "installed helper --check on the installed list" "$?" 0
check "installed list: the guide's entries" "$(cut -d: -f2- "$TMP/check.out")" \
    " OK: 15 hosts, 2 domains, 0 globs, 0 regexes, 15 nets, 4 ports, 14 types"
check "installed helper answers" \
    "$(printf 'mp001se.kpoint.com 443 - -\n' | /usr/lib/squid/ext_kpoint_acl -c /etc/squid/kpoint.conf 2>/dev/null)" \
    "OK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com"
check "the list watch and the DNS check: installed, disabled" \
    "$(ls /lib/systemd/system/ext-kpoint-acl-* | paste -sd' '):$(find /etc/systemd/system -name 'ext-kpoint-acl-*' | wc -l)" \
    "/lib/systemd/system/ext-kpoint-acl-cloudfront.service /lib/systemd/system/ext-kpoint-acl-cloudfront.timer /lib/systemd/system/ext-kpoint-acl-sync.path /lib/systemd/system/ext-kpoint-acl-sync.service /lib/systemd/system/ext-kpoint-acl-verify.service /lib/systemd/system/ext-kpoint-acl-verify.timer:0"
systemd-analyze verify /lib/systemd/system/ext-kpoint-acl-* > "$TMP/verify.out" 2>&1
check "systemd-analyze verify: their units" "$?:$(cat "$TMP/verify.out")" "0:"
check "the sync command is installed beside the helper" \
    "$(stat -c '%a' /usr/lib/squid/ext_kpoint_acl-sync)" 755
MANWIDTH=80 man --warnings 8 ext_kpoint_acl > /dev/null 2> "$TMP/man.err"
check "man 8 ext_kpoint_acl" "$?" 0
check "the installed snippet uses the installed list" \
    "$(grep -c '/usr/lib/squid/ext_kpoint_acl -c /etc/squid/kpoint.conf -l /var/log/squid/kpoint-decisions.log' /etc/squid/squid-kpoint.conf)" 1

# Debian's own squid.conf, a copy, with README.Debian's lines where it says; an ssl-bump port
# and ICAP services so that every snippet is in use.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=package-test -keyout "$TMP/bump.pem" \
    -out "$TMP/bump.crt" -addext basicConstraints=critical,CA:TRUE > /dev/null 2>&1
cat "$TMP/bump.crt" >> "$TMP/bump.pem"
awk -v tmp="$TMP" '
	{ print }
	/^http_access deny !Safe_ports$/ { print "include /etc/squid/squid-kpoint.conf"; n++ }
	/^http_port 3128$/ {
		print "http_port 127.0.0.1:3129 ssl-bump tls-cert=" tmp "/bump.pem generate-host-certificates=on"
		print "icap_enable on"
		print "icap_service scanner_req reqmod_precache icap://127.0.0.1:1344/echo"
		print "icap_service scanner_resp respmod_precache icap://127.0.0.1:1344/echo"
		print "include /etc/squid/squid-kpoint-icap.conf"
		print "adaptation_access scanner_req allow all"
		print "adaptation_access scanner_resp allow all"
		print "include /etc/squid/squid-kpoint-sslbump.conf"
		print "acl step1 at_step SslBump1"
		print "ssl_bump peek step1"
		print "ssl_bump bump all"
		n++
	}
	END { if (n != 2) exit 1 }' /etc/squid/squid.conf > "$TMP/squid.conf"
check "the include lines go where README.Debian says" "$?" 0
check "squid-kpoint.conf right after 'deny !Safe_ports', before the CONNECT deny" \
    "$(grep -vE '^[[:space:]]*(#|$)' "$TMP/squid.conf" | grep -A1 -x 'include /etc/squid/squid-kpoint.conf' | tail -n 1)" \
    "http_access deny CONNECT !SSL_ports"
squid -k parse -f "$TMP/squid.conf" > "$TMP/parse.out" 2>&1
check "squid -k parse: Debian's squid.conf with the package's snippets" "$?" 0
check "squid -k parse: no errors or warnings" \
    "$(grep -E 'ERROR|FATAL|WARNING|Bungled' "$TMP/parse.out" | head -3)" ""
check "squid -k parse: the snippets were read" \
    "$(grep -c 'Processing: include /etc/squid/squid-kpoint' "$TMP/parse.out")" 3
/usr/lib/squid/ext_kpoint_acl --doctor "$TMP/squid.conf" > "$TMP/doctor.out" 2>&1
rc=$?
check "the installed --doctor on that squid.conf: nothing fails, nothing to warn of" \
    "$rc:$(grep -cE '^(FAIL|warn) ' "$TMP/doctor.out")" "0:0"
[ "$rc" = 0 ] || cat "$TMP/doctor.out"

DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq squid-kpoint-acl > "$TMP/purge.log" 2>&1
check "apt-get purge" "$?" 0
left=""
while read -r f; do
	[ -d "$f" ] && continue	# directories such as /etc/squid belong to others too
	[ -e "$f" ] && left="$left $f"
done < "$TMP/files"
check "nothing the package installed is left" "$left" ""
check "the package is gone" "$(dpkg -s squid-kpoint-acl > /dev/null 2>&1 && echo installed)" ""
check "squid.conf still untouched" "$(cmp -s /etc/squid/squid.conf "$TMP/squid.conf.before" && echo same)" same
finish
