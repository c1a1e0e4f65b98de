# SPDX-License-Identifier: GPL-3.0-or-later
"""A reviewer changes a document's type through the HTTP API and the Python client
(docs/review-page.md, "Changing a document's type"): the document is read again as the new
type from its stored OCR reading; the result, the audit and the webhook carry the new type;
an unknown type is 400 naming the known ones; another tenant's key gets 404. The types a
deployment knows are listed (GET /v1/document-types), and reprocessing keeps a reviewer's
type unless asked to classify again."""

import json
import os
import shutil

import pytest

from sheaf_client import SheafError
from sheaf_e2e import FAST, SOURCE_DIR, cli, receipt_png, wait_for

# An invoice without its number and date (so it needs review as one) that names its seller.
NOT_AN_INVOICE = b"Invoice\nSeller: Kestrel Hardware Ltd\nTotal 12.00\n"


def audit(d, document_id):
    out = []
    for line in cli("audit", "list", "--tenant", "acme", "--data-dir", d).stdout.splitlines():
        e = json.loads(line)
        if e["document_id"] == document_id:
            if isinstance(e["details"], str):
                e["details"] = json.loads(e["details"])
            out.append(e)
    return out


def test_a_type_change_reads_the_document_again_and_is_exported(sheaf, webhook_receiver):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme", webhook_url=webhook_receiver.url)
    other = sheaf.tenant(d, "globex")
    srv = sheaf.server(d, *FAST)
    c = sheaf.client(srv, t.key)
    doc = c.submit(NOT_AN_INVOICE, filename="n.txt", content_type="text/plain", type="invoice")
    before = c.wait(doc["id"], timeout=60)
    assert before["status"] == "needs_review", before["result"]
    assert before["document_type"] == "invoice"

    path = f"/v1/review/tasks/{doc['id']}"

    def post(body, client=c):
        return client.request("POST", path, body=json.dumps(body).encode(),
                              headers={"Content-Type": "application/json"})

    # An unknown type: 400 naming it and the known ones; a rejection keeps its type.
    r = post({"action": "correct", "document_type": "passport"})
    assert r.status == 400, r.body
    message = r.json()["error"]["message"]
    assert '"passport"' in message and "receipt" in message and "letter" in message, message
    r = post({"action": "correct", "document_type": 7})
    assert r.status == 400, r.body
    r = post({"action": "reject", "document_type": "letter"})
    assert r.status == 400 and "rejection" in r.json()["error"]["message"], r.body
    # Another tenant's key: 404, through the API and the client.
    c2 = sheaf.client(srv, other.key)
    assert post({"action": "correct", "document_type": "letter"}, client=c2).status == 404
    with pytest.raises(SheafError) as e:
        c2.change_type(doc["id"], "letter")
    assert e.value.status == 404
    unchanged = c.get(doc["id"])
    assert (unchanged["status"], unchanged["document_type"]) == ("needs_review", "invoice")

    # A letter: the sender the reviewer names is kept, the invoice's total is not a letter's.
    after = c.change_type(doc["id"], "letter",
                          fields={"sender_name": "Kestrel Hardware Ltd", "total": "12.00"},
                          reviewer="alice")
    assert after["status"] == "completed", after["result"].get("review_reasons")
    assert after["document_type"] == "letter"
    result = c.get(doc["id"])["result"]
    assert result["document_type"]["label"] == "letter", result["document_type"]
    assert result["fields"]["sender_name"]["value"] == "Kestrel Hardware Ltd"
    assert result["fields"]["sender_name"]["source"] == "review"
    assert "total" not in result["fields"], result["fields"]
    assert result["reviewed_by"] == f"alice (key:{t.key_id})"
    assert doc["id"] in [x["id"] for x in c.list(type="letter")["documents"]]

    # Audited with the reviewer and both types, and what was dropped.
    entries = audit(d, doc["id"])
    reviewed = [e for e in entries if e["action"] == "document.reviewed"]
    assert len(reviewed) == 1, entries
    assert reviewed[0]["actor"] == f"alice (key:{t.key_id})"
    assert reviewed[0]["details"]["document_type"] == "letter"
    retyped = [e for e in entries if e["action"] == "document.retyped"]
    assert len(retyped) == 1 and retyped[0]["actor"] == f"alice (key:{t.key_id})", entries
    assert retyped[0]["details"]["previous_document_type"] == "invoice"
    assert retyped[0]["details"]["document_type"] == "letter"
    assert retyped[0]["details"]["dropped"] == ["total"]

    # The webhook carries the letter.
    def sent():
        return [json.loads(x["body"]) for x in webhook_receiver.snapshot()
                if x["event_type"] == "document.reviewed"
                and json.loads(x["body"])["document_id"] == doc["id"]]
    wait_for(lambda: sent(), 30, "the document.reviewed webhook")
    assert sent()[0]["result"]["document_type"]["label"] == "letter", sent()[0]["result"]
    assert sent()[0]["result"]["fields"]["sender_name"]["value"] == "Kestrel Hardware Ltd"


def test_a_type_change_that_still_needs_review_stays_in_the_queue(sheaf, webhook_receiver):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme", webhook_url=webhook_receiver.url)
    srv = sheaf.server(d, "--ocr-workers", "2", *FAST)
    c = sheaf.client(srv, t.key)
    # A receipt image read by Tesseract, typed as an invoice: it needs review as one.
    doc = c.submit(receipt_png(71), filename="r71.png", type="invoice")
    before = c.wait(doc["id"], timeout=90)
    assert before["status"] == "needs_review"
    alice = f"alice (key:{t.key_id})"

    # As a receipt it lacks the merchant's address: it stays in review, with the receipt's
    # fields (the reviewer's total kept, the invoice's number dropped), held for alice.
    after = c.review(doc["id"], "correct", fields={"total": "3.71", "invoice_number": "X-1"},
                     reviewer="alice", document_type="receipt")
    assert after["status"] == "needs_review", after["status"]
    assert after["document_type"] == "receipt"
    fields = after["result"]["fields"]
    assert fields["total"]["value"] == "3.71" and fields["total"]["source"] == "review"
    assert "invoice_number" not in fields
    assert "merchant_name" in fields, fields  # the receipt schema's, read again from the OCR
    tasks = {x["id"]: x for x in c.review_tasks()["tasks"]}
    assert tasks[doc["id"]]["document_type"] == "receipt"
    assert tasks[doc["id"]]["claimed_by"] == alice
    retyped = [e for e in audit(d, doc["id"]) if e["action"] == "document.retyped"]
    assert len(retyped) == 1 and retyped[0]["actor"] == alice, retyped
    assert retyped[0]["details"]["dropped"] == ["invoice_number"]
    assert retyped[0]["details"]["previous_document_type"] == "invoice"

    # bob cannot decide it while alice holds it; alice adds the address and approves.
    with pytest.raises(SheafError) as e:
        c.review(doc["id"], "approve", reviewer="bob")
    assert e.value.status == 409 and alice in e.value.message
    done = c.review(doc["id"], "correct", fields={"merchant_address": "1 High Street"},
                    reviewer="alice")
    assert done["status"] == "completed" and done["document_type"] == "receipt"

    def sent():
        return [json.loads(x["body"]) for x in webhook_receiver.snapshot()
                if x["event_type"] == "document.reviewed"
                and json.loads(x["body"])["document_id"] == doc["id"]]
    wait_for(lambda: sent(), 30, "the document.reviewed webhook")
    assert len(sent()) == 1, sent()  # the type change itself sent nothing
    body = sent()[0]
    assert body["result"]["document_type"]["label"] == "receipt"
    assert body["result"]["fields"]["total"]["value"] == "3.71"
    assert body["result"]["fields"]["merchant_address"]["value"] == "1 High Street"


PURCHASE_ORDER = """type: purchase_order
description: A buyer's order for goods, sent before the invoice.
review_threshold: 0.8
fields:
  - name: order_number
    type: id
    required: true
    labels:
      en: [order number, po number]
  - name: order_date
    type: date
"""


def test_the_deployments_own_types_are_listed_and_usable(sheaf, tmp_path):
    schemas = tmp_path / "schemas"
    shutil.copytree(os.path.join(SOURCE_DIR, "schemas"), schemas)
    (schemas / "purchase_order.yaml").write_text(PURCHASE_ORDER)
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, "--schemas", str(schemas), *FAST)
    c = sheaf.client(srv, t.key)

    types = c.document_types()
    assert [x["name"] for x in types] == ["form", "invoice", "letter", "other",
                                          "purchase_order", "receipt"], types
    po = types[4]
    assert po["description"] == "A buyer's order for goods, sent before the invoice."
    assert po["fields"] == [{"name": "order_number", "type": "id", "required": True},
                            {"name": "order_date", "type": "date", "required": False}]
    assert po["line_item_columns"] == [] and po["key_values"] is False
    assert "labels" not in json.dumps(types)
    assert sheaf.client(srv, None).request("GET", "/v1/document-types").status == 401

    # The listed name is one the API takes: a letter is changed to a purchase order.
    doc = c.submit(b"Dear Sir,\nPO number: PO-5521\nRegards\n", filename="po.txt",
                   content_type="text/plain", type="letter")
    c.wait(doc["id"], timeout=60)
    after = c.change_type(doc["id"], "purchase_order", reviewer="alice")
    assert after["document_type"] == "purchase_order", after
    assert after["result"]["document_type"]["label"] == "purchase_order"


def test_reprocessing_keeps_the_reviewers_type_unless_asked_to_classify_again(sheaf):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, *FAST)
    c = sheaf.client(srv, t.key)
    doc = c.submit(NOT_AN_INVOICE, filename="n.txt", content_type="text/plain", type="invoice")
    assert c.wait(doc["id"], timeout=60)["status"] == "needs_review"
    c.change_type(doc["id"], "letter", fields={"sender_name": "Kestrel Hardware Ltd"},
                  reviewer="alice")

    again = c.reprocess(doc["id"])
    assert again["stages"]["ingest"]["document_type_by"] == "review", again["stages"]
    redone = c.wait(doc["id"], timeout=60)
    assert redone["document_type"] == "letter", redone["result"]
    assert redone["result"]["document_type"]["label"] == "letter"
    entries = [e for e in audit(d, doc["id"]) if e["action"] == "document.reprocess"]
    assert entries[-1]["details"]["document_type"] == "letter", entries

    # Asked to classify again: the type is decided as at upload (here, the client's hint).
    c.reprocess(doc["id"], reclassify=True)
    assert c.wait(doc["id"], timeout=60)["document_type"] == "invoice"
    entries = [e for e in audit(d, doc["id"]) if e["action"] == "document.reprocess"]
    assert entries[-1]["details"]["reclassify"] is True, entries
