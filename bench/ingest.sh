#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Ingestion benchmark: POST /v1/documents with ~100 KB bodies (a real PNG page) over 64
# connections, against `sheaf serve --role api` on a fresh data folder (documents are accepted
# durably - file, record and queue message fsynced - and wait on the queues; the stage workers
# are not running so that they do not share the two cores with the benchmark). Two phases:
#   1. the target rate: RATE uploads/s offered over the connections (hey, each connection paced
#      at RATE/CONNECTIONS per second): the latency an upload sees at that load;
#   2. saturation: every connection sends its next upload as soon as the last is answered (wrk):
#      the most uploads/s the server accepts, and the latency at that rate (queueing included).
# Usage: bench/ingest.sh [SECONDS] [CONNECTIONS] [ROLE] [RATE]   (defaults 15, 64, api, 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_=${1:-15}
CONNS=${2:-64}
ROLE=${3:-api}
RATE=${4:-1000}
BIN=${SHEAF_BINARY:-build/release/sheaf}
WORK=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

# A 100 KB PNG: a page with text and grain (so it does not compress away).
/usr/bin/python3 - "$WORK/page.png" <<'PY'
import random, sys
from PIL import Image, ImageDraw, ImageFont
random.seed(7)
img = Image.new("L", (680, 440), 255)
d = ImageDraw.Draw(img)
font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 18)
for i in range(14):
    d.text((20, 20 + 26 * i), f"INVOICE 2026-{i:04d}  item {i} ........ {random.randint(1, 999)}.{random.randint(0, 99):02d} EUR", font=font, fill=0)
px = img.load()
for y in range(img.height):
    for x in range(img.width):
        if random.random() < 0.3:
            px[x, y] = max(0, min(255, px[x, y] + random.randint(-60, 60)))
img.save(sys.argv[1], optimize=False)
PY
SIZE=$(stat -c %s "$WORK/page.png")

"$BIN" tenant create bench --data-dir "$WORK/data" >/dev/null 2>&1
KEY=$("$BIN" key create --tenant bench --data-dir "$WORK/data" 2>/dev/null | tail -1)
"$BIN" serve --data-dir "$WORK/data" --listen 127.0.0.1:0 --role "$ROLE" --rate-limit 1000000 \
  --rate-burst 1000000 --max-queued 0 --http-threads 96 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/serve.out" | head -1)

cat >"$WORK/post.lua" <<LUA
local f = io.open("$WORK/page.png", "rb")
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "image/png"
wrk.headers["Authorization"] = "Bearer $KEY"
done = function(summary, latency, requests)
  io.write(string.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
LUA

# Server-side quantiles of the upload route from the histogram in /metrics, for the uploads
# answered since the snapshot in file $1 (written anew for the next phase).
server_side() {
  curl -s "http://127.0.0.1:$PORT/metrics" | /usr/bin/python3 -c '
import json, os, re, sys
path = sys.argv[1]
now = {float(m.group(1)): float(m.group(2)) for m in re.finditer(
    r"sheaf_http_request_duration_seconds_bucket\{route=\"/v1/documents\",le=\"([0-9.e+-]+|\+Inf)\"\} ([0-9.e+]+)",
    sys.stdin.read())}
before = {float(k): v for k, v in json.load(open(path)).items()} if os.path.exists(path) else {}
json.dump({str(k): v for k, v in now.items()}, open(path, "w"))
b = sorted((le, n - before.get(le, 0)) for le, n in now.items())
total = b[-1][1] if b else 0
if total:
    print("  server-side (handler): " + ", ".join(
        f"p{int(q * 100)} <= {next(le for le, n in b if n >= q * total) * 1000:g} ms" for q in (0.5, 0.99)))' "$1"
}
accepted() {
  curl -s "http://127.0.0.1:$PORT/metrics" |
    sed -n 's/^sheaf_http_requests_total{method="POST",route="\/v1\/documents",code="202"} //p'
}

PER_CONN=$(/usr/bin/python3 -c "print(max(1, round($RATE / $CONNS)))")
echo "body: $SIZE bytes PNG; $CONNS connections; ${SECONDS_} s per phase; role $ROLE; $(nproc) cores"
echo
echo "1. target rate: $((PER_CONN * CONNS)) uploads/s offered (hey, $PER_CONN/s per connection)"
server_side "$WORK/hist.json" >/dev/null
hey -z "${SECONDS_}s" -c "$CONNS" -q "$PER_CONN" -m POST -D "$WORK/page.png" -T image/png \
  -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/v1/documents" >"$WORK/hey.out"
BEFORE=$(accepted)
/usr/bin/python3 - "$WORK/hey.out" "${BEFORE:-0}" "$SECONDS_" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
q = dict(re.findall(r"(\d+)% in ([0-9.]+) secs", text))
codes = re.findall(r"\[(\d+)\]\s+(\d+) responses", text)
print(f"  accepted {int(sys.argv[2]) / float(sys.argv[3]):.0f}/s; p50 {float(q['50']) * 1000:.1f} ms, "
      f"p90 {float(q['90']) * 1000:.1f} ms, p99 {float(q['99']) * 1000:.1f} ms; answers "
      + ", ".join(f"{c}: {n}" for c, n in codes))
PY
server_side "$WORK/hist.json"
echo
echo "2. saturation (wrk, next upload as soon as the last is answered)"
wrk -t2 -c"$CONNS" -d"${SECONDS_}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v1/documents" >"$WORK/wrk.out"
AFTER=$(accepted)
grep -E "Non-2xx|Socket errors" "$WORK/wrk.out" | sed 's/^/  /' || true
echo "  accepted $(/usr/bin/python3 -c "print(round((${AFTER:-0} - ${BEFORE:-0}) / ${SECONDS_}))")/s; $(tail -1 "$WORK/wrk.out")"
server_side "$WORK/hist.json"
QUEUED=$(curl -s "http://127.0.0.1:$PORT/metrics" | sed -n 's/^sheaf_queue_depth{topic="documents.normal",lane="normal"} //p')
echo
echo "accepted in all (202): ${AFTER:-0}; waiting on documents.normal: ${QUEUED:-0}"
