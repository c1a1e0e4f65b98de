#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""How one stage scales with its workers on Kafka (issue: "doubling the workers of the bottleneck
stage gives at least 1.8x the throughput, up to the partition count").

For each worker count W: a fresh Kafka namespace, `sheaf serve --role api`, one `sheaf worker`
running every stage but the measured one, N text documents queued in front of the measured stage
(its workers not started yet), then W `sheaf worker --stage STAGE` processes with one thread each,
every message costing SIM ms (`--simulate-work`: the stage's real work on a text document is a
millisecond or so). Throughput is measured on the stage's own finish times (the documents'
`stages.<stage>.finished_at`) between the 10th and the 90th percentile, so start-up and the
tail do not count.

Needs the local cluster: eval "$(scripts/cluster up --only kafka)" (SHEAF_TEST_KAFKA).
Usage: bench/scaling.py [--stage extract] [--sim-ms 200] [--docs 240] [--workers 1,2,4,8,12,16]
Writes bench/out/scaling.json and prints a table.
"""

import argparse
import json
import os
import secrets
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
os.environ.setdefault("SHEAF_BINARY", os.path.join(ROOT, "build", "release", "sheaf"))
import sheaf_e2e as e2e  # noqa: E402

# What `--stage` the measured stage is run as, the service stage whose finish time is read, and
# the stages the front worker runs instead.
STAGES = {
    "ocr": ("ocr", "dispatch,classify,extract,validate,export"),
    "classify": ("classify", "dispatch,ocr,extract,validate,export"),
    "extract": ("extract", "dispatch,ocr,classify,validate,export"),
    "validate": ("validate", "dispatch,ocr,classify,extract,export"),
}
BEFORE = {"ocr": "queued", "classify": "ocr", "extract": "classify", "validate": "extract"}
PARTITIONS = {"ocr": 12, "classify": 6, "extract": 12, "validate": 6}


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def run(kafka, stage, sim_ms, docs, workers, tmp):
    ns = "scale" + secrets.token_hex(4)
    broker = f"kafka://{kafka}?namespace={ns}"
    shared = os.path.join(tmp, ns)
    os.makedirs(shared)
    backends = ["--broker", broker, "--metadata", f"sqlite:{shared}/metadata.sqlite",
                "--blobs", f"file:{shared}/blobs"]
    e2e.cli("kafka", "create-topics", "--broker", broker, "--replication-factor", "1",
            "--min-insync-replicas", "1")
    meta = ["--metadata", f"sqlite:{shared}/metadata.sqlite"]
    e2e.cli("tenant", "create", "bench", *meta)
    key = e2e.cli("key", "create", "--tenant", "bench", *meta).stdout.strip().splitlines()[-1]
    procs = []
    try:
        api = e2e.SheafProcess(shared, "api", ["serve", "--role", "api"],
                               backends + ["--rate-limit", "100000", "--rate-burst", "100000"])
        procs.append(api.start())
        front = e2e.SheafProcess(shared, "front", ["worker", "--stage", STAGES[stage][1]],
                                 backends + ["--ocr-workers", "2", "--stage-workers", "4",
                                             "--dispatch-window", "1000"])
        procs.append(front.start())
        client = e2e.SheafClient(api.url, key, retries_429=5)
        ids = [client.submit(e2e.text_letter(n), content_type="text/plain",
                             filename=f"l{n}.txt", type="letter")["id"] for n in range(docs)]
        # Every document waits in front of the measured stage.
        deadline = time.monotonic() + 300
        while True:
            ready = [d for d in client.iter_documents(limit=1000)
                     if BEFORE[stage] in (d.get("stages") or {})]
            if len(ready) >= docs:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {len(ready)} of {docs} documents reached {stage}")
            time.sleep(0.2)
        t0 = time.time()
        for i in range(workers):
            w = e2e.SheafProcess(shared, f"{stage}{i}", ["worker", "--stage", stage],
                                 backends + ["--stage-workers", "1", "--ocr-workers", "1",
                                             "--simulate-work", f"{STAGES[stage][0]}={sim_ms}"])
            procs.append(w.start())
        done = e2e.wait_all_final(client, ids, timeout=1200)
        finished = [done[i]["stages"][STAGES[stage][0]]["finished_at"] / 1000.0 for i in ids]
        lo, hi = percentile(finished, 0.1), percentile(finished, 0.9)
        rate = 0.8 * docs / (hi - lo) if hi > lo else float("inf")
        return {"workers": workers, "docs": docs, "docs_per_s": rate,
                "drain_s": max(finished) - t0, "ideal_docs_per_s": workers * 1000.0 / sim_ms}
    finally:
        for p in procs:
            p.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kafka", default=os.environ.get("SHEAF_TEST_KAFKA"))
    ap.add_argument("--stage", default="extract", choices=sorted(STAGES))
    ap.add_argument("--sim-ms", type=int, default=200)
    ap.add_argument("--docs", type=int, default=240)
    ap.add_argument("--workers", default="1,2,4,8,12,16")
    args = ap.parse_args()
    if not args.kafka:
        sys.exit("scaling.py: no Kafka: run eval \"$(scripts/cluster up --only kafka)\" or give --kafka")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for w in [int(x) for x in args.workers.split(",")]:
            row = run(args.kafka, args.stage, args.sim_ms, args.docs, w, tmp)
            row["speedup"] = row["docs_per_s"] / rows[0]["docs_per_s"] if rows else 1.0
            rows.append(row)
            print(f"{args.stage} workers {w:3d}: {row['docs_per_s']:7.2f} docs/s "
                  f"(ideal {row['ideal_docs_per_s']:6.1f}), x{row['speedup']:.2f} of 1 worker, "
                  f"drained in {row['drain_s']:.1f} s", flush=True)
    os.makedirs(os.path.join(ROOT, "bench", "out"), exist_ok=True)
    out = {"stage": args.stage, "sim_ms": args.sim_ms, "partitions": PARTITIONS[args.stage],
           "rows": rows}
    with open(os.path.join(ROOT, "bench", "out", "scaling.json"), "w") as f:
        json.dump(out, f, indent=2)
    for a, b in zip(rows, rows[1:]):
        if b["workers"] == 2 * a["workers"]:
            print(f"doubling {a['workers']} -> {b['workers']}: x{b['docs_per_s'] / a['docs_per_s']:.2f}")


if __name__ == "__main__":
    main()
