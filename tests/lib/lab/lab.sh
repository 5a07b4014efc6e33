# shellcheck shell=bash
# lab.sh: a private Squid lab on loopback, for the integration tests and the demo. Sourced.
# Starts an origin server (origin.py), c-icap with its echo service as the content scanner,
# and Squid with the project's snippets (squid.conf.in), all with their files in one temporary
# directory; lab_stop stops them all. Needs squid, c-icap, curl and python3 (tests/setup.sh
# installs them) and root, since Squid switches to the proxy user for its helpers.
#
# SQUID names the Squid binary (default: the squid on PATH, Debian's); the certificate generator
# is the one beside it (../libexec/security_file_certgen, as a source build installs it) or
# Debian's /usr/lib/squid/security_file_certgen. Each lab runs Squid under a service name of its
# own (-n): Squid 6 names its shared memory after it, so two labs must never share one.
: "${SQUID:=$(command -v squid || echo /usr/sbin/squid)}"
SQUID_CERTGEN=$(dirname "$SQUID")/../libexec/security_file_certgen
[ -x "$SQUID_CERTGEN" ] || SQUID_CERTGEN=/usr/lib/squid/security_file_certgen

# Variables the caller sets before lab_start: HELPER (the binary), TOP_SRCDIR,
# LAB_HELPER_ARGS (extra helper options; default none), LAB_ORIGIN_PORT (default: a free one),
# LAB_SECONDS (how long the origin may live; default 300), LAB_LIST_EXTRA (if set: the helper
# runs with -c on conf-snippets/kpoint.conf plus these lines, instead of the built-in list).
# LAB_TLS=1 makes it an SslBump proxy (squid-openssl): the origins also serve TLS on port 443
# with certificates from the lab's own origin CA, Squid bumps with the lab's bump CA, and
# conf-snippets/squid-kpoint-sslbump.conf decides what is spliced (tests/lib/lab/sslbump.conf.in).
# LAB_INTERCEPT=1 (with LAB_TLS, as root inside a private network namespace): Squid also has
# an intercepting https_port, LAB_INTERCEPT_PORT, that the caller's REDIRECT rules send to.
# LAB_SMP=1: Squid runs with two workers (as a daemon; LAB_SQUID_PID is the master's).

# The lab's hosts live on a 127.x.y.0/24 of their own (all of 127/8 is loopback), so that two
# labs on one machine, e.g. two test runs, never contend for the origin's ports 1935 and 5222.
# LAB_KPOINT, LAB_CDN and LAB_OTHER are the addresses of kPoint, CloudFront and the other site.
lab_pick_net() {
	local net="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1))"
	LAB_KPOINT=$net.2 LAB_CDN=$net.3 LAB_OTHER=$net.4
	LAB_HOSTS="$LAB_KPOINT mp001se.kpoint.com mp0016se.kpoint.com portal.kpoint.com
$LAB_CDN d1.cloudfront.net
$LAB_OTHER www.other.example"
}

lab_die() { printf 'lab: %s\n' "$*" >&2; lab_stop; exit 1; }

# The issuers a TLS client of the lab sees, as lab_tls_field 3 gives them: the origins' own CA
# (the connection was spliced or tunnelled) or Squid's bump CA (it was decrypted).
# shellcheck disable=SC2034  # for the tests that source this file
LAB_ORIGIN_CA=kpoint-lab_origin_CA
# shellcheck disable=SC2034
LAB_BUMP_CA=kpoint-lab_bump_CA

# lab_need_tls: skip (automake's 77) unless an SslBump lab can run here.
lab_need_tls() {
	if ! [ -x "$SQUID_CERTGEN" ] || [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root and squid-openssl (tests/setup.sh installs it)"
		exit 77
	fi
}

# A free TCP port on 127.0.0.1, chosen by the kernel.
lab_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# lab_wait_port PORT [ADDR]: until something listens there (10 s at most).
lab_wait_port() {
	local _
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

lab_start() {
	local tool
	# Missing root or tools: a skip (automake's 77), which tests/run-all.sh fails under CI.
	for tool in "$SQUID" c-icap curl python3; do
		command -v "$tool" > /dev/null ||
		    { echo "SKIP: $tool is not installed (run tests/setup.sh)"; exit 77; }
	done
	[ "$(id -u)" = 0 ] ||
	    { echo "SKIP: must run as root (Squid starts its helpers as user proxy)"; exit 77; }
	LAB_SERVICE=kplab$$x$RANDOM
	LAB=$(mktemp -d "${TMPDIR:-/tmp}/kpoint-lab.XXXXXX")
	[ -n "${LAB_KPOINT:-}" ] || lab_pick_net	# a caller may pick it first, to name it
	chmod 755 "$LAB"
	LAB_SQUID_PORT=$(lab_free_port)
	LAB_ICAP_PORT=$(lab_free_port)
	: "${LAB_ORIGIN_PORT:=$(lab_free_port)}"
	: "${LAB_SECONDS:=300}"
	: "${LAB_HELPER_ARGS:=}"
	printf '%s\n' "$LAB_HOSTS" > "$LAB/hosts"
	if [ -n "${LAB_LIST_EXTRA:-}" ]; then
		{ cat "$TOP_SRCDIR/conf-snippets/kpoint.conf"; printf '%s\n' "$LAB_LIST_EXTRA"; } \
		    > "$LAB/kpoint.conf"
		LAB_HELPER_ARGS="$LAB_HELPER_ARGS -c $LAB/kpoint.conf"
	fi

	# The origin: every lab host on the origin port; kPoint and the other site on 1935/5222
	# too, so that a CONNECT there reaches a server unless Squid refuses it.
	local tls_args=()
	if [ "${LAB_TLS:-0}" = 1 ]; then
		lab_tls_files
		tls_args=(--tls "$LAB/origin.pem" "$LAB_KPOINT:443:tls" "$LAB_CDN:443:tls"
		    "$LAB_OTHER:443:tls")
	fi
	# LAB_MEDIA: a directory whose files the origin serves too (with byte ranges)
	python3 "$TOP_SRCDIR/tests/lib/lab/origin.py" "$LAB_SECONDS" --log "$LAB/origin.log" \
	    ${LAB_MEDIA:+--media "$LAB_MEDIA"} "${tls_args[@]}" \
	    "$LAB_KPOINT:$LAB_ORIGIN_PORT" "$LAB_CDN:$LAB_ORIGIN_PORT" "$LAB_OTHER:$LAB_ORIGIN_PORT" \
	    "$LAB_KPOINT:1935" "$LAB_KPOINT:5222" "$LAB_OTHER:1935" "$LAB_OTHER:5222" \
	    > "$LAB/origin.out" 2>&1 &
	LAB_ORIGIN_PID=$!
	lab_wait_port "$LAB_ORIGIN_PORT" "$LAB_KPOINT" ||
	    lab_die "origin server did not start: $(cat "$LAB/origin.out")"

	lab_scanner_start

	# Squid with the project's snippets, paths pointed into the lab.
	lab_snippets "$LAB"
	sed -e "s|@DIR@|$LAB|g" -e "s|@SQUID_PORT@|$LAB_SQUID_PORT|" \
	    -e "s|@ICAP_PORT@|$LAB_ICAP_PORT|" -e "s|@ICAP_SERVICE@|${LAB_SCANNER//&/\\&}|" \
	    "$TOP_SRCDIR/tests/lib/lab/squid.conf.in" > "$LAB/squid.conf"
	[ "${LAB_TLS:-0}" = 1 ] && lab_tls_squid
	# Squid writes its logs and starts the helper as proxy; the helper reads its files as proxy.
	touch "$LAB/cache.log" "$LAB/access.log" "$LAB/kpoint-decisions.log"
	chown proxy "$LAB" "$LAB/cache.log" "$LAB/access.log" "$LAB/kpoint-decisions.log"
	chmod 644 "$LAB"/*.conf "$LAB/hosts"
	# LAB_SMP=1: two workers; Squid then runs as a daemon (-N would turn SMP off)
	[ "${LAB_SMP:-0}" = 1 ] && sed -i '1i workers 2' "$LAB/squid.conf"
	# LAB_EDIT: a function the caller names, given the lab's squid.conf to change first
	[ -n "${LAB_EDIT:-}" ] && "$LAB_EDIT" "$LAB/squid.conf"
	lab_squid_start
}

# The scanner (LAB_SCANNER): c-icap with Debian's own virus_scan configuration and a clamd of
# the lab's, as an admin runs them:
#   virus_scan  the service with Debian's defaults (/etc/c-icap/virus_scan.conf)
#   avscan      Debian's alias for it: allow204=on&sizelimit=off&mode=simple
#   virus_scan?ARGS  the service with arguments in its URL, as Debian's alias sets them
#   echo        c-icap's echo service, which scans nothing: for a test that wants a scanner
#               that lets every byte through at once (say why where it is chosen)
# clamd's database is written here and holds one signature, the EICAR test string's: nothing
# comes from the network (no freshclam). c-icap's access log shows every ICAP request.
lab_scanner_start() {
	: "${LAB_SCANNER:=virus_scan}"
	LAB_CICAP_LIB=/usr/lib/x86_64-linux-gnu/c_icap
	[ -e "$LAB_CICAP_LIB/srv_echo.so" ] ||
	    LAB_CICAP_LIB=$(dirname "$(find /usr/lib -name srv_echo.so 2>/dev/null | head -n 1)")
	mkdir -p "$LAB/icap"
	cat > "$LAB/icap/c-icap.conf" <<-CONF
	PidFile $LAB/icap/c-icap.pid
	CommandsSocket $LAB/icap/c-icap.ctl
	Port 127.0.0.1:$LAB_ICAP_PORT
	StartServers 2
	MaxServers 4
	ThreadsPerChild 32
	TmpDir $LAB/icap
	ServerLog $LAB/icap/server.log
	LogFormat labfmt "%tl %a %im %iu %is url=%huo"
	AccessLog $LAB/icap/access.log labfmt
	ModulesDir $LAB_CICAP_LIB
	ServicesDir $LAB_CICAP_LIB
	TemplateDir /usr/share/c_icap/templates/
	LoadMagicFile /etc/c-icap/c-icap.magic
	Service echo srv_echo.so
	CONF
	case ${LAB_SCANNER%%\?*} in	# a service may carry its arguments: virus_scan?mode=...
	echo) ;;
	virus_scan | avscan)
		[ -e "$LAB_CICAP_LIB/virus_scan.so" ] && command -v clamd > /dev/null || {
			echo "SKIP: no c-icap virus_scan or clamd (libc-icap-mod-virus-scan," \
			    "clamav-daemon: run tests/setup.sh)"; exit 77; }
		mkdir -p "$LAB/icap/db"
		lab_eicar | od -An -tx1 | tr -d ' \n' |
		    sed 's/^/Lab.Test.EICAR:0:*:/; s/$/\n/' > "$LAB/icap/db/lab.ndb"
		cat > "$LAB/icap/clamd.conf" <<-CONF
		LocalSocket $LAB/icap/clamd.sock
		DatabaseDirectory $LAB/icap/db
		Foreground yes
		LogFile $LAB/icap/clamd.log
		CONF
		clamd --config-file="$LAB/icap/clamd.conf" > "$LAB/icap/clamd.out" 2>&1 &
		LAB_CLAMD_PID=$!
		wait_for 20 test -S "$LAB/icap/clamd.sock" ||
		    lab_die "clamd did not start: $(tail -n 3 "$LAB/icap/clamd.log")"
		cat >> "$LAB/icap/c-icap.conf" <<-CONF
		Include /etc/c-icap/clamd_mod.conf
		clamd_mod.ClamdSocket $LAB/icap/clamd.sock
		Include /etc/c-icap/virus_scan.conf
		CONF
		;;
	*) lab_die "LAB_SCANNER=$LAB_SCANNER: virus_scan, avscan or echo" ;;
	esac
	c-icap -N -f "$LAB/icap/c-icap.conf" > "$LAB/icap/stdout" 2>&1 &
	LAB_ICAP_PID=$!
	lab_wait_port "$LAB_ICAP_PORT" || lab_die "c-icap did not start: $(cat "$LAB/icap/stdout")"
}

# lab_eicar: the EICAR test string (68 bytes, no newline). Built from two halves so that no
# file of the project holds it whole (a scanner on a developer's machine would quarantine it).
lab_eicar() {
	printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR' '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
}

# lab_make_media DIR NAME SECONDS [SIZE [KBITS]]: a test video made by ffmpeg, as a kPoint
# video is served: DIR/NAME.mp4, progressive H.264/AAC with its index first (faststart), a
# keyframe every 2 s, SIZE (default 320x240) at KBITS kbit/s (default 400); and the same as HLS,
# DIR/NAME.m3u8 with 2 s MPEG-TS segments DIR/NAME-NN.ts. Returns ffmpeg's failure.
lab_make_media() {
	local dir=$1 name=$2 secs=$3 size=${4:-320x240} kbits=${5:-400}
	local ff=(ffmpeg -hide_banner -loglevel error -y)
	"${ff[@]}" -f lavfi -i "testsrc2=duration=$secs:size=$size:rate=25" \
	    -f lavfi -i "sine=frequency=440:duration=$secs" -c:v libx264 -preset veryfast \
	    -pix_fmt yuv420p -g 50 -keyint_min 50 -sc_threshold 0 -b:v "${kbits}k" \
	    -maxrate "${kbits}k" -bufsize "$((kbits * 2))k" -c:a aac -b:a 64k -movflags +faststart \
	    "$dir/$name.mp4" &&
	    "${ff[@]}" -i "$dir/$name.mp4" -c copy -f hls -hls_time 2 -hls_playlist_type vod \
	    -hls_segment_filename "$dir/$name-%02d.ts" "$dir/$name.m3u8"
}

# lab_squid_major: the major version of $SQUID (5, 6, 7).
lab_squid_major() { "$SQUID" -v | sed -n 's/.*Version \([0-9]*\)\..*/\1/p'; }

# lab_snippets DIR: the project's snippets in DIR, as an admin installs them, with their paths
# pointed into DIR: squid-kpoint.conf runs $HELPER $LAB_HELPER_ARGS and logs into DIR,
# squid-kpoint-icap.conf as shipped, squid-kpoint-sslbump.conf including DIR's
# kpoint-sslbump-acls.conf, which the helper generates (with -c DIR/kpoint.conf if
# LAB_LIST_EXTRA made one).
lab_snippets() {
	local list=()
	[ -n "${LAB_LIST_EXTRA:-}" ] && list=(-c "$1/kpoint.conf")
	sed -e "s|/usr/lib/squid/ext_kpoint_acl|$HELPER ${LAB_HELPER_ARGS:-}|" \
	    -e "s|/var/log/squid/|$1/|g" \
	    "$TOP_SRCDIR/conf-snippets/squid-kpoint.conf" > "$1/squid-kpoint.conf"
	cp "$TOP_SRCDIR/conf-snippets/squid-kpoint-icap.conf" "$1/squid-kpoint-icap.conf"
	# REAL_HELPER: the binary, where HELPER is a wrapper (valgrind, a broken stand-in)
	"${REAL_HELPER:-$HELPER}" --emit sslbump "${list[@]}" > "$1/kpoint-sslbump-acls.conf" ||
	    lab_die "--emit sslbump failed"
	sed "s|/etc/squid/kpoint-sslbump-acls.conf|$1/kpoint-sslbump-acls.conf|" \
	    "$TOP_SRCDIR/conf-snippets/squid-kpoint-sslbump.conf" > "$1/squid-kpoint-sslbump.conf"
}

# lab_squid_start: check the lab's squid.conf with Squid's parser and start Squid on it.
lab_squid_start() {
	"$SQUID" -n "$LAB_SERVICE" -k parse -f "$LAB/squid.conf" > "$LAB/parse.log" 2>&1 ||
	    lab_die "squid -k parse failed: $(grep -E 'ERROR|FATAL' "$LAB/parse.log")"
	if [ "${LAB_SMP:-0}" = 1 ]; then
		"$SQUID" -n "$LAB_SERVICE" -f "$LAB/squid.conf" > "$LAB/squid.out" 2>&1
		local _
		for _ in $(seq 100); do [ -s "$LAB/squid.pid" ] && break; sleep 0.1; done
		LAB_SQUID_PID=$(cat "$LAB/squid.pid" 2>/dev/null)
	else
		"$SQUID" -n "$LAB_SERVICE" -N -f "$LAB/squid.conf" > "$LAB/squid.out" 2>&1 &
		LAB_SQUID_PID=$!
	fi
	if ! lab_wait_port "$LAB_SQUID_PORT"; then
		# LAB_SQUID_MAY_DIE=1: the caller expects Squid may refuse to run (a broken helper)
		[ "${LAB_SQUID_MAY_DIE:-0}" = 1 ] && return 1
		lab_die "squid did not start: $(tail -n 5 "$LAB/cache.log" "$LAB/squid.out")"
	fi
}

# lab_squid_stop: stop the lab's Squid (and its helpers), leaving the rest of the lab running.
lab_squid_stop() {
	[ -n "${LAB_SQUID_PID:-}" ] || return 0
	"$SQUID" -n "$LAB_SERVICE" -k shutdown -f "$LAB/squid.conf" > /dev/null 2>&1 ||
	    kill "$LAB_SQUID_PID" 2>/dev/null
	local _
	for _ in $(seq 100); do kill -0 "$LAB_SQUID_PID" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$LAB_SQUID_PID" 2>/dev/null
	# an SMP Squid's kids, should the master have gone first
	[ "${LAB_SMP:-0}" = 1 ] && pkill -9 -f -- "--kid .* -n $LAB_SERVICE " 2>/dev/null
	wait "$LAB_SQUID_PID" 2>/dev/null
	LAB_SQUID_PID=
}

# The lab's TLS files: an origin CA and one origin certificate for every lab name and address,
# a bump CA (certificate and key in one file, as Squid wants it), the certificate database.
lab_tls_files() {
	local names ssl="openssl req -x509 -newkey rsa:2048 -nodes -days 2 -sha256"
	command -v openssl > /dev/null || lab_die "openssl is not installed (run tests/setup.sh)"
	[ -x "$SQUID_CERTGEN" ] ||
	    lab_die "no security_file_certgen: SslBump needs squid-openssl (run tests/setup.sh)"
	$ssl -keyout "$LAB/origin-ca.key" -out "$LAB/origin-ca.crt" -subj "/CN=kpoint-lab origin CA" \
	    -addext basicConstraints=critical,CA:TRUE > /dev/null 2>&1 || lab_die "openssl: origin CA"
	$ssl -keyout "$LAB/bump-ca.key" -out "$LAB/bump-ca.crt" -subj "/CN=kpoint-lab bump CA" \
	    -addext basicConstraints=critical,CA:TRUE > /dev/null 2>&1 || lab_die "openssl: bump CA"
	cat "$LAB/bump-ca.crt" "$LAB/bump-ca.key" > "$LAB/bump-ca.pem"
	cat "$LAB/origin-ca.crt" "$LAB/bump-ca.crt" > "$LAB/clients-trust.crt"
	names=$(printf '%s\n' "$LAB_HOSTS" | awk '{ for (i = 2; i <= NF; i++) printf ",DNS:%s", $i;
	    printf ",IP:%s", $1 }')
	openssl req -new -newkey rsa:2048 -nodes -keyout "$LAB/origin.key" -out "$LAB/origin.csr" \
	    -subj "/CN=kpoint-lab origin" > /dev/null 2>&1 || lab_die "openssl: origin key"
	printf 'subjectAltName=%s\n' "${names#,}" > "$LAB/origin.ext"
	openssl x509 -req -in "$LAB/origin.csr" -CA "$LAB/origin-ca.crt" -CAkey "$LAB/origin-ca.key" \
	    -CAcreateserial -days 2 -sha256 -extfile "$LAB/origin.ext" -out "$LAB/origin.crt" \
	    > /dev/null 2>&1 || lab_die "openssl: origin certificate"
	cat "$LAB/origin.crt" "$LAB/origin.key" > "$LAB/origin.pem"
	"$SQUID_CERTGEN" -c -s "$LAB/ssl_db" -M 4MB > /dev/null ||
	    lab_die "security_file_certgen could not create its database"
	chown -R proxy "$LAB/ssl_db"
	chmod 644 "$LAB/bump-ca.pem" "$LAB/origin-ca.crt"
}

# Squid as an SslBump proxy: the ssl-bump port, the admin's lines from sslbump.conf.in with the
# project's snippet, and its acls generated from the helper's list.
lab_tls_squid() {
	sed -e "s|@DIR@|$LAB|g" -e "s|@CERTGEN@|$SQUID_CERTGEN|" \
	    "$TOP_SRCDIR/tests/lib/lab/sslbump.conf.in" > "$LAB/sslbump.conf"
	if [ "${LAB_INTERCEPT:-0}" = 1 ]; then
		LAB_INTERCEPT_PORT=$(lab_free_port)
		printf 'https_port 127.0.0.1:%s intercept ssl-bump tls-cert=%s/bump-ca.pem generate-host-certificates=on dynamic_cert_mem_cache_size=4MB name=kpoint_intercept\n' \
		    "$LAB_INTERCEPT_PORT" "$LAB" >> "$LAB/squid.conf"
	fi
	sed -i -e "s|^http_port 127.0.0.1:$LAB_SQUID_PORT\$|& ssl-bump tls-cert=$LAB/bump-ca.pem generate-host-certificates=on dynamic_cert_mem_cache_size=4MB|" \
	    -e "\|^# @TLS@\$|r $LAB/sslbump.conf" "$LAB/squid.conf"
	chmod 644 "$LAB"/*.conf
}

# lab_tls_get [--proxy|--direct] TARGET SNI HOST PATH: tests/lib/lab/tlsclient.py through the lab.
lab_tls_get() {
	local how=$1; shift
	local proxy=()
	[ "$how" = --proxy ] && proxy=(--proxy "127.0.0.1:$LAB_SQUID_PORT")
	python3 "$TOP_SRCDIR/tests/lib/lab/tlsclient.py" "${proxy[@]}" --cafile "$LAB/clients-trust.crt" \
	    --target "$1" --sni "$2" --host "$3" "$4" 2>> "$LAB/tlsclient.err"
}

# lab_tls_field N LINE: field N of lab_tls_get's line (1 CONNECT, 2 HTTP, 3 issuer, 4 bytes,
# 5 SHA-256).
lab_tls_field() { cut -d' ' -f"$1" <<< "$2"; }

# lab_origin_saw ADDR:PORT PATH: how many requests for PATH reached that origin listener.
lab_origin_saw() {
	grep -c "^$1 [a-z]* [^ ]* $2\$" "$LAB/origin.log"
}

# lab_stop: stop everything lab_start started; safe to call twice.
lab_stop() {
	lab_squid_stop
	if [ -n "${LAB_ICAP_PID:-}" ]; then
		kill "$LAB_ICAP_PID" 2>/dev/null
		# c-icap's children follow their parent; make sure none is left behind.
		pkill -f "c-icap -N -f $LAB/icap/c-icap.conf" 2>/dev/null
		wait "$LAB_ICAP_PID" 2>/dev/null
		LAB_ICAP_PID=
	fi
	if [ -n "${LAB_CLAMD_PID:-}" ]; then
		kill "$LAB_CLAMD_PID" 2>/dev/null
		wait "$LAB_CLAMD_PID" 2>/dev/null
		LAB_CLAMD_PID=
	fi
	if [ -n "${LAB_ORIGIN_PID:-}" ]; then
		kill "$LAB_ORIGIN_PID" 2>/dev/null
		wait "$LAB_ORIGIN_PID" 2>/dev/null
		LAB_ORIGIN_PID=
	fi
	# The lab's files go too (LAB_KEEP=1 keeps them to look at).
	if [ -n "${LAB:-}" ] && [ "${LAB_KEEP:-0}" != 1 ]; then
		rm -rf "$LAB"
		LAB=
	fi
}

# lab_cache_trouble [EXTRA-PATTERN]: the first lines of cache.log that show trouble: errors,
# warnings, helpers exiting. Squid 6 built with ident support says "ERROR: ALE missing IDENT"
# for external acl lookups (its own bookkeeping, ACLFilledChecklist::verifyAle, at most 11
# times): that one is not trouble.
lab_cache_trouble() {
	grep -E "ERROR|FATAL|WARNING|exited|Too few|assertion${1:+|$1}" "$LAB/cache.log" |
	    grep -v 'DEBUG: request' | grep -v '| ERROR: ALE missing IDENT$' | head -n 5
}

# lab_get URL: HTTP status and content type of a GET through the lab's Squid.
lab_get() {
	curl -s -o /dev/null -m 10 -x "http://127.0.0.1:$LAB_SQUID_PORT" \
	    -w '%{http_code} %{content_type}' "$1"
}

# lab_connect HOST:PORT: status of a CONNECT through Squid (then a GET inside the tunnel).
lab_connect() {
	curl -s -o /dev/null -m 10 -p -x "http://127.0.0.1:$LAB_SQUID_PORT" \
	    -w '%{http_connect}' "http://$1/media/test.mp4"
}

# lab_icap_saw METHOD URL: does c-icap's access log show METHOD for URL?
lab_icap_saw() {
	grep -F " $1 " "$LAB/icap/access.log" | grep -qF "$2"
}

# lab_scanner_settled: what the scanner and Squid were sent before now is in their logs, so
# that a test can say what they did not see: a marker request to a scanned site, sent after,
# is waited for (10 s at most) in c-icap's access log and then in Squid's. Its URL holds
# "/settled-".
lab_scanner_settled() {
	local mark="settled-$RANDOM$RANDOM"
	lab_get "http://www.other.example:$LAB_ORIGIN_PORT/$mark/index.html" > /dev/null
	wait_for 10 lab_icap_saw RESPMOD "/$mark/index.html" &&
	    wait_for 10 log_has "$LAB/access.log" "/$mark/index.html"
}
