#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Backup and restore timings (docs/operations.md) on a generated data dir: a metadata store with
# one tenant, and N blobs of SIZE KiB each (random bytes, so nothing compresses or dedupes), laid
# out as the service lays out originals. Times a full backup, an incremental one after 1% more
# blobs, `sheaf restore --check` and a restore into a new folder (the RTO's copying part).
# Usage: bench/backup.sh [N] [SIZE_KIB]   (defaults 2000, 100: about 200 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
SIZE=${2:-100}
BIN=${SHEAF_BINARY:-build/release/sheaf}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$BIN" tenant create bench --data-dir "$WORK/data" >/dev/null 2>&1
/usr/bin/python3 - "$WORK/data/blobs" "$N" "$SIZE" 0 <<'PY'
import os, sys
root, n, size, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for i in range(start, start + n):
    d = os.path.join(root, "tenants", "bench", "originals")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"doc-{i:07d}"), "wb") as f:
        f.write(os.urandom(size * 1024))
PY
sync

run() {  # run LABEL CMD...: prints the label, the wall seconds and sheaf's summary lines
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$WORK/out" 2>&1
  t1=$(date +%s.%N)
  printf '%-24s %6.2f s   %s\n' "$label" "$(echo "$t1 - $t0" | bc)" \
    "$(grep -E '^(blobs|blobs_copied|files):' "$WORK/out" | tr '\n' ' ')"
}

echo "data dir: $N blobs of $SIZE KiB ($(du -sh "$WORK/data" | cut -f1))"
run "full backup" "$BIN" backup --to "$WORK/set" --data-dir "$WORK/data"
/usr/bin/python3 - "$WORK/data/blobs" "$((N / 100))" "$SIZE" "$N" <<'PY'
import os, sys
root, n, size, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
d = os.path.join(root, "tenants", "bench", "originals")
for i in range(start, start + n):
    with open(os.path.join(d, f"doc-{i:07d}"), "wb") as f:
        f.write(os.urandom(size * 1024))
PY
run "incremental (+1%)" "$BIN" backup --to "$WORK/set" --data-dir "$WORK/data"
run "restore --check" "$BIN" restore --check --from "$WORK/set"
run "restore" "$BIN" restore --from "$WORK/set" --data-dir "$WORK/restored"
