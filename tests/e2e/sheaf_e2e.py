# SPDX-License-Identifier: GPL-3.0-or-later
"""What the end-to-end tests share: the real `sheaf` binary (CLI and `sheaf serve`), a webhook
receiver and generated documents."""

import hashlib
import hmac
import http.server
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

SOURCE_DIR = os.environ.get("SHEAF_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("SHEAF_BINARY") or os.path.join(SOURCE_DIR, "build", "release", "sheaf")

# The client as users get it: `pip install ./clients/python`, done by ctest's client_install
# fixture into SHEAF_CLIENT_SITE (tests/CMakeLists.txt); without it (pytest run by hand), the
# package's source folder.
CLIENT_SITE = os.environ.get("SHEAF_CLIENT_SITE")
sys.path.insert(0, CLIENT_SITE or os.path.join(SOURCE_DIR, "clients", "python", "src"))
import sheaf_client  # noqa: E402
from sheaf_client import FINAL_STATUSES, SheafClient  # noqa: E402

if CLIENT_SITE and not os.path.realpath(sheaf_client.__file__).startswith(
        os.path.realpath(CLIENT_SITE)):
    raise ImportError(f"sheaf_client came from {sheaf_client.__file__}, not the installed "
                      f"package in {CLIENT_SITE}")

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LETTER = """Acme Supplies Ltd
12 Harbour Road
Bristol BS1 4QA

27 November 2026

Ms Ada Okafor
7 Mill Lane
Leeds LS2 9JT

Dear Ms Okafor,

Thank you for your letter of 14 November and for your kind words
about our team. Our reference for your enquiry is {n}. We are
delighted to confirm that your visit on {n} December is arranged,
and we look forward to meeting you in person.

Should anything be unclear, just call me.

Yours sincerely,

Tom Reid
Customer Relations Manager
"""


def wait_for_binary(timeout=120):
    """The binary may be missing for a moment while it is rebuilt."""
    deadline = time.monotonic() + timeout
    while not os.access(BINARY, os.X_OK):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{BINARY} does not exist (set SHEAF_BINARY)")
        time.sleep(0.5)


def cli(*args, check=True):
    """Runs `sheaf ARGS...`; returns the CompletedProcess (text)."""
    for attempt in range(3):
        wait_for_binary()
        try:
            p = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=60)
            break
        except OSError:  # replaced while we started it ("text file busy" and the like)
            if attempt == 2:
                raise
            time.sleep(1)
    if check and p.returncode != 0:
        raise AssertionError(f"sheaf {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p


def parse_fields(text):
    """`name: value` lines (as `sheaf tenant create` prints them) -> dict."""
    out = {}
    for line in text.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return out


class Tenant:
    def __init__(self, name, tenant_id, webhook_secret, key):
        self.name = name
        self.id = tenant_id
        self.webhook_secret = webhook_secret
        self.key = key

    @property
    def key_id(self):
        return self.key.split("_")[1]


# The tests' webhook receivers listen on loopback, which `sheaf serve` refuses by default
# (SSRF guard, docs/service.md): every server the tests start allows private networks unless the
# test says otherwise (env={"SHEAF_WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "0"}).
SERVER_ENV = {"SHEAF_WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "1"}


def server_env(extra=None):
    env = dict(os.environ)
    env.update(SERVER_ENV)
    env.update(extra or {})
    return env


class SheafServer:
    """One `sheaf serve` process on a data dir, listening on a free loopback port."""

    def __init__(self, data_dir, args, log_prefix, env=None):
        self.data_dir = data_dir
        self.env = env
        self.args = list(args)
        self.log_prefix = log_prefix
        self.proc = None
        self.url = None
        self.runs = 0

    def start(self, timeout=30):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        wait_for_binary()
        self.runs += 1
        out_path = f"{self.log_prefix}.{self.runs}.out"
        self.err_path = f"{self.log_prefix}.{self.runs}.err"
        with open(out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(
                [BINARY, "serve", "--data-dir", self.data_dir, "--listen", "127.0.0.1:0",
                 *self.args], stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                env=server_env(self.env))
        deadline = time.monotonic() + timeout
        while True:
            with open(out_path, "r", errors="replace") as f:
                m = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", f.read())
            if m:
                self.url = m.group(1)
                return self
            if self.proc.poll() is not None:
                raise AssertionError(f"sheaf serve exited {self.proc.returncode}: {self.stderr()}")
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError("sheaf serve printed no listening line in 30 s")
            time.sleep(0.05)

    def stderr(self):
        try:
            with open(self.err_path, "r", errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=30):
        """SIGTERM; asserts the process exits, with status 0, within `timeout` seconds."""
        if not self.running:
            return
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"sheaf serve did not exit within {timeout} s of SIGTERM")
        assert rc == 0, f"sheaf serve exited {rc} after SIGTERM: {self.stderr()}"
        return time.monotonic() - t0

    def kill(self):
        """SIGKILL: a crash."""
        if self.running:
            self.proc.kill()
        if self.proc is not None:
            self.proc.wait()


class SheafProcess:
    """One `sheaf worker` or `sheaf serve` process (`command`: ["worker", "--stage", "ocr"], ...)
    with a scratch data dir of its own under `tmp`, listening on a free loopback port."""

    def __init__(self, tmp, name, command, args):
        self.tmp, self.name, self.command, self.args = tmp, name, command, list(args)
        self.proc = None
        self.runs = 0
        self.url = None

    def start(self, timeout=60):
        self.runs += 1
        prefix = os.path.join(self.tmp, f"{self.name}.{self.runs}")
        data = os.path.join(self.tmp, f"data-{self.name}")
        os.makedirs(data, exist_ok=True)
        self.out_path, self.err_path = prefix + ".out", prefix + ".err"
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(
                [BINARY, *self.command, "--data-dir", data, "--listen", "127.0.0.1:0", *self.args],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=server_env())
        deadline = time.monotonic() + timeout
        while True:
            with open(self.out_path, errors="replace") as f:
                text = f.read()
            if "listening on http://" in text:
                self.url = text.split("listening on ", 1)[1].split()[0]
                return self
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited {self.proc.returncode}: {self.stderr()}")
            if time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError(f"{self.name} printed no listening line in {timeout} s: {self.stderr()}")
            time.sleep(0.05)

    def stderr(self):
        try:
            with open(self.err_path, errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def free_port():
    """A loopback port free at the moment of asking (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FixedPortServer:
    """`sheaf serve ARGS` on a fixed loopback port, so that it can come back on it after a
    SIGKILL (the clients that were pointed at it keep their URL)."""

    def __init__(self, tmp, name, port, args, env=None):
        self.tmp, self.name, self.port, self.args, self.env = tmp, name, port, list(args), env
        self.runs, self.proc = 0, None
        self.url = f"http://127.0.0.1:{port}"

    def start(self, timeout=30):
        self.runs += 1
        out = os.path.join(self.tmp, f"{self.name}.{self.runs}.out")
        self.err = os.path.join(self.tmp, f"{self.name}.{self.runs}.err")
        with open(out, "wb") as o, open(self.err, "wb") as e:
            self.proc = subprocess.Popen(
                [BINARY, "serve", "--listen", f"127.0.0.1:{self.port}", *self.args],
                stdout=o, stderr=e, stdin=subprocess.DEVNULL, env=server_env(self.env))
        deadline = time.monotonic() + timeout
        while True:
            with open(out, errors="replace") as f:
                if "listening on http://" in f.read():
                    return self
            assert self.proc.poll() is None, \
                f"{self.name} exited: {open(self.err).read()[-2000:]}"
            assert time.monotonic() < deadline, f"{self.name} printed no listening line"
            time.sleep(0.05)

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            assert self.proc.wait(30) == 0

    def metrics(self):
        import urllib.request
        with urllib.request.urlopen(self.url + "/metrics", timeout=10) as r:
            return r.read().decode()


class Harness:
    """Per test: data dirs under the test's tmp folder, tenants and keys made with the real
    CLI, servers (stopped at the end) and clients (recording their traffic)."""

    def __init__(self, tmp_path, exchanges):
        self.tmp = str(tmp_path)
        self.exchanges = exchanges
        self.servers = []
        self._dirs = 0

    def data_dir(self):
        self._dirs += 1
        d = os.path.join(self.tmp, f"data{self._dirs}")
        os.makedirs(d, exist_ok=True)
        return d

    def tenant(self, data_dir, name, webhook_url=None):
        args = ["tenant", "create", name, "--data-dir", data_dir]
        if webhook_url:
            args += ["--webhook-url", webhook_url]
        info = parse_fields(cli(*args).stdout)
        key = self.key(data_dir, name)
        return Tenant(name, info["id"], info["webhook_secret"], key)

    def key(self, data_dir, tenant_name):
        out = cli("key", "create", "--tenant", tenant_name, "--data-dir", data_dir).stdout
        key = out.strip().splitlines()[-1]
        assert key.startswith("shf_"), out
        return key

    def server(self, data_dir, *args, start=True, env=None):
        s = SheafServer(data_dir, args, os.path.join(self.tmp, f"serve{len(self.servers)}"), env)
        self.servers.append(s)
        return s.start() if start else s

    def client(self, server, key, record=True, **kw):
        kw.setdefault("retries_429", 0)
        return SheafClient(server.url, key, on_exchange=self._record if record else None, **kw)

    def _record(self, method, path, query, resp):
        self.exchanges.append({"method": method, "path": path, "query": query,
                               "status": resp.status, "headers": resp.headers,
                               "body": resp.body})

    def close(self):
        errors = []
        for s in self.servers:
            try:
                s.stop()
            except AssertionError as e:
                errors.append(str(e))
        assert not errors, errors


# -- documents ----------------------------------------------------------------------------------

def text_letter(n):
    """A letter as text/plain; unique per n; type letter, completes in milliseconds."""
    return LETTER.format(n=n).encode()


def _font(size):
    from PIL import ImageFont
    return ImageFont.truetype(FONT, size)


def _png(img):
    b = io.BytesIO()
    img.save(b, "PNG")
    return b.getvalue()


def letter_png(n):
    """The letter drawn on an A4 page at 150 dpi: unique per n, classified as a letter and
    completed; OCR takes a few tenths of a second."""
    from PIL import Image, ImageDraw
    img = Image.new("L", (1240, 1754), 255)
    d = ImageDraw.Draw(img)
    f = _font(30)
    for i, line in enumerate(LETTER.format(n=n).splitlines()):
        d.text((80, 80 + i * 55), line, fill=0, font=f)
    return _png(img)


def dense_png(n, lines=16):
    """A full A4 page (150 dpi) of text lines, each carrying n: unique per n (the OCR cache
    does not help) and slow enough to read (half a second or more) that a backlog builds."""
    from PIL import Image, ImageDraw
    img = Image.new("L", (1240, 1754), 255)
    d = ImageDraw.Draw(img)
    f = _font(26)
    for i in range(lines):
        d.text((60, 50 + i * 64),
               f"Record {n} entry {i}: the quick brown fox jumps over {n * 31 + i} lazy dogs",
               fill=0, font=f)
    return _png(img)


def receipt_png(n, with_total=True):
    """A small till receipt (unique per n) that lacks a merchant address: extracted as a
    receipt it goes to review."""
    from PIL import Image, ImageDraw
    img = Image.new("L", (700, 900), 255)
    d = ImageDraw.Draw(img)
    f = _font(28)
    lines = [f"CORNER SHOP {n}", "Receipt", "Date: 12/03/2025", f"Milk 1.{n % 100:02d}",
             "Bread 2.10"]
    if with_total:
        lines.append(f"TOTAL 3.{n % 100:02d}")
    for i, line in enumerate(lines):
        d.text((40, 40 + i * 60), line, fill=0, font=f)
    return _png(img)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# -- waiting ------------------------------------------------------------------------------------

def finished_at(doc):
    """When the pipeline settled the document (ms since the epoch), or None."""
    v = (doc.get("stages") or {}).get("validate")
    return v.get("finished_at") if isinstance(v, dict) else None


# Server flags that keep the rate limiter out of the way of tests that send many requests.
FAST = ("--rate-limit", "10000", "--rate-burst", "10000")


def wait_for(predicate, timeout, what):
    """Polls predicate until it returns something true (returned), or fails after timeout s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")


def wait_all_final(client, ids, timeout, poll=0.5):
    """Polls the list until every id is final; returns {id: document}. Raises AssertionError
    naming the stuck ones."""
    ids = set(ids)
    deadline = time.monotonic() + timeout
    while True:
        docs = {d["id"]: d for d in client.iter_documents(limit=1000)}
        stuck = [i for i in ids if i not in docs or docs[i]["status"] not in FINAL_STATUSES]
        if not stuck:
            return docs
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{len(stuck)} of {len(ids)} documents not finished after {timeout} s: " +
                ", ".join(f"{i}={docs[i]['status'] if i in docs else 'MISSING'}"
                          for i in sorted(stuck)[:10]))
        time.sleep(poll)


# -- webhooks -----------------------------------------------------------------------------------

class WebhookReceiver:
    """A local HTTP server recording every POST (headers, body, the status it answered).
    Answers 500 to the next `fail_next` requests, then `status` (200 by default)."""

    def __init__(self):
        self.deliveries = []
        self.lock = threading.Lock()
        self.status = 200
        self.fail_next = 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                with receiver.lock:
                    if receiver.fail_next > 0:
                        receiver.fail_next -= 1
                        status = 500
                    else:
                        status = receiver.status
                    receiver.deliveries.append({
                        "path": self.path,
                        "event_id": self.headers.get("X-Sheaf-Event-Id"),
                        "event_type": self.headers.get("X-Sheaf-Event-Type"),
                        "signature": self.headers.get("X-Sheaf-Signature"),
                        "content_type": self.headers.get("Content-Type"),
                        "user_agent": self.headers.get("User-Agent"),
                        "body": body,
                        "answered": status,
                    })
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def snapshot(self):
        with self.lock:
            return list(self.deliveries)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def signature_ok(secret, delivery):
    want = "sha256=" + hmac.new(secret.encode(), delivery["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, delivery["signature"] or "")
