# SPDX-License-Identifier: GPL-3.0-or-later
"""Line items in corrections and the sender filter, through the HTTP API and the Python client
(docs/service.md): the rows replace the line items, the rules run again, and bad bodies answer
400 saying what is wrong; GET /v1/documents?sender= lists one sender's documents."""

import json

import pytest

from sheaf_client import SheafError
from sheaf_e2e import FAST

INVOICE = b"""Invoice
Invoice number: INV-7
Seller: Kestrel Hardware Ltd
Subtotal 12.00
Total 12.00
"""


def test_line_items_are_corrected_and_judged_again(sheaf):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, *FAST)
    c = sheaf.client(srv, t.key)
    doc = c.submit(INVOICE, filename="inv.txt", content_type="text/plain")
    done = c.wait(doc["id"], timeout=60)
    assert done["status"] in ("completed", "needs_review"), done["status"]

    def post(body):
        path = (f"/v1/review/tasks/{doc['id']}" if done["status"] == "needs_review"
                else f"/v1/documents/{doc['id']}/corrections")
        return c.request("POST", path, body=json.dumps(body).encode(),
                         headers={"Content-Type": "application/json"})

    action = {"action": "correct"} if done["status"] == "needs_review" else {}
    for bad, says in (({"line_items": {}}, "must be an array"),
                      ({"line_items": [{"colour": "red"}]}, 'unknown column "colour"'),
                      ({"line_items": [{"amount": [1]}]}, "line_items[0].amount"),
                      ({"line_items": [{}] * 1001}, "at most 1000"),
                      ({"fields": {"line_items": "x"}}, "not as a field"),
                      ({}, "needs")):
        r = post({**action, **bad})
        assert r.status == 400, (bad, r.status, r.body)
        assert says in r.json()["error"]["message"], (bad, r.json())

    # Two lines adding up to 11.00 against 12.00: recorded, and the rule says they do not add up.
    rows = [{"description": "Hammer", "quantity": 1, "unit_price": "8.00", "amount": "8.00"},
            {"description": "Nails", "amount": 3}]
    if done["status"] == "needs_review":
        after = c.review(doc["id"], "correct", line_items=rows, reviewer="alice")
    else:
        after = c.correct(doc["id"], line_items=rows, reviewer="alice")
    items = after["result"]["line_items"]
    assert [{k: f["value"] for k, f in li.items()} for li in items] == [
        {"description": "Hammer", "quantity": "1", "unit_price": "8.00", "amount": "8.00"},
        {"description": "Nails", "amount": "3"}]
    rules = {r["rule"]: r for r in after["result"]["validation"]}
    assert rules["line_items_sum"]["status"] == "warn", rules
    # Corrected again (the document is completed now), adding up: the rule passes.
    again = c.correct(doc["id"], line_items=[{"description": "Hammer", "amount": "9.00"},
                                             {"description": "Nails", "amount": "3.00"}])
    rules = {r["rule"]: r for r in again["result"]["validation"]}
    assert rules["line_items_sum"]["status"] == "pass", rules


def test_documents_are_listed_by_sender(sheaf):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, *FAST)
    c = sheaf.client(srv, t.key)
    one = c.wait(c.submit(INVOICE, filename="a.txt", content_type="text/plain")["id"], timeout=60)
    other = c.wait(c.submit(INVOICE.replace(b"Kestrel Hardware", b"Osprey Timber"),
                            filename="b.txt", content_type="text/plain")["id"], timeout=60)
    key = one["result"]["sender"]["key"]
    assert key != other["result"]["sender"]["key"], (one["result"]["sender"],
                                                     other["result"]["sender"])
    assert [x["id"] for x in c.list(sender=key)["documents"]] == [one["id"]]
    assert [x["id"] for x in c.iter_documents(sender=key, status=one["status"])] == [one["id"]]
    assert c.list(sender="name:nobody")["documents"] == []
    with pytest.raises(SheafError) as e:
        c.list(sender="x" * 257)
    assert e.value.status == 400 and "256" in str(e.value)
