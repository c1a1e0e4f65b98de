#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Born-digital speed, start-up and OCR worker memory (issue 11):
#  1. pages/s of `sheaf process --jsonl --jobs 2` over every ZUGFeRD PDF in one call (median of
#     5 runs; wall time and CPU time user+sys), and how many pages were OCR'd (should be none);
#  2. start-up to first result: one PDF, `sheaf process --jsonl`, time from exec to the first
#     JSONL line on stdout (median of 10 runs; wall and CPU time of the whole run);
#  3. peak memory (max RSS) of `sheaf process --jobs 1` and `--jobs 2` on A4 pages at 300 dpi,
#     made by rendering the first page of some ZUGFeRD PDFs with pdftoppm -r 300 (gray PNG).
# Results: bench/out/born_digital.json and a summary on stdout, with the load average before and
# after. On a loaded machine decide with the CPU times; wall times are what a quiet machine gives.
# The CPU times are those `perf stat -e task-clock` gives for the same runs (README, "Born-digital
# speed": the two were compared on the same runs).
#
# Usage: bench/born_digital.sh [SHEAF_BINARY] [ZUGFERD_DIR] [SCANS]
#   SHEAF_BINARY  default build/release/sheaf
#   ZUGFERD_DIR   default ../shared/datasets/zugferd_corpus
#   SCANS         A4 300 dpi pages for the memory runs (default 6)
set -euo pipefail
cd "$(dirname "$0")/.."

sheaf=${1:-build/release/sheaf}
zugferd=${2:-../shared/datasets/zugferd_corpus}
scans=${3:-6}
out=bench/out
mkdir -p "$out"
if [[ ! -x "$sheaf" ]]; then
  echo "born_digital: $sheaf not found; build it first (cmake --build --preset release)" >&2
  exit 1
fi
if [[ ! -d "$zugferd" ]]; then
  echo "born_digital: $zugferd not found" >&2
  exit 1
fi
command -v pdftoppm >/dev/null || { echo "born_digital: pdftoppm (poppler-utils) is needed" >&2; exit 1; }

tmp=$(mktemp -d -t sheaf-born-digital.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

python3 - "$sheaf" "$zugferd" "$scans" "$tmp" "$out" <<'PY'
import json, os, resource, statistics, subprocess, sys, time

sheaf, zugferd, scans, tmp, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
pdfs = sorted(os.path.join(d, f) for d, _, fs in os.walk(zugferd) for f in fs if f.endswith(".pdf"))
data = os.path.join(tmp, "data")


def cpu_of_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_timed(args, first_line=False):
    """Runs sheaf; returns (wall s, wall s to the first stdout line, CPU s, stdout)."""
    cpu0 = cpu_of_children()
    t0 = time.perf_counter()
    p = subprocess.Popen([sheaf] + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = None
    lines = []
    for line in p.stdout:
        if first is None:
            first = time.perf_counter() - t0
        lines.append(line)
    p.wait()
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"born_digital: sheaf {' '.join(args[:3])} ... exited {p.returncode}")
    return wall, first, cpu_of_children() - cpu0, b"".join(lines)


# Warm the page cache once. Every timed run gets a new data dir: a batch of new documents finds
# nothing in the classification cache and writes one entry per document (not fsynced).
run_timed(["process", "--jsonl", "--jobs", "2", "--data-dir", data] + pdfs)
fresh = iter(range(1000))
new_data = lambda: os.path.join(tmp, f"data{next(fresh)}")

load_before = os.getloadavg()[0]

# 1. Throughput.
walls, cpus = [], []
pages = ocr_pages = 0
for _ in range(5):
    wall, _, cpu, stdout = run_timed(["process", "--jsonl", "--jobs", "2", "--data-dir", new_data()] + pdfs)
    walls.append(wall)
    cpus.append(cpu)
    pages = ocr_pages = 0
    for line in stdout.splitlines():
        for p in json.loads(line)["pages"]:
            pages += 1
            ocr_pages += p["source"] == "ocr"
wall = statistics.median(walls)
cpu = statistics.median(cpus)

# 2. Start-up to the first result, one PDF.
one = pdfs[0]
firsts, one_walls, one_cpus = [], [], []
for _ in range(10):
    w, first, c, _ = run_timed(["process", "--jsonl", "--jobs", "2", "--data-dir", new_data(), one], True)
    firsts.append(first)
    one_walls.append(w)
    one_cpus.append(c)

# 3. Peak memory on A4 300 dpi scans (OCR cache off so every page is read).
scan_dir = os.path.join(tmp, "scans")
os.makedirs(scan_dir)
a4 = [p for p in pdfs][:scans]
for i, pdf in enumerate(a4):
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-f", "1", "-l", "1", "-singlefile",
                    pdf, os.path.join(scan_dir, f"scan{i:02d}")], check=True)
images = sorted(os.path.join(scan_dir, f) for f in os.listdir(scan_dir))


def peak_kb(jobs):
    t = os.path.join(tmp, f"rss{jobs}")
    args = ["/usr/bin/time", "-f", "%M %U %S %e", "-o", t, sheaf, "process", "--jsonl", "--jobs",
            str(jobs), "--no-ocr-cache", "--data-dir", data] + images
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    kb, user, sys_, e = open(t).read().split()
    return int(kb), float(user) + float(sys_), float(e)


rss1, cpu1, wall1 = peak_kb(1)
rss2, cpu2, wall2 = peak_kb(2)
mib = lambda kb: kb / 1024

r = {
    "pdfs": len(pdfs), "pages": pages, "pages_ocrd": ocr_pages,
    "load_average_before": load_before, "load_average_after": os.getloadavg()[0],
    "seconds_median_of_5": wall, "pages_per_s": pages / wall,
    "cpu_seconds_median_of_5": cpu, "pages_per_cpu_s": pages / cpu,
    "runs_s": walls, "runs_cpu_s": cpus,
    "startup_pdf": one,
    "first_result_ms_median_of_10": 1000 * statistics.median(firsts),
    "one_pdf_run_ms_median_of_10": 1000 * statistics.median(one_walls),
    "one_pdf_run_cpu_ms_median_of_10": 1000 * statistics.median(one_cpus),
    "first_result_ms_runs": [1000 * f for f in firsts],
    "scans": len(images), "scan_size": "A4 at 300 dpi (pdftoppm -r 300 -gray)",
    "peak_rss_mib_jobs1": mib(rss1), "peak_rss_mib_jobs2": mib(rss2),
    "peak_rss_mib_per_worker_jobs2": mib(rss2) / 2,
    "peak_rss_mib_second_worker": mib(rss2 - rss1),
    "ocr_cpu_s_jobs1": cpu1, "ocr_cpu_s_jobs2": cpu2,
}
with open(os.path.join(out, "born_digital.json"), "w") as f:
    json.dump(r, f, indent=2)
print(f"born-digital: {pages} pages ({ocr_pages} OCR'd) in {len(pdfs)} PDFs: "
      f"{wall:.3f} s -> {pages / wall:.0f} pages/s (median of 5; CPU {cpu:.3f} s -> "
      f"{pages / cpu:.0f} pages per CPU s)")
print(f"start-up to first result (one PDF): {r['first_result_ms_median_of_10']:.1f} ms wall, "
      f"whole run {r['one_pdf_run_ms_median_of_10']:.1f} ms wall / "
      f"{r['one_pdf_run_cpu_ms_median_of_10']:.1f} ms CPU (median of 10)")
print(f"load average {load_before:.1f} before, {r['load_average_after']:.1f} after")
print(f"peak memory on {len(images)} A4 300 dpi scans: --jobs 1 {mib(rss1):.0f} MiB, --jobs 2 "
      f"{mib(rss2):.0f} MiB ({mib(rss2) / 2:.0f} MiB per worker; the second worker adds "
      f"{mib(rss2 - rss1):.0f} MiB)")
PY
