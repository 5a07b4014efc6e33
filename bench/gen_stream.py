#!/usr/bin/env python3
"""gen_stream.py N: a realistic request stream for the benchmark, N lines with channel-IDs:
85% other sites, 7% kPoint, 5% CloudFront, 3% by server address; the default fields
(host port ip type), a few with a content type. Other sites end as real traffic does, mostly
in .com and .net, the endings kPoint's own names share, so a lookup cannot stop at the last
label. Deterministic."""
import random
import sys

n = int(sys.argv[1])
rnd = random.Random(42)
ips = ["175.41.142.49", "54.163.253.4", "54.251.253.195"]
tlds = ["com"] * 11 + ["net"] * 2 + ["org"] * 2 + ["co.uk", "de", "in", "io", "edu"]
prefixes = ["www."] * 6 + ["", "", "cdn.", "static.img."]
out = []
for i in range(1, n + 1):
    k = rnd.random()
    if k < 0.85:
        line = "%d %ssite%d.%s %s - -" % (i, rnd.choice(prefixes), rnd.randrange(5000),
                                          rnd.choice(tlds), rnd.choice(("443", "80")))
    elif k < 0.92:
        line = "%d mp00%dse.kpoint.com 443 - -" % (i, rnd.randrange(1, 10))
    elif k < 0.97:
        line = "%d d%x.cloudfront.net 443 - video/mp4" % (i, rnd.randrange(1 << 20))
    else:
        line = "%d cdn.example.net 443 %s -" % (i, rnd.choice(ips))
    out.append(line)
sys.stdout.write("\n".join(out) + "\n")
