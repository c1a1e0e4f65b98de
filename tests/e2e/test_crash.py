# SPDX-License-Identifier: GPL-3.0-or-later
"""Crash safety: `kill -9` in the middle of a batch, restart on the same data dir; nothing is
lost, stuck, duplicated or sent twice with different contents."""

import collections
import concurrent.futures
import json
import time

from sheaf_e2e import (FINAL_STATUSES, cli, letter_png, signature_ok, text_letter,
                       wait_all_final)

IMAGES, TEXTS = 24, 12


def test_kill_9_mid_batch_loses_nothing(sheaf, webhook_receiver):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme", webhook_url=webhook_receiver.url)
    shown = cli("tenant", "show", "acme", "--data-dir", d).stdout
    assert f"webhook_url: {webhook_receiver.url}" in shown
    assert f"webhook_secret: {t.webhook_secret}" in shown
    # Short leases: the messages the killed process held come back within seconds.
    args = ("--ocr-workers", "2", "--lease-seconds", "3", "--rate-limit", "10000",
            "--rate-burst", "10000")
    srv = sheaf.server(d, *args)
    c = sheaf.client(srv, t.key)

    uploads = [(letter_png(n), f"letter-{n}.png", "image/png") for n in range(IMAGES)]
    uploads += [(text_letter(1000 + n), f"letter-{n}.txt", "text/plain") for n in range(TEXTS)]
    uploads = [uploads[i] for i in sorted(range(len(uploads)), key=lambda i: (i * 7) % 36)]
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        docs = list(pool.map(
            lambda u: c.submit(u[0], filename=u[1], content_type=u[2],
                               metadata={"name": u[1]}), uploads))
    assert all(doc.status_code == 202 for doc in docs)
    ids = [doc["id"] for doc in docs]
    assert len(set(ids)) == len(ids)

    # Crash once some are finished and others are not.
    deadline = time.monotonic() + 60
    while True:
        statuses = collections.Counter(x["status"] for x in c.iter_documents(limit=1000))
        final = sum(n for s, n in statuses.items() if s in FINAL_STATUSES)
        if final >= 6:
            break
        assert time.monotonic() < deadline, f"nothing finished in 60 s: {statuses}"
        time.sleep(0.1)
    srv.kill()
    assert final < len(ids), "everything finished before the crash; the test proved nothing"
    delivered_before = len(webhook_receiver.snapshot())
    print(f"killed at {dict(statuses)}; {delivered_before} webhooks delivered before")

    srv.start()
    c = sheaf.client(srv, t.key)  # a new port
    docs = wait_all_final(c, ids, timeout=150)
    listed = [x["id"] for x in c.iter_documents(limit=7)]
    assert sorted(listed) == sorted(ids), "the list has each document exactly once"

    by_status = collections.Counter(docs[i]["status"] for i in ids)
    failed = {i: docs[i]["error"] for i in ids if docs[i]["status"] == "failed"}
    assert not failed, f"valid documents failed after the crash: {failed}"
    for i in ids:
        assert docs[i]["status"] in ("completed", "needs_review"), docs[i]
        full = c.get(i)
        assert full["result"] is not None and full["result"]["status"] == full["status"]
    completed = {i for i in ids if docs[i]["status"] == "completed"}
    assert len(completed) >= len(ids) // 2, by_status

    # Every completed document's webhook arrives (retries cover a delivery cut by the crash).
    deadline = time.monotonic() + 90
    while True:
        deliveries = webhook_receiver.snapshot()
        got = {json.loads(x["body"])["document_id"] for x in deliveries
               if x["event_type"] == "document.completed"}
        if completed <= got:
            break
        assert time.monotonic() < deadline, (
            f"no document.completed webhook for {len(completed - got)} completed documents "
            f"after 90 s ({len(deliveries)} deliveries, {delivered_before} before the crash)")
        time.sleep(0.25)
    time.sleep(1)  # let a duplicate in flight land too
    deliveries = webhook_receiver.snapshot()

    bodies = collections.defaultdict(set)
    event_ids = collections.defaultdict(set)
    for x in deliveries:
        assert signature_ok(t.webhook_secret, x), f"bad signature on event {x['event_id']}"
        assert x["content_type"].startswith("application/json")
        assert x["event_id"], x
        body = json.loads(x["body"])
        bodies[x["event_id"]].add(x["body"])
        assert body["event"] == x["event_type"] == "document.completed", body
        assert body["status"] == "completed"
        assert body["document_id"] in completed, body["document_id"]
        assert body["metadata"]["name"] == docs[body["document_id"]]["filename"]
        event_ids[body["document_id"]].add(x["event_id"])
    resent = {e: len(b) for e, b in bodies.items() if len(b) > 1}
    assert not resent, f"event ids delivered with different bodies: {resent}"
    twice = {doc: ev for doc, ev in event_ids.items() if len(ev) > 1}
    assert not twice, f"documents with more than one document.completed event: {twice}"

    srv.stop()
    verify = cli("audit", "verify", "--data-dir", d, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "audit log intact" in verify.stdout


def test_sigterm_mid_batch_then_restart_finishes_everything(sheaf):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, "--ocr-workers", "1", "--rate-limit", "10000", "--rate-burst", "10000")
    c = sheaf.client(srv, t.key)
    ids = [c.submit(letter_png(300 + n), filename=f"{n}.png")["id"] for n in range(10)]
    deadline = time.monotonic() + 60
    while (final := sum(x["status"] in FINAL_STATUSES for x in c.iter_documents())) < 2:
        assert time.monotonic() < deadline, "nothing finished in 60 s"
        time.sleep(0.1)
    took = srv.stop()  # asserts exit status 0 within 30 s
    assert final < len(ids), "everything finished before SIGTERM; the test proved nothing"
    print(f"SIGTERM: stopped in {took:.1f} s")
    srv.start()
    c = sheaf.client(srv, t.key)
    docs = wait_all_final(c, ids, timeout=90)
    assert {docs[i]["status"] for i in ids} == {"completed"}
    assert sorted(x["id"] for x in c.iter_documents(limit=3)) == sorted(ids)
    srv.stop()
    assert cli("audit", "verify", "--data-dir", d).returncode == 0
