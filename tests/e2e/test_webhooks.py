# SPDX-License-Identifier: GPL-3.0-or-later
"""Webhook delivery: signed, retried with the same event id and body, replayed by the CLI
after its retry window, signed with a rotated secret from then on (docs/cli.md, Webhooks)."""

import json
import re
import time

from sheaf_e2e import FAST, cli, parse_fields, signature_ok, text_letter, wait_for

def test_a_refused_delivery_is_retried_with_the_same_event(sheaf, webhook_receiver):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme", webhook_url=webhook_receiver.url)
    srv = sheaf.server(d, "--ocr-workers", "1", *FAST)
    c = sheaf.client(srv, t.key)
    webhook_receiver.fail_next = 1
    doc = c.submit(text_letter(1), filename="l.txt", content_type="text/plain",
                   metadata={"ref": "r-1"})
    assert c.wait(doc["id"], timeout=30)["status"] == "completed"

    deliveries = wait_for(
        lambda: [x for x in webhook_receiver.snapshot() if x["answered"] == 200] and
        webhook_receiver.snapshot(), 30, "a delivery after the refused one")
    assert [x["answered"] for x in deliveries] == [500, 200]
    assert len({x["event_id"] for x in deliveries}) == 1
    assert len({x["body"] for x in deliveries}) == 1
    for x in deliveries:
        assert signature_ok(t.webhook_secret, x)
        assert x["event_type"] == "document.completed"
        assert x["user_agent"].startswith("sheaf/")
        assert x["content_type"].startswith("application/json")
    body = json.loads(deliveries[0]["body"])
    assert body["document_id"] == doc["id"]
    assert body["event"] == "document.completed" and body["status"] == "completed"
    assert body["metadata"] == {"ref": "r-1"}
    assert body["result"]["status"] == "completed"


def failed_attempts(c):
    m = re.search(r'^sheaf_webhook_attempts_total\{outcome="failed"\} (\S+)$', c.metrics(), re.M)
    return float(m.group(1)) if m else 0.0


def test_a_failed_event_is_replayed_by_the_cli_signed_with_the_new_secret(
        sheaf, webhook_receiver):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme", webhook_url=webhook_receiver.url)
    # A retry window of about a second: the first refusal fails the event.
    srv = sheaf.server(d, "--ocr-workers", "1", "--webhook-retry-hours", "0.0003", *FAST)
    c = sheaf.client(srv, t.key)
    webhook_receiver.status = 503
    doc = c.submit(text_letter(2), filename="l.txt", content_type="text/plain")
    assert c.wait(doc["id"], timeout=30)["status"] == "completed"
    wait_for(lambda: failed_attempts(c) >= 1, 30, "the event marked failed")
    refused = webhook_receiver.snapshot()
    assert refused and all(x["answered"] == 503 for x in refused)
    event_id = refused[0]["event_id"]

    rotated = cli("tenant", "rotate-secret", "acme", "--data-dir", d).stdout
    new_secret = re.search(r"whsec_\w+", rotated).group(0)
    assert new_secret != t.webhook_secret
    assert parse_fields(cli("tenant", "show", "acme", "--data-dir", d).stdout)[
        "webhook_secret"] == new_secret
    time.sleep(0.5)  # the deliverer reads secrets once per round
    webhook_receiver.status = 200
    replay = cli("export", "replay", "--tenant", "acme", "--failed", "--data-dir", d).stdout
    assert f"replayed {event_id}" in replay

    delivered = wait_for(
        lambda: [x for x in webhook_receiver.snapshot() if x["answered"] == 200], 30,
        "the replayed event delivered")
    assert len(delivered) == 1
    assert delivered[0]["event_id"] == event_id
    assert delivered[0]["body"] == refused[0]["body"], "a replay sends the same body"
    assert signature_ok(new_secret, delivered[0]), "signed with the rotated secret"
    assert not signature_ok(t.webhook_secret, delivered[0])
