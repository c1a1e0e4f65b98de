# SPDX-License-Identifier: GPL-3.0-or-later
"""The HITL fallback (docs/reliability.md, "HITL fallback"): a `sheaf serve` that watches a
review service (`--review-url`; here another `sheaf serve` on a fixed loopback port) through the
hitl circuit breaker. While the review service answers, documents that need review wait for it.
SIGKILLed, its breaker opens, the level is L3, and a document that would go to review is approved
automatically when every field is >= 0.85 confident (marked so in its result), while one with a
less confident field stays in review. Back on its port, the breaker closes and review is used
again."""

from sheaf_e2e import FAST, FixedPortServer, free_port, wait_for

# Every field read with confidence >= 0.85, but the totals do not add up: review.
CONFIDENT = b"""ACME HARDWARE SDN BHD
Address: 12 Jalan Besar, 50000 Kuala Lumpur
Date: 03/04/2019
Subtotal          15.00
Tax                0.90
TOTAL             19.90
"""
# The same with an unlabelled address, read with confidence 0.80: review, and not approved.
UNSURE = b"""ACME HARDWARE SDN BHD
No 12, Jalan Besar,
50000 Kuala Lumpur, Malaysia
Date: 03/04/2019
Subtotal          15.00
Tax                0.90
TOTAL             19.90
"""

BREAKER = ("hitl.sliding-window-type=count-based,hitl.sliding-window-size=2,"
           "hitl.minimum-number-of-calls=2,hitl.wait-duration-in-open-state=2s,"
           "hitl.permitted-number-of-calls-in-half-open-state=1")


def hitl_state(c):
    status = c.request("GET", "/v1/system/status").json()
    return status["level"], [x["trigger"] for x in status["causes"]], status


def submit(c, body, name):
    return c.submit(body, filename=name, content_type="text/plain", type="receipt")["id"]


def test_review_unavailable_approves_confident_documents_and_queues_the_rest(sheaf, tmp_path):
    review = FixedPortServer(str(tmp_path), "review", free_port(),
                             ["--data-dir", str(tmp_path / "review-data"), "--ocr-workers", "1"]).start()
    try:
        d = sheaf.data_dir()
        t = sheaf.tenant(d, "acme")
        srv = sheaf.server(d, *FAST, "--review-url", review.url, "--circuit-breakers", BREAKER)
        c = sheaf.client(srv, t.key)

        # 1. The review service answers: a document that needs review waits for a person.
        first = submit(c, CONFIDENT, "r1.txt")
        doc = c.wait(first, timeout=60)
        assert doc["status"] == "needs_review", doc
        assert hitl_state(c)[0] == "L0", hitl_state(c)[2]

        # 2. SIGKILLed: two failed probes open the breaker, level L3 with the hitl cause.
        review.kill()
        level, triggers, status = wait_for(
            lambda: (lambda s: s if s[0] == "L3" else None)(hitl_state(c)), 30,
            "level L3 after the review service went away")
        assert any("hitl" in x for x in triggers), status
        confident = submit(c, CONFIDENT, "r2.txt")
        unsure = submit(c, UNSURE, "r3.txt")
        doc = c.wait(confident, timeout=60)
        assert doc["status"] == "completed", doc
        result = c.result(confident)
        assert "hitl" in result["auto_approved"]["reason"], result["auto_approved"]
        assert any(r.startswith("totals_add_up") for r in result["auto_approved"]["review_reasons"])
        assert all(f["confidence"] >= 0.85 for f in result["fields"].values())
        doc = c.wait(unsure, timeout=60)
        assert doc["status"] == "needs_review", doc
        assert "auto_approved" not in (c.result(unsure) or {})
        # The document that was waiting before stays in review: nothing is approved behind
        # a person's back after the fact.
        assert c.get(first)["status"] == "needs_review"

        # 3. Back on its port: after the open wait a probe goes through and closes the breaker.
        review.start()
        wait_for(lambda: hitl_state(c)[0] == "L0", 30, "level L0 once the review service is back")
        again = submit(c, CONFIDENT, "r4.txt")
        doc = c.wait(again, timeout=60)
        assert doc["status"] == "needs_review", doc
    finally:
        review.stop()
