#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End-to-end pages per second of `sheaf serve` against `sheaf process` on the same files (the
# SROIE receipts by default): process runs them as one batch; serve gets them all through
# POST /v1/documents and the clock stops when the last one is finished. Both read every page
# (no OCR cache, fresh data folders) with as many OCR workers as cores.
# Usage: bench/serve_throughput.sh [FOLDER] [LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${1:-../shared/datasets/sroie/img}
LIMIT=${2:-60}
BIN=${SHEAF_BINARY:-build/release/sheaf}
PY=/usr/bin/python3
WORK=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
mapfile -t FILES < <(find "$SRC" -maxdepth 1 -type f \( -name '*.jpg' -o -name '*.png' -o -name '*.pdf' \) | sort | head -n "$LIMIT")
N=${#FILES[@]}
JOBS=$(nproc)
echo "files: $N from $SRC; $JOBS cores"

t0=$(date +%s.%N)
"$BIN" process --jsonl --no-ocr-cache --jobs "$JOBS" --data-dir "$WORK/process" "${FILES[@]}" >"$WORK/process.jsonl"
t1=$(date +%s.%N)
PROCESS_S=$($PY -c "print($t1 - $t0)")
PAGES=$($PY -c "import json,sys; print(sum(json.loads(l)['page_count'] for l in open(sys.argv[1])))" "$WORK/process.jsonl")

"$BIN" tenant create bench --data-dir "$WORK/serve" >/dev/null 2>&1
KEY=$("$BIN" key create --tenant bench --data-dir "$WORK/serve" 2>/dev/null | tail -1)
SHEAF_OCR_CACHE=0 "$BIN" serve --data-dir "$WORK/serve" --listen 127.0.0.1:0 --ocr-workers "$JOBS" \
  --rate-limit 100000 --rate-burst 100000 --cache-mb 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/serve.out" | head -1)
SERVE_S=$(PYTHONPATH=clients/python/src $PY - "$PORT" "$KEY" "${FILES[@]}" <<'PY'
import sys, time
from concurrent.futures import ThreadPoolExecutor
from sheaf_client import SheafClient
port, key, files = sys.argv[1], sys.argv[2], sys.argv[3:]
c = SheafClient(f"http://127.0.0.1:{port}", key)
t0 = time.monotonic()
with ThreadPoolExecutor(8) as pool:
    ids = list(pool.map(lambda f: c.submit(f)["id"], files))
# One listing per quarter second (polling every document would steal the cores it measures).
pending = set(ids)
while pending:
    time.sleep(0.25)
    for d in c.iter_documents(limit=1000):
        if d["status"] not in ("queued", "processing"):
            pending.discard(d["id"])
print(time.monotonic() - t0)
PY
)
$PY - "$N" "$PAGES" "$PROCESS_S" "$SERVE_S" <<'PY'
import sys
n, pages, p, s = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f"sheaf process: {pages} pages in {p:.1f} s = {pages / p:.3f} pages/s")
print(f"sheaf serve:   {pages} pages in {s:.1f} s = {pages / s:.3f} pages/s "
      f"({100 * (pages / s) / (pages / p):.1f}% of process)")
PY
