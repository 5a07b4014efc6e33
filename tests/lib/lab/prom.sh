# shellcheck shell=bash
# prom.sh: a real Prometheus node_exporter (Debian's prometheus-node-exporter) on loopback with
# only its textfile collector, reading a directory of the test's, so that the helper's .prom
# files are judged by the program that reads them in production. Sourced. prom_start DIR;
# prom_value NAME LABELS (the value of one sample in a fresh scrape, "" if absent);
# prom_stop (also safe to call twice). Needs TMP (lib.sh).
PROM_BIN=$(command -v prometheus-node-exporter || command -v node_exporter || echo none)

prom_start() {
	[ -x "$PROM_BIN" ] ||
	    { echo "SKIP: prometheus-node-exporter is not installed (tests/setup.sh)"; exit 77; }
	PROM_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"$PROM_BIN" --web.listen-address="127.0.0.1:$PROM_PORT" --collector.disable-defaults \
	    --collector.textfile --collector.textfile.directory="$1" > "$TMP/node_exporter.log" 2>&1 &
	PROM_PID=$!
	local _
	for _ in $(seq 100); do
		curl -s -m 1 -o /dev/null "http://127.0.0.1:$PROM_PORT/metrics" && return 0
		sleep 0.1
	done
	echo "node_exporter did not start: $(tail -n 3 "$TMP/node_exporter.log")"
	exit 1
}

prom_scrape() { curl -s -m 5 "http://127.0.0.1:$PROM_PORT/metrics"; }

# prom_value NAME 'a="x",b="y"': that sample's value, or "" ('' for a sample without labels).
# node_exporter serves the labels sorted by name, so they are sorted here too.
prom_value() {
	local labels want=$1
	labels=$(printf '%s\n' "$2" | tr ',' '\n' | sort | paste -sd, -)
	[ -n "$labels" ] && want="$1{$labels}"
	prom_scrape | awk -v want="$want" '$1 == want { print $2 }'
}

# prom_wait SECONDS NAME LABELS VALUE: until the scrape shows it (bounded); 0 if it did.
prom_wait() {
	local _
	for _ in $(seq $(($1 * 10))); do
		[ "$(prom_value "$2" "$3")" = "$4" ] && return 0
		sleep 0.1
	done
	return 1
}

prom_stop() {
	[ -n "${PROM_PID:-}" ] || return 0
	kill "$PROM_PID" 2>/dev/null
	wait "$PROM_PID" 2>/dev/null
	PROM_PID=
}
