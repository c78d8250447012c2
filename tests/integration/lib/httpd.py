#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Loopback HTTP server for bpo's integration tests (a test fixture, not bpo).

Serves --root on 127.0.0.1 (never any other address) on a free port, writes
the port to --port-file once it listens, and appends one line per request to
--log:  "<METHOD> <path> range=<Range header or ->  <status>"

Supports Range requests (bytes=N- and bytes=N-M; answers 206 + Content-Range).

Fault modes (each may be given several times):
  --drop PATH:N     on the FIRST request for PATH send the headers with the full
                    Content-Length, then only N bytes, then close the connection
                    (later requests for PATH are served normally)
  --missing PATH    answer 404 for PATH
  --fail PATH:K     answer 503 to the first K requests for PATH
  --stall PATH:S    on the first request for PATH sleep S seconds before the body
  --norange PATH    ignore Range headers for PATH (answer 200 with the whole file)
  --slow PATH:S     send the body of PATH in 20 pieces spread over S seconds

PATH is the URL path as requested, e.g. /pool/main/h/hello/hello_1.0.orig.tar.gz.
Usually started through tests/integration/lib/archive.sh (httpd_start).
"""
import argparse
import http.server
import os
import sys
import threading
import time
import urllib.parse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--drop", action="append", default=[])
    ap.add_argument("--missing", action="append", default=[])
    ap.add_argument("--fail", action="append", default=[])
    ap.add_argument("--stall", action="append", default=[])
    ap.add_argument("--norange", action="append", default=[])
    ap.add_argument("--slow", action="append", default=[])
    a = ap.parse_args()

    def pairs(items):
        out = {}
        for it in items:
            path, _, n = it.rpartition(":")
            out[path] = float(n) if "." in n else int(n)
        return out

    drop, fail, stall, slow = pairs(a.drop), pairs(a.fail), pairs(a.stall), pairs(a.slow)
    missing = set(a.missing)
    norange = set(a.norange)
    seen = {}
    lock = threading.Lock()
    root = os.path.realpath(a.root)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def record(self, status):
            with lock, open(a.log, "a") as f:
                f.write("%s %s range=%s %d\n" % (self.command, self.path,
                                                 self.headers.get("Range", "-"), status))

        def plain(self, status, text):
            body = text.encode()
            self.record(status)
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            with lock:
                n = seen.get(path, 0)
                seen[path] = n + 1
            if path in missing:
                return self.plain(404, "not found (fault mode)\n")
            if path in fail and n < fail[path]:
                return self.plain(503, "unavailable (fault mode)\n")
            full = os.path.realpath(os.path.join(root, path.lstrip("/")))
            if not full.startswith(root + os.sep) or not os.path.isfile(full):
                return self.plain(404, "not found\n")
            with open(full, "rb") as f:
                data = f.read()
            start, end, status = 0, len(data) - 1, 200
            rng = self.headers.get("Range")
            if rng and rng.startswith("bytes=") and path not in norange:
                s, _, e = rng[6:].partition("-")
                try:
                    start = int(s)
                    end = int(e) if e else len(data) - 1
                except ValueError:
                    return self.plain(400, "bad range\n")
                if start >= len(data) or end < start:
                    self.record(416)
                    self.send_response(416)
                    self.send_header("Content-Range", "bytes */%d" % len(data))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                end = min(end, len(data) - 1)
                status = 206
            body = data[start:end + 1]
            self.record(status)
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            if status == 206:
                self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, len(data)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if self.command == "HEAD":
                return
            if path in stall and n == 0:
                time.sleep(stall[path])
            if path in drop and n == 0:
                self.wfile.write(body[:drop[path]])
                self.wfile.flush()
                self.close_connection = True
                return
            if path in slow:
                step = max(1, (len(body) + 19) // 20)
                for i in range(0, len(body), step):
                    self.wfile.write(body[i:i + step])
                    self.wfile.flush()
                    time.sleep(slow[path] / 20)
                return
            self.wfile.write(body)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, a.port_file)
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
