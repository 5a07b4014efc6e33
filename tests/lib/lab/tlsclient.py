#!/usr/bin/env python3
"""tlsclient.py: one HTTPS GET as a browser behind the lab's Squid would make it, with the
three names that SslBump decides on set independently, so tests can lie in each of them:
the CONNECT target, the TLS SNI and the Host header.

usage: tlsclient.py [options] PATH
  --proxy ADDR:PORT   send "CONNECT TARGET" to this explicit proxy first; without it, connect
                      straight to TARGET (a transparent proxy intercepts the connection)
  --target HOST:PORT  the CONNECT target, or the address connected to
  --sni NAME          the SNI to send; "-" sends none (as clients do for an IP literal)
  --host NAME         the Host header (default: the SNI, else the target's host)
  --cafile FILE       the CAs to trust (the lab trusts both the origins' and the bump CA, so
                      that a bumped connection completes and shows who issued its certificate)
Prints one line: "CONNECT_STATUS HTTP_STATUS ISSUER_CN BYTES SHA256"; a step that did not
happen prints "-" for it and the reason on stderr. Exits 0 when it printed a line.
"""
import argparse
import hashlib
import socket
import ssl
import sys

TIMEOUT = 20


def issuer_cn(cert):
    for rdn in cert.get("issuer", ()):
        for key, value in rdn:
            if key == "commonName":
                return value.replace(" ", "_")
    return "?"


def read_head(sock, what):
    """Read up to the end of an HTTP head; returns (head, the bytes after it)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed before the end of " + what)
        data += chunk
    return data.split(b"\r\n\r\n", 1)


def connect_through(proxy, target, timeout):
    """A socket tunnelled by proxy ("ADDR:PORT") to target ("HOST:PORT") with CONNECT, and
    the proxy's status code (bytes)."""
    paddr, pport = proxy.rsplit(":", 1)
    sock = socket.create_connection((paddr, int(pport)), timeout=timeout)
    sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
    head, _ = read_head(sock, "the CONNECT reply")
    return sock, head.split()[1]


def read_response(tls):
    head, body = read_head(tls, "the reply's headers")
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split()[1]
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while length is None or len(body) < length:
        chunk = tls.recv(1 << 20)
        if not chunk:
            break
        body += chunk
    return status, body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proxy")
    ap.add_argument("--target", required=True)
    ap.add_argument("--sni", required=True)
    ap.add_argument("--host")
    ap.add_argument("--cafile", required=True)
    ap.add_argument("path")
    a = ap.parse_args()
    thost, tport = a.target.rsplit(":", 1)
    sni = None if a.sni == "-" else a.sni
    host = a.host or sni or thost
    out = {"connect": "-", "http": "-", "issuer": "-", "bytes": "-", "sha": "-"}
    try:
        if a.proxy:
            sock, status = connect_through(a.proxy, a.target, TIMEOUT)
            out["connect"] = status.decode()
        else:
            sock = socket.create_connection((thost, int(tport)), timeout=TIMEOUT)
        ctx = ssl.create_default_context(cafile=a.cafile)
        ctx.check_hostname = False	# the lab's lies must get through to be judged
        tls = ctx.wrap_socket(sock, server_hostname=sni)
        out["issuer"] = issuer_cn(tls.getpeercert())
        tls.sendall(f"GET {a.path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                    .encode())
        out["http"], body = read_response(tls)
        out["bytes"] = str(len(body))
        out["sha"] = hashlib.sha256(body).hexdigest()[:16]
        tls.close()
    except (OSError, EOFError, ValueError, IndexError) as e:
        print(f"tlsclient: {type(e).__name__}: {e}", file=sys.stderr)
    print(out["connect"], out["http"], out["issuer"], out["bytes"], out["sha"])


if __name__ == "__main__":
    main()
