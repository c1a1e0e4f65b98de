// SPDX-License-Identifier: GPL-3.0-or-later
//
// Page pre-processing with Leptonica. Order: gray -> orientation -> deskew -> measure text
// height -> background (contrast) normalisation -> rescale -> optional binarisation.
#include <algorithm>
#include <cmath>
#include <vector>

#include "adapters/leptonica/leptonica.h"
#include "adapters/leptonica/pix.h"

namespace sheaf::leptonica {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Median height of the connected components that look like glyphs, in pixels of `gray`.
// Returns 0 when there are too few to measure.
double MedianGlyphHeight(PIX* gray) {
  // Work on a half-size copy of big pages: the measure stays accurate and costs a quarter.
  double factor = 1.0;
  PixPtr src(pixClone(gray));
  if (static_cast<double>(pixGetWidth(gray)) * pixGetHeight(gray) > 8e6) {
    factor = 2.0;
    src.reset(pixScaleAreaMap(gray, 0.5f, 0.5f));
    if (!src) return 0;
  }
  PixPtr norm(pixBackgroundNormSimple(src.get(), nullptr, nullptr));
  if (!norm) return 0;
  PixPtr bin(pixThresholdToBinary(norm.get(), 150));
  if (!bin) return 0;
  BoxaPtr boxes(pixConnCompBB(bin.get(), 8));
  if (!boxes) return 0;
  int n = boxaGetCount(boxes.get());
  int page_h = pixGetHeight(bin.get());
  std::vector<int> heights;
  heights.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    l_int32 x, y, w, h;
    if (boxaGetBoxGeometry(boxes.get(), i, &x, &y, &w, &h) != 0) continue;
    // Glyph-like: not specks, not rules or frames, not pictures.
    if (h < 4 || h > page_h / 6 || w > 4 * h || w < 1) continue;
    heights.push_back(h);
  }
  if (heights.size() < 20) return 0;
  auto mid = heights.begin() + static_cast<std::ptrdiff_t>(heights.size() / 2);
  std::nth_element(heights.begin(), mid, heights.end());
  return *mid * factor;
}

class LeptonicaPreprocessor : public Preprocessor {
 public:
  LeptonicaPreprocessor(PreprocessOptions options, std::unique_ptr<OrientationDetector> orient)
      : options_(std::move(options)), orientation_(std::move(orient)) {}

  Result<PreparedPage> Prepare(const Image& page) override {
    SilenceDiagnostics();
    PreparedPage out;
    PreprocessRecord& rec = out.record;
    rec.source_width = page.width;
    rec.source_height = page.height;
    PixPtr raw = ImageToPix(page);
    if (!raw) return Status(ErrorCode::kInvalidDocument, "page image cannot be converted");
    PixPtr pix = ToGray8(raw.get());
    raw.reset();
    if (!pix) return Status(ErrorCode::kInvalidDocument, "page image cannot be made gray");

    if (options_.detect_orientation && orientation_ != nullptr) {
      rec.orientation_checked = true;
      Result<Orientation> o = orientation_->Detect(Gray8ToImage(pix.get()));
      if (o.ok()) {
        rec.rotation_confidence = o->confidence;
        if (o->degrees != 0 && o->confidence >= options_.min_orientation_confidence) {
          PixPtr rotated(pixRotateOrth(pix.get(), o->degrees / 90));
          if (rotated) {
            pix = std::move(rotated);
            rec.rotation = o->degrees;
          }
        }
      }
    }

    if (options_.deskew) {
      PixPtr bin(pixConvertTo1(pix.get(), 160));
      l_float32 angle = 0, conf = 0;
      if (bin && pixFindSkew(bin.get(), &angle, &conf) == 0 && conf >= 3.0f &&
          std::fabs(angle) >= 0.1f && std::fabs(angle) <= options_.max_skew_degrees) {
        PixPtr straight(pixRotate(pix.get(), static_cast<l_float32>(angle * kPi / 180.0),
                                  L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0));
        if (straight) {
          pix = std::move(straight);
          rec.skew_degrees = angle;
        }
      }
    }
    out.normalized = Gray8ToImage(pix.get());
    out.normalized.dpi = page.dpi;

    rec.text_height_px = MedianGlyphHeight(pix.get());
    double scale = 1.0;
    if (rec.text_height_px > 0) {
      scale = options_.target_text_height_px / rec.text_height_px;
      scale = std::clamp(scale, options_.min_scale, options_.max_scale);
      // Resampling costs a little sharpness: skip it when the size is already close.
      if (scale > 0.8 && scale < 1.25) scale = 1.0;
    }

    PixPtr work(pixClone(pix.get()));
    if (options_.normalize_background) {
      PixPtr norm(pixBackgroundNormSimple(work.get(), nullptr, nullptr));
      if (norm) {
        work = std::move(norm);
        rec.background_normalized = true;
      }
    }
    if (scale != 1.0) {
      auto s = static_cast<l_float32>(scale);
      PixPtr scaled(scale < 1.0 ? pixScaleAreaMap(work.get(), s, s)
                                : pixScaleGrayLI(work.get(), s, s));
      if (scaled) {
        work = std::move(scaled);
        rec.scale = static_cast<double>(pixGetWidth(work.get())) / pixGetWidth(pix.get());
      }
    }
    if (options_.binarization == "otsu") {
      PIX* th = nullptr;
      PIX* bin = nullptr;
      int sx = pixGetWidth(work.get()), sy = pixGetHeight(work.get());
      if (pixOtsuAdaptiveThreshold(work.get(), sx, sy, 0, 0, 0.1f, &th, &bin) == 0 && bin) {
        l_uint32 v = 0;
        pixGetPixel(th, 0, 0, &v);
        rec.threshold = static_cast<int>(v);
        work.reset(pixConvert1To8(nullptr, bin, 255, 0));
        rec.binarization = "otsu";
      }
      pixDestroy(&th);
      pixDestroy(&bin);
    } else if (options_.binarization == "sauvola") {
      PIX* bin = nullptr;
      int whsize = std::max(8, static_cast<int>(options_.target_text_height_px));
      if (pixSauvolaBinarizeTiled(work.get(), whsize, 0.34f, 1, 1, nullptr, &bin) == 0 && bin) {
        work.reset(pixConvert1To8(nullptr, bin, 255, 0));
        rec.binarization = "sauvola";
      }
      pixDestroy(&bin);
    }
    if (!work) return Status(ErrorCode::kInternal, "pre-processing produced no image");
    out.ocr_input = Gray8ToImage(work.get());
    out.ocr_input.dpi = 300;
    return out;
  }

 private:
  PreprocessOptions options_;
  std::unique_ptr<OrientationDetector> orientation_;
};

}  // namespace

std::unique_ptr<Preprocessor> MakePreprocessor(const PreprocessOptions& options,
                                               std::unique_ptr<OrientationDetector> orientation) {
  return std::make_unique<LeptonicaPreprocessor>(options, std::move(orientation));
}

}  // namespace sheaf::leptonica
