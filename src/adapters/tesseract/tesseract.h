// SPDX-License-Identifier: GPL-3.0-or-later
//
// Tesseract adapter: the LSTM OCR engine and OSD orientation detection through Tesseract's C++
// API. The only place Tesseract's headers are included.
#ifndef SHEAF_ADAPTERS_TESSERACT_TESSERACT_H_
#define SHEAF_ADAPTERS_TESSERACT_TESSERACT_H_

#include <memory>
#include <string>

#include "sheaf/ocr_engine.h"
#include "sheaf/options.h"
#include "sheaf/preprocessor.h"

namespace sheaf::tesseract_adapter {

// Loads the model once. Errors: unavailable when the language data cannot be loaded.
Result<std::unique_ptr<OcrEngine>> MakeEngine(const OcrOptions& options);

// Orientation detection with Tesseract OSD (needs osd.traineddata).
Result<std::unique_ptr<OrientationDetector>> MakeOrientationDetector(const OcrOptions& options);

std::string Version();  // "5.3.0"
// "eng: 4.1.0 (4.0 MB)"-style description of the language data in use.
std::string LanguageDataDescription(const OcrOptions& options);

}  // namespace sheaf::tesseract_adapter

#endif  // SHEAF_ADAPTERS_TESSERACT_TESSERACT_H_
