#!/usr/bin/env python3
"""transport.py: the helper on the transport Squid 5.7 really gives external ACL helpers. Seen
on a live Debian Squid 5.7: the helper's stdin and stdout are one TCP connection on loopback
([::1]), not a pipe or a socketpair. TCP may hold a small write back until the last one is
acknowledged (Nagle), and a helper may cork its output; either would make an answer wait.

Checks, over such a connection:
  - one request at a time: every answer comes back, the right one, none waits for more input
  - two requests a moment apart (the second arrives while the first is being answered, the
    pattern that makes TCP hold a small write back): both answered with no hold-back
  - 20,000 pipelined requests with channel-IDs, read while still being written: each
    answered once, in order
  - the helper turns Nagle off on its end (TCP_NODELAY)
  - Squid closing its end: the helper exits 0
Bounded: 500 + 300 pairs + 20,000 requests, each wait at most 2 s.
"""
import os
import select
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from checks import check, helper_on_tcp, summary  # noqa: E402 (tests/lib/checks.py)

HELPER = os.environ["HELPER"]
SLOW = 2.0	# no answer may take this long: it would be waiting for input
HELD = 0.020	# a write TCP held back for an ACK waits 40 ms or more (Linux's delayed ACK)

class Lines:
    """Answer lines from the socket, each within SLOW seconds or None."""

    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    def next(self):
        while b"\n" not in self.buf:
            if not select.select([self.sock], [], [], SLOW)[0]:
                return None
            try:
                chunk = self.sock.recv(65536)
            except ConnectionError:
                return None
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()


def want(i):
    """The request with ID i and the answer the built-in list gives it."""
    if i % 10 == 0:
        return ("%d mp001se.kpoint.com 443 - -\n" % i,
                "%d OK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com" % i)
    return "%d www.site%d.example 443 - -\n" % (i, i % 700), "%d ERR" % i


def held_back(desc, times):
    """A hold-back delays answer after answer; the 90th percentile leaves room for a machine
    busy with other tests."""
    times = sorted(times)
    p90 = times[int(len(times) * 0.9) - 1] if times else SLOW
    check("%s: no answer held back (90%% within %d ms)" % (desc, HELD * 1000), p90 < HELD,
          "90th percentile %.1f ms" % (p90 * 1000))


def one_at_a_time(squid, lines):
    times, wrong = [], []
    for i in range(1, 501):
        req, ans = want(i)
        t0 = time.perf_counter()
        squid.sendall(req.encode())
        got = lines.next()
        times.append(time.perf_counter() - t0)
        if got != ans:
            wrong.append((req, got))
            break
    check("one request at a time: each answered, correctly", not wrong, repr(wrong[:1]))
    check("one request at a time: no answer waits for more input", max(times) < SLOW,
          "slowest %.3f s" % max(times))
    held_back("one request at a time", times)


def pairs(squid, lines):
    times, wrong = [], []
    for k in range(300):
        a, b = 1000 + 2 * k, 1001 + 2 * k
        t0 = time.perf_counter()
        squid.sendall(want(a)[0].encode())
        while time.perf_counter() - t0 < 0.0001:	# the first is being answered ...
            pass
        squid.sendall(want(b)[0].encode())		# ... when the second arrives
        got = [lines.next(), lines.next()]
        times.append(time.perf_counter() - t0)
        if got != [want(a)[1], want(b)[1]]:
            wrong.append(got)
            break
    check("two requests a moment apart: both answered, correctly", not wrong, repr(wrong[:1]))
    held_back("two requests a moment apart", times)


def pipelined(squid, lines):
    n = 20000
    first = 10000

    def writer():
        for start in range(first, first + n, 500):
            squid.sendall("".join(want(i)[0] for i in range(start, start + 500)).encode())

    t = threading.Thread(target=writer)
    t.start()
    bad = None
    for i in range(first, first + n):
        got = lines.next()
        if got != want(i)[1]:
            bad = (i, got)
            break
    t.join()
    check("20,000 pipelined requests: each answered once, in order", bad is None, repr(bad))


def main():
    squid, proc, theirs = helper_on_tcp([HELPER])
    lines = Lines(squid)
    try:
        one_at_a_time(squid, lines)
        # one socket, shared with the helper: its options are the helper's
        check("the helper turned Nagle off on its end (TCP_NODELAY)",
              theirs.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0)
        theirs.close()
        pairs(squid, lines)
        pipelined(squid, lines)
        squid.shutdown(socket.SHUT_WR)	# Squid stops the helper by closing its end
        check("no answer without a request", lines.next() is None)
        try:
            rc = proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            rc = "still running"
        check("the helper exits 0 when Squid closes the connection", rc == 0, "exit %s" % rc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        squid.close()
        theirs.close()
    sys.exit(summary())


main()
