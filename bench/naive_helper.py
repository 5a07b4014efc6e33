#!/usr/bin/env python3
"""naive_helper.py: the kPoint decision as an admin would write it by hand, for the benchmark:
the built-in list's rules (.kpoint.com, *.cloudfront.net, the fifteen addresses, the ports and
the media types), channel-IDs echoed, one answer flushed per line as Squid helpers are usually
written."""
import sys

IPS = {"175.41.142.49", "175.41.136.219", "175.41.150.194", "107.20.218.214",
       "46.137.243.138", "54.163.253.4", "54.163.253.0", "54.251.253.153",
       "54.251.253.187", "54.163.253.31", "54.163.253.33", "54.251.253.191",
       "54.251.253.192", "54.251.253.193", "54.251.253.195"}
PORTS = {"80", "443", "1935", "5222"}
TYPES = {"audio/mpeg", "audio/mp3", "audio/mp4", "video/mp4", "video/x-flv", "video/flv",
         "application/x-shockwave-flash"}


def is_kpoint(host, ip):
    h = host.lower().rstrip(".")
    return (h == "kpoint.com" or h.endswith(".kpoint.com") or h.endswith(".cloudfront.net")
            or h in IPS or ip in IPS)


for line in sys.stdin:
    parts = line.split()
    chan = ""
    if parts and parts[0].isdigit():
        chan = parts.pop(0) + " "
    host, port, ip, ctype = (parts + ["-"] * 4)[:4]
    answer = "ERR"
    if is_kpoint(host, ip):
        mtype = ctype.split(";")[0].strip().lower()
        if (port == "-" or port in PORTS) and (ctype == "-" or mtype in TYPES):
            answer = "OK kpoint_=1"
        else:
            answer = "ERR kpoint_=0"
    sys.stdout.write(chan + answer + "\n")
    sys.stdout.flush()
