#!/usr/bin/env python3
"""origin.py: the origin server for the Squid lab. Serves a few small files with exact content
types (MP4, FLV, MP3, SWF, HTML) and one large MP4 on loopback addresses only, one thread per
listener, plain HTTP or TLS.

usage: origin.py SECONDS [--tls CERT_AND_KEY.pem] [--log FILE] [--huge-mb N] ADDR:PORT[:tls]...
  (stops by itself after SECONDS). --log writes one line per request, the origin's own record
  of who reached it: "LOCAL_ADDR:PORT tls|plain HOST PATH".
"""
import http.server
import ipaddress
import random
import ssl
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
    # 8 MiB that compress to nothing, the same every run (tests compare its SHA-256)
    "big.mp4": ("video/mp4", random.Random(1935).randbytes(8 << 20)),
}
LOG = None
LOG_LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if "://" in path:            # absolute form, if a proxy ever sends it
            path = "/" + path.split("/", 3)[3]
        if LOG is not None:
            addr, port = self.connection.getsockname()[:2]
            kind = "tls" if isinstance(self.connection, ssl.SSLSocket) else "plain"
            with LOG_LOCK:
                LOG.write(f"{addr}:{port} {kind} {self.headers.get('Host', '-')} {path}\n")
                LOG.flush()
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
    global LOG
    args = sys.argv[1:]
    seconds = float(args.pop(0))
    tls = None
    while args and args[0].startswith("--"):
        opt, val = args.pop(0), args.pop(0)
        if opt == "--tls":
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(val)
        elif opt == "--log":
            LOG = open(val, "a", encoding="ascii")
        elif opt == "--huge-mb":	# the benchmark's large media file, "huge.mp4"
            FILES["huge.mp4"] = ("video/mp4", bytes(int(val) << 20))
        else:
            sys.exit("origin.py: unknown option " + opt)
    servers = []
    for spec in args:
        parts = spec.split(":")
        addr, port = parts[0], parts[1]
        if not ipaddress.ip_address(addr).is_loopback:
            sys.exit("origin.py: refusing non-loopback address " + addr)
        srv = Server((addr, int(port)), Handler)
        if parts[2:] == ["tls"]:
            if tls is None:
                sys.exit("origin.py: " + spec + " needs --tls")
            srv.socket = tls.wrap_socket(srv.socket, server_side=True,
                                         do_handshake_on_connect=False)
        servers.append(srv)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    print("ready", flush=True)
    time.sleep(seconds)


if __name__ == "__main__":
    main()
