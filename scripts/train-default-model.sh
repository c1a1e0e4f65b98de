#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Rebuilds the default document-type model, models/doctype.bin.gz, from synthetic documents only
# (the generator package tools/corpus/), so that the shipped model contains nothing we may not
# redistribute. See docs/doctype-model.md.
#
# Environment (all optional):
#   SHEAF_BIN             the sheaf binary                     (build/release/sheaf)
#   DOCTYPE_PER_CLASS     synthetic documents per label        (160; more makes a model over 10 MB)
#   DOCTYPE_SEED          generator seed                       (20240601)
#   DOCTYPE_JOBS          worker threads / processes           (number of cores)
#   DOCTYPE_DATA_DIR      Sheaf data folder (its OCR cache makes reruns quick)   (./sheaf-data)
#   DOCTYPE_CORPUS_DIR    keep the generated corpus here instead of a temp folder
#   DOCTYPE_EVAL_MANIFEST also score the model on these labelled documents (--eval-manifest)
#   DOCTYPE_OUT           where to write the model             (models/doctype.bin.gz; a name
#                         ending in .json or .json.gz gets the JSON form)
set -euo pipefail
cd "$(dirname "$0")/.."

sheaf="${SHEAF_BIN:-build/release/sheaf}"
per_class="${DOCTYPE_PER_CLASS:-160}"
seed="${DOCTYPE_SEED:-20240601}"
jobs="${DOCTYPE_JOBS:-$(nproc)}"
data_dir="${DOCTYPE_DATA_DIR:-./sheaf-data}"
out="${DOCTYPE_OUT:-models/doctype.bin.gz}"
report="${out%.gz}"; report="${report%.json}"; report="${report%.bin}.report.json"

if [[ ! -x "$sheaf" ]]; then
  echo "train-default-model: $sheaf not found; build it first (cmake --build --preset release)" >&2
  exit 1
fi
# The generator needs PIL; Debian's python3-pil lives in the system interpreter.
python=/usr/bin/python3
[[ -x "$python" ]] || python=python3

if [[ -n "${DOCTYPE_CORPUS_DIR:-}" ]]; then
  corpus="$DOCTYPE_CORPUS_DIR"
  rm -rf "$corpus"
else
  corpus="$(mktemp -d -t sheaf-doctype.XXXXXX)"
  trap 'rm -rf "$corpus"' EXIT
fi

echo "== generating $per_class documents per label (seed $seed) into $corpus" >&2
PYTHONPATH="$PWD/tools${PYTHONPATH:+:$PYTHONPATH}" "$python" -m corpus --out "$corpus" \
  --per-class "$per_class" --seed "$seed" --jobs "$jobs"

mkdir -p "$(dirname "$out")"
args=(train-classifier --manifest "$corpus/manifest.jsonl" --out "$out" --holdout 0.2
      --report "$report" --jobs "$jobs" --data-dir "$data_dir")
if [[ -n "${DOCTYPE_EVAL_MANIFEST:-}" ]]; then
  args+=(--eval-manifest "$DOCTYPE_EVAL_MANIFEST")
fi
echo "== $sheaf ${args[*]}" >&2
"$sheaf" "${args[@]}"
echo "== model: $out ($(du -h "$out" | cut -f1)), report: $report" >&2
