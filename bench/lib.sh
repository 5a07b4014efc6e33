# shellcheck shell=bash
# lib.sh: shared by bench/squid.sh and bench/tls.sh. Sourced, not run, from the top of the
# tree: the built helper and the test lab (tests/lib/lab/lab.sh) the Squid benchmarks run in.
# shellcheck disable=SC2034  # TOP, HELPER and TOP_SRCDIR are for the scripts sourcing this
TOP=$PWD
HELPER=$TOP/build/helper/ext_kpoint_acl
TOP_SRCDIR=$TOP
. tests/lib/lab/lab.sh

# bench_squid_head DIR VARIANT: the first lines of a benchmark squid.conf, everything in DIR:
# pid and cache log per variant, no access log, the bench's hosts file instead of DNS, nothing
# that runs beside Squid (pinger, netdb), a quick shutdown.
bench_squid_head() {
	cat <<-CONF
	pid_filename $1/squid-$2.pid
	cache_log $1/cache-$2.log
	access_log none
	coredump_dir $1
	hosts_file $1/hosts
	dns_nameservers 127.0.0.1
	pinger_enable off
	netdb_filename none
	shutdown_lifetime 1 second
	CONF
}

# ticks PID...: user + system clock ticks the processes have used (0 for one that is gone).
ticks() {
	local t=0 p
	for p in "$@"; do
		[ -r "/proc/$p/stat" ] && t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
	done
	echo "$t"
}
