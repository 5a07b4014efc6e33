#!/usr/bin/env python3
"""tls_load.py: HTTPS through an explicit proxy, as browsers make it: CONNECT, a TLS handshake
with SNI, one GET, close. Bounded by count.

usage: tls_load.py PROXY_ADDR:PORT TARGET:PORT SNI CAFILE small N THREADS PATH
       tls_load.py PROXY_ADDR:PORT TARGET:PORT SNI CAFILE large PATH
small: N connections, THREADS at a time, each fetching PATH; prints "connections/s errors".
large: one connection fetching PATH; prints "MB/s bytes".
"""
import os
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib", "lab"))
from tlsclient import connect_through  # noqa: E402  (one CONNECT client for tests and bench)

proxy, target, sni, cafile, mode = sys.argv[1:6]
ctx = ssl.create_default_context(cafile=cafile)
ctx.check_hostname = False


def fetch(path):
    sock, status = connect_through(proxy, target, 60)
    if status != b"200":
        raise EOFError("CONNECT: " + status.decode())
    tls = ctx.wrap_socket(sock, server_hostname=sni)
    tls.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, sni))
                .encode())
    total = 0
    buf = bytearray(1 << 20)
    while True:
        n = tls.recv_into(buf)
        if n == 0:
            break
        total += n
    tls.close()
    return total


if mode == "small":
    n, threads, path = int(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
    left = [n]
    errors = [0]
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            try:
                if fetch(path) < 1000:
                    raise EOFError("short reply")
            except (OSError, EOFError):
                with lock:
                    errors[0] += 1
    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("%.1f %d" % (n / (time.perf_counter() - t0), errors[0]))
else:
    path = sys.argv[6]
    t0 = time.perf_counter()
    try:
        got = fetch(path)
    except (OSError, EOFError) as e:
        print("0 0  # %s" % e)
        sys.exit(0)
    print("%.1f %d" % (got / (time.perf_counter() - t0) / 1e6, got))
