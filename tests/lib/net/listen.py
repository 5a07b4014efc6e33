#!/usr/bin/env python3
"""listen.py: TCP listeners for the firewall lab, each answering one HTTP request with "ok".

usage: listen.py SECONDS ADDR:PORT... (IPv6 as [ADDR]:PORT); stops by itself after SECONDS.
Only loopback addresses, or unique-local IPv6 ones (fc00::/7, which the test puts on the
loopback device of a network namespace it made), are accepted.
"""
import ipaddress
import selectors
import socket
import sys
import time


def main():
    seconds = float(sys.argv[1])
    sel = selectors.DefaultSelector()
    for spec in sys.argv[2:]:
        addr, _, port = spec.rpartition(":")
        addr = addr.strip("[]")
        ip = ipaddress.ip_address(addr)
        if not (ip.is_loopback or (ip.version == 6 and ip in ipaddress.ip_network("fc00::/7"))):
            sys.exit("listen.py: refusing " + addr)
        s = socket.socket(socket.AF_INET6 if ip.version == 6 else socket.AF_INET)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, int(port)))
        s.listen(64)
        sel.register(s, selectors.EVENT_READ)
    print("ready", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=0.5):
            conn, _ = key.fileobj.accept()
            conn.settimeout(2)
            try:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
            except OSError:
                pass
            conn.close()


if __name__ == "__main__":
    main()
