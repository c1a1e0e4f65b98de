#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's first command: install what is missing, build the release binary and run Sheaf's
# main job (`sheaf process`) on the bundled samples with its embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target sheaf
./build/release/sheaf process --table --data-dir ./sheaf-data samples/receipts samples/invoices samples/letters
