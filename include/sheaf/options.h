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

struct PreprocessOptions {
  bool detect_orientation = true;  // Tesseract OSD; a rotation is applied only when confident
  double min_orientation_confidence = 2.0;  // OSD confidence needed to rotate
  bool deskew = true;
  double max_skew_degrees = 10.0;  // larger measured angles are not trusted
  bool normalize_background = true;
  std::string binarization = "none";  // "none" (Tesseract thresholds), "otsu", "sauvola"
  double target_text_height_px = 26;  // median glyph height Tesseract reads best
  double min_scale = 0.35;
  double max_scale = 3.0;
};

struct OcrOptions {
  std::string languages = "eng";  // Tesseract language codes joined with '+'
  std::string data_path;          // tessdata folder; empty = Tesseract's default
  int page_segmentation_mode = 3;  // Tesseract PSM (3 = automatic)
};

}  // namespace sheaf

#endif  // SHEAF_OPTIONS_H_
