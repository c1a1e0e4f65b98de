# SPDX-License-Identifier: GPL-3.0-or-later
"""The review page in a real headless Chromium (web/tests/review_flow.mjs): sign in, upload a
receipt, see it in the inbox, open it, correct the total with the keyboard, approve; then the
API's result and the webhook carry the correction. Needs Debian's chromium and `npm ci` in web/
(scripts/install-deps.sh). SHEAF_SCREENSHOTS=DIR keeps the screenshots (scripts/screenshots.sh)."""

import json
import os
import shutil
import subprocess
import time
import urllib.request

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WEB = os.path.join(ROOT, "web")
RECEIPT = os.path.join(ROOT, "samples", "receipts", "sroie-X00016469612.jpg")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def need_browser():
    problems = []
    if not os.path.exists(CHROMIUM):
        problems.append(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not shutil.which("node"):
        problems.append("node is missing (apt-get install nodejs npm)")
    if not os.path.isdir(os.path.join(WEB, "node_modules", "playwright-core")):
        problems.append("web/node_modules has no playwright-core (cd web && npm ci)")
    assert not problems, "; ".join(problems) + " - scripts/install-deps.sh installs them"


def test_a_reviewer_corrects_a_receipt_total_in_the_browser(sheaf, webhook_receiver, tmp_path):
    need_browser()
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme", webhook_url=webhook_receiver.url)
    srv = sheaf.server(d, "--ocr-workers", "2")

    # The page is served, offline-ready, with its policy.
    with urllib.request.urlopen(srv.url + "/") as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/html")
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "http" not in csp, csp
        assert b"/assets/app.js" in r.read()

    shots = os.environ.get("SHEAF_SCREENSHOTS") or str(tmp_path)
    os.makedirs(shots, exist_ok=True)
    env = dict(os.environ, SHEAF_URL=srv.url, SHEAF_KEY=t.key, SHEAF_UPLOAD=RECEIPT,
               SHEAF_SCREENSHOTS=shots, SHEAF_TOTAL="123.45", CHROMIUM=CHROMIUM)
    run = subprocess.run(["node", os.path.join(WEB, "tests", "review_flow.mjs")], cwd=WEB,
                         env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    doc_id = out["document_id"]
    for name in ("signin", "upload", "inbox", "review", "documents", "operations"):
        assert os.path.getsize(os.path.join(shots, name + ".png")) > 10000, name

    # The API's result carries the correction, by the reviewer (the key the page signed in with).
    c = sheaf.client(srv, t.key)
    doc = c.request("GET", f"/v1/documents/{doc_id}").json()
    assert doc["status"] == "completed", doc["status"]
    total = doc["result"]["fields"]["total"]
    assert total["source"] == "review", total
    assert str(total["value"]) in ("123.45", "123.450"), total

    # So does the webhook (loopback receiver): the document.reviewed event.
    reviewed = None
    for _ in range(600):
        reviewed = next((x for x in webhook_receiver.snapshot()
                         if x["event_type"] == "document.reviewed"), None)
        if reviewed:
            break
        time.sleep(0.1)
    assert reviewed is not None, [x["event_type"] for x in webhook_receiver.snapshot()]
    body = json.loads(reviewed["body"])
    assert doc_id in reviewed["body"].decode()
    assert "123.45" in json.dumps(body), body


def test_session_cookie_needs_the_csrf_token_for_unsafe_methods(sheaf):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, "--role", "api")
    anon = sheaf.client(srv, None)
    signin = anon.request("POST", "/v1/session", body=json.dumps({"api_key": t.key}).encode(),
                          headers={"Content-Type": "application/json"})
    assert signin.status == 201, signin.body
    cookie = signin.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie, cookie
    session = cookie.split(";")[0]
    csrf = signin.json()["csrf_token"]
    assert signin.json()["tenant"] == "acme"

    jar = {"Cookie": session}
    assert anon.request("GET", "/v1/documents", headers=jar).status == 200
    up = lambda h: anon.request("POST", "/v1/documents", body=b"hello",  # noqa: E731
                                headers={**jar, "Content-Type": "text/plain", **h})
    refused = up({})
    assert refused.status == 403, refused.body
    assert refused.json()["error"]["code"] == "forbidden"
    assert up({"X-CSRF-Token": "0" * 64}).status == 403
    assert up({"X-CSRF-Token": csrf}).status == 202

    # Signing out ends the session: the cookie then answers 401.
    assert anon.request("DELETE", "/v1/session", headers=jar).status == 403
    assert anon.request("DELETE", "/v1/session", headers={**jar, "X-CSRF-Token": csrf}).status == 204
    assert anon.request("GET", "/v1/documents", headers=jar).status == 401
    assert anon.request("POST", "/v1/session", body=b'{"api_key": "shf_nope_nope"}',
                        headers={"Content-Type": "application/json"}).status == 401
    assert anon.request("POST", "/v1/session").status == 401  # no key at all
    assert anon.request("POST", "/v1/session", body=b'{"api_key": 7}',
                        headers={"Content-Type": "application/json"}).status == 400


def test_events_stream_the_tenants_document_changes(sheaf):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    other = sheaf.tenant(d, "other")
    srv = sheaf.server(d, "--role", "api")
    req = urllib.request.Request(srv.url + "/v1/events",
                                 headers={"Authorization": "Bearer " + t.key})
    with urllib.request.urlopen(req, timeout=60) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        assert stream.readline() == b"retry: 3000\n"
        mine = sheaf.client(srv, t.key).submit(b"hello", filename="mine.txt",
                                               content_type="text/plain")
        sheaf.client(srv, other.key).submit(b"hello", filename="theirs.txt",
                                            content_type="text/plain")
        seen = b""
        while mine["id"].encode() not in seen:
            line = stream.readline()
            assert line, "the stream ended"
            seen += line
        assert b"theirs.txt" not in seen
        assert b"event: document\n" in seen
