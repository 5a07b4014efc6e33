#!/bin/bash
# squidsrc.sh VERSION: another Squid for the tests, built from Debian's own source of that
# version, in a cache directory outside the checkout keyed by version, so that it is built once
# per machine and reused: $SQUIDSRC_CACHE (default /var/cache/ext_kpoint_acl), then
# squid-VERSION/install/sbin/squid. Prints that path on stdout; progress goes to stderr. Exit 0
# with the path, 1 if it cannot be had. tests/run-all.sh asks it for each version the tests run
# against (6.13: Debian 13's; 7.7: Debian sid's, the series of Ubuntu 26.04 LTS and Debian
# forky), building it the first time, and runs the Squid tests with SQUID=<that path>.
#
# The source: "apt-get source --download-only squid=VERSION-*" with a private apt configuration
# whose only list is a deb-src line for the Debian suite that has that version (signed by the
# Debian archive keyring), from the mirror this machine already uses; the machine's own sources
# are never touched. Only the orig tarball is needed: the Debian patch tarball may be missing
# and apt then exits non-zero, so the file is checked, not the exit code.
# Configured like Debian's package where the tests need it: OpenSSL with ssl-crtd (SslBump), the
# ICAP client, the ICMP pinger (so that pinger_enable and netdb_filename parse as on 5.7), the
# proxy user; no -march=native. Its run directory belongs to the proxy user, as Debian's
# /run/squid does: an SMP Squid (workers N) binds its sockets there as that user.
# "squidsrc.sh --versions" lists the versions it knows, the ones the tests run against.
set -uo pipefail
VERSION=${1:?usage: squidsrc.sh VERSION | --versions}
# The Debian suite whose source package is each version.
suite_of() {
	case $1 in
	6.13) echo trixie ;;
	7.7) echo sid ;;
	*) return 1 ;;
	esac
}
if [ "$VERSION" = --versions ]; then
	echo "6.13 7.7"
	exit 0
fi
SUITE=$(suite_of "$VERSION") ||
    { echo "squidsrc.sh: no Debian suite known for Squid $VERSION" >&2; exit 1; }
: "${SQUIDSRC_CACHE:=/var/cache/ext_kpoint_acl}"
CACHE=$SQUIDSRC_CACHE/squid-$VERSION
PREFIX=$CACHE/install
BIN=$PREFIX/sbin/squid

say() { printf 'squidsrc.sh: %s\n' "$*" >&2; }
run_dir() {
	mkdir -p "$PREFIX/var/run/squid" && chown proxy "$PREFIX/var/run/squid" 2>/dev/null
}

if [ -x "$BIN" ] && "$BIN" -v 2>/dev/null | grep -q "Version $VERSION\$"; then
	[ "$(id -u)" = 0 ] && run_dir
	echo "$BIN"
	exit 0
fi
[ "$(id -u)" = 0 ] || { say "needs root (to build Squid $VERSION once into $CACHE)"; exit 1; }

mkdir -p "$CACHE/apt/lists/partial" "$CACHE/src"
cd "$CACHE/src" || exit 1
tarball=squid_$VERSION.orig.tar.xz
if [ ! -s "$tarball" ]; then
	say "fetching Squid $VERSION's source from Debian $SUITE (deb-src, private apt lists)"
	# the Debian mirror this machine already uses for bookworm, asked for the suite's sources
	mirror=$(apt-cache policy | awk '/ bookworm\/main / && $2 ~ /^https?:/ { print $2; exit }')
	[ -n "$mirror" ] || { say "no Debian mirror in this machine's apt sources"; exit 1; }
	printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
	    "$mirror" "$SUITE" > "$CACHE/apt/sources.list"
	opts=(-o "Dir::Etc::sourcelist=$CACHE/apt/sources.list" -o "Dir::Etc::sourceparts=-"
	    -o "Dir::State::Lists=$CACHE/apt/lists" -o "APT::Get::List-Cleanup=0")
	apt-get "${opts[@]}" update > "$CACHE/apt/update.log" 2>&1
	# a version pattern is not always understood: the suite's own squid is that version
	apt-get "${opts[@]}" source --download-only "squid=$VERSION-*" > "$CACHE/apt/source.log" 2>&1 ||
	    apt-get "${opts[@]}" source --download-only squid >> "$CACHE/apt/source.log" 2>&1
	[ -s "$tarball" ] || { say "no $tarball: $(tail -n 3 "$CACHE/apt/source.log")"; exit 1; }
fi
rm -rf "squid-$VERSION"
tar -xJf "$tarball" || { say "cannot unpack $tarball"; exit 1; }
cd "squid-$VERSION" || exit 1
say "configuring and building Squid $VERSION (8 to 15 minutes on 2 cores, once per machine)"
./configure --prefix="$PREFIX" --with-default-user=proxy --with-openssl --enable-ssl-crtd \
    --enable-icap-client --disable-arch-native --enable-icmp --disable-strict-error-checking \
    --disable-dependency-tracking --enable-auth-basic=none --enable-auth-ntlm=none \
    --enable-auth-negotiate=none --enable-auth-digest=none --enable-external-acl-helpers=none \
    --enable-url-rewrite-helpers=none --enable-storeid-rewrite-helpers=none \
    --enable-security-cert-validators=none --without-systemd \
    > "$CACHE/configure.log" 2>&1 ||
    { say "configure failed: $(tail -n 5 "$CACHE/configure.log")"; exit 1; }
make -j"$(nproc)" > "$CACHE/build.log" 2>&1 ||
    { say "build failed: $(grep -m3 -E 'error' "$CACHE/build.log")"; exit 1; }
make install > "$CACHE/install.log" 2>&1 ||
    { say "install failed: $(tail -n 5 "$CACHE/install.log")"; exit 1; }
cd .. && rm -rf "squid-$VERSION"
"$BIN" -v | grep -q "Version $VERSION\$" || { say "the built squid does not run"; exit 1; }
run_dir
echo "$BIN"
