#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Trains the extractor's candidate ranker on generated receipts only (tools/corpus, a share
# rendered as scans so OCR noise is in training) and decides whether it may ship: it is scored,
# grouped by sender, on SROIE (`msa+eng`) and on a held-out generated set (EXTRACTOR_HELDOUT_SEED, never used in
# training), each against the rules. See docs/extraction.md, "The ranker". A model ships as
# models/extractor.json.gz only when it beats the rules on both; this script never writes there
# unless EXTRACTOR_OUT says so.
#
# Environment (all optional):
#   SHEAF_BIN              the sheaf binary                                 (build/release/sheaf)
#   EXTRACTOR_TRAIN        training sets as SEED:COUNT, comma-separated     (11:120,12:280)
#   EXTRACTOR_HELDOUT      held-out generated receipts                      (40)
#   EXTRACTOR_HELDOUT_SEED their seed, never trained on (99 was looked at while the ranker's
#                          features were written; 4243 was first scored with the model it judged) (4243)
#   EXTRACTOR_JOBS         worker threads / processes                       (2)
#   EXTRACTOR_DATA_DIR     Sheaf data folder (its OCR cache makes reruns quick)   (./sheaf-data)
#   EXTRACTOR_WORK         keep the corpora here instead of a temp folder
#   EXTRACTOR_OUT          where to write the model                         (WORK/extractor.json.gz)
#   DATASETS_ROOT          where sroie is                                   (../shared/datasets)
set -euo pipefail
cd "$(dirname "$0")/.."

sheaf="${SHEAF_BIN:-build/release/sheaf}"
train_sets="${EXTRACTOR_TRAIN:-11:120,12:280}"
heldout="${EXTRACTOR_HELDOUT:-40}"
heldout_seed="${EXTRACTOR_HELDOUT_SEED:-4243}"
jobs="${EXTRACTOR_JOBS:-2}"
data_dir="${EXTRACTOR_DATA_DIR:-./sheaf-data}"
datasets="${DATASETS_ROOT:-../shared/datasets}"

IFS=, read -r -a train_specs <<<"$train_sets"
for spec in "${train_specs[@]}"; do
  if [[ ! "$spec" =~ ^[0-9]+:[0-9]+$ ]]; then
    echo "train-extractor-model: EXTRACTOR_TRAIN entry '$spec' is not SEED:COUNT" >&2
    exit 2
  fi
  if [[ "${spec%%:*}" == "$heldout_seed" ]]; then
    echo "train-extractor-model: seed ${spec%%:*} is the held-out set's; pick another" >&2
    exit 2
  fi
done
if [[ ! -x "$sheaf" ]]; then
  echo "train-extractor-model: $sheaf not found; build it first (cmake --build --preset release)" >&2
  exit 1
fi
python=/usr/bin/python3  # the generator needs PIL (Debian's python3-pil)
[[ -x "$python" ]] || python=python3

if [[ -n "${EXTRACTOR_WORK:-}" ]]; then
  work="$EXTRACTOR_WORK"
  mkdir -p "$work"
else
  work="$(mktemp -d -t sheaf-extractor.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
fi
out="${EXTRACTOR_OUT:-$work/extractor.json.gz}"

gen() {  # gen DIR SEED N
  rm -rf "$1"
  PYTHONPATH="$PWD/tools${PYTHONPATH:+:$PYTHONPATH}" "$python" -m corpus --out "$1" --per-class "$3" \
    --seed "$2" --labels receipt --scan-fraction 0.7 --header-noise --jobs "$jobs" >&2
}
echo "== generating training receipts ($train_sets as seed:count) and $heldout held-out (seed $heldout_seed)" >&2
train_dirs=()
for spec in "${train_specs[@]}"; do
  gen "$work/train${spec%%:*}" "${spec%%:*}" "${spec##*:}"
  train_dirs+=("$work/train${spec%%:*}")
done
train_list="$(IFS=,; echo "${train_dirs[*]}")"
gen "$work/heldout" "$heldout_seed" "$heldout"

# Receipts are read as SROIE's are (msa+eng), so the OCR noise in training is the noise at use.
common=(--lang msa+eng --jobs "$jobs" --data-dir "$data_dir")
echo "== training $out" >&2
"$sheaf" train-extractor --dataset "$train_list" --fields merchant_name --out "$out" "${common[@]}"

score() {  # score LABEL EVAL-ARGS...: prints the rules' and the ranker's grouped merchant_name F1
  local report="$work/report.json"
  "$sheaf" eval --type receipt --group-by sender "${common[@]}" --out "$report" "$@" >/dev/null
  "$python" - "$report" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = lambda k: r[k]["fields"]["merchant_name"]["grouped_f1"]
print(f"merchant_name grouped F1: rules {f('grouped'):.3f}, ranker {f('grouped_ranked'):.3f}")
PY
}
echo "== SROIE, the model trained on generated receipts only" >&2
score --dataset sroie --datasets-root "$datasets" --ranker-model "$out"
echo "== SROIE, per fold on the other folds' senders and the generated receipts" >&2
score --dataset sroie --datasets-root "$datasets" --train-with "$train_list"
echo "== held-out generated receipts (seed $heldout_seed), the model trained on generated receipts only" >&2
score --dataset "$work/heldout" --ranker-model "$out"
echo "== held-out generated receipts, per fold and the generated training receipts" >&2
score --dataset "$work/heldout" --train-with "$train_list"
