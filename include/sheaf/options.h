// SPDX-License-Identifier: GPL-3.0-or-later
//
// Typed configuration with documented defaults. Read once by the composition root (src/app);
// stages receive these values and never read the environment themselves.
#ifndef SHEAF_OPTIONS_H_
#define SHEAF_OPTIONS_H_

#include <cstdint>
#include <string>

namespace sheaf {

struct Limits {
  std::uint64_t max_file_bytes = 50ull * 1024 * 1024;  // larger files: limit_exceeded
  int max_pages = 500;                                 // more pages: limit_exceeded
  std::uint64_t max_page_pixels = 100'000'000;  // per page, checked from headers before decoding
  int pdf_render_dpi = 300;  // scanned PDF pages are rendered at this resolution, or lower so
                             // that a page stays within max_page_pixels
  int ocr_timeout_ms = 60'000;  // per page; a page that takes longer fails with limit_exceeded
};

// Orientation is decided in the processor, after a first OCR pass: a page whose text runs
// vertically, or whose OCR confidence is below `check_below` (then checked with Tesseract OSD,
// whose proposal needs at least `min_confidence`), is tried turned, and the turn is kept only
// when the turned page reads with higher confidence.
struct OrientationOptions {
  bool detect = true;
  double check_below = 0.5;
  double min_confidence = 0.3;
};

struct PreprocessOptions {
  bool deskew = true;
  double min_skew_degrees = 0.3;   // smaller angles are left to Tesseract, which copes
  double max_skew_degrees = 10.0;  // larger measured angles are not trusted
  bool normalize_background = true;
  std::string binarization = "none";  // "none" (Tesseract thresholds), "otsu", "sauvola"
  bool clean_borders = true;  // paint dark regions around the paper white before anything else
  bool rescale = true;
  double target_text_height_px = 20;  // median glyph height Tesseract reads best
  double rescale_tolerance = 1.3;  // pages within this factor of the target stay as they are
  double min_scale = 0.35;
  double max_scale = 2.0;
};

struct OcrOptions {
  std::string languages = "eng";  // Tesseract language codes joined with '+'
  std::string data_path;          // tessdata folder; empty = Tesseract's default
  int page_segmentation_mode = 3;  // Tesseract PSM (3 = automatic)
  // Tesseract re-reads every doubtful line inverted (white on black). Pages rarely have such
  // text, but receipts do (totals printed inverted), so it stays on as in Tesseract.
  bool detect_inverted_text = true;
  // With several languages ("eng+msa"): above 0, a page is read in the first language alone,
  // and only its lines whose words average below this confidence are read again in the other
  // languages, each as a single line, keeping per line the more confident reading. 0 (the
  // default): every word may be tried in every language (Tesseract's own multi-language
  // reading). No effect with one language. Off by default: on SROIE it cost as much CPU as
  // Tesseract's way and read worse (README, "Speed and memory").
  double second_language_below = 0;
};

}  // namespace sheaf

#endif  // SHEAF_OPTIONS_H_
