#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a reviewer's type change costs the server, beside what reading the document cost
(docs/review-page.md, "Changing a document's type": the document is read again from its stored
OCR state, no OCR). A measurement, not a test.

Starts `sheaf serve` on a fresh data directory (127.0.0.1, a free port), uploads N scanned
receipts drawn here (unique, so the OCR cache never helps) typed as invoices, waits until each
needs review, then changes each one's type to receipt through the API. Prints the server
process's CPU time (user + sys, from /proc) per document for each phase, and for an idle
interval as long as the type changes took (the stage pools' polling), so the machine's other
load does not enter the figures.

Usage: bench/retype_cpu.py [--documents 20]
Needs a release build (SHEAF_BINARY, default build/release/sheaf).
"""

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
os.environ.setdefault("SHEAF_BINARY", os.path.join(ROOT, "build", "release", "sheaf"))
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "127.0.0.1,localhost"
import sheaf_e2e as e2e  # noqa: E402


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=20)
    args = ap.parse_args()
    n = args.documents
    with tempfile.TemporaryDirectory(prefix="sheaf-retype-bench-") as tmp:
        h = e2e.Harness(tmp, [])
        try:
            d = h.data_dir()
            t = h.tenant(d, "bench")
            srv = h.server(d, "--ocr-workers", "2", *e2e.FAST)
            c = h.client(srv, t.key, record=False)
            pid = srv.proc.pid
            time.sleep(1)
            c0 = cpu_seconds(pid)
            ids = [c.submit(e2e.receipt_png(5000 + i), filename=f"r{i}.png", type="invoice")["id"]
                   for i in range(n)]
            for i in ids:
                assert c.wait(i, timeout=300)["status"] == "needs_review"
            c1 = cpu_seconds(pid)
            w0 = time.monotonic()
            for i in ids:
                after = c.review(i, "correct", document_type="receipt")
                assert after["document_type"] == "receipt", after["document_type"]
            took = time.monotonic() - w0
            c2 = cpu_seconds(pid)
            time.sleep(took)
            c3 = cpu_seconds(pid)
            print(f"{n} scanned receipts (700x900 PNG, one page each), server CPU (user+sys):")
            print(f"  upload, OCR, classify, extract, validate: {1000 * (c1 - c0) / n:.1f} ms "
                  "per document")
            print(f"  type change invoice -> receipt (read again, no OCR): "
                  f"{1000 * (c2 - c1) / n:.1f} ms per document ({took:.2f} s wall for all)")
            print(f"  idle for as long: {1000 * (c3 - c2) / n:.1f} ms per document's share")
        finally:
            h.close()


if __name__ == "__main__":
    main()
