#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Ingestion benchmark: POST /v1/documents with ~100 KB bodies (a real PNG page) at 64 concurrent
# connections with wrk, against `sheaf serve --role api` on a fresh data folder (documents are
# accepted durably - file, record and queue message fsynced - and wait on the queues; the stage
# workers are not running so that they do not share the two cores with the benchmark).
# Usage: bench/ingest.sh [SECONDS] [CONNECTIONS] [ROLE]   (defaults 15, 64, api)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_=${1:-15}
CONNS=${2:-64}
ROLE=${3:-api}
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

"$BIN" tenant create bench --data-dir "$WORK/data" >/dev/null
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
local codes = {}
response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
LUA

echo "body: $SIZE bytes PNG; $CONNS connections; ${SECONDS_} s; role $ROLE; $(nproc) cores"
wrk -t2 -c"$CONNS" -d"${SECONDS_}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v1/documents" | tee "$WORK/wrk.out"
ACCEPTED=$(curl -s "http://127.0.0.1:$PORT/metrics" | sed -n 's/^sheaf_http_requests_total{method="POST",route="\/v1\/documents",code="202"} //p')
QUEUED=$(curl -s "http://127.0.0.1:$PORT/metrics" | sed -n 's/^sheaf_queue_depth{topic="documents.normal",lane="normal"} //p')
echo "accepted (202): ${ACCEPTED:-0}; on documents.normal: ${QUEUED:-0}"
# Time inside the server (handler), from its histogram, against what the client saw.
curl -s "http://127.0.0.1:$PORT/metrics" | /usr/bin/python3 -c '
import re, sys
b = [(float(m.group(1)), float(m.group(2))) for m in re.finditer(
    r"sheaf_http_request_duration_seconds_bucket\{route=\"/v1/documents\",le=\"([0-9.e+-]+)\"\} ([0-9.e+]+)", sys.stdin.read())]
if b:
    total = b[-1][1]
    for q in (0.5, 0.99):
        le = next((le for le, n in b if n >= q * total), float("inf"))
        print(f"server-side p{int(q * 100)} <= {le * 1000:g} ms")'

echo "accepted per second: $(/usr/bin/python3 -c "print(round(${ACCEPTED:-0} / ${SECONDS_}))")"
