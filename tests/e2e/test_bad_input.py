# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad requests get the documented 4xx with {"error": {"code", "message"}}, and the service
stays up."""

import io
import json
import os
import shutil
import subprocess
import time

import pytest

from openapi_check import Spec
from sheaf_client import SheafClient
from sheaf_e2e import SOURCE_DIR, Harness, letter_png, text_letter

MB = 1024 * 1024


def pdf_of(png):
    from PIL import Image
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).save(out, "PDF")
    return out.getvalue()


def multipart(parts, boundary="b0undary", close=True):
    """parts: (name, filename or None, content bytes)."""
    out = b""
    for name, filename, content in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{boundary}\r\nContent-Disposition: {disp}\r\n\r\n".encode() + content + b"\r\n"
    if close:
        out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


@pytest.fixture(scope="module")
def spec_check():
    """(Response, method, path) -> the problems docs/openapi.yaml finds with the answer."""
    spec = Spec(os.path.join(SOURCE_DIR, "docs", "openapi.yaml"))
    return lambda resp, method, path: spec.check({
        "method": method, "path": path, "status": resp.status, "headers": resp.headers,
        "body": resp.body})


@pytest.fixture(scope="module")
def client(tmp_path_factory, exchanges):
    """A client of one server (--max-body-mb 1), shared by the cases."""
    h = Harness(tmp_path_factory.mktemp("bad"), exchanges)
    d = h.data_dir()
    t = h.tenant(d, "acme")
    srv = h.server(d, "--ocr-workers", "1", "--max-body-mb", "1",
                   "--rate-limit", "10000", "--rate-burst", "10000")
    yield h.client(srv, t.key)
    h.close()


def post(c, body, content_type, query=None, headers=None):
    return c.request("POST", "/v1/documents", body=body, query=query,
                     headers=dict({"Content-Type": content_type}, **(headers or {})))


def review(c, body, doc_id="0123456789abcdef0123456789abcdef"):
    return c.request("POST", f"/v1/review/tasks/{doc_id}", body=body,
                     headers={"Content-Type": "application/json"})


PNG = letter_png(1)
PDF = pdf_of(PNG)
MULTIPART_OPEN, MULTIPART_CT = multipart([("file", "a.txt", b"hello")], close=False)
MULTIPART_NO_FILE, _ = multipart([("priority", None, b"urgent")])

CASES = {
    # name: (request, status, code)
    "empty body": (lambda c: post(c, b"", "text/plain"), 400, "bad_request"),
    "random bytes": (lambda c: post(c, os.urandom(4096) + b"\x00", "application/octet-stream"),
                     415, "unsupported_format"),
    "truncated pdf": (lambda c: post(c, PDF[: len(PDF) // 2], "application/pdf"),
                      422, "invalid_document"),
    "png cut in its header": (lambda c: post(c, PNG[:33], "image/png"), 422, "invalid_document"),
    "body just over --max-body-mb": (lambda c: post(c, b"a" * (MB + 1), "text/plain"),
                                     413, "payload_too_large"),
    "body far over --max-body-mb": (lambda c: post(c, b"a" * (3 * MB), "text/plain"),
                                    413, "payload_too_large"),
    "malformed multipart": (lambda c: post(c, MULTIPART_OPEN, MULTIPART_CT), 400, "bad_request"),
    "multipart without file": (lambda c: post(c, MULTIPART_NO_FILE, MULTIPART_CT),
                               400, "bad_request"),
    "metadata not JSON": (lambda c: post(c, b"hi", "text/plain", {"metadata": "{bad"}),
                          400, "bad_request"),
    "metadata not an object": (lambda c: post(c, b"hi", "text/plain", {"metadata": "[1]"}),
                               400, "bad_request"),
    "unknown priority": (lambda c: post(c, b"hi", "text/plain", {"priority": "asap"}),
                         400, "bad_request"),
    "unknown type": (lambda c: post(c, b"hi", "text/plain", {"type": "passport"}),
                     422, "unknown_type"),
    "webhook_url not http": (lambda c: post(c, b"hi", "text/plain", {"webhook_url": "ftp://x"}),
                             400, "bad_request"),
    "idempotency key too long": (
        lambda c: post(c, b"hi", "text/plain", headers={"Idempotency-Key": "k" * 256}),
        400, "bad_request"),
    "review body not JSON": (lambda c: review(c, b"{not json"), 400, "bad_request"),
    "review body not an object": (lambda c: review(c, b"[1]"), 400, "bad_request"),
    "review without action": (lambda c: review(c, b'{"fields": {}}'), 400, "bad_request"),
    "review unknown action": (lambda c: review(c, b'{"action": "maybe"}'), 400, "bad_request"),
    "correct without fields": (lambda c: review(c, b'{"action": "correct"}'), 400, "bad_request"),
    "review field value an object": (
        lambda c: review(c, b'{"action": "correct", "fields": {"total": {"v": 1}}}'),
        400, "bad_request"),
    "review fields not an object": (lambda c: review(c, b'{"action": "correct", "fields": 3}'),
                                    400, "bad_request"),
    "reviewer too long": (lambda c: review(c, b'{"action": "approve", "reviewer": "%s"}'
                                         % (b"r" * 201)), 400, "bad_request"),
    "list unknown status": (lambda c: c.request("GET", "/v1/documents",
                                                query={"status": "done"}), 400, "bad_request"),
    "list limit 0": (lambda c: c.request("GET", "/v1/documents", query={"limit": "0"}),
                     400, "bad_request"),
    "list limit 1001": (lambda c: c.request("GET", "/v1/documents", query={"limit": "1001"}),
                        400, "bad_request"),
    "list limit not a number": (lambda c: c.request("GET", "/v1/documents",
                                                    query={"limit": "ten"}), 400, "bad_request"),
    "review tasks limit 0": (lambda c: c.request("GET", "/v1/review/tasks",
                                                 query={"limit": "0"}), 400, "bad_request"),
    "page 0": (lambda c: c.request("GET", "/v1/documents/abc/pages/0/text"), 400, "bad_request"),
    "page not a number": (lambda c: c.request("GET", "/v1/documents/abc/pages/one/image"),
                          400, "bad_request"),
    "unknown document": (lambda c: c.request("GET", "/v1/documents/0123456789abcdef"),
                         404, "not_found"),
}


def assert_error(resp, status, code):
    assert resp.status == status, f"expected {status} {code}, got {resp.status}: {resp.body[:300]}"
    assert resp.content_type.startswith("application/json"), resp.headers
    body = resp.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body


@pytest.mark.parametrize("name", list(CASES))
def test_bad_request_answers_documented_error(client, name):
    send, status, code = CASES[name]
    assert_error(send(client), status, code)
    assert client.health() == {"status": "ok"}


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_encrypted_pdf_is_refused(client, tmp_path):
    (tmp_path / "plain.pdf").write_bytes(PDF)
    subprocess.run(["qpdf", "--encrypt", "user-pw", "owner-pw", "256", "--",
                    str(tmp_path / "plain.pdf"), str(tmp_path / "locked.pdf")], check=True)
    resp = post(client, (tmp_path / "locked.pdf").read_bytes(), "application/pdf")
    assert_error(resp, 422, "encrypted_document")
    assert client.health() == {"status": "ok"}


def corrupt_png():
    png = bytearray(letter_png(2))
    png[200:2000] = os.urandom(1800)  # inside the image data; the header is intact
    return bytes(png)


def test_corrupt_png_never_completes(client):
    """Refused at upload (422), or accepted and then failed as invalid_document."""
    resp = post(client, corrupt_png(), "image/png", {"filename": "corrupt.png"})
    if resp.status == 202:
        doc = client.wait(resp.json()["id"], timeout=60)
        assert doc["status"] == "failed", doc["status"]
        assert doc["result"]["error"]["code"] == "invalid_document", doc["result"]["error"]
    else:
        assert_error(resp, 422, "invalid_document")
    assert client.health() == {"status": "ok"}


def test_corrupt_png_is_refused_at_upload(client):
    """A PNG with damaged image data: its chunk checksums are checked at upload, so it is
    refused with 422 before anything is stored."""
    assert_error(post(client, corrupt_png(), "image/png"), 422, "invalid_document")
    assert client.health() == {"status": "ok"}


def test_truncated_png_is_read_as_far_as_it_goes(client):
    """A PNG cut in half is accepted and read down to the cut: the page carries a warning and
    the document goes to review (docs/reliability.md, "Fuzzing and damaged input")."""
    png = letter_png(3)
    resp = post(client, png[: len(png) // 2], "image/png", {"filename": "half.png"})
    assert resp.status == 202, resp.body
    doc = client.wait(resp.json()["id"], timeout=60)
    assert doc["status"] == "needs_review", doc["status"]
    page = doc["result"]["pages"][0]
    assert any("the PNG is truncated" in w for w in page["warnings"]), page
    assert any(r.startswith("damaged_page: page 1") for r in doc["result"]["review_reasons"])
    assert client.health() == {"status": "ok"}


def test_rate_limit_answers_429_with_retry_after(sheaf):
    d = sheaf.data_dir()
    a = sheaf.tenant(d, "acme")
    b = sheaf.tenant(d, "globex")
    srv = sheaf.server(d, "--role", "api", "--rate-limit", "0.5", "--rate-burst", "2")
    ca, cb = sheaf.client(srv, a.key), sheaf.client(srv, b.key)
    statuses = [ca.request("GET", "/v1/documents").status for _ in range(2)]
    assert statuses == [200, 200]
    limited = ca.request("GET", "/v1/documents")
    assert_error(limited, 429, "rate_limited")
    retry_after = int(limited.headers["retry-after"])
    assert 1 <= retry_after <= 2
    submit = post(ca, text_letter(1), "text/plain")
    assert_error(submit, 429, "rate_limited")
    # Per tenant: another tenant is not held back; nor are the unauthenticated probes.
    assert cb.request("GET", "/v1/documents").status == 200
    assert ca.health() == {"status": "ok"}
    time.sleep(retry_after)
    assert ca.request("GET", "/v1/documents").status == 200


def test_queue_cap_answers_429_queue_full(sheaf):
    d = sheaf.data_dir()
    a = sheaf.tenant(d, "acme")
    b = sheaf.tenant(d, "globex")
    # --role api: nothing is processed, so the documents stay queued.
    srv = sheaf.server(d, "--role", "api", "--max-queued", "2",
                       "--rate-limit", "10000", "--rate-burst", "10000")
    ca, cb = sheaf.client(srv, a.key), sheaf.client(srv, b.key)
    first = ca.submit(text_letter(1), filename="1.txt", content_type="text/plain")
    ca.submit(text_letter(2), filename="2.txt", content_type="text/plain")
    full = post(ca, text_letter(3), "text/plain")
    assert_error(full, 429, "queue_full")
    assert int(full.headers["retry-after"]) >= 1
    assert len(list(ca.iter_documents())) == 2
    assert cb.submit(text_letter(4), filename="4.txt", content_type="text/plain").status_code == 202
    ca.delete(first["id"])
    assert post(ca, text_letter(5), "text/plain").status == 202
    assert ca.health() == {"status": "ok"}


def test_calls_the_status_does_not_allow_answer_409(sheaf):
    d = sheaf.data_dir()
    a = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, "--role", "api")
    c = sheaf.client(srv, a.key)
    doc = c.submit(text_letter(1), filename="1.txt", content_type="text/plain")
    assert_error(c.request("POST", f"/v1/documents/{doc['id']}/reprocess"), 409, "conflict")
    assert_error(review(c, b'{"action": "approve"}', doc["id"]), 409, "conflict")
    assert_error(c.request("GET", f"/v1/documents/{doc['id']}/pages/1/text"), 404, "not_found")
    assert c.get(doc["id"])["status"] == "queued"


def test_large_metadata_in_the_query_string_gets_a_documented_answer(client, spec_check):
    metadata = json.dumps({"note": "x" * 10000})
    resp = post(client, text_letter(9), "text/plain", {"metadata": metadata})
    assert not spec_check(resp, "POST", "/v1/documents")
    assert_error(resp, 414, "uri_too_long")
    assert "multipart" in resp.json()["error"]["message"]
