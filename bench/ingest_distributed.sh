#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Uploads/s and their latency on the distributed backends beside the embedded ones, same machine,
# same run: bench/ingest.sh (both phases: the target rate, then saturation) against
# `sheaf serve --role api` first on the embedded defaults, then on Kafka + PostgreSQL + S3 (a fresh
# Kafka namespace, PostgreSQL database and S3 prefix; Redis is not on the upload path).
# Needs the local cluster: eval "$(scripts/cluster up)" (SHEAF_TEST_KAFKA, SHEAF_TEST_POSTGRES,
# SHEAF_TEST_S3 and the AWS_* keys).
# Usage: bench/ingest_distributed.sh [SECONDS] [CONNECTIONS] [RATE]   (defaults 15, 64, 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_=${1:-15}
CONNS=${2:-64}
RATE=${3:-1000}
BIN=${SHEAF_BINARY:-build/release/sheaf}
: "${SHEAF_TEST_KAFKA:?run eval \"\$(scripts/cluster up)\" first}"
: "${SHEAF_TEST_POSTGRES:?run eval \"\$(scripts/cluster up)\" first}"
: "${SHEAF_TEST_S3:?run eval \"\$(scripts/cluster up)\" first}"

echo "== embedded (SQLite broker and metadata, local files)"
env -u SHEAF_BROKER -u SHEAF_METADATA -u SHEAF_BLOBS -u SHEAF_CACHE \
  bench/ingest.sh "$SECONDS_" "$CONNS" api "$RATE"

NS=ingest$(date +%s)
PG_ADMIN=$(/usr/bin/python3 -c "
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1]); print(u.urlunsplit((p.scheme, f'postgres@{p.hostname}:{p.port}', '/postgres', '', '')))" "$SHEAF_TEST_POSTGRES")
PG_USER=$(/usr/bin/python3 -c "import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).username)" "$SHEAF_TEST_POSTGRES")
psql -q -v ON_ERROR_STOP=1 "$PG_ADMIN" -c "CREATE DATABASE \"$NS\" OWNER \"$PG_USER\"" >/dev/null
export SHEAF_BROKER="kafka://$SHEAF_TEST_KAFKA?namespace=$NS"
export SHEAF_METADATA
SHEAF_METADATA=$(/usr/bin/python3 -c "
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1]); print(u.urlunsplit((p.scheme, p.netloc, '/' + sys.argv[2], p.query, '')))" "$SHEAF_TEST_POSTGRES" "$NS")
base=${SHEAF_TEST_S3%%\?*}
export SHEAF_BLOBS="${base%/}/$NS?${SHEAF_TEST_S3#*\?}"
"$BIN" migrate >/dev/null
"$BIN" kafka create-topics --replication-factor 1 --min-insync-replicas 1 >/dev/null
echo
echo "== distributed (Kafka $SHEAF_TEST_KAFKA, PostgreSQL, S3; namespace $NS)"
bench/ingest.sh "$SECONDS_" "$CONNS" api "$RATE"
