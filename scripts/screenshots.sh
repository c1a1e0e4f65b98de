#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates docs/screenshots/*.png (the review page at 1366x768, linked from the README) by
# running the browser test (tests/browser) with SHEAF_SCREENSHOTS set. Needs a release build and
# scripts/install-deps.sh (chromium, web/node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/screenshots
SHEAF_BINARY=${SHEAF_BINARY:-build/release/sheaf} SHEAF_SCREENSHOTS=$PWD/docs/screenshots \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider \
  tests/browser/test_review_page.py -k corrects_a_receipt_total
ls -l docs/screenshots
