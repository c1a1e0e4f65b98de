# SPDX-License-Identifier: GPL-3.0-or-later
"""Disaster-recovery drill: `sheaf backup` while uploads pour in, the data dir destroyed,
`sheaf restore`, the service started again. Every document acknowledged before the backup's
recovery point is back, with its result and its bytes; the audit chain verifies; the RPO and RTO
it measured are printed (docs/operations.md)."""

import os
import shutil
import threading
import time

from sheaf_client import SheafError
from sheaf_e2e import FINAL_STATUSES, cli, letter_png, parse_fields, text_letter, wait_all_final

LOADERS = 3


class Load:
    """Threads submitting documents until stopped; each acknowledged upload is recorded with the
    wall-clock time its 202 arrived."""

    def __init__(self, client):
        self.client = client
        self.acked = []  # (time.time() at the 202, id, bytes)
        self.errors = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(LOADERS)]

    def _run(self, n):
        i = 0
        while not self.stopping.is_set():
            seq = n * 100000 + i
            i += 1
            if i % 10 == 0:  # a scanned page now and then; text letters are quick to finish
                body, name, ctype = letter_png(seq), f"l{seq}.png", "image/png"
            else:
                body, name, ctype = text_letter(seq), f"l{seq}.txt", "text/plain"
            try:
                doc = self.client.submit(body, filename=name, content_type=ctype)
            except Exception as e:  # noqa: BLE001 (recorded and asserted on below)
                self.errors.append(repr(e))
                continue
            acked_at = time.time()
            if doc.status_code == 202:
                with self.lock:
                    self.acked.append((acked_at, doc["id"], body))

    def start(self):
        for t in self.threads:
            t.start()

    def count(self):
        with self.lock:
            return len(self.acked)

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(60)


def ready(client):
    try:
        return client.ready().get("status") == "ready"
    except SheafError:
        return False


def test_backup_under_load_destroy_restore_loses_nothing_acknowledged(sheaf, tmp_path):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    config = tmp_path / "sheaf.yaml"
    config.write_text("ocr-workers: 2\nrate-limit: 100000\nrate-burst: 100000\n")
    srv = sheaf.server(d, "--config", str(config), "--lease-seconds", "5")
    c = sheaf.client(srv, t.key, record=False)
    backups = str(tmp_path / "backups")

    # A first backup before the load: the drill's backup is then an incremental one.
    cli("backup", "--to", backups, "--data-dir", d, "--config", str(config))

    load = Load(c)
    load.start()
    deadline = time.monotonic() + 60
    while load.count() < 30:
        assert time.monotonic() < deadline, f"30 uploads not acked in 60 s: {load.errors[:3]}"
        time.sleep(0.05)
    finished_before = {x["id"]: x for x in c.iter_documents(limit=1000)
                       if x["status"] in FINAL_STATUSES}
    results_before = {i: c.get(i)["result"] for i in list(finished_before)[:10]}

    backup_started = time.time()
    out = cli("backup", "--to", backups, "--data-dir", d, "--config", str(config)).stdout
    backup_finished = time.time()
    info = parse_fields(out)
    recovery_point = int(info["recovery_point_ms"]) / 1000.0
    assert backup_started <= recovery_point <= backup_finished, out
    assert info["base"] != "(none: a full backup)", "the second backup of a set is incremental"
    # Uploads go on after the backup: these are the ones the RPO loses.
    deadline = time.monotonic() + 60
    while sum(1 for a, _, _ in list(load.acked) if a > backup_finished) < 5:
        assert time.monotonic() < deadline, f"no uploads after the backup: {load.errors[:3]}"
        time.sleep(0.05)
    load.stop()
    acked_during_backup = sum(1 for a, _, _ in load.acked if backup_started <= a <= backup_finished)
    assert not load.errors, load.errors[:3]

    # The disaster: the process dies and its data dir is gone.
    srv.kill()
    disaster = time.time()
    shutil.rmtree(d)
    assert not os.path.exists(d)

    # Recovery.
    t0 = time.monotonic()
    restored = parse_fields(cli("restore", "--from", backups, "--data-dir", d,
                                "--config-to", str(tmp_path / "restored.yaml")).stdout)
    assert restored["restored"] == info["backup"]
    assert (tmp_path / "restored.yaml").read_text() == config.read_text()
    srv.start()
    c = sheaf.client(srv, t.key, record=False)
    while not ready(c):
        assert time.monotonic() - t0 < 60, "not ready 60 s after the restore began"
        time.sleep(0.05)
    rto_ready = time.monotonic() - t0

    # Every upload acknowledged before the recovery point is back and finishes.
    acked = sorted(load.acked)
    before = [(a, i, b) for a, i, b in acked if a < recovery_point]
    after = [(a, i, b) for a, i, b in acked if a > backup_finished]
    assert len(before) >= 30 and len(after) >= 5, (len(before), len(after))
    docs = wait_all_final(c, [i for _, i, _ in before], timeout=120)
    rto_processed = time.monotonic() - t0
    for _, i, body in before:
        assert docs[i]["status"] in ("completed", "needs_review"), docs[i]
        full = c.get(i)
        assert full["result"] is not None and full["result"]["status"] == full["status"], i
        # The OCR stage's stored state (a blob) answers the page's text.
        assert "Okafor" in c.page_text(i, 1) or not body.startswith(b"Acme"), i
        original = os.path.join(d, "blobs", "tenants", t.id, "originals", i)
        with open(original, "rb") as f:
            assert f.read() == body, f"{i}: the restored original differs from the upload"
    for i, result in results_before.items():
        assert c.get(i)["result"] == result, f"{i}: finished before the backup, result changed"
    # Nothing the restored service holds was invented.
    present = {x["id"] for x in c.iter_documents(limit=1000)}
    assert present <= {i for _, i, _ in acked}, "the restored service has unknown documents"

    srv.stop()
    verify = cli("audit", "verify", "--data-dir", d, check=False)
    assert verify.returncode == 0 and "audit log intact" in verify.stdout, verify.stderr

    rpo = disaster - recovery_point
    lost_total = sum(1 for a, i, _ in acked if i not in present)
    print(f"\ndrill: {len(acked)} uploads acknowledged, {acked_during_backup} during the backup "
          f"({backup_finished - backup_started:.2f} s, {info['blobs_copied']} of {info['blobs']} "
          f"blobs copied, queue {info['queue'].split(':')[0]})")
    print(f"drill: RPO {rpo:.2f} s (recovery point to disaster): {lost_total} acknowledged uploads "
          f"lost, every one of the {len(before)} acknowledged before the recovery point restored")
    print(f"drill: RTO {rto_ready:.2f} s to a ready service (restore {restored['seconds']} s, "
          f"{restored['requeued']}), {rto_processed:.2f} s until every restored document finished")


def test_restore_refuses_damage_a_live_target_and_other_backends_with_clear_errors(sheaf, tmp_path):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d)
    c = sheaf.client(srv, t.key, record=False)
    doc = c.submit(text_letter(7), filename="l7.txt", content_type="text/plain")
    c.wait(doc["id"], timeout=60)
    backups = str(tmp_path / "backups")
    info = parse_fields(cli("backup", "--to", backups, "--data-dir", d).stdout)

    # The service still runs on d: a forced restore over it is refused, and d is untouched.
    live = cli("restore", "--from", backups, "--data-dir", d, "--force", check=False)
    assert live.returncode == 1 and "in use by a running sheaf serve" in live.stderr, live.stderr
    assert c.get(doc["id"])["status"] in FINAL_STATUSES
    srv.stop()

    # A non-empty target without --force.
    busy = cli("restore", "--from", backups, "--data-dir", d, check=False)
    assert busy.returncode == 2 and "is not empty" in busy.stderr and "--force" in busy.stderr

    # One flipped byte in the backed-up original: refused, naming the file; nothing written.
    original = os.path.join(info["dir"], "blobs", "tenants", t.id, "originals", doc["id"])
    with open(original, "r+b") as f:
        first = f.read(1)
        f.seek(0)
        f.write(bytes([first[0] ^ 1]))
    target = str(tmp_path / "restored")
    damaged = cli("restore", "--from", backups, "--data-dir", target, check=False)
    assert damaged.returncode == 1, damaged.stdout
    assert f"blobs/tenants/{t.id}/originals/{doc['id']} is damaged" in damaged.stderr
    assert not os.path.exists(target)
    check = cli("restore", "--check", "--from", backups, check=False)
    assert check.returncode == 1 and "is damaged" in check.stderr

    # S3 and Kafka are not this command's: it says what keeps them instead.
    s3 = cli("backup", "--to", backups, "--data-dir", d,
             "--blobs", "s3://bucket?endpoint=http://127.0.0.1:9&region=r", check=False)
    assert s3.returncode == 2 and "versioning" in s3.stderr, s3.stderr
    kafka = cli("restore", "--from", backups, "--data-dir", target,
                "--broker", "kafka://127.0.0.1:9", check=False)
    assert kafka.returncode == 2 and "replicated" in kafka.stderr, kafka.stderr
    assert cli("restore", "--from", str(tmp_path / "nothing"), "--data-dir", target,
               check=False).returncode == 1
