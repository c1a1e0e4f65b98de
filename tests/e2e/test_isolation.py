# SPDX-License-Identifier: GPL-3.0-or-later
"""Tenant isolation and authentication: another tenant's document is indistinguishable from
one that does not exist, and every /v1 route needs a valid key."""

import json
import uuid

import pytest

from sheaf_e2e import cli, letter_png, receipt_png

ROUTES = [
    # (method, path template, body)
    ("GET", "/v1/documents/{id}", None),
    ("DELETE", "/v1/documents/{id}", None),
    ("POST", "/v1/documents/{id}/reprocess", None),
    ("GET", "/v1/documents/{id}/pages/1/image", None),
    ("GET", "/v1/documents/{id}/pages/1/text", None),
    ("POST", "/v1/review/tasks/{id}", b'{"action": "approve"}'),
    ("POST", "/v1/review/tasks/{id}", b'{"action": "reject"}'),
    ("POST", "/v1/review/tasks/{id}", b'{"action": "correct", "fields": {"total": "1"}}'),
    ("PUT", "/v1/review/claims/{id}", b"{}"),
    ("DELETE", "/v1/review/claims/{id}", None),
]


@pytest.fixture
def two_tenants(sheaf):
    d = sheaf.data_dir()
    a = sheaf.tenant(d, "acme")
    b = sheaf.tenant(d, "globex")
    srv = sheaf.server(d, "--ocr-workers", "2", "--rate-limit", "10000", "--rate-burst", "10000")
    return sheaf, d, srv, a, b


def normalized(resp, doc_id):
    return resp.status, resp.body.replace(doc_id.encode(), b"<ID>")


def test_other_tenants_documents_answer_like_unknown_ones(two_tenants):
    sheaf, _, srv, a, b = two_tenants
    ca, cb = sheaf.client(srv, a.key), sheaf.client(srv, b.key)
    # A completed image document (it has a page image and text) and one waiting for review.
    done = ca.submit(letter_png(11), filename="letter.png")
    pending = ca.submit(receipt_png(12), filename="r.png", type="receipt")
    done = ca.wait(done["id"], timeout=60)
    pending = ca.wait(pending["id"], timeout=60)
    assert done["status"] == "completed"
    assert pending["status"] == "needs_review"

    for doc in (done, pending):
        unknown = uuid.uuid4().hex
        for method, template, body in ROUTES:
            theirs = cb.request(method, template.format(id=doc["id"]), body=body)
            missing = cb.request(method, template.format(id=unknown), body=body)
            assert theirs.status == 404, (method, template, theirs)
            assert theirs.json()["error"]["code"] == "not_found"
            assert normalized(theirs, doc["id"]) == normalized(missing, unknown), (method, template)

    # Nothing of A's shows up in B's lists, and nothing B tried changed A's documents.
    assert cb.list()["documents"] == []
    assert cb.review_tasks()["tasks"] == []
    assert cb.request("POST", "/v1/review/claims", body=b"{}").json()["tasks"] == []
    assert ca.get(done["id"])["status"] == "completed"
    assert ca.get(pending["id"])["status"] == "needs_review"
    assert ca.get(done["id"])["result"] == done["result"]
    assert [t["id"] for t in ca.review_tasks()["tasks"]] == [pending["id"]]
    assert len(ca.page_text(done["id"], 1)) > 0


def test_every_v1_route_needs_a_valid_key(two_tenants):
    sheaf, d, srv, a, _ = two_tenants
    ca = sheaf.client(srv, a.key)
    doc = ca.submit(letter_png(21), filename="letter.png")
    ca.wait(doc["id"], timeout=60)
    revoked = sheaf.key(d, "acme")
    assert [x["id"] for x in sheaf.client(srv, revoked).list()["documents"]] == [doc["id"]]
    cli("key", "revoke", revoked.split("_")[1], "--data-dir", d)

    key_id = a.key_id
    credentials = {
        "missing": None,
        "not bearer": "Basic " + a.key,
        "bearer without key": "Bearer ",
        "bearer lower case": "bearer " + a.key,
        "garbage": "Bearer not-a-key",
        "wrong secret": f"Bearer shf_{key_id}_{'0' * 64}",
        "unknown key id": "Bearer shf_0000000000000000_" + a.key.split("_")[2],
        "revoked": "Bearer " + revoked,
    }
    routes = [("POST", "/v1/documents", b"hello"), ("GET", "/v1/documents", None),
              ("GET", "/v1/review/tasks", None), ("POST", "/v1/review/claims", b"{}")] + ROUTES
    anon = sheaf.client(srv, None)
    for name, header in credentials.items():
        for method, template, body in routes:
            headers = {"Content-Type": "text/plain"}
            if header is not None:
                headers["Authorization"] = header
            resp = anon.request(method, template.format(id=doc["id"]), body=body, headers=headers)
            assert resp.status == 401, (name, method, template, resp)
            assert resp.json()["error"]["code"] == "unauthorized", (name, resp)
            assert resp.headers.get("www-authenticate", "").startswith("Bearer"), resp.headers
    # None of it touched the document.
    assert ca.get(doc["id"])["status"] == "completed"
    assert len(list(ca.iter_documents())) == 1
    # The health probes need no key.
    assert anon.health() == {"status": "ok"}
    assert json.loads(anon.request("GET", "/readyz").body) == {"status": "ready"}
