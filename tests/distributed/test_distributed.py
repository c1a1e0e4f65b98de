# SPDX-License-Identifier: GPL-3.0-or-later
"""Sheaf distributed: `sheaf serve --role api` and two `sheaf worker` processes per stage on the
local cluster (scripts/cluster: Kafka, and PostgreSQL, S3 and Redis when their SHEAF_TEST_*
variables are set), with workers killed (SIGKILL) and restarted and the Kafka broker restarted
mid-run. Every accepted document must end in exactly one terminal state, with one result and one
webhook event, delivered with one body however often it is sent.

Skipped when SHEAF_TEST_KAFKA is not set; scripts/test.sh (CI) starts the cluster and sets it.
"""

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.parse
from collections import defaultdict

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import sheaf_e2e as e2e  # noqa: E402

KAFKA = os.environ.get("SHEAF_TEST_KAFKA")
POSTGRES = os.environ.get("SHEAF_TEST_POSTGRES")
S3 = os.environ.get("SHEAF_TEST_S3")
REDIS = os.environ.get("SHEAF_TEST_REDIS")
CLUSTER_DIR = os.environ.get("SHEAF_CLUSTER_DIR")

pytestmark = pytest.mark.skipif(
    not KAFKA, reason="SHEAF_TEST_KAFKA is not set (start the cluster: eval \"$(scripts/cluster up)\")")

STAGES = ["dispatch", "ocr", "classify", "extract", "validate", "export", "webhooks"]
TERMINAL = {"completed", "needs_review", "failed", "rejected"}


def with_prefix(s3_url, prefix):
    """s3://bucket?query -> s3://bucket/prefix?query"""
    base, _, query = s3_url.partition("?")
    return f"{base.rstrip('/')}/{prefix}" + (f"?{query}" if query else "")


def fresh_postgres_database(url, name):
    """A database of its own on the test server (dropped by nobody: the cluster is scratch)."""
    u = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit((u.scheme, f"postgres@{u.hostname}:{u.port}", "/postgres", "", ""))
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", admin, "-c",
                    f'CREATE DATABASE "{name}" OWNER "{u.username}"'],
                   check=True, capture_output=True, text=True, timeout=60)
    return urllib.parse.urlunsplit((u.scheme, u.netloc, f"/{name}", u.query, ""))


def count_final(client, ids):
    docs = {d["id"]: d for d in client.iter_documents(limit=1000)}
    return sum(1 for i in ids if i in docs and docs[i]["status"] in TERMINAL)


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.25)


def test_documents_survive_killed_workers_and_a_kafka_restart(tmp_path):
    tmp = str(tmp_path)
    ns = "dist" + secrets.token_hex(4)
    backends = ["--broker", f"kafka://{KAFKA}?namespace={ns}"]
    if POSTGRES:
        metadata = fresh_postgres_database(POSTGRES, ns)
        e2e.cli("migrate", "--metadata", metadata)
    else:
        metadata = "sqlite:" + os.path.join(tmp, "shared", "metadata.sqlite")
    backends += ["--metadata", metadata]
    backends += ["--blobs", with_prefix(S3, ns) if S3 else "file:" + os.path.join(tmp, "shared", "blobs")]
    if REDIS:
        backends += ["--cache", f"{REDIS}?prefix={ns}:"]
    e2e.cli("kafka", "create-topics", "--broker", f"kafka://{KAFKA}?namespace={ns}",
            "--replication-factor", "1", "--min-insync-replicas", "1")

    receiver = e2e.WebhookReceiver()
    info = e2e.parse_fields(e2e.cli("tenant", "create", "acme", "--metadata", metadata,
                                    "--webhook-url", receiver.url).stdout)
    key = e2e.cli("key", "create", "--tenant", "acme", "--metadata", metadata).stdout.strip().splitlines()[-1]

    api = e2e.SheafProcess(tmp, "api", ["serve", "--role", "api"], backends)
    # Stages spend a little time per message (text documents take a millisecond), so that the
    # kills below land while messages are being worked on.
    common = backends + ["--ocr-workers", "1", "--stage-workers", "1", "--lease-seconds", "5",
                         "--simulate-work", "ocr=120,extract=60"]
    workers = {(stage, i): e2e.SheafProcess(tmp, f"{stage}{i}", ["worker", "--stage", stage], common)
               for stage in STAGES for i in (1, 2)}
    procs = [api, *workers.values()]
    try:
        for p in procs:
            p.start()
        client = e2e.SheafClient(api.url, key, retries_429=5)

        ids = []
        for n in range(100):
            body = e2e.letter_png(n) if n % 5 == 0 else e2e.text_letter(n)
            ctype = "image/png" if n % 5 == 0 else "text/plain"
            doc = client.submit(body, content_type=ctype, filename=f"letter{n}",
                                idempotency_key=f"{ns}-{n}")
            ids.append(doc["id"])
        assert len(set(ids)) == 100

        # Crash an OCR worker and an extraction worker mid-run, then bring them back.
        wait_until(lambda: count_final(client, ids) >= 15, 240, "15 documents to finish")
        workers[("ocr", 1)].kill()
        workers[("extract", 2)].kill()
        time.sleep(1)
        workers[("ocr", 1)].start()
        workers[("extract", 2)].start()

        # Restart the Kafka broker (keeping its data) while documents are still moving.
        if CLUSTER_DIR:
            wait_until(lambda: count_final(client, ids) >= 40, 240, "40 documents to finish")
            subprocess.run([os.path.join(e2e.SOURCE_DIR, "scripts", "cluster"), "restart", "kafka"],
                           check=True, capture_output=True, text=True, timeout=180)

        docs = e2e.wait_all_final(client, ids, timeout=600)

        # Exactly one terminal state per document, and nothing failed.
        statuses = defaultdict(int)
        for i in ids:
            statuses[docs[i]["status"]] += 1
        assert statuses["failed"] == 0 and statuses["rejected"] == 0, dict(statuses)

        # One result per document: the audit log holds one terminal transition each.
        audit = e2e.cli("audit", "list", "--metadata", metadata, "--limit", "1000").stdout
        entries = [json.loads(line) for line in audit.splitlines() if line.strip()]
        seq = max(x["seq"] for x in entries)
        while len(entries) == 1000 * ((len(entries) + 999) // 1000) and entries:
            more = e2e.cli("audit", "list", "--metadata", metadata, "--after", str(seq),
                           "--limit", "1000").stdout
            batch = [json.loads(line) for line in more.splitlines() if line.strip()]
            if not batch:
                break
            entries += batch
            seq = max(x["seq"] for x in batch)
        finals = defaultdict(list)
        for x in entries:
            if x["action"] in ("document.completed", "document.needs_review", "document.failed"):
                finals[x["document_id"]].append(x["action"])
        for i in ids:
            assert len(finals[i]) == 1, f"{i}: terminal transitions {finals[i]}"
        assert "audit log intact" in e2e.cli("audit", "verify", "--metadata", metadata).stdout

        # Webhooks: each completed document has one event, and every delivery of an event
        # carries the same body.
        completed = {i for i in ids if docs[i]["status"] == "completed"}
        wait_until(lambda: completed <= {json.loads(d["body"])["document_id"]
                                         for d in receiver.snapshot() if d["answered"] == 200},
                   120, "a webhook for every completed document")
        bodies = defaultdict(set)
        events_of = defaultdict(set)
        for d in receiver.snapshot():
            bodies[d["event_id"]].add(d["body"])
            doc_id = json.loads(d["body"])["document_id"]
            events_of[(doc_id, d["event_type"])].add(d["event_id"])
            assert e2e.signature_ok(info["webhook_secret"], d)
        assert all(len(b) == 1 for b in bodies.values()), "an event was sent with two bodies"
        assert all(len(e) == 1 for e in events_of.values()), "a document got two events of a type"
    finally:
        for p in procs:
            p.stop()
        receiver.close()
        for p in procs:
            if p.proc is not None and p.proc.returncode not in (0, -9, None):
                print(f"{p.name} exited {p.proc.returncode}: {p.stderr()}", file=sys.stderr)
