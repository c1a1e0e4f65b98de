// SPDX-License-Identifier: GPL-3.0-or-later
//
// The Tesseract adapter as a loadable module. libtesseract and what it pulls in (libarchive,
// OpenMP, ...) cost every `sheaf` start about 10 ms of dynamic loading, although born-digital
// PDFs are never OCR'd; so the adapter (tesseract.h) is built into its own shared object,
// libsheaf_ocr_tesseract.so, which the main binary opens with dlopen the first time a page needs
// OCR (or `sheaf version` asks for Tesseract's version). The binary itself does not link
// libtesseract.
//
// The module and the binary exchange C++ types (Result, OcrOptions, OcrEngine): a module is only
// accepted from the same build, checked by kModuleAbi, the Sheaf version it was built as and the
// sizes of the types it passes.
#ifndef SHEAF_ADAPTERS_TESSERACT_MODULE_H_
#define SHEAF_ADAPTERS_TESSERACT_MODULE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "sheaf/ocr_engine.h"
#include "sheaf/options.h"
#include "sheaf/preprocessor.h"

namespace sheaf::tesseract_adapter {

// Bumped whenever ModuleApi or a type it passes changes shape.
inline constexpr int kModuleAbi = 1;
inline constexpr const char* kModuleFileName = "libsheaf_ocr_tesseract.so";
// The module's one exported symbol: `extern "C" const ModuleApi* sheaf_ocr_tesseract_module()`.
inline constexpr const char* kModuleEntryPoint = "sheaf_ocr_tesseract_module";
// When set and not empty, the module is loaded from this path and nowhere else.
inline constexpr const char* kModulePathVariable = "SHEAF_OCR_MODULE";

// The functions of tesseract.h, as the module exports them.
struct ModuleApi {
  int abi = 0;                         // kModuleAbi of the module's build
  const char* sheaf_version = nullptr;  // SHEAF_VERSION of the module's build
  std::size_t options_size = 0;        // sizeof(OcrOptions) there
  std::size_t page_size = 0;           // sizeof(OcrPage) there
  Result<std::unique_ptr<OcrEngine>> (*make_engine)(const OcrOptions&) = nullptr;
  Result<std::unique_ptr<OrientationDetector>> (*make_orientation_detector)(const OcrOptions&) = nullptr;
  std::string (*version)() = nullptr;
  std::string (*language_data_description)(const OcrOptions&) = nullptr;
};

// Where LoadModule looks, in order: $SHEAF_OCR_MODULE alone when it is set; otherwise beside the
// executable (build/<preset>/ and a tarball's bin/), <exe>/../lib/sheaf/ (an install prefix),
// and `build_dir` (where the build wrote it; "" to skip: the test binaries run from elsewhere).
std::vector<std::string> ModuleCandidates(const std::string& build_dir);

// Opens the first candidate that exists (RTLD_NOW | RTLD_LOCAL; never closed) and checks its
// build. Errors: unavailable naming every path tried, or the path and dlerror() when it
// exists but does not load, or the path and both builds when it comes from another build.
Result<const ModuleApi*> LoadModuleFrom(const std::vector<std::string>& candidates);

// LoadModuleFrom(ModuleCandidates(build_dir)) once per process: later calls return the first
// call's outcome (success or error) at no cost. Thread-safe.
Result<const ModuleApi*> LoadModule(const std::string& build_dir);

}  // namespace sheaf::tesseract_adapter

#endif  // SHEAF_ADAPTERS_TESSERACT_MODULE_H_
