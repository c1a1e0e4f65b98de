# SPDX-License-Identifier: GPL-3.0-or-later
"""The Python client against a real `sheaf serve`: submit, wait, results, pages, listing,
review, idempotency, delete, reprocess."""

import concurrent.futures
import json
import os
import time

import pytest

from sheaf_client import SheafError, pointed
from sheaf_e2e import (FAST, PNG_SIGNATURE, letter_png, receipt_png, signature_ok, text_letter,
                       wait_all_final)

@pytest.fixture
def one(sheaf):
    """A server with one tenant: (harness, server, tenant, client)."""
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, "--ocr-workers", "2", *FAST)
    return sheaf, srv, t, sheaf.client(srv, t.key)


def test_pointed_is_a_value_with_its_page_and_box_and_refuses_a_box_of_other_than_four():
    assert pointed("10.50", 2, [600, 900, 708.5, 924]) == {
        "value": "10.50", "page": 2, "bbox": [600.0, 900.0, 708.5, 924.0]}
    with pytest.raises(ValueError, match="bbox"):
        pointed("10.50", 1, [600, 900, 708])


def test_submit_wait_result_pages(one, tmp_path):
    _, _, _, c = one
    path = tmp_path / "letter.png"
    path.write_bytes(letter_png(4242))
    doc = c.submit(str(path), metadata={"batch": 7})
    assert doc.status_code == 202
    assert doc.headers["location"] == "/v1/documents/" + doc["id"]
    assert doc["status"] in ("queued", "processing")
    assert doc["filename"] == "letter.png" and doc["content_type"] == "image/png"
    assert doc["metadata"] == {"batch": 7}
    assert doc["priority"] == "normal"

    done = c.wait(doc["id"], timeout=60)
    assert done["status"] == "completed", done.get("result", {}).get("review_reasons")
    assert done["document_type"] == "letter"
    for stage in ("queued", "ocr", "classify", "extract", "validate"):
        assert stage in done["stages"], done["stages"]
    result = c.result(doc["id"])
    assert result["status"] == "completed"
    assert result["pages"][0]["source"] == "ocr"
    assert result["sha256"] == done["sha256"]

    text = c.page_text(doc["id"], 1)
    assert "enquiry is 4242." in text
    png = c.page_image(doc["id"], 1)
    assert png.startswith(PNG_SIGNATURE)
    with pytest.raises(SheafError) as e:
        c.page_text(doc["id"], 2)
    assert e.value.status == 404 and e.value.code == "not_found"


def test_multipart_upload_carries_its_parameters(one):
    _, _, _, c = one
    doc = c.submit(text_letter(1), filename="letter.txt", content_type="text/plain",
                   priority="high", metadata={"k": "v"}, multipart=True)
    assert doc.status_code == 202
    assert doc["filename"] == "letter.txt"
    assert doc["priority"] == "high"
    assert doc["metadata"] == {"k": "v"}
    done = c.wait(doc["id"], timeout=30)
    assert done["status"] == "completed"
    assert "enquiry is 1." in c.page_text(doc["id"], 1)


def test_list_follows_cursors_newest_first(one):
    _, _, _, c = one
    ids = [c.submit(text_letter(100 + n), filename=f"l{n}.txt", content_type="text/plain")["id"]
           for n in range(7)]
    pages = []
    cursor = None
    while True:
        page = c.list(limit=3, cursor=cursor)
        pages.append(page["documents"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(pages) < 10, "the cursor does not advance"
    assert [len(p) for p in pages][:2] == [3, 3]
    listed = [d["id"] for p in pages for d in p]
    assert sorted(listed) == sorted(ids), "each document exactly once"
    assert listed == list(reversed(ids)), "newest first"
    assert [d["id"] for d in c.iter_documents(limit=2)] == listed

    wait_all_final(c, ids, timeout=30)
    completed = [d["id"] for d in c.iter_documents(status="completed", limit=4)]
    assert sorted(completed) == sorted(ids)
    assert [d["id"] for d in c.iter_documents(type="letter")] == listed
    assert c.list(status="failed")["documents"] == []


def test_type_hint_skips_classification(one):
    """openapi.yaml: `type` is "a document type (a schema name) to skip classification"."""
    _, _, _, c = one
    body = b"INVOICE\nInvoice number: INV-77\nTotal: 12.00 EUR\n"
    doc = c.submit(body, filename="note.txt", content_type="text/plain", type="receipt")
    assert doc["type_hint"] == "receipt"
    done = c.wait(doc["id"], timeout=30)
    assert done["document_type"] == "receipt", (
        f"type=receipt was given, but the document was typed {done['document_type']!r}: "
        f"{done['result'].get('document_type')}")
    assert done["result"]["document_type"] == {"label": "receipt", "confidence": 1.0}


def test_document_types_are_the_servers_schemas(one):
    """document_types(): GET /v1/document-types, the shipped schemas with their fields."""
    _, _, _, c = one
    types = {t["name"]: t for t in c.document_types()}
    assert sorted(types) == ["form", "invoice", "letter", "other", "receipt"], types
    receipt = {f["name"]: f for f in types["receipt"]["fields"]}
    assert receipt["total"] == {"name": "total", "type": "money", "required": True}, receipt
    assert types["receipt"]["line_item_columns"] == ["description", "quantity", "unit_price",
                                                     "amount"]
    assert types["form"]["key_values"] is True and types["form"]["fields"] == []
    # Each listed name is a type the server takes as a hint.
    doc = c.submit(b"Dear Sir,\nThank you.\n", filename="l.txt", content_type="text/plain",
                   type="letter")
    assert c.wait(doc["id"], timeout=30)["document_type"] == "letter"


def test_review_correct_and_reject(sheaf, webhook_receiver):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, "--ocr-workers", "2", *FAST)
    c = sheaf.client(srv, t.key)
    a = c.submit(receipt_png(1), filename="r1.png", type="receipt",
                 webhook_url=webhook_receiver.url)
    b = c.submit(receipt_png(2), filename="r2.png", type="receipt",
                 webhook_url=webhook_receiver.url)
    for doc in (a, b):
        done = c.wait(doc["id"], timeout=60)
        assert done["status"] == "needs_review", done["result"]

    tasks = c.review_tasks()
    by_id = {task["id"]: task for task in tasks["tasks"]}
    assert set(by_id) == {a["id"], b["id"]}
    assert tasks["next_cursor"] is None
    for task in by_id.values():
        assert task["status"] == "needs_review"
        assert task["review_reasons"], task
    page1 = c.review_tasks(limit=1)
    assert len(page1["tasks"]) == 1 and page1["next_cursor"]
    page2 = c.review_tasks(limit=1, cursor=page1["next_cursor"])
    assert {page1["tasks"][0]["id"], page2["tasks"][0]["id"]} == {a["id"], b["id"]}

    fixed = c.review(a["id"], "correct",
                     fields={"total": "99.50", "merchant_address": "1 High Street"},
                     reviewer="alice")
    assert fixed["status"] == "completed"
    for doc in (fixed, c.get(a["id"])):
        total = doc["result"]["fields"]["total"]
        assert total["value"] == "99.50" and total["source"] == "review"
        assert total["confidence"] == 1
        assert doc["result"]["fields"]["merchant_address"]["value"] == "1 High Street"
        assert doc["result"]["status"] == "completed"
        assert doc["result"]["reviewed_by"].startswith("alice")

    rejected = c.review(b["id"], "reject")
    assert rejected["status"] == "rejected"
    assert c.get(b["id"])["status"] == "rejected"
    assert c.review_tasks()["tasks"] == []

    # A rejected document is settled: no decision applies to it any more.
    for action, fields in (("approve", None), ("correct", {"total": "1.00"})):
        with pytest.raises(SheafError) as e:
            c.review(b["id"], action, fields=fields)
        assert e.value.status == 409 and e.value.code == "conflict"
    assert c.get(b["id"])["status"] == "rejected"

    # Each decision is sent to the document's webhook, signed with the tenant's secret.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        events = {(json.loads(x["body"])["document_id"], x["event_type"])
                  for x in webhook_receiver.snapshot()}
        if {(a["id"], "document.reviewed"), (b["id"], "document.rejected")} <= events:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"review webhooks not delivered in 30 s; got {sorted(events)}")
    for delivery in webhook_receiver.snapshot():
        assert signature_ok(t.webhook_secret, delivery), delivery
        body = json.loads(delivery["body"])
        if delivery["event_type"] == "document.reviewed":
            assert body["status"] == "completed"
            assert body["result"]["fields"]["total"]["value"] == "99.50"


def test_idempotency_key_replays_until_deleted(one):
    _, _, _, c = one
    first = c.submit(text_letter(7), filename="a.txt", content_type="text/plain",
                     idempotency_key="order-7")
    assert first.status_code == 202 and not first.replayed
    again = c.submit(text_letter(8), filename="b.txt", content_type="text/plain",
                     idempotency_key="order-7")
    assert again.status_code == 200 and again.replayed
    assert again["id"] == first["id"]
    assert again["filename"] == "a.txt"
    assert [d["id"] for d in c.iter_documents()] == [first["id"]]

    c.wait(first["id"], timeout=30)
    c.delete(first["id"])
    for call in (lambda: c.get(first["id"]), lambda: c.delete(first["id"]),
                 lambda: c.page_text(first["id"], 1)):
        with pytest.raises(SheafError) as e:
            call()
        assert e.value.status == 404 and e.value.code == "not_found"
    assert list(c.iter_documents()) == []

    # The key is freed with the document.
    fresh = c.submit(text_letter(9), filename="c.txt", content_type="text/plain",
                     idempotency_key="order-7")
    assert fresh.status_code == 202 and fresh["id"] != first["id"]


def test_reprocess_runs_the_pipeline_again(one):
    _, _, _, c = one
    doc = c.submit(letter_png(77), filename="l.png")
    done = c.wait(doc["id"], timeout=60)
    assert done["status"] == "completed"
    first_ocr = done["stages"]["ocr"]["finished_at"]

    again = c.reprocess(doc["id"])
    assert again.status_code == 202
    assert again["status"] in ("queued", "processing")
    assert again["stages"]["ingest"].get("reprocess") is True
    redone = c.wait(doc["id"], timeout=60)
    assert redone["status"] == "completed"
    assert redone["stages"]["ocr"]["finished_at"] > first_ocr
    assert redone["result"]["status"] == "completed"
    assert "enquiry is 77." in c.page_text(doc["id"], 1)


def test_page_image_of_a_text_file_is_a_conflict(one):
    _, _, _, c = one
    doc = c.submit(text_letter(3), filename="l.txt", content_type="text/plain")
    c.wait(doc["id"], timeout=30)
    with pytest.raises(SheafError) as e:
        c.page_image(doc["id"], 1)
    assert e.value.status == 409 and e.value.code == "conflict"


def test_health_ready_metrics(one):
    _, _, _, c = one
    assert c.health() == {"status": "ok"}
    assert c.ready() == {"status": "ready"}
    doc = c.submit(text_letter(5), filename="l.txt", content_type="text/plain")
    c.wait(doc["id"], timeout=30)
    metrics = c.metrics()
    assert "# TYPE" in metrics
    assert "sheaf_" in metrics


def test_submit_retries_429_after_retry_after(sheaf):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, "--role", "api", "--rate-limit", "1", "--rate-burst", "1")
    c = sheaf.client(srv, t.key, retries_429=3)
    c.submit(text_letter(1), filename="a.txt", content_type="text/plain")
    t0 = time.monotonic()
    second = c.submit(text_letter(2), filename="b.txt", content_type="text/plain")
    assert second.status_code == 202
    assert time.monotonic() - t0 >= 0.5, "the second submit should have waited for a token"


def test_concurrent_uploads_with_one_idempotency_key_make_one_document(one):
    _, _, _, c = one
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        docs = list(pool.map(
            lambda n: c.submit(text_letter(500 + n), filename=f"{n}.txt",
                               content_type="text/plain", idempotency_key="same"), range(16)))
    assert sorted(d.status_code for d in docs) == [200] * 15 + [202]
    assert len({d["id"] for d in docs}) == 1
    assert all(d.replayed for d in docs if d.status_code == 200)
    assert [d["id"] for d in c.iter_documents()] == [docs[0]["id"]]


def test_cursor_pages_are_stable_while_documents_arrive(one):
    _, _, _, c = one
    old = [c.submit(text_letter(600 + n), filename=f"{n}.txt", content_type="text/plain")["id"]
           for n in range(5)]
    first = c.list(limit=2)
    new = [c.submit(text_letter(700 + n), filename=f"n{n}.txt", content_type="text/plain")["id"]
           for n in range(3)]
    seen = [d["id"] for d in first["documents"]]
    cursor = first["next_cursor"]
    while cursor:
        page = c.list(limit=2, cursor=cursor)
        seen += [d["id"] for d in page["documents"]]
        cursor = page["next_cursor"]
    assert seen == list(reversed(old)), "older pages neither repeat nor skip documents"
    assert [d["id"] for d in c.list(limit=3)["documents"]] == list(reversed(new))


def test_review_queue_is_urgent_first_then_oldest(one):
    _, _, _, c = one
    a = c.submit(receipt_png(41), filename="a.png", type="receipt")
    b = c.submit(receipt_png(42), filename="b.png", type="receipt")
    u = c.submit(receipt_png(43), filename="u.png", type="receipt", priority="urgent")
    wait_all_final(c, [a["id"], b["id"], u["id"]], timeout=60, poll=0.2)
    assert [t["id"] for t in c.review_tasks()["tasks"]] == [u["id"], a["id"], b["id"]]


def delete_while_processing(c):
    """Submits 5 pages to 2 OCR workers and deletes 4 of them at once (some mid-OCR).
    Returns the ids of the deleted ones once the kept one is done."""
    keep = c.submit(letter_png(51), filename="keep.png")
    gone = [c.submit(letter_png(52 + n), filename=f"gone{n}.png")["id"] for n in range(4)]
    for doc_id in gone:
        c.delete(doc_id)
    assert c.wait(keep["id"], timeout=60)["status"] == "completed"
    time.sleep(1)  # whatever the stages still held for the deleted ones has been handled
    assert [d["id"] for d in c.iter_documents()] == [keep["id"]]
    return gone


def files_of(data_dir, doc_ids):
    """Files under DIR/blobs whose path names one of the ids."""
    out = []
    for root, _, files in os.walk(os.path.join(data_dir, "blobs")):
        out += [os.path.join(root, f) for f in files
                if any(i in os.path.join(root, f) for i in doc_ids)]
    return out


def test_delete_while_processing_answers_404_after(one):
    _, _, _, c = one
    for doc_id in delete_while_processing(c):
        for call in (c.get, c.reprocess, lambda i: c.page_text(i, 1)):
            with pytest.raises(SheafError) as e:
                call(doc_id)
            assert e.value.status == 404


def test_delete_while_processing_leaves_no_derived_data(one):
    _, srv, _, c = one
    gone = delete_while_processing(c)
    left = files_of(srv.data_dir, gone)
    assert not left, f"files of deleted documents are left: {left}"


def test_export_dir_gets_finished_results(sheaf, tmp_path):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    exports = tmp_path / "exports"
    srv = sheaf.server(d, "--ocr-workers", "2", "--export-dir", str(exports), *FAST)
    c = sheaf.client(srv, t.key)
    done = c.submit(text_letter(61), filename="l.txt", content_type="text/plain")
    pending = c.submit(receipt_png(62), filename="r.png", type="receipt")
    wait_all_final(c, [done["id"], pending["id"]], timeout=60, poll=0.2)
    assert c.get(pending["id"])["status"] == "needs_review"
    path_done = exports / t.id / f"{done['id']}.json"
    path_pending = exports / t.id / f"{pending['id']}.json"

    def wait_file(path, check=lambda j: True):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if path.exists():
                j = json.loads(path.read_text())
                if check(j):
                    return j
            time.sleep(0.1)
        pytest.fail(f"{path} not exported (as expected) within 20 s")

    assert wait_file(path_done)["status"] == "completed"
    assert not path_pending.exists(), "a document waiting for review is not finished"
    c.review(pending["id"], "correct", fields={"merchant_address": "2 Low Road"})
    j = wait_file(path_pending, lambda j: j.get("status") == "completed")
    assert j["fields"]["merchant_address"]["source"] == "review"


def test_claim_and_release_review_tasks(sheaf):
    """claim_review_tasks, claim_review and release_review (PUT/DELETE /v1/review/claims/{id})
    hold documents for one reviewer at a time; another tenant's key cannot see them."""
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    other = sheaf.tenant(d, "globex")
    srv = sheaf.server(d, "--ocr-workers", "2", *FAST)
    c = sheaf.client(srv, t.key)
    ids = []
    for n in (61, 62):  # in this order in the queue
        doc = c.submit(receipt_png(n), filename=f"r{n}.png", type="receipt")
        assert c.wait(doc["id"], timeout=60)["status"] == "needs_review"
        ids.append(doc["id"])
    alice = "alice (key:" + t.key_id + ")"

    held = c.claim_review(ids[0], lease_seconds=60, reviewer="alice")
    assert held["id"] == ids[0] and held["claimed_by"] == alice == held["reviewer"], held
    assert held["claim_expires_at"], held
    with pytest.raises(SheafError) as e:
        c.claim_review(ids[0], reviewer="bob")
    assert e.value.status == 409 and alice in e.value.message, e.value
    # bob is handed the document alice does not hold.
    got = c.claim_review_tasks(max_tasks=5, lease_seconds=60, reviewer="bob")
    assert [x["id"] for x in got["tasks"]] == [ids[1]], got
    assert got["reviewer"] == "bob (key:" + t.key_id + ")"
    # Only the holder gives a hold back.
    with pytest.raises(SheafError) as e:
        c.release_review(ids[0], reviewer="bob")
    assert e.value.status == 409, e.value
    c.release_review(ids[0], reviewer="alice")
    c.release_review(ids[0], reviewer="alice")  # not held: nothing happens
    by_id = {x["id"]: x for x in c.review_tasks()["tasks"]}
    assert by_id[ids[0]]["claimed_by"] is None, by_id
    assert by_id[ids[1]]["claimed_by"] == "bob (key:" + t.key_id + ")", by_id

    # Another tenant's key: 404 for both calls, and nothing changes.
    c2 = sheaf.client(srv, other.key)
    for call in (lambda: c2.claim_review(ids[0]), lambda: c2.release_review(ids[1])):
        with pytest.raises(SheafError) as e:
            call()
        assert e.value.status == 404, e.value
    assert c2.claim_review_tasks()["tasks"] == []
    assert {x["id"]: x["claimed_by"] for x in c.review_tasks()["tasks"]}[ids[1]] is not None
