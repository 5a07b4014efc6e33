#!/bin/bash
# squid6.sh: a second Squid for the tests, Squid 6.13 built from Debian 13's (trixie) own source,
# in a cache directory outside the checkout, keyed by version, so that it is built once per
# machine and reused: $SQUID6_CACHE (default /var/cache/ext_kpoint_acl/squid-6.13). Prints the
# path of its squid binary on stdout; progress goes to stderr. Exit 0 with the path, 1 if it
# cannot be had. tests/setup.sh runs it; the Squid tests run against it with SQUID=<that path>.
#
# The source: "apt-get source --download-only squid" with a private apt configuration whose
# only list is a deb-src line for trixie (signed by the Debian archive keyring); the machine's
# own sources are never touched. Only the orig tarball is needed: the Debian patch tarball may
# be missing (404) and apt then exits non-zero, so the file is checked, not the exit code.
# Configured like Debian's package where the tests need it: OpenSSL with ssl-crtd (SslBump),
# the ICAP client, the ICMP pinger (so that pinger_enable and netdb_filename parse as on 5.7),
# the proxy user; no -march=native.
set -uo pipefail
VERSION=6.13
: "${SQUID6_CACHE:=/var/cache/ext_kpoint_acl/squid-$VERSION}"
PREFIX=$SQUID6_CACHE/install
BIN=$PREFIX/sbin/squid

if [ -x "$BIN" ] && "$BIN" -v 2>/dev/null | grep -q "Version $VERSION\$"; then
	echo "$BIN"
	exit 0
fi
say() { printf 'squid6.sh: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { say "needs root (to build once into $SQUID6_CACHE)"; exit 1; }

mkdir -p "$SQUID6_CACHE/apt/lists/partial" "$SQUID6_CACHE/src"
cd "$SQUID6_CACHE/src" || exit 1
tarball=squid_$VERSION.orig.tar.xz
if [ ! -s "$tarball" ]; then
	say "fetching Squid $VERSION's source from Debian trixie (deb-src, private apt lists)"
	# the Debian mirror this machine already uses for bookworm, asked for trixie's sources
	mirror=$(apt-cache policy | awk '/ bookworm\/main / && $2 ~ /^https?:/ { print $2; exit }')
	[ -n "$mirror" ] || { say "no Debian mirror in this machine's apt sources"; exit 1; }
	printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s trixie main\n' \
	    "$mirror" > "$SQUID6_CACHE/apt/sources.list"
	opts=(-o "Dir::Etc::sourcelist=$SQUID6_CACHE/apt/sources.list" -o "Dir::Etc::sourceparts=-"
	    -o "Dir::State::Lists=$SQUID6_CACHE/apt/lists" -o "APT::Get::List-Cleanup=0")
	apt-get "${opts[@]}" update > "$SQUID6_CACHE/apt/update.log" 2>&1
	apt-get "${opts[@]}" source --download-only "squid=$VERSION-*" > "$SQUID6_CACHE/apt/source.log" 2>&1 ||
	    apt-get "${opts[@]}" source --download-only squid >> "$SQUID6_CACHE/apt/source.log" 2>&1
	[ -s "$tarball" ] || { say "no $tarball: $(tail -n 3 "$SQUID6_CACHE/apt/source.log")"; exit 1; }
fi
rm -rf "squid-$VERSION"
tar -xJf "$tarball" || { say "cannot unpack $tarball"; exit 1; }
cd "squid-$VERSION" || exit 1
say "configuring and building Squid $VERSION (about 8 minutes on 2 cores, once per machine)"
./configure --prefix="$PREFIX" --with-default-user=proxy --with-openssl --enable-ssl-crtd \
    --enable-icap-client --disable-arch-native --enable-icmp --disable-strict-error-checking \
    --disable-dependency-tracking --enable-auth-basic=none --enable-auth-ntlm=none \
    --enable-auth-negotiate=none --enable-auth-digest=none --enable-external-acl-helpers=none \
    --enable-url-rewrite-helpers=none --enable-storeid-rewrite-helpers=none \
    --enable-security-cert-validators=none --without-systemd \
    > "$SQUID6_CACHE/configure.log" 2>&1 ||
    { say "configure failed: $(tail -n 5 "$SQUID6_CACHE/configure.log")"; exit 1; }
make -j"$(nproc)" > "$SQUID6_CACHE/build.log" 2>&1 ||
    { say "build failed: $(grep -m3 -E 'error' "$SQUID6_CACHE/build.log")"; exit 1; }
make install > "$SQUID6_CACHE/install.log" 2>&1 ||
    { say "install failed: $(tail -n 5 "$SQUID6_CACHE/install.log")"; exit 1; }
cd .. && rm -rf "squid-$VERSION"
"$BIN" -v | grep -q "Version $VERSION\$" || { say "the built squid does not run"; exit 1; }
echo "$BIN"
