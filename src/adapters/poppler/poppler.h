// SPDX-License-Identifier: GPL-3.0-or-later
//
// Poppler adapter: PDF text layers with word boxes, and page rendering for OCR. The only place
// Poppler's headers are included.
#ifndef SHEAF_ADAPTERS_POPPLER_POPPLER_H_
#define SHEAF_ADAPTERS_POPPLER_POPPLER_H_

#include <memory>
#include <string>

#include "sheaf/reader.h"

namespace sheaf::poppler_adapter {

// A page whose text layer holds at least this many letters or digits is read from the text
// layer; any other page is rendered and OCR'd.
inline constexpr int kMinTextLayerAlnum = 10;

std::shared_ptr<const DocumentOpener> MakePdfOpener();

// Renders page `index` (0-based) of a PDF held in `bytes` as 8-bit gray at `dpi`.
Result<Image> RenderPdfPage(const std::string& bytes, int index, double dpi);

std::string Version();

}  // namespace sheaf::poppler_adapter

#endif  // SHEAF_ADAPTERS_POPPLER_POPPLER_H_
