# SPDX-License-Identifier: GPL-3.0-or-later
"""The review page in a real headless Chromium (web/tests/review_flow.mjs): sign in, upload a
receipt, see it in the inbox, open it, correct the total and the line items with the keyboard,
approve; correct the completed document again from the Documents screen and filter the list by
its sender; then the API's result, the corrections, the audit and the webhooks carry them. Needs Debian's chromium and `npm ci` in web/
(scripts/install-deps.sh). SHEAF_SCREENSHOTS=DIR keeps the screenshots (scripts/screenshots.sh)."""

import json
import os
import shutil
import subprocess
import time
import urllib.parse
import urllib.request

import pytest
import sheaf_e2e  # noqa: E402  (tests/e2e, put on the path by conftest.py)

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
               SHEAF_SCREENSHOTS=shots, SHEAF_TOTAL="123.45", SHEAF_TOTAL2="123.46",
               CHROMIUM=CHROMIUM)
    run = subprocess.run(["node", os.path.join(WEB, "tests", "review_flow.mjs")], cwd=WEB,
                         env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    doc_id = out["document_id"]
    for name in ("signin", "upload", "inbox", "review", "documents", "documents-edit",
                 "operations"):
        assert os.path.getsize(os.path.join(shots, name + ".png")) > 10000, name

    # The API's result carries the corrections, by the reviewer (the key the page signed in
    # with): the Documents screen's total (after the review's), and the review's line items.
    c = sheaf.client(srv, t.key)
    doc = c.request("GET", f"/v1/documents/{doc_id}").json()
    assert doc["status"] == "completed", doc["status"]
    total = doc["result"]["fields"]["total"]
    assert total["source"] == "review", total
    assert str(total["value"]) == "123.46", total
    items = doc["result"]["line_items"]
    rows = [{k: f["value"] for k, f in li.items()} for li in items]
    assert {"description": "Glue stick", "quantity": "2", "unit_price": "1.50",
            "amount": "3.00"} in rows, rows
    assert rows == out["line_items"], (rows, out["line_items"])
    assert out["deleted_line"] not in rows, rows  # the line deleted in the browser
    assert all(f["source"] == "review" for li in items for f in li.values()), items
    # The rules ran again over the corrected line items.
    rules = {r["rule"]: r for r in doc["result"]["validation"]}
    assert "line_items_sum" in rules or "total" not in doc["result"]["fields"], rules
    # The audit: the review by the page's key, with the number of line items it left; then the
    # Documents screen's correction.
    audit = [json.loads(x) for x in sheaf_e2e.cli("audit", "list", "--tenant", "acme",
                                                  "--data-dir", d).stdout.splitlines()]
    reviews = [e for e in audit
               if e["action"] == "document.reviewed" and e["document_id"] == doc_id]
    assert len(reviews) == 2, reviews
    details = [e["details"] if isinstance(e["details"], dict) else json.loads(e["details"])
               for e in reviews]
    assert details[0]["line_items"] == len(rows), details
    assert "line_items" not in details[1], details  # the second corrected the total only
    assert all(e["actor"] == "key:" + t.key.split("_")[1] for e in reviews), reviews
    # The document lists under its sender, and not under another.
    assert out["sender"], out
    listed = c.request("GET", "/v1/documents?" + urllib.parse.urlencode(
        {"sender": out["sender"]})).json()["documents"]
    assert doc_id in [d["id"] for d in listed], listed
    assert doc["result"]["sender"]["key"] == out["sender"], doc["result"]["sender"]
    nobody = c.request("GET", "/v1/documents?sender=name%3Anobody").json()["documents"]
    assert nobody == [], nobody

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
    assert "Glue stick" in json.dumps(body["result"]["line_items"]), body["result"]["line_items"]
    # And the Documents screen's correction: document.corrected.
    corrected = None
    for _ in range(600):
        corrected = next((x for x in webhook_receiver.snapshot()
                          if x["event_type"] == "document.corrected"), None)
        if corrected:
            break
        time.sleep(0.1)
    assert corrected is not None, [x["event_type"] for x in webhook_receiver.snapshot()]
    assert json.loads(corrected["body"])["result"]["fields"]["total"]["value"] == "123.46"


def test_two_reviewers_each_get_a_document_the_other_does_not_hold(sheaf):
    """web/tests/claims_flow.mjs: two sessions, two keys of one tenant. Opening a document
    claims it; the other reviewer sees who holds it and is given the next one instead."""
    need_browser()
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    key_b = sheaf.key(d, "acme")
    srv = sheaf.server(d, "--ocr-workers", "2")
    c = sheaf.client(srv, t.key)
    ids = []
    for n in (41, 42):  # in this order in the queue (same priority, oldest first)
        doc = c.submit(sheaf_e2e.receipt_png(n), filename=f"r{n}.png", type="receipt")
        assert c.wait(doc["id"], timeout=90)["status"] == "needs_review"
        ids.append(doc["id"])
    env = dict(os.environ, SHEAF_URL=srv.url, SHEAF_KEY=t.key, SHEAF_KEY2=key_b,
               SHEAF_FIRST=ids[0], SHEAF_SECOND=ids[1], CHROMIUM=CHROMIUM)
    run = subprocess.run(["node", os.path.join(WEB, "tests", "claims_flow.mjs")], cwd=WEB,
                         env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    key_a = "key:" + t.key_id
    assert out["a_reviewer"] == key_a
    assert out["b_opened"] == ids[1], out  # not the document A held
    assert out["held_text"].startswith("held by " + key_a + " until "), out
    assert key_a in out["other_text"], out

    # Through the API: A's approval is recorded with A's key; B gave its document back.
    first = c.request("GET", f"/v1/documents/{ids[0]}").json()
    assert first["status"] == "completed", first["status"]
    assert first["result"]["reviewed_by"] == key_a, first["result"].get("reviewed_by")
    tasks = c.request("GET", "/v1/review/tasks").json()["tasks"]
    assert [(x["id"], x["claimed_by"]) for x in tasks] == [(ids[1], None)], tasks
    # One decision on each document at most: A's, on A's; none on B's (B only looked).
    audit = [json.loads(x) for x in sheaf_e2e.cli("audit", "list", "--tenant", "acme",
                                                  "--data-dir", d).stdout.splitlines()]
    reviews = [(e["document_id"], e["actor"]) for e in audit
               if e["action"] == "document.reviewed"]
    assert reviews == [(ids[0], key_a)], reviews


def test_a_reviewer_changes_a_documents_type_in_the_browser(sheaf, webhook_receiver):
    """web/tests/retype_flow.mjs: a receipt in review is made an invoice from the type select
    (keyboard, with a confirmation); as an invoice it still needs review (no invoice number),
    so the screen reloads with the invoice's fields, still held by the reviewer, who approves
    it; the API, the audit and the webhook then carry the new type."""
    need_browser()
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme", webhook_url=webhook_receiver.url)
    srv = sheaf.server(d, "--ocr-workers", "2")
    c = sheaf.client(srv, t.key)
    doc = c.submit(sheaf_e2e.receipt_png(51), filename="r51.png", type="receipt")
    before = c.wait(doc["id"], timeout=90)
    assert before["status"] == "needs_review", before["status"]
    assert before["document_type"] == "receipt"
    assert "merchant_name" in before["result"]["fields"], before["result"]["fields"]
    env = dict(os.environ, SHEAF_URL=srv.url, SHEAF_KEY=t.key, SHEAF_DOCUMENT=doc["id"],
               SHEAF_TYPE="invoice", SHEAF_TOTAL="3.99", CHROMIUM=CHROMIUM)
    run = subprocess.run(["node", os.path.join(WEB, "tests", "retype_flow.mjs")], cwd=WEB,
                         env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["type_before"] == "receipt", out
    # The reloaded form is the invoice's, still in review: the total kept, the merchant gone.
    assert out["status_after"] == "needs_review" and out["approved"], out
    assert out["total"] == "3.99", out
    assert "total" in out["fields_after"] and "merchant_name" not in out["fields_after"], out

    # Through the API: a completed invoice, read again as one, with the page's key as reviewer.
    key_a = "key:" + t.key_id
    after = c.get(doc["id"])
    assert after["status"] == "completed", after["status"]
    assert after["document_type"] == "invoice", after["document_type"]
    assert after["result"]["document_type"]["label"] == "invoice", after["result"]["document_type"]
    assert after["result"]["fields"]["total"]["value"] == "3.99", after["result"]["fields"]
    assert after["result"]["fields"]["total"]["source"] == "review"
    assert "merchant_name" not in after["result"]["fields"], after["result"]["fields"]
    assert after["result"]["reviewed_by"] == key_a
    # The audit names the reviewer and the type change, then the approval.
    audit = [json.loads(x) for x in sheaf_e2e.cli("audit", "list", "--tenant", "acme",
                                                  "--data-dir", d).stdout.splitlines()]
    details = lambda e: (e["details"] if isinstance(e["details"], dict)  # noqa: E731
                         else json.loads(e["details"]))
    mine = [e for e in audit if e["document_id"] == doc["id"] and e["actor"] == key_a]
    changes = [details(e) for e in mine if e["action"] == "document.retyped"]
    assert len(changes) == 1, mine
    assert (changes[0]["previous_document_type"], changes[0]["document_type"]) == (
        "receipt", "invoice"), changes
    assert changes[0]["to"] == "needs_review" and changes[0]["fields"] == ["total"], changes
    assert [e["action"] for e in mine].count("document.reviewed") == 1, mine
    # The webhook carries the invoice.
    def reviewed():
        for x in webhook_receiver.snapshot():
            body = json.loads(x["body"])
            if x["event_type"] == "document.reviewed" and body["document_id"] == doc["id"]:
                return body
        return None
    sheaf_e2e.wait_for(lambda: reviewed() is not None, 30, "the document.reviewed webhook")
    assert reviewed()["result"]["document_type"]["label"] == "invoice", reviewed()["result"]
    assert reviewed()["result"]["fields"]["total"]["value"] == "3.99"


# A type of the deployment's own (tests/e2e/test_retype.py has the same): the Documents screen
# must offer it, so the page's types come from GET /v1/document-types, not a fixed list.
PURCHASE_ORDER = """type: purchase_order
description: A buyer's order for goods, sent before the invoice.
review_threshold: 0.8
fields:
  - name: order_number
    type: id
    labels:
      en: [order number, po number]
"""


def test_a_completed_documents_type_is_changed_from_the_documents_screen(sheaf, webhook_receiver,
                                                                        tmp_path):
    """web/tests/documents_retype_flow.mjs: a completed letter is made a purchase order (a type
    of this deployment's own) from the Documents screen with the keyboard (Escape takes the
    question back first); the API, the audit and the webhook then carry the new type."""
    need_browser()
    schemas = tmp_path / "schemas"
    shutil.copytree(os.path.join(ROOT, "schemas"), schemas)
    (schemas / "purchase_order.yaml").write_text(PURCHASE_ORDER)
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme", webhook_url=webhook_receiver.url)
    srv = sheaf.server(d, "--schemas", str(schemas))
    c = sheaf.client(srv, t.key)
    doc = c.submit(b"Dear Ms Okafor,\nThank you for your order.\nPO number: PO-5521\n"
                   b"Yours sincerely,\nJ. Smith\n", filename="po.txt", content_type="text/plain",
                   type="letter")
    before = c.wait(doc["id"], timeout=60)
    assert before["status"] == "completed", before["result"].get("review_reasons")
    env = dict(os.environ, SHEAF_URL=srv.url, SHEAF_KEY=t.key, SHEAF_DOCUMENT=doc["id"],
               SHEAF_TYPE="purchase_order", CHROMIUM=CHROMIUM)
    run = subprocess.run(["node", os.path.join(WEB, "tests", "documents_retype_flow.mjs")],
                         cwd=WEB, env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["options"] == [x["name"] for x in c.document_types()], out
    assert "purchase_order" in out["options"], out
    assert out["type_before"] == "letter" and out["listed_type"] == "purchase_order", out
    # The question before the change says what a purchase order is and reads (its schema).
    assert ("A buyer's order for goods, sent before the invoice. Its fields: order_number."
            in out["question"]), out["question"]
    # Without the listing, the shipped types (web/src/dom.js) and the document's own.
    assert out["fallback_options"] == ["purchase_order", "invoice", "receipt", "letter", "form",
                                       "other"], out

    # Through the API: read again as a purchase order, by the page's key.
    key_a = "key:" + t.key_id
    after = c.get(doc["id"])
    assert after["document_type"] == "purchase_order", after["document_type"]
    assert after["result"]["document_type"]["label"] == "purchase_order"
    assert sorted(out["fields_after"]) == sorted(after["result"]["fields"]), out
    audit = [json.loads(x) for x in sheaf_e2e.cli("audit", "list", "--tenant", "acme",
                                                  "--data-dir", d).stdout.splitlines()]
    details = lambda e: (e["details"] if isinstance(e["details"], dict)  # noqa: E731
                         else json.loads(e["details"]))
    changes = [details(e) for e in audit if e["document_id"] == doc["id"]
               and e["action"] == "document.retyped" and e["actor"] == key_a]
    assert len(changes) == 1, audit
    assert (changes[0]["previous_document_type"], changes[0]["document_type"]) == (
        "letter", "purchase_order"), changes
    # The purchase order's one field is read from "PO number: PO-5521", so it needs no review:
    # the change completes it and it is exported again as a correction, with the new type.
    assert after["status"] == "completed", after["result"].get("review_reasons")
    assert after["result"]["fields"]["order_number"]["value"] == "PO-5521", after["result"]
    assert (changes[0]["from"], changes[0]["to"]) == ("completed", "completed"), changes

    def corrected():
        for x in webhook_receiver.snapshot():
            body = json.loads(x["body"])
            if x["event_type"] == "document.corrected" and body["document_id"] == doc["id"]:
                return body
        return None
    sheaf_e2e.wait_for(lambda: corrected() is not None, 30, "the document.corrected webhook")
    assert corrected()["result"]["document_type"]["label"] == "purchase_order"
    assert corrected()["result"]["fields"]["order_number"]["value"] == "PO-5521"


def test_a_type_changed_from_the_documents_screen_leaves_a_review_document_to_anyone(sheaf):
    """A document in review whose type is changed from Documents (no one is reviewing it there)
    is read again as the new type, stays in review, and is not held for the page's key: the
    review correction's hold is given back, so any reviewer can take it up."""
    need_browser()
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d)
    c = sheaf.client(srv, t.key)
    doc = c.submit(b"INVOICE\nThank you for your business.\n", filename="short.txt",
                   content_type="text/plain", type="invoice")
    before = c.wait(doc["id"], timeout=60)
    assert before["status"] == "needs_review", before["status"]
    env = dict(os.environ, SHEAF_URL=srv.url, SHEAF_KEY=t.key, SHEAF_DOCUMENT=doc["id"],
               SHEAF_TYPE="receipt", CHROMIUM=CHROMIUM)
    run = subprocess.run(["node", os.path.join(WEB, "tests", "documents_retype_flow.mjs")],
                         cwd=WEB, env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    after = c.get(doc["id"])
    assert after["document_type"] == "receipt" and after["status"] == "needs_review", after
    task = {x["id"]: x for x in c.review_tasks()["tasks"]}[doc["id"]]
    assert task["claimed_by"] is None, task


def test_a_document_is_processed_again_from_the_documents_screen(sheaf):
    """web/tests/documents_reprocess_flow.mjs: a letter a reviewer made a form is processed again
    from Documents with the keyboard, asked to decide its type again (Escape takes the first
    question back and sends nothing); the detail and the list follow the run through the live
    events, and the API and the audit say it was read again, as a letter, by the page's key."""
    need_browser()
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d)
    c = sheaf.client(srv, t.key)
    doc = c.submit(b"Dear Ms Okafor,\nThank you for your letter of 3 May.\nYours sincerely,\n"
                   b"J. Smith\n", filename="reply.txt", content_type="text/plain", type="letter")
    assert c.wait(doc["id"], timeout=60)["status"] == "completed"
    c.change_type(doc["id"], "form", reviewer="alice")
    assert c.get(doc["id"])["document_type"] == "form"
    env = dict(os.environ, SHEAF_URL=srv.url, SHEAF_KEY=t.key, SHEAF_DOCUMENT=doc["id"],
               CHROMIUM=CHROMIUM)
    run = subprocess.run(["node", os.path.join(WEB, "tests", "documents_reprocess_flow.mjs")],
                         cwd=WEB, env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["type_before"] == "form", out
    # Decided again as at upload: the client's hint, a letter.
    assert out["type_after"] == "letter" and out["listed_type"] == "letter", out
    after = c.wait(doc["id"], timeout=60)
    assert after["document_type"] == "letter" and after["status"] == out["status_after"], (after, out)

    audit = [json.loads(x) for x in sheaf_e2e.cli("audit", "list", "--tenant", "acme",
                                                  "--data-dir", d).stdout.splitlines()]
    details = lambda e: (e["details"] if isinstance(e["details"], dict)  # noqa: E731
                         else json.loads(e["details"]))
    runs = [e for e in audit if e["document_id"] == doc["id"] and e["action"] == "document.reprocess"]
    assert len(runs) == 1, runs  # the question taken back with Escape sent nothing
    assert runs[0]["actor"] == "key:" + t.key_id, runs
    assert details(runs[0])["reclassify"] is True, runs


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


def receipt_png(date, items, paid):
    """A till receipt of one made-up shop (drawn here, nothing copied): the total is printed
    beside "Settlement", a label no schema knows, and the cash paid (more) below it, so the
    built-in extractor takes the cash for the total."""
    import io
    from PIL import Image, ImageDraw, ImageFont
    total = sum(a for _, a in items)
    rows = [("KESTREL HARDWARE", None), ("14 Quarry Lane, Harrogate HG1 2QT", None),
            ("Tel 01423 555 019", None), ("", None), (f"Date {date}", None), ("", None)]
    rows += [(d, f"{a:.2f}") for d, a in items]
    rows += [("", None), (f"Items {len(items)}", None), ("Settlement", f"{total:.2f}"),
             ("Cash", f"{paid:.2f}"), ("", None), ("Thank you for shopping with us", None)]
    img = Image.new("L", (900, 120 + 56 * len(rows)), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(sheaf_e2e.FONT, 30)
    for i, (left, right) in enumerate(rows):
        y = 60 + i * 56
        draw.text((60, y), left, fill=0, font=font)
        if right:
            draw.text((840 - draw.textlength(right, font=font), y), right, fill=0, font=font)
    b = io.BytesIO()
    img.save(b, "PNG")
    return b.getvalue(), f"{total:.2f}"


def test_a_total_corrected_in_the_browser_comes_right_on_the_senders_next_receipt(
        sheaf, tmp_path):
    need_browser()
    first, first_total = receipt_png("02/11/2026", [("Claw hammer", 12.50),
                                                    ("Nails 2 boxes", 6.40),
                                                    ("Tape measure", 9.10)], 50)
    second, second_total = receipt_png("16/11/2026", [("Wood glue", 4.75),
                                                      ("Sandpaper pack", 7.20),
                                                      ("Paint brush set", 11.95),
                                                      ("Dust sheet", 5.60)], 40)
    assert first_total != second_total
    (tmp_path / "kestrel-1.png").write_bytes(first)
    (tmp_path / "kestrel-2.png").write_bytes(second)
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    fresh = sheaf.tenant(d, "fresh")  # no corrections: what the extractor alone makes of them
    srv = sheaf.server(d, "--ocr-workers", "2")

    # Without memory the built-in extractor gets both totals wrong (or misses them).
    bare = sheaf.client(srv, fresh.key)
    for body, want in ((first, first_total), (second, second_total)):
        doc = bare.submit(body, filename="bare.png", content_type="image/png")
        got = bare.wait(doc["id"], timeout=120)["result"]["fields"].get("total")
        assert got is None or got["value"] != want, got

    shots = os.environ.get("SHEAF_SCREENSHOTS") or str(tmp_path)
    env = dict(os.environ, SHEAF_URL=srv.url, SHEAF_KEY=t.key,
               SHEAF_FIRST=str(tmp_path / "kestrel-1.png"),
               SHEAF_SECOND=str(tmp_path / "kestrel-2.png"), SHEAF_TOTAL=first_total,
               SHEAF_SCREENSHOTS=shots, CHROMIUM=CHROMIUM)
    run = subprocess.run(["node", os.path.join(WEB, "tests", "learning_flow.mjs")], cwd=WEB,
                         env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    # In the browser: the second receipt's total, from the sender memory.
    assert out["total"] == second_total, out
    assert out["source"] == "sender-memory", out

    # Through the API: the same, and both receipts are one sender's.
    c = sheaf.client(srv, t.key)
    one = c.request("GET", f"/v1/documents/{out['first_id']}").json()
    two = c.request("GET", f"/v1/documents/{out['second_id']}").json()
    assert one["result"]["fields"]["total"]["value"] == first_total
    assert one["result"]["fields"]["total"]["source"] == "review"
    if out["how"] == "review":
        # The total was filled by clicking its word: the correction carried the word's box,
        # which the corrected field now points at.
        assert out["clicked"] is not None, out
        words = c.request("GET", f"/v1/documents/{out['first_id']}/pages/1/words").json()["words"]
        boxes = [w["bbox"] for w in words if w["text"] == first_total]
        assert one["result"]["fields"]["total"]["page"] == 1, one["result"]["fields"]["total"]
        assert one["result"]["fields"]["total"]["bbox"] in boxes, (one["result"]["fields"]["total"], boxes)
    total = two["result"]["fields"]["total"]
    assert total["value"] == second_total and total["source"] == "sender-memory", total
    assert total["label"].lower() == "settlement", total
    assert two["result"]["sender"] == one["result"]["sender"] is not None
    listed = c.request("GET", "/v1/documents?" + urllib.parse.urlencode(
        {"sender": one["result"]["sender"]["key"]})).json()["documents"]
    assert {out["first_id"], out["second_id"]} <= {x["id"] for x in listed}, listed
