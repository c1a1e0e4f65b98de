#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Speed benchmark of the foundation pipeline, in one run on one machine:
#  1. `sheaf process --jobs 2` over the SROIE receipt images (OCR cache off), against the raw
#     `tesseract IMAGE - --oem 1` CLI as 2 parallel processes over the same images
#     (OMP_THREAD_LIMIT=1, Tesseract's recommended setting when running processes in parallel;
#     --openmp also times the CLI with its default OpenMP threads); then the same pair again
#     with `--lang msa+eng` / `-l msa+eng`. Each side's CPU time (user+sys, the CLI's summed
#     over its processes) is reported beside its wall time: on a shared machine the CPU ratio is
#     the steadier one;
#  2. born-digital PDF throughput over the ZUGFeRD corpus (pages must come from the text layer);
#  3. peak memory (and time) of the whole process with 2 workers, and with 1 worker.
#
# Usage: bench/ocr_speed.sh [--openmp] [SROIE_IMG_DIR] [ZUGFERD_DIR]
# OCR_SPEED_LIMIT=N uses only the first N receipt images (sorted by name).
# Needs a release build (cmake --preset release && cmake --build --preset release).
set -euo pipefail
cd "$(dirname "$0")/.."
openmp=0
if [ "${1:-}" = "--openmp" ]; then openmp=1; shift; fi
sroie=${1:-../shared/datasets/sroie/img}
zugferd=${2:-../shared/datasets/zugferd_corpus}
sheaf=./build/release/sheaf
out=bench/out
mkdir -p "$out"
[ -x "$sheaf" ] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 2; }
[ -d "$sroie" ] || { echo "no SROIE images at $sroie" >&2; exit 2; }

mapfile -t images < <(find "$sroie" -maxdepth 1 -type f \( -name '*.jpg' -o -name '*.png' \) | sort |
                      head -n "${OCR_SPEED_LIMIT:-1000000}")
n=${#images[@]}
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

echo "== $n receipt images from $sroie ($(nproc) cores)"
data=$(mktemp -d)
# cpu FILE: user+sys seconds that /usr/bin/time wrote to FILE ("%U %S").
cpu() { python3 -c "import sys; u, s = open(sys.argv[1]).read().split()[-2:]; print(f'{float(u) + float(s):.2f}')" "$1"; }
# sheaf_run LANG OUT_PREFIX: sheaf process --jobs 2 over the images; sets run_s and run_cpu.
sheaf_run() {
  local t0 t1
  t0=$(now)
  /usr/bin/time -f "%M %U %S" -o "$out/$2_cpu" \
    "$sheaf" process --jsonl --jobs 2 --no-ocr-cache --lang "$1" --data-dir "$data" "${images[@]}" >"$out/$2.jsonl"
  t1=$(now)
  run_s=$(elapsed "$t0" "$t1"); run_cpu=$(cpu "$out/$2_cpu")
}
# tess_run LANG OUT_PREFIX: the CLI as 2 parallel processes; sets run_s and run_cpu (summed over
# the processes: time(1) counts the children xargs waited for).
tess_run() {
  local t0 t1
  t0=$(now)
  printf '%s\0' "${images[@]}" |
    OMP_THREAD_LIMIT=1 /usr/bin/time -f "%U %S" -o "$out/$2_cpu" \
      xargs -0 -P 2 -I{} sh -c 'tesseract "$1" - --oem 1 -l "$2" >/dev/null 2>&1' _ {} "$1"
  t1=$(now)
  run_s=$(elapsed "$t0" "$t1"); run_cpu=$(cpu "$out/$2_cpu")
}
sheaf_run eng sheaf_receipts; sheaf_s=$run_s; sheaf_cpu=$run_cpu
cut -d' ' -f1 "$out/sheaf_receipts_cpu" >"$out/sheaf_rss_kb"
tess_run eng tess_receipts; tess_s=$run_s; tess_cpu=$run_cpu
sheaf_run msa+eng sheaf_receipts_msa; sheaf_msa_s=$run_s; sheaf_msa_cpu=$run_cpu
tess_run msa+eng tess_receipts_msa; tess_msa_s=$run_s; tess_msa_cpu=$run_cpu

tess_omp_s=""
if [ "$openmp" = 1 ]; then
  t0=$(now)
  printf '%s\0' "${images[@]}" |
    env -u OMP_THREAD_LIMIT xargs -0 -P 2 -I{} sh -c 'tesseract "$1" - --oem 1 >/dev/null 2>&1' _ {}
  t1=$(now)
  tess_omp_s=$(elapsed "$t0" "$t1")
fi

# One worker's footprint (and time), on the same images.
t0=$(now)
/usr/bin/time -f "%M" -o "$out/sheaf_rss1_kb" \
  "$sheaf" process --jsonl --jobs 1 --no-ocr-cache --data-dir "$data" "${images[@]}" >/dev/null
t1=$(now)
sheaf1_s=$(elapsed "$t0" "$t1")

pdf_pages=0; pdf_s=""; pdf_ocr=0
if [ -d "$zugferd" ]; then
  mapfile -t pdfs < <(find "$zugferd" -type f -name '*.pdf' | sort)
  # Median of three runs: one run takes a fraction of a second, so noise matters.
  runs=()
  for _ in 1 2 3; do
    t0=$(now)
    "$sheaf" process --jsonl --jobs 2 --data-dir "$data" "${pdfs[@]}" >"$out/sheaf_zugferd.jsonl" || true
    t1=$(now)
    runs+=("$(elapsed "$t0" "$t1")")
  done
  pdf_s=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
  read -r pdf_pages pdf_ocr < <(python3 - "$out/sheaf_zugferd.jsonl" <<'PY'
import json, sys
pages = ocr = 0
for line in open(sys.argv[1]):
    d = json.loads(line)
    for p in d["pages"]:
        pages += 1
        ocr += p["source"] == "ocr"
print(pages, ocr)
PY
)
fi
rm -rf "$data"

python3 - "$out" "$n" "$sheaf_s" "$tess_s" "${tess_omp_s:-}" "$pdf_pages" "${pdf_s:-0}" "$pdf_ocr" "$sheaf1_s" \
  "$sheaf_cpu" "$tess_cpu" "$sheaf_msa_s" "$sheaf_msa_cpu" "$tess_msa_s" "$tess_msa_cpu" <<'PY'
import json, sys
(out, n, sheaf_s, tess_s, tess_omp_s, pdf_pages, pdf_s, pdf_ocr, sheaf1_s,
 sheaf_cpu, tess_cpu, sheaf_msa_s, sheaf_msa_cpu, tess_msa_s, tess_msa_cpu) = sys.argv[1:]
n = int(n); sheaf_s = float(sheaf_s); tess_s = float(tess_s)
sheaf_cpu, tess_cpu = float(sheaf_cpu), float(tess_cpu)
sheaf_msa_s, sheaf_msa_cpu = float(sheaf_msa_s), float(sheaf_msa_cpu)
tess_msa_s, tess_msa_cpu = float(tess_msa_s), float(tess_msa_cpu)
rss2 = int(open(f"{out}/sheaf_rss_kb").read()) / 1024
rss1 = int(open(f"{out}/sheaf_rss1_kb").read()) / 1024
r = {
    "receipts": n,
    "sheaf_seconds": sheaf_s, "sheaf_pages_per_s": n / sheaf_s,
    "tesseract_cli_seconds": tess_s, "tesseract_cli_pages_per_s": n / tess_s,
    "speedup_vs_tesseract_cli": tess_s / sheaf_s,
    "sheaf_cpu_seconds": sheaf_cpu, "tesseract_cli_cpu_seconds": tess_cpu,
    "cpu_speedup_vs_tesseract_cli": tess_cpu / sheaf_cpu,
    "msa_eng": {
        "sheaf_seconds": sheaf_msa_s, "sheaf_cpu_seconds": sheaf_msa_cpu,
        "tesseract_cli_seconds": tess_msa_s, "tesseract_cli_cpu_seconds": tess_msa_cpu,
        "speedup_vs_tesseract_cli": tess_msa_s / sheaf_msa_s,
        "cpu_speedup_vs_tesseract_cli": tess_msa_cpu / sheaf_msa_cpu,
    },
    "sheaf_1_worker_seconds": float(sheaf1_s),
    "peak_rss_mib_2_workers": rss2, "peak_rss_mib_1_worker": rss1,
}
if tess_omp_s:
    r["tesseract_cli_openmp_seconds"] = float(tess_omp_s)
    r["speedup_vs_tesseract_cli_openmp"] = float(tess_omp_s) / sheaf_s
if int(pdf_pages):
    r.update({"pdf_pages": int(pdf_pages), "pdf_seconds": float(pdf_s),
              "pdf_pages_per_s": int(pdf_pages) / float(pdf_s), "pdf_pages_ocrd": int(pdf_ocr)})
json.dump(r, open(f"{out}/ocr_speed.json", "w"), indent=2)
print(f"                                 wall          CPU (user+sys)")
print(f"sheaf process --jobs 2      {sheaf_s:7.1f} s   {sheaf_cpu:7.1f} s   {n / sheaf_s:5.2f} receipts/s")
print(f"tesseract CLI x2 (OMP=1)    {tess_s:7.1f} s   {tess_cpu:7.1f} s   {n / tess_s:5.2f} receipts/s")
print(f"  speed-up (eng)            {tess_s / sheaf_s:7.2f}x   {tess_cpu / sheaf_cpu:7.2f}x")
print(f"sheaf --lang msa+eng        {sheaf_msa_s:7.1f} s   {sheaf_msa_cpu:7.1f} s")
print(f"tesseract -l msa+eng x2     {tess_msa_s:7.1f} s   {tess_msa_cpu:7.1f} s")
print(f"  speed-up (msa+eng)        {tess_msa_s / sheaf_msa_s:7.2f}x   {tess_msa_cpu / sheaf_msa_cpu:7.2f}x")
if tess_omp_s:
    print(f"tesseract CLI x2 (OpenMP)   {float(tess_omp_s):7.1f} s")
print(f"sheaf process --jobs 1      {float(sheaf1_s):7.1f} s")
if int(pdf_pages):
    print(f"born-digital PDF pages      {int(pdf_pages) / float(pdf_s):7.1f} pages/s "
          f"({pdf_pages} pages, {pdf_ocr} OCR'd)")
print(f"peak RSS: 1 worker {rss1:.0f} MiB, 2 workers {rss2:.0f} MiB")
print(f"(written to {out}/ocr_speed.json)")
PY
