// SPDX-License-Identifier: GPL-3.0-or-later
//
// libsheaf_ocr_tesseract.so's entry point (module.h): the adapter's functions in a table. Built
// with hidden visibility, so this is the module's only exported symbol.
#include "adapters/tesseract/module.h"
#include "adapters/tesseract/tesseract.h"
#include "sheaf/build_info.h"

extern "C" __attribute__((visibility("default"))) const sheaf::tesseract_adapter::ModuleApi*
sheaf_ocr_tesseract_module() {
  namespace t = sheaf::tesseract_adapter;
  static const t::ModuleApi api{t::kModuleAbi,
                                SHEAF_VERSION,
                                sizeof(sheaf::OcrOptions),
                                sizeof(sheaf::OcrPage),
                                &t::MakeEngine,
                                &t::MakeOrientationDetector,
                                &t::Version,
                                &t::LanguageDataDescription};
  return &api;
}
