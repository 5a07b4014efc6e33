#!/bin/bash
# setup.sh: set up a Debian 12 machine and build. As root it installs, with apt-get, what the
# project needs to build (gcc, autotools, PCRE2, Check), to run (squid-openssl, c-icap, its
# virus_scan module and clamd, the real scanner of the tests and the demo) and to
# test (curl, python3, openssl, iproute2, valgrind, clang with libFuzzer, debhelper and lintian
# for the Debian package, cppcheck and shellcheck, node_exporter for the metrics, promtool from
# prometheus for the alert rules, chromium, ffmpeg and NSS's certutil for the browser tests
# with their DevTools client, hls.js and dash.js from npm as tests/lib/browser/package-lock.json
# pins them, gnuplot for bench/'s plot); then it builds into build/ with warnings as errors. Run it
# from anywhere; it works in the checkout it belongs to.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES="build-essential autoconf automake pkg-config libpcre2-dev check
	squid-openssl c-icap libc-icap-mod-virus-scan clamav-daemon
	curl python3 logrotate nftables iptables man-db wrk valgrind clang libclang-rt-14-dev
	iproute2 openssl debhelper lintian git libc-ares-dev libjansson-dev dnsmasq-base ipset acl
	cppcheck shellcheck prometheus-node-exporter prometheus chromium libnss3-tools ffmpeg gnuplot-nox"

if [ "$(id -u)" -eq 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $PACKAGES > /dev/null
else
	echo "setup.sh: not root, so not installing packages; needs: $PACKAGES" | tr -s '\t\n' ' '
	echo
fi

# The other Squids the tests run against (6.13, 7.7) are built from Debian's source by
# tests/squidsrc.sh when tests/run-all.sh first needs each, once per machine: not here, so
# that the demo (Debian's own Squid 5.7) is ready within minutes.

# The browser tests' npm packages, exactly as the lockfile pins them (no root needed).
if ! command -v npm > /dev/null && [ "$(id -u)" -eq 0 ]; then
	apt-get install -y -qq --no-install-recommends npm > /dev/null
fi
if command -v npm > /dev/null; then
	npm ci --prefix tests/lib/browser --no-audit --no-fund --loglevel=error
else
	echo "setup.sh: no npm, so the browser tests will skip"
fi

autoreconf -fi
mkdir -p build
cd build
../configure --enable-werror --libexecdir=/usr/lib/squid
make -j"$(nproc)"
# The benchmark programs, warning-clean too. A make of their own: "all" runs a sub-make (for
# BUILT_SOURCES), and one make building both goals at once wrote libkpoint.a twice at a time.
make -j"$(nproc)" bench
