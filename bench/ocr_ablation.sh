#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# What each pre-processing choice is worth: `sheaf eval-ocr` CER (line-aligned and reading
# order) on the scribeocr benchmark and SROIE, for the default and for each variant.
# Usage: bench/ocr_ablation.sh [DATASETS_DIR]   (default ../shared/datasets)
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${1:-../shared/datasets}
sheaf=./build/release/sheaf
out=bench/out/ablation
mkdir -p "$out"
variants=("" "--no-background-norm" "--no-deskew" "--no-rescale" "--text-height 18"
          "--text-height 22" "--binarization otsu" "--binarization sauvola")
printf '%-26s %-22s %-22s\n' "variant" "scribeocr CER / text" "SROIE CER / text"
for v in "${variants[@]}"; do
  row=()
  for ds in scribeocr_benchmark sroie; do
    name=$(echo "${v:-default}" | tr -c 'a-z0-9\n' '_')
    # shellcheck disable=SC2086
    "$sheaf" eval-ocr --dataset "$datasets/$ds" --jobs 2 --no-baseline $v \
      --out "$out/$ds-$name.json" >/dev/null
    row+=("$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(f\"{100*d['sheaf_cer']:.2f}% / {100*d['sheaf_text_cer']:.2f}%\")" "$out/$ds-$name.json")")
  done
  printf '%-26s %-22s %-22s\n' "${v:-default}" "${row[0]}" "${row[1]}"
done
