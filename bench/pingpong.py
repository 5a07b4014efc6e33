#!/usr/bin/env python3
"""pingpong.py HELPER N: N requests, each sent only after the previous answer came back, over
a TCP connection on loopback, as Squid 5.7 connects external ACL helpers (seen live: the
helper's stdin and stdout are one TCP socket on [::1]). Proves no answer waits for more input
(each would stall for the 2 s timeout) and prints the median and 99th percentile round trip in
microseconds."""
import os
import select
import sys
import time

# tests/lib/checks.py is the one home of the helpers tests and benchmarks share: the benchmark must
# talk to the helper exactly as the transport tests prove Squid does, so it imports that code
# rather than keep a copy that could drift.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))
from checks import helper_on_tcp  # noqa: E402

helper, n = sys.argv[1], int(sys.argv[2])
ours, proc, theirs = helper_on_tcp([helper])
theirs.close()
times = []
for i in range(1, n + 1):
    line = ("%d mp001se.kpoint.com 443 - -\n" % i if i % 10 == 0 else
            "%d www.site%d.example 443 - -\n" % (i, i % 500)).encode()
    t0 = time.perf_counter()
    ours.sendall(line)
    got = b""
    while not got.endswith(b"\n"):
        if not select.select([ours], [], [], 2.0)[0]:
            sys.exit("pingpong: request %d: no answer within 2 s" % i)
        got += ours.recv(4096)
    times.append(time.perf_counter() - t0)
    if not got.startswith(b"%d " % i):
        sys.exit("pingpong: request %d: answer %r" % (i, got))
ours.close()
proc.wait(timeout=5)
times.sort()
print("%.1f %.1f" % (times[len(times) // 2] * 1e6, times[int(len(times) * 0.99)] * 1e6))
