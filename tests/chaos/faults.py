# SPDX-License-Identifier: GPL-3.0-or-later
"""The chaos suite's fault injectors that are not processes being killed: a webhook receiver
whose behaviour changes at run time (answers, fails with 5xx, hangs, answers slowly), a small
tmpfs that fills up (a full disk), and an HTTP proxy in front of a real server that errors or
answers garbage (for the remote OCR role). All listen on loopback only."""

import http.server
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request


def serve_loopback(handler):
    """A threading HTTP server on a free loopback port, serving on a daemon thread."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


class FlakyReceiver:
    """A webhook receiver on loopback recording every POST (event id, body, what it answered).
    `mode`: "ok" (200), "fail" (503), "hang" (answers nothing until the mode changes or
    `hang_limit` seconds pass - longer than Sheaf's request timeout), "slow" (200 after
    `slow_seconds`)."""

    def __init__(self, hang_limit=15.0, slow_seconds=2.0):
        self.deliveries = []
        self.lock = threading.Lock()
        self.mode = "ok"
        self.hang_limit = hang_limit
        self.slow_seconds = slow_seconds
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                mode = receiver.mode
                if mode == "hang":
                    t0 = time.monotonic()
                    while receiver.mode == "hang" and time.monotonic() - t0 < receiver.hang_limit:
                        time.sleep(0.05)
                elif mode == "slow":
                    time.sleep(receiver.slow_seconds)
                status = 503 if mode == "fail" else 200
                with receiver.lock:
                    receiver.deliveries.append({
                        "event_id": self.headers.get("X-Sheaf-Event-Id"),
                        "event_type": self.headers.get("X-Sheaf-Event-Type"),
                        "body": body, "mode": mode, "answered": status})
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:  # Sheaf gave up waiting (the hang outlived its timeout)
                    pass

            def log_message(self, *args):
                pass

        self.httpd, base = serve_loopback(Handler)
        self.url = base + "/hook"

    def snapshot(self):
        with self.lock:
            return list(self.deliveries)

    def close(self):
        self.mode = "ok"
        self.httpd.shutdown()
        self.httpd.server_close()


class Tmpfs:
    """A small tmpfs mounted at `path` (root only): the data dir of a server whose disk fills.
    `fill()` writes a filler file until the file system refuses (ENOSPC); `free()` deletes it."""

    def __init__(self, path, size_mb):
        self.path = path
        self.size_mb = size_mb
        self.mounted = False
        self.filler = os.path.join(path, "chaos-filler")

    @staticmethod
    def unavailable_reason():
        """None when a tmpfs can be mounted here, else why not."""
        if os.geteuid() != 0:
            return "needs root to mount a small tmpfs (not root)"
        probe = f"/tmp/sheaf-chaos-probe-{os.getpid()}"
        os.makedirs(probe, exist_ok=True)
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe],
                           capture_output=True, text=True)
        if p.returncode != 0:
            os.rmdir(probe)
            return f"cannot mount a tmpfs: {p.stderr.strip()}"
        subprocess.run(["umount", probe], check=True)
        os.rmdir(probe)
        return None

    def mount(self):
        os.makedirs(self.path, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.size_mb}m,mode=0755", "tmpfs",
                        self.path], check=True, capture_output=True)
        self.mounted = True

    def fill(self):
        """Fills the disk; returns the bytes written."""
        written = 0
        chunk = b"\0" * (64 * 1024)
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while True:
                try:
                    n = os.write(fd, chunk)
                except OSError:
                    break
                if n <= 0:
                    break
                written += n
        finally:
            os.close(fd)
        return written

    def free(self):
        try:
            os.unlink(self.filler)
        except FileNotFoundError:
            pass

    def unmount(self):
        if self.mounted:
            subprocess.run(["umount", "-l", self.path], capture_output=True)
            self.mounted = False


class FaultProxy:
    """An HTTP proxy on loopback in front of a real server (`target`: http://127.0.0.1:PORT, or
    a callable giving it, for a server that restarts on another port):
    mode "ok" forwards each request and its answer; "error" answers 503; "garbage" answers 200
    with a body that is not what the protocol says (bytes that are no JSON)."""

    GARBAGE = b"\x00\xffnot json {{{ \x89PNG"

    def __init__(self, target):
        self.target = target  # a URL, or a callable giving the current one
        self.mode = "ok"
        self.count_as = None  # counts forwarded requests under this label instead of "ok"
        self.requests = {"ok": 0, "error": 0, "garbage": 0}
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self, status, headers, body):
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _forward(self, method):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else None
                mode = proxy.mode
                proxy.requests[proxy.count_as or mode] += 1
                if mode == "error":
                    return self._answer(503, [("Content-Type", "text/plain")], b"injected fault")
                if mode == "garbage":
                    return self._answer(200, [("Content-Type", "application/json")],
                                        FaultProxy.GARBAGE)
                target = proxy.target() if callable(proxy.target) else proxy.target
                req = urllib.request.Request(target.rstrip("/") + self.path, data=body, method=method)
                for k, v in self.headers.items():
                    if k.lower() not in ("host", "content-length", "connection"):
                        req.add_header(k, v)
                try:
                    with urllib.request.urlopen(req, timeout=120) as r:
                        return self._answer(r.status, r.getheaders(), r.read())
                except urllib.error.HTTPError as e:
                    return self._answer(e.code, e.headers.items(), e.read())

            def do_POST(self):
                self._forward("POST")

            def do_GET(self):
                self._forward("GET")

            def log_message(self, *args):
                pass

        self.httpd, self.url = serve_loopback(Handler)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
