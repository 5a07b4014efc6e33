#!/usr/bin/env python3
"""origin.py: the origin server for the Squid lab. Serves a few small files with exact content
types (MP4, FLV, MP3, SWF, HTML) and one large MP4 on loopback addresses only, one thread per
listener, plain HTTP or TLS, and takes uploads (POST: answers the body's length and SHA-256).

usage: origin.py SECONDS [--tls CERT_AND_KEY.pem] [--log FILE] [--huge-mb N] [--media DIR]
                 ADDR:PORT[:tls]...
  (stops by itself after SECONDS). --log writes one line per request, the origin's own record
  of who reached it: "LOCAL_ADDR:PORT tls|plain HOST PATH". --media DIR serves the files of DIR
  too (by the last part of the path, typed by their extension), with single byte ranges
  ("Range: bytes=A-B", 206), as a media server does for a player's seek. A GET of /ws with
  "Upgrade: websocket" is a WebSocket that echoes each text message, as a live session's
  channel would carry them.
"""
import base64
import hashlib
import http.server
import ipaddress
import os
import random
import ssl
import sys
import threading
import time

# Served by the last part of the path, so tests can make every URL distinct
# ("/burst/7/index.html"): c-icap logs URLs without their query strings.
# Built from two halves, so that no file of the project holds it whole (lab.sh says why).
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR" + b"-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# MPEG-TS: 188-byte packets, each starting with the sync byte 0x47; 64 KiB or so of them.
TS = b"".join(b"\x47\x40\x00\x10" + bytes([i % 256]) * 184 for i in range(348))
TS_EICAR = TS[:188 * 10 + 4] + EICAR + TS[188 * 10 + 4 + len(EICAR):]
PLAYLIST = (b"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n"
            b"#EXTINF:4.0,\nseg.ts\n#EXTINF:4.0,\nseg.ts\n#EXTINF:4.0,\nseg.ts\n"
            b"#EXT-X-ENDLIST\n")
FILES = {
    "test.mp4": ("video/mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000),
    "test.flv": ("video/x-flv", b"FLV\x01\x05" + b"\x00" * 2000),
    "test.mp3": ("audio/mpeg", b"ID3\x03" + b"\x00" * 2000),
    "test.swf": ("application/x-shockwave-flash", b"FWS\x0a" + b"\x00" * 2000),
    "index.html": ("text/html; charset=utf-8",
                    b"<!doctype html><title>origin</title><p>hello from the origin</p>\n"),
    # The EICAR test string, whole, inside a page and inside media (the lab's scanner knows
    # only that signature: lab.sh)
    "eicar.com": ("application/octet-stream", EICAR),
    "eicar.html": ("text/html; charset=utf-8", b"<!doctype html><p>" + EICAR + b"</p>\n"),
    # media-typed, with bytes the scanner scans: Debian's virus_scan passes an object whose
    # bytes start like a real MP4 ('ftyp' box) without looking for anything in it
    "eicar.mp4": ("video/mp4", b"\x00" * 24 + EICAR + b"\x00" * 2000),
    "eicar.ts": ("video/mp2t", TS_EICAR),
    # HLS as kPoint's player fetches it: a playlist, then MPEG-TS segments; once with the
    # right types, and with the types S3 and CloudFront really send (generic, none)
    "index.m3u8": ("application/vnd.apple.mpegurl", PLAYLIST),
    "seg.ts": ("video/mp2t", TS),
    "seg-octet.ts": ("binary/octet-stream", TS),
    "seg-none.ts": ("", TS),
    # a segment as large as a real one (256 KiB; 4-second segments run from 100 KiB to 2 MiB)
    "seg-big.ts": ("video/mp2t", TS * 4),
    "seg-big-octet.ts": ("binary/octet-stream", TS * 4),
    # DASH, CMAF segments, AAC audio, captions
    "manifest.mpd": ("application/dash+xml", b'<?xml version="1.0"?><MPD/>\n'),
    "chunk.m4s": ("video/iso.segment", b"\x00\x00\x00\x18styp" + b"\x00" * 4000),
    "audio.aac": ("audio/aac", b"\xff\xf1" + b"\x00" * 4000),
    "captions.vtt": ("text/vtt", b"WEBVTT\n\n00:00.000 --> 00:04.000\nkPoint\n"),
    # 8 MiB that compress to nothing, the same every run (tests compare its SHA-256)
    "big.mp4": ("video/mp4", random.Random(1935).randbytes(8 << 20)),
}
LOG = None
LOG_LOCK = threading.Lock()
MEDIA = None	# --media DIR
MEDIA_TYPES = {".mp4": "video/mp4", ".mp3": "audio/mpeg", ".m3u8": "application/vnd.apple.mpegurl",
               ".ts": "video/mp2t", ".m4s": "video/iso.segment", ".mpd": "application/dash+xml",
               ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".png": "image/png",
               # the types S3 and CloudFront really send for media they were not told about:
               # binary/octet-stream, and none at all ("": no Content-Type header)
               ".bo": "binary/octet-stream", ".nt": ""}


def media_file(name):
    """(type, path, size) of DIR/name for --media, or None. Read as it is sent, a piece at a
    time (the benchmark's media run to 500 MB)."""
    if MEDIA is None or "/" in name or name.startswith("."):
        return None
    path = os.path.join(MEDIA, name)
    if not os.path.isfile(path):
        return None
    return MEDIA_TYPES.get(os.path.splitext(name)[1], "application/octet-stream"), path, \
        os.path.getsize(path)


def byte_range(header, size):
    """(first, last) for a single "bytes=A-B", "bytes=A-" or "bytes=-N"; None otherwise."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    a, _, b = header[6:].partition("-")
    try:
        if a == "":
            first, last = max(0, size - int(b)), size - 1
        else:
            first, last = int(a), (int(b) if b else size - 1)
    except ValueError:
        return None
    if first > last or first >= size:
        return None
    return first, min(last, size - 1)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def logged_path(self):
        """The request's path (no query), written to --log's file as it arrived."""
        path = self.path.split("?", 1)[0]
        if "://" in path:            # absolute form, if a proxy ever sends it
            path = "/" + path.split("/", 3)[3]
        if LOG is not None:
            addr, port = self.connection.getsockname()[:2]
            kind = "tls" if isinstance(self.connection, ssl.SSLSocket) else "plain"
            with LOG_LOCK:
                LOG.write(f"{addr}:{port} {kind} {self.headers.get('Host', '-')} {path}\n")
                LOG.flush()
        return path

    def do_GET(self):
        path = self.logged_path()
        if path == "/ws" and self.headers.get("Upgrade", "").lower() == "websocket":
            self.websocket()
            return
        name = path.rsplit("/", 1)[-1]
        fpath, size = None, 0       # a media file is sent from its file, a piece at a time
        if name in FILES:
            ctype, body = FILES[name]
            size = len(body)
        elif media_file(name):
            ctype, fpath, size = media_file(name)
            body = b""
        else:
            ctype, body = "text/plain", None
        rng = byte_range(self.headers.get("Range"), size) if body is not None else None
        first, last = rng if rng else (0, size - 1)
        if body is None:
            self.send_response(404)
            body = b"not found\n"
            size, last = len(body), len(body) - 1
        elif rng is not None:
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (first, last, size))
        else:
            self.send_response(200)
            self.send_header("Accept-Ranges", "bytes")
        if ctype:		# "": a reply without a type, as S3 sends some
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(last - first + 1))
        # as media servers and CDNs answer a player on another origin (hls.js fetches by XHR)
        self.send_header("Access-Control-Allow-Origin", "*")
        # Cacheable, so the benchmark can measure Squid serving hits (the lab caches nothing).
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        if fpath is None:
            self.wfile.write(body[first:last + 1])
            return
        with open(fpath, "rb") as f:
            f.seek(first)
            left = last - first + 1
            while left > 0:
                chunk = f.read(min(left, 1 << 16))
                if not chunk:
                    break
                self.wfile.write(chunk)
                left -= len(chunk)

    def websocket(self):
        """RFC 6455, just enough: the handshake, then each text frame echoed; a close ends it."""
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1(
            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        while True:
            head = self.rfile.read(2)
            if len(head) < 2:
                return
            opcode, size = head[0] & 0x0F, head[1] & 0x7F
            if size == 126:
                size = int.from_bytes(self.rfile.read(2), "big")
            elif size == 127:
                size = int.from_bytes(self.rfile.read(8), "big")
            mask = self.rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(size)))
            if opcode == 8:                     # close: answer it, and the session ends
                self.wfile.write(b"\x88\x00")
                self.wfile.flush()
                return
            if opcode == 1 and len(data) < 126:  # a short text message: echoed
                self.wfile.write(bytes([0x81, len(data)]) + data)
                self.wfile.flush()

    def do_POST(self):
        """An upload: read the whole body, log it, answer with its length and SHA-256."""
        left = int(self.headers.get("Content-Length", "0"))
        digest = hashlib.sha256()
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 16))
            if not chunk:
                break
            digest.update(chunk)
            left -= len(chunk)
        self.logged_path()
        body = ("%s %s\n" % (self.headers.get("Content-Length", "0"), digest.hexdigest())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):   # keep test output quiet
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global LOG, MEDIA
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
        elif opt == "--media":
            MEDIA = val
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
