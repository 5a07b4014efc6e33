#!/usr/bin/env python3
"""reload.py: the allowlist is swapped and reloaded many times while a stream of requests is
answered. Checks that no request is lost or answered twice, that every answer is one that a
whole list gives (never a half-loaded one), that a broken file never takes effect (the old
list stays; no fail-closed answer), and that the helper exits 0 at the end.

Two lists: A = hosts a*.example + port 80, B = hosts b*.example + port 443. For "aN.example
443" list A answers a port denial and list B a plain ERR; only a mix of A's hosts and B's
ports could answer OK. The run is bounded: 40000 requests, 300 swaps.
"""
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from checks import check, summary  # noqa: E402 (tests/lib/checks.py)

HELPER = os.environ["HELPER"]
REQUESTS = 40000
SWAPS = 300

def main():
    tmp = tempfile.mkdtemp(prefix="kpoint-reload.")
    lists = {
        "A": "host %s\nport 80\n" % " ".join("a%d.example" % i for i in range(50)),
        "B": "host %s\nport 443\n" % " ".join("b%d.example" % i for i in range(50)),
        "broken": "host a1.example\nbogus line\nport 80\n",
    }
    path = os.path.join(tmp, "list.conf")
    with open(path, "w") as f:
        f.write(lists["A"])

    # request -> the answers a whole list may give: (under A, under B)
    kinds = [
        ("a7.example 80 - -", ("OK kpoint_=1 log=kpoint-allow:a7.example", "ERR")),
        ("b7.example 443 - -", ("ERR", "OK kpoint_=1 log=kpoint-allow:b7.example")),
        ("a7.example 443 - -", ("ERR kpoint_=0 log=kpoint-deny:port message=\"kPoint traffic to port 443 is not allowed\"", "ERR")),
        ("b7.example 80 - -", ("ERR", "ERR kpoint_=0 log=kpoint-deny:port message=\"kPoint traffic to port 80 is not allowed\"")),
    ]

    proc = subprocess.Popen([HELPER, "-c", path], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def writer():
        for start in range(1, REQUESTS + 1, 200):
            chunk = "".join("%d %s\n" % (i, kinds[i % 4][0])
                            for i in range(start, min(start + 200, REQUESTS + 1)))
            proc.stdin.write(chunk.encode())
            proc.stdin.flush()
            time.sleep(0.015)       # spread the stream over the swapping period
        proc.stdin.close()

    swaps_done = [0]

    def swapper():
        order = ["B", "broken", "A", "B", "A", "broken"]
        for n in range(SWAPS):
            new = os.path.join(tmp, "new.conf")
            with open(new, "w") as f:
                f.write(lists[order[n % len(order)]])
            os.replace(new, path)           # atomic: the helper sees old or new, whole
            if n % 3 != 2:                   # the rest: found by the mtime check
                proc.send_signal(signal.SIGHUP)
            swaps_done[0] += 1
            time.sleep(0.01)

    # Swap only once the helper serves (under valgrind, start-up takes a while).
    proc.stdin.write(b"0 a7.example 80 - -\n")
    proc.stdin.flush()
    first = proc.stdout.readline().decode().rstrip("\n")
    check("ready: first answer from list A", first == "0 " + kinds[0][1][0], first)

    stderr_lines = []
    t_err = threading.Thread(target=lambda: stderr_lines.extend(proc.stderr.read().decode().splitlines()))
    t_w = threading.Thread(target=writer)
    t_s = threading.Thread(target=swapper)
    t_err.start()
    t_w.start()
    t_s.start()
    answers = proc.stdout.read().decode().splitlines()
    t_w.join()
    t_s.join()
    rc = proc.wait(timeout=30)
    t_err.join()

    check("exit status 0 at end of input", rc == 0, "rc=%s" % rc)
    check("one answer per request", len(answers) == REQUESTS, "%d answers" % len(answers))
    ids_ok = all(a.split(" ", 1)[0] == str(i) for i, a in enumerate(answers, 1))
    check("channel-IDs in order, none lost or twice", ids_ok)
    bad = [a for i, a in enumerate(answers, 1)
           if a.split(" ", 1)[1:] and a.split(" ", 1)[1] not in kinds[i % 4][1]]
    check("every answer is one a whole list gives", not bad, "e.g. %s" % bad[:3])
    check("no fail-closed answer (a broken file never took effect)",
          not any("failclosed" in a for a in answers))
    seen_a = any(a.endswith("allow:a7.example") for a in answers)
    seen_b = any(a.endswith("allow:b7.example") for a in answers)
    check("both lists answered during the run", seen_a and seen_b)
    reloaded = sum("reloaded" in l for l in stderr_lines)
    failed_loads = sum("the list loaded before stays in force" in l for l in stderr_lines)
    check("many reloads took effect", reloaded >= 20, "%d reloads" % reloaded)
    check("broken versions were refused", failed_loads >= 5, "%d refusals" % failed_loads)
    check("each reload logged its entries and changes",
          any("reloaded" in l and "50 hosts" in l and "entries added" in l for l in stderr_lines))
    print("%d swaps, %d reloads, %d refused broken loads" % (swaps_done[0], reloaded, failed_loads))
    for name in os.listdir(tmp):
        os.unlink(os.path.join(tmp, name))
    os.rmdir(tmp)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
