// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/composition.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include "adapters/leptonica/leptonica.h"
#include "adapters/poppler/poppler.h"
#include "adapters/tesseract/tesseract.h"
#include "cache/disk_cache.h"
#include "sheaf/build_info.h"

namespace sheaf::app {

std::unique_ptr<Loader> MakeLoader(const Limits& limits) {
  auto loader = std::make_unique<Loader>(limits);
  auto images = leptonica::MakeImageOpener();
  loader->Register(Format::kPdf, poppler_adapter::MakePdfOpener());
  loader->Register(Format::kPng, images);
  loader->Register(Format::kJpeg, images);
  loader->Register(Format::kTiff, images);
  loader->Register(Format::kWebp, images);
  loader->Register(Format::kText, MakeTextOpener());
  return loader;
}

WorkerToolsFactory MakeWorkerToolsFactory(const Config& config) {
  return [config]() -> Result<WorkerTools> {
    WorkerTools tools;
    Result<std::unique_ptr<OcrEngine>> engine = tesseract_adapter::MakeEngine(config.ocr);
    if (!engine.ok()) return engine.status();
    tools.engine = std::move(engine).value();
    if (config.orientation.detect) {
      Result<std::unique_ptr<OrientationDetector>> d =
          tesseract_adapter::MakeOrientationDetector(config.ocr);
      if (!d.ok()) return d.status();
      tools.orientation = std::move(d).value();
    }
    tools.preprocessor = leptonica::MakePreprocessor(config.preprocess);
    return tools;
  };
}

Result<std::unique_ptr<Cache>> MakeOcrCacheStore(const Config& config) {
  Result<std::unique_ptr<DiskCache>> c = DiskCache::Open(config.data_dir + "/cache/ocr", config.ocr_cache_max_bytes);
  if (!c.ok()) return c.status();
  return std::unique_ptr<Cache>(std::move(c).value());
}

void ConfigureProcess(char** argv) {
  // Tesseract parallelises inside a page with OpenMP; Sheaf parallelises across pages instead,
  // which scales better and never oversubscribes the cores (OpenMP threads spinning against
  // each other made a page up to 6x slower here). The OpenMP runtime reads its environment when
  // the library loads, before main, so setting it now needs one re-exec of this program.
  const char* limit = std::getenv("OMP_THREAD_LIMIT");
  if (limit == nullptr || std::string_view(limit) != "1") {
    ::setenv("OMP_THREAD_LIMIT", "1", 1);
    ::execv("/proc/self/exe", argv);
    // exec failed (no /proc): go on; only speed suffers.
  }
  // Page images are allocated and freed by the megabyte, several times per page. glibc's
  // defaults hand each large block straight back to the kernel and fault it in again on the
  // next page, which cost a fifth of the CPU time on receipts: keep freed memory for reuse.
  // Peak use is unchanged; memory is simply not returned between pages.
  ::mallopt(M_MMAP_THRESHOLD, 1 << 30);
  ::mallopt(M_TRIM_THRESHOLD, 256 << 20);
  ::mallopt(M_TOP_PAD, 64 << 20);
  leptonica::SilenceDiagnostics();
}

Versions GetVersions(const OcrOptions& ocr) {
  return {SHEAF_VERSION, tesseract_adapter::Version(), leptonica::Version(),
          poppler_adapter::Version(), tesseract_adapter::LanguageDataDescription(ocr)};
}

}  // namespace sheaf::app
