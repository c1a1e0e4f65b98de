#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's second command (and CI's): install what is missing, start the local cluster the
# distributed backends' tests need (scripts/cluster: Kafka, PostgreSQL, Redis, S3Proxy,
# ClickHouse on loopback), then build and run every test twice: the release preset, and the
# debug preset under AddressSanitizer and UndefinedBehaviorSanitizer; then each libFuzzer target
# for a bounded time (the fuzz preset). The cluster is stopped
# (by process id) however the tests end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== cluster: start (scripts/cluster up; state in .cluster/)"
export SHEAF_CLUSTER_DIR=${SHEAF_CLUSTER_DIR:-$PWD/.cluster}
trap 'scripts/cluster down >/dev/null || echo "test.sh: scripts/cluster down failed" >&2' EXIT
exports=$(scripts/cluster up)
# Only the tests' variables: SHEAF_BROKER and the like would turn every `sheaf serve` the
# embedded tests start into a distributed one.
eval "$(grep -E '^export (SHEAF_TEST_[A-Z0-9_]+|AWS_[A-Z_]+)=' <<<"$exports")"
env | grep -E '^SHEAF_TEST_' | sed 's/^/   /'

for preset in release debug; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== $preset: test"
  ctest --preset "$preset" --timeout 900
done

# libFuzzer targets (tests/fuzz, docs/reliability.md): clang, ASan + UBSan, 15 s per target.
echo "== fuzz: configure, build and run each target for ${SHEAF_FUZZ_SECONDS:-10}s"
cmake --preset fuzz -DSHEAF_FUZZ_SECONDS="${SHEAF_FUZZ_SECONDS:-10}" >/dev/null
cmake --build --preset fuzz
ctest --preset fuzz
