// SPDX-License-Identifier: GPL-3.0-or-later
//
// The preprocess stage: turns a page image into the normalised page (upright, deskewed, gray)
// and the image handed to OCR (rescaled, contrast-normalised, maybe binarised), recording every
// decision in a PreprocessRecord.
#ifndef SHEAF_PREPROCESSOR_H_
#define SHEAF_PREPROCESSOR_H_

#include "sheaf/document.h"
#include "sheaf/image.h"
#include "sheaf/status.h"

namespace sheaf {

struct Orientation {
  int degrees = 0;  // clockwise rotation that makes the page upright: 0, 90, 180 or 270
  double confidence = 0;
};

// Detects page orientation. NOT thread-safe: one per worker thread. Detectors err on pages with
// little or unusual text (receipts), so callers verify a proposed rotation before keeping it.
class OrientationDetector {
 public:
  virtual ~OrientationDetector() = default;
  // Errors: unavailable when the detector has too little text to decide (not a page failure).
  virtual Result<Orientation> Detect(const Image& gray) = 0;
};

struct PreparedPage {
  // Size of the normalised page: upright and deskewed at the source resolution. Boxes are
  // reported in its pixels.
  int width = 0;
  int height = 0;
  // What the OCR engine reads: the normalised page scaled by record.scale, contrast-normalised
  // (and binarised when configured), 8-bit gray.
  Image ocr_input;
  PreprocessRecord record;
};

// NOT thread-safe: one per worker thread.
class Preprocessor {
 public:
  virtual ~Preprocessor() = default;
  // Turns `page` `rotation` degrees clockwise (0, 90, 180, 270), then deskews, measures the
  // text size, normalises contrast, rescales and binarises as configured.
  // REQUIRES: !page.empty(). Errors: invalid_document when the image cannot be processed.
  virtual Result<PreparedPage> Prepare(const Image& page, int rotation) = 0;
};

}  // namespace sheaf

#endif  // SHEAF_PREPROCESSOR_H_
