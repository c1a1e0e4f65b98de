#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one libFuzzer target (tests/fuzz) for SECONDS, from seeds made of the repository's own
# files and the inputs kept under tests/fuzz/regressions. Used by ctest's `fuzz` label (15 s per
# target) and by hand for longer runs:
#
#   cmake --preset fuzz && cmake --build --preset fuzz
#   scripts/fuzz.sh image_decoding 3600        # one hour; the corpus grows in build/fuzz/corpus
#   scripts/fuzz.sh list                       # the targets
#
# A crash leaves its input in build/fuzz/artifacts/TARGET/; after fixing the bug, copy it to
# tests/fuzz/regressions/TARGET/ so every build's ctest replays it (FuzzReplay).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SHEAF_FUZZ_BUILD_DIR:-$root/build/fuzz}
targets=(format_detection pdf_loading image_decoding api_request api_json einvoice_xml schema_yaml)

if [ $# -ge 1 ] && [ "$1" = list ]; then printf '%s\n' "${targets[@]}"; exit 0; fi
if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS   (scripts/fuzz.sh list: the targets)" >&2
  exit 2
fi
target=$1 seconds=$2
bin=$build/tests/fuzz/sheaf_fuzz_$target
if [[ ! " ${targets[*]} " =~ " $target " ]]; then
  echo "fuzz.sh: unknown target '$target' (known: ${targets[*]})" >&2
  exit 2
fi
if [ ! -x "$bin" ]; then
  echo "fuzz.sh: $bin is not built; run: cmake --preset fuzz && cmake --build --preset fuzz" >&2
  exit 2
fi

# Seeds: the repository's files of the kind the target reads, remade each run (cheap).
seeds=$build/seeds/$target
rm -rf "$seeds"
mkdir -p "$seeds" "$build/corpus/$target" "$build/artifacts/$target"
copy() { for f in "$@"; do [ -f "$f" ] && cp "$f" "$seeds/"; done; return 0; }
# Small PNG, TIFF, WebP and JPEG versions of the sample receipts (python3-pil, from
# scripts/install-deps.sh): the samples are the only images in the repository, and small seeds
# keep each run fast.
small_images() {
  /usr/bin/python3 - "$seeds" "$root"/samples/receipts/*.jpg <<'PY'
import sys
from PIL import Image
out = sys.argv[1]
for i, path in enumerate(sys.argv[2:]):
    im = Image.open(path).convert("L")
    im.thumbnail((160, 160))
    for fmt, ext, extra in (("PNG", "png", {}), ("TIFF", "tif", {"compression": "tiff_deflate"}),
                            ("WEBP", "webp", {}), ("JPEG", "jpg", {"quality": 60})):
        im.save(f"{out}/small-{i}.{ext}", fmt, **extra)
    im.convert("1").save(f"{out}/small-{i}-g4.tif", "TIFF", compression="group4")
PY
}
shopt -s nullglob globstar
case $target in
  format_detection) copy "$root"/samples/**/*.* "$root"/tests/golden/*/input.*; small_images ;;
  pdf_loading) copy "$root"/samples/**/*.pdf "$root"/tests/golden/*/input.pdf ;;
  image_decoding) copy "$root"/samples/**/*.jpg; small_images ;;
  einvoice_xml)
    # The invoice XML embedded in the sample ZUGFeRD / Factur-X PDFs (poppler-utils' pdfdetach).
    for pdf in "$root"/samples/invoices/*.pdf; do
      pdfdetach -saveall -o "$seeds" "$pdf" >/dev/null 2>&1 || true
    done ;;
  schema_yaml) copy "$root"/schemas/*.yaml ;;
esac
copy "$root"/tests/fuzz/seeds/"$target"/*

dirs=("$build/corpus/$target" "$seeds")
[ -d "$root/tests/fuzz/regressions/$target" ] && dirs+=("$root/tests/fuzz/regressions/$target")
echo "fuzz.sh: $target for ${seconds}s, $(ls "$seeds" | wc -l) seeds, corpus $build/corpus/$target"
# -timeout: one input taking longer is a hang (reported like a crash); -rss_limit_mb: memory.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
# The same third-party process-lifetime caches as the debug preset's (fontconfig's configuration,
# which Poppler loads when a PDF names a font it must look up), never Sheaf's own code.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
"$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 -max_len=1048576 \
  -print_final_stats=1 -artifact_prefix="$build/artifacts/$target/" "${dirs[@]}" || status=$?
if [ $status -ne 0 ]; then
  echo "fuzz.sh: $target found a problem (exit $status); its input is in $build/artifacts/$target/" >&2
  echo "fuzz.sh: after the fix, keep it: cp $build/artifacts/$target/<file> tests/fuzz/regressions/$target/" >&2
fi
exit $status
