#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up of `sheaf process` on one PDF, for two or more binaries alternating run by run (so
that the machine's load falls on all of them alike): time from exec to the first JSONL line
(wall) and the CPU time (user+sys) of the whole run, each in a new data dir. Prints the median
(and fastest) per binary and the load average before and after.

Usage: bench/startup_compare.py RUNS BINARY [BINARY...] [--pdf PDF]
"""
import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("runs", type=int)
ap.add_argument("binaries", nargs="+")
ap.add_argument("--pdf", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets",
                                             "zugferd_corpus", "XML-Rechnung", "FX", "EN16931_1_Teilrechnung.pdf"))
a = ap.parse_args()


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


first = {b: [] for b in a.binaries}
cpu = {b: [] for b in a.binaries}
load0 = os.getloadavg()[0]
with tempfile.TemporaryDirectory(prefix="sheaf-startup-") as tmp:
    for i in range(a.runs):
        for j, b in enumerate(a.binaries):
            c0 = children_cpu()
            t0 = time.perf_counter()
            p = subprocess.Popen([b, "process", "--jsonl", "--jobs", "2", "--data-dir",
                                  os.path.join(tmp, f"d{i}-{j}"), a.pdf],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            line = p.stdout.readline()
            first[b].append((time.perf_counter() - t0) * 1000)
            p.stdout.read()
            if p.wait() != 0 or not line:
                raise SystemExit(f"{b} failed (exit {p.returncode})")
            cpu[b].append((children_cpu() - c0) * 1000)
print(f"load average {load0:.1f} -> {os.getloadavg()[0]:.1f}; {a.runs} runs each, alternating")
for b in a.binaries:
    print(f"{b}: first result median {statistics.median(first[b]):.1f} ms (fastest {min(first[b]):.1f}), "
          f"CPU median {statistics.median(cpu[b]):.1f} ms")
