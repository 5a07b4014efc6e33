#!/usr/bin/env python3
"""reload_pause.py HELPER ENTRIES RELOADS: how long Squid waits for an answer while the helper
reloads a large list. A list of ENTRIES entries (hosts, .domains, *.domains, globs, networks,
as bench/lookup.c mixes them) is written to a file; the helper runs on it over TCP on [::1] as
Squid 5.7 connects helpers; requests go one at a time, each sent when the previous answer is
back. The list is replaced RELOADS times by a copy renamed into place (which reloads within a
second), the last of them with one more host, so the run ends when an answer shows the new
list. Prints: "load_s BASE_MAX_MS RELOAD_MAX_MS P99_MS ANSWERS", where load_s is how long a
load of the file takes (what every answer waited, per reload, when loads blocked the loop),
BASE_MAX_MS the longest answer in 2 s with no reload, RELOAD_MAX_MS the longest answer while
reloads ran. Bounded: 120 s at most."""
import os
import select
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))
from checks import helper_on_tcp  # noqa: E402  (one definition of Squid's transport)

helper, entries, reloads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tmp = tempfile.mkdtemp(prefix="kpoint-reload-bench.")
path = os.path.join(tmp, "big.conf")


def write_list(dst, extra=""):
    with open(dst, "w") as f:
        f.write("port 80 443 1935 5222\ntype video/mp4\n")
        for i in range(entries):
            k = i % 20
            if k < 8:
                f.write("host h%d.bench%d.example\n" % (i, i % 97))
            elif k < 12:
                f.write("domain .d%d.example\n" % i)
            elif k < 16:
                f.write("domain *.s%d.example\n" % i)
            elif k < 17:
                f.write("domain mp*se%d.glob.example\n" % i)
            else:
                f.write("net 10.%d.%d.0/24\n" % (i >> 8 & 255, i & 255) if k < 19 else
                        "net 2001:db8:%x:%x::/64\n" % (i >> 16, i & 0xffff))
        f.write(extra)


write_list(path)
t0 = time.perf_counter()
r = subprocess.run([helper, "--check", "-c", path], capture_output=True, text=True)
load_s = time.perf_counter() - t0
if r.returncode != 0:
    sys.exit("reload_pause: the list does not load: " + r.stderr[-300:])
ours, proc, theirs = helper_on_tcp([helper, "-c", path])
theirs.close()
n = 0


def ask(host):
    global n
    n += 1
    t = time.perf_counter()
    ours.sendall(("%d %s 443 - -\n" % (n, host)).encode())
    got = b""
    while not got.endswith(b"\n"):
        if not select.select([ours], [], [], 30.0)[0]:
            sys.exit("reload_pause: no answer within 30 s")
        got += ours.recv(4096)
    return time.perf_counter() - t, got.decode()


# The first answer waits for the first load; then a baseline with no reload.
ask("h0.bench0.example")
base = []
end = time.monotonic() + 2
while time.monotonic() < end:
    base.append(ask("www.site%d.example" % (n % 500))[0])
during = []
deadline = time.monotonic() + 120
for k in range(reloads):
    last = k == reloads - 1
    write_list(path + ".new", "host new.kpoint.example\n" if last else "")
    os.rename(path + ".new", path)
    # answers until this reload has surely been taken (the last one: until it shows)
    end = time.monotonic() + max(3 * load_s, 2) + 1.5
    while time.monotonic() < min(end, deadline) or (last and time.monotonic() < deadline):
        d, got = ask("new.kpoint.example" if n % 2 else "www.site%d.example" % (n % 500))
        during.append(d)
        if last and "OK kpoint_=1" in got:
            break
ours.close()
proc.wait(timeout=30)
subprocess.run(["rm", "-rf", tmp])
during.sort()
print("%.3f %.2f %.2f %.2f %d" % (load_s, max(base) * 1e3, during[-1] * 1e3,
                                  during[int(len(during) * 0.99)] * 1e3, len(during)))
