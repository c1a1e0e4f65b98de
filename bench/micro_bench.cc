// SPDX-License-Identifier: GPL-3.0-or-later
//
// Micro-benchmarks of the hot non-OCR paths: hashing a page for the OCR cache key, format
// sniffing and the edit distance used by `sheaf eval-ocr`.
#include <benchmark/benchmark.h>

#include "cache/ocr_cache.h"
#include "eval/ocr_eval.h"
#include "sheaf/format.h"

namespace {

void BM_OcrCacheKey(benchmark::State& state) {
  sheaf::Image img;
  img.width = 2480;
  img.height = 3508;  // A4 at 300 DPI
  img.channels = 1;
  img.pixels.assign(static_cast<std::size_t>(img.width) * img.height, 200);
  for (auto _ : state) benchmark::DoNotOptimize(sheaf::OcrCache::Key(img, "tesseract 5.3.0"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(img.bytes()));
}
BENCHMARK(BM_OcrCacheKey)->Unit(benchmark::kMillisecond);

void BM_DetectFormatText(benchmark::State& state) {
  std::string text;
  while (text.size() < 200000) text += "Invoice 2024-001 Total 1.234,50 EUR Grüße\n";
  for (auto _ : state) benchmark::DoNotOptimize(sheaf::DetectFormat(text));
}
BENCHMARK(BM_DetectFormatText);

void BM_EditDistance(benchmark::State& state) {
  std::string a, b;
  for (int i = 0; i < state.range(0) / 10; ++i) {
    a += "receipt 12";
    b += i % 7 ? "receipt 12" : "rece1pt 1Z";
  }
  for (auto _ : state) benchmark::DoNotOptimize(sheaf::eval::EditDistance(a, b));
}
BENCHMARK(BM_EditDistance)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
