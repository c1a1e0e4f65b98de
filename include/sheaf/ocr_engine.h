// SPDX-License-Identifier: GPL-3.0-or-later
//
// The OCR stage's engine. An engine is created once per worker thread and reused for every page
// that worker handles: creating one loads a model, so never create one per page.
#ifndef SHEAF_OCR_ENGINE_H_
#define SHEAF_OCR_ENGINE_H_

#include <string>
#include <vector>

#include "sheaf/document.h"
#include "sheaf/image.h"
#include "sheaf/status.h"

namespace sheaf {

struct OcrPage {
  std::vector<Block> blocks;  // boxes in the pixels of the image given to Recognize
  double mean_confidence = 0;  // 0..1 over words; 0 when there are none
  // True when the engine's layout analysis found most words in vertical lines: for Latin text,
  // a page turned by 90 or 270 degrees.
  bool sideways = false;
  // Which engine read the page, set by an engine that chooses between several (the remote OCR
  // fallback: "remote" or "tesseract"); "" otherwise.
  std::string engine;
  // What the page's reader wants known, one sentence each (a fallback that was used, and why).
  std::vector<std::string> warnings;
};

// NOT thread-safe: one instance per thread.
class OcrEngine {
 public:
  virtual ~OcrEngine() = default;
  // Recognises `image` (8-bit gray). Errors: limit_exceeded when it takes longer than
  // `timeout_ms`; ocr_failed when the engine reports a failure. An image without text is OK
  // with no blocks.
  virtual Result<OcrPage> Recognize(const Image& image, int timeout_ms) = 0;
  // Identifies everything that changes the output for the same image: engine and model
  // versions, languages, settings. Part of the OCR cache key.
  virtual std::string CacheIdentity() const = 0;

  // True when RecognizeLines works; false (the default) for engines that only read whole pages,
  // whose callers then re-read whole pages instead.
  virtual bool ReadsLines() const { return false; }
  // Reads each of `regions` (boxes in the pixels of `image`, 8-bit gray) as one line of text:
  // one Line per region, in the same order, with word boxes in the pixels of `image`; a region
  // without text gives a Line without words. Costs about what reading those lines within a page
  // costs, not a page each. Errors: limit_exceeded when all regions together take longer than
  // `timeout_ms`; ocr_failed when the engine fails; invalid_argument when ReadsLines() is false.
  virtual Result<std::vector<Line>> RecognizeLines(const Image& image, const std::vector<Box>& regions,
                                                   int timeout_ms) {
    (void)image;
    (void)regions;
    (void)timeout_ms;
    return Status(ErrorCode::kInvalidArgument, "this OCR engine reads whole pages only");
  }
};

}  // namespace sheaf

#endif  // SHEAF_OCR_ENGINE_H_
