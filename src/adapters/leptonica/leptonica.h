// SPDX-License-Identifier: GPL-3.0-or-later
//
// Leptonica adapter: image decoding (PNG, JPEG, TIFF, WebP) and page pre-processing. The only
// place Leptonica's headers are included (with the Tesseract adapter, which hands it PIX).
#ifndef SHEAF_ADAPTERS_LEPTONICA_LEPTONICA_H_
#define SHEAF_ADAPTERS_LEPTONICA_LEPTONICA_H_

#include <memory>
#include <string>

#include "sheaf/image.h"
#include "sheaf/options.h"
#include "sheaf/preprocessor.h"
#include "sheaf/reader.h"

namespace sheaf::leptonica {

// Opens PNG, JPEG, TIFF (multi-page) and WebP files. Dimensions are checked against the limits
// from the header before anything is decoded. Pages come out as 8-bit gray (alpha flattened onto
// white).
std::shared_ptr<const DocumentOpener> MakeImageOpener();

std::unique_ptr<Preprocessor> MakePreprocessor(const PreprocessOptions& options);

// Encodes an 8-bit gray or RGB image, first turned `rotation_degrees` clockwise (a multiple of
// 90). `format` is "png", "jpeg", "tiff" or "webp".
Result<std::string> EncodeImage(const Image& image, const std::string& format,
                                int rotation_degrees = 0);
// Encodes several gray pages as one multi-page TIFF.
Result<std::string> EncodeMultipageTiff(const std::vector<Image>& pages);

std::string Version();  // "1.82.0"

// Sends Leptonica's diagnostics nowhere (they would interleave with Sheaf's output).
void SilenceDiagnostics();

}  // namespace sheaf::leptonica

#endif  // SHEAF_ADAPTERS_LEPTONICA_LEPTONICA_H_
