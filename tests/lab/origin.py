#!/usr/bin/env python3
"""origin.py: the origin server for the Squid lab. Serves a few small files with exact content
types (MP4, FLV, MP3, SWF, HTML) on loopback addresses only, one thread per listener.

usage: origin.py SECONDS ADDR:PORT...   (stops by itself after SECONDS)
"""
import http.server
import ipaddress
import sys
import threading
import time

# Served by the last part of the path, so tests can make every URL distinct
# ("/burst/7/index.html"): c-icap logs URLs without their query strings.
FILES = {
    "test.mp4": ("video/mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000),
    "test.flv": ("video/x-flv", b"FLV\x01\x05" + b"\x00" * 2000),
    "test.mp3": ("audio/mpeg", b"ID3\x03" + b"\x00" * 2000),
    "test.swf": ("application/x-shockwave-flash", b"FWS\x0a" + b"\x00" * 2000),
    "index.html": ("text/html; charset=utf-8",
                    b"<!doctype html><title>origin</title><p>hello from the origin</p>\n"),
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if "://" in path:            # absolute form, if a proxy ever sends it
            path = "/" + path.split("/", 3)[3]
        ctype, body = FILES.get(path.rsplit("/", 1)[-1], ("text/plain", None))
        if body is None:
            self.send_response(404)
            body = b"not found\n"
        else:
            self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        # Cacheable, so the benchmark can measure Squid serving hits (the lab caches nothing).
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):   # keep test output quiet
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    seconds = float(sys.argv[1])
    servers = []
    for spec in sys.argv[2:]:
        addr, port = spec.rsplit(":", 1)
        if not ipaddress.ip_address(addr).is_loopback:
            sys.exit("origin.py: refusing non-loopback address " + addr)
        srv = Server((addr, int(port)), Handler)
        servers.append(srv)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    print("ready", flush=True)
    time.sleep(seconds)


if __name__ == "__main__":
    main()
