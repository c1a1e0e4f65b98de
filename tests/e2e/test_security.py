# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad input and security on the real `sheaf serve`: webhook URLs inside private networks refused
(at ingestion, and again when connecting: DNS rebinding), the request limits (body, headers, JSON
depth) with their documented answers, 405 for methods a route lacks, and no document content,
API key or webhook secret in the server's log.

The private and link-local addresses below are only classified by the server, never connected
to; the loopback ones are the only ones anything connects to."""

import http.client
import json
import os
import time
import urllib.parse
import uuid

from sheaf_e2e import text_letter

REFUSE = {"SHEAF_WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "0"}


def raw(server_url, method, path, body=b"", headers=None):
    """One request on a fresh connection, whatever the method: (status, headers, body)."""
    u = urllib.parse.urlsplit(server_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def error_code(body):
    return json.loads(body)["error"]["code"]


def test_webhook_urls_in_private_networks_are_refused_at_ingestion(sheaf):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, "--role", "api", env=REFUSE)
    c = sheaf.client(srv, t.key)
    cases = {
        "http://localhost:9/hook": "loopback",
        "http://127.0.0.2/hook": "loopback",
        "https://[::1]:8443/hook": "loopback",
        "http://2130706433/hook": "loopback",  # 127.0.0.1 as one number
        # Loopback only: a test must name no address off this machine. Which ranges are private
        # or link-local is src/core/ip_ranges_test.cc's, where addresses are only classified.
    }
    for url, scope in cases.items():
        for multipart in (False, True):
            if multipart:
                body = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                        b"Content-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Disposition: "
                        b"form-data; name=\"webhook_url\"\r\n\r\n" + url.encode() + b"\r\n--b--\r\n")
                ex = c.request("POST", "/v1/documents", body=body,
                               headers={"Content-Type": "multipart/form-data; boundary=b"})
            else:
                ex = c.request("POST", "/v1/documents", body=b"hello",
                               query={"webhook_url": url}, headers={"Content-Type": "text/plain"})
            assert ex.status == 400, (url, multipart, ex)
            err = ex.json()["error"]
            assert err["code"] == "bad_request", err
            assert f"a {scope} address" in err["message"], (url, err)
    assert c.list()["documents"] == [], "a refused upload must not create a document"

    # With the switch on, the same URLs are accepted (nothing is delivered: role api).
    d2 = sheaf.data_dir()
    t2 = sheaf.tenant(d2, "acme")
    open_srv = sheaf.server(d2, "--role", "api")
    c2 = sheaf.client(open_srv, t2.key)
    for url in cases:
        doc = c2.submit(b"hello", filename="a.txt", content_type="text/plain", webhook_url=url)
        assert doc.status_code == 202 and doc["webhook_url"] == url


def test_delivery_re_checks_the_address_it_connects_to(sheaf, webhook_receiver):
    """The tenant's URL is set by the operator's CLI (not checked there, no DNS); the name may
    have pointed elsewhere then. At delivery the connection to loopback is refused, and the
    event fails for good instead of reaching the receiver."""
    d = sheaf.data_dir()
    receiver_by_name = webhook_receiver.url.replace("127.0.0.1", "localhost")
    t = sheaf.tenant(d, "acme", webhook_url=receiver_by_name)
    srv = sheaf.server(d, "--ocr-workers", "1", env=REFUSE)
    c = sheaf.client(srv, t.key)
    doc = c.submit(text_letter(71), filename="l.txt", content_type="text/plain")
    c.wait(doc["id"], timeout=60)
    deadline = time.monotonic() + 30
    while "refused to connect to" not in srv.stderr() and time.monotonic() < deadline:
        time.sleep(0.2)
    log = srv.stderr()
    assert "refused to connect to" in log and "(loopback)" in log, log[-2000:]
    assert "failed for good" in log, log[-2000:]
    assert webhook_receiver.snapshot() == [], "nothing may reach a refused address"


def test_body_header_and_json_depth_limits_answer_as_documented(sheaf):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, "--role", "api", "--max-body-mb", "1", "--max-header-kb", "8",
                       "--max-json-depth", "8")
    auth = {"Authorization": f"Bearer {t.key}"}

    status, _, body = raw(srv.url, "POST", "/v1/documents", b"x" * (1024 * 1024 + 100 * 1024),
                          dict(auth, **{"Content-Type": "text/plain"}))
    assert status == 413 and error_code(body) == "payload_too_large", body

    big = {f"X-Pad-{i}": "p" * 3000 for i in range(4)}  # 12 KiB of headers, each line < 8 KiB
    status, _, body = raw(srv.url, "GET", "/v1/documents", headers=dict(auth, **big))
    assert status == 431 and error_code(body) == "headers_too_large", body
    assert b"limit is 8192" in body, body
    small = {f"X-Pad-{i}": "p" * 1000 for i in range(4)}
    assert raw(srv.url, "GET", "/v1/documents", headers=dict(auth, **small))[0] == 200

    deep = "[" * 9 + "]" * 9
    status, _, body = raw(srv.url, "POST", f"/v1/review/tasks/{uuid.uuid4().hex}",
                          ('{"action": "approve", "x": ' + deep + "}").encode(),
                          dict(auth, **{"Content-Type": "application/json"}))
    assert status == 400 and b"deeper than 8 levels" in body, body
    meta = urllib.parse.quote('{"a": ' + "[" * 8 + "]" * 8 + "}")
    status, _, body = raw(srv.url, "POST", f"/v1/documents?metadata={meta}", b"hello",
                          dict(auth, **{"Content-Type": "text/plain"}))
    assert status == 400 and b"deeper than 8 levels" in body, body
    meta_ok = urllib.parse.quote('{"a": ' + "[" * 7 + "]" * 7 + "}")
    status, _, body = raw(srv.url, "POST", f"/v1/documents?metadata={meta_ok}", b"hello",
                          dict(auth, **{"Content-Type": "text/plain"}))
    assert status == 202, body


def test_a_method_a_route_lacks_answers_405_with_allow(sheaf):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, "--role", "api")
    auth = {"Authorization": f"Bearer {t.key}"}
    doc = f"/v1/documents/{uuid.uuid4().hex}"
    for method, path, allow in [("PUT", "/v1/documents", "GET, POST"),
                                ("TRACE", "/v1/documents", "GET, POST"),
                                ("QUERY", "/v1/documents", "GET, POST"),
                                ("PATCH", doc, "GET, DELETE"),
                                ("GET", doc + "/reprocess", "POST"),
                                ("DELETE", "/v1/review/tasks", "GET"),
                                ("POST", "/healthz", "GET")]:
        for headers in (auth, {}):  # 405 whether or not a key is given
            status, h, body = raw(srv.url, method, path, b"{}", headers)
            assert status == 405, (method, path, status, body)
            assert h.get("allow") == allow, (method, path, h)
            assert error_code(body) == "method_not_allowed"
    # A path no route has stays 404.
    assert raw(srv.url, "PUT", "/v1/nothing", b"", auth)[0] == 404
    # The server still answers on the next connection.
    assert raw(srv.url, "GET", "/healthz")[0] == 200


def test_no_document_content_key_or_secret_reaches_the_log(sheaf, webhook_receiver):
    marker = "ZQX" + uuid.uuid4().hex.upper()
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme", webhook_url=webhook_receiver.url)
    srv = sheaf.server(d, "--ocr-workers", "1")
    c = sheaf.client(srv, t.key)
    webhook_receiver.fail_next = 1  # a failed delivery is logged too
    text = f"Invoice {marker}\nTotal {marker} 12.50\n".encode() + text_letter(72)
    doc = c.submit(text, filename=f"{marker}.txt", content_type="text/plain",
                   metadata={"note": marker}, idempotency_key=marker)
    c.wait(doc["id"], timeout=60)
    done = c.get(doc["id"])
    assert marker in json.dumps(done["result"]), "the marker must be in the result, or this proves nothing"
    # Bad requests that carry the marker and secrets.
    c.request("POST", f"/v1/review/tasks/{doc['id']}", body=f'{{"{marker}": '.encode(),
              headers={"Content-Type": "application/json"})
    c.request("POST", "/v1/documents", body=b"hi", query={"metadata": marker},
              headers={"Content-Type": "text/plain"})
    bad = sheaf.client(srv, "shf_0000000000000000_" + marker.lower())
    assert bad.request("GET", "/v1/documents").status == 401
    deadline = time.monotonic() + 30
    while len(webhook_receiver.snapshot()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(webhook_receiver.snapshot()) >= 2, "the webhook was not retried"
    srv.stop()

    logs = ""
    for name in os.listdir(sheaf.tmp):
        if name.startswith("serve") and (name.endswith(".out") or name.endswith(".err")):
            with open(os.path.join(sheaf.tmp, name), errors="replace") as f:
                logs += f.read()
    assert "listening on" in logs, "the log files were not found"
    for secret, what in [(marker, "document content"), (marker.lower(), "the marker"),
                         (t.key, "the API key"), (t.key.split("_")[-1], "the key's secret part"),
                         (t.webhook_secret, "the webhook secret")]:
        assert secret not in logs, f"{what} is in the server's log"
