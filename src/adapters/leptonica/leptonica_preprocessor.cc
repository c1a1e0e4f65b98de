// SPDX-License-Identifier: GPL-3.0-or-later
//
// Page pre-processing with Leptonica, in this order: gray -> dark borders whitened -> quarter
// turns asked for ->
// glyph-size measurement (on a contrast-normalised copy) -> rescale -> contrast (background)
// normalisation -> deskew -> optional binarisation.

#include <algorithm>
#include <cmath>
#include <vector>

#include "adapters/leptonica/leptonica.h"
#include "adapters/leptonica/pix.h"

namespace sheaf::leptonica {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Median height of the connected components of `bin` that look like glyphs, in pixels.
// Returns 0 when there are too few to measure.
double MedianGlyphHeight(PIX* bin) {
  BoxaPtr boxes(pixConnCompBB(bin, 8));
  if (!boxes) return 0;
  int n = boxaGetCount(boxes.get());
  int page_h = pixGetHeight(bin);
  std::vector<int> heights;
  heights.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    l_int32 x, y, w, h;
    if (boxaGetBoxGeometry(boxes.get(), i, &x, &y, &w, &h) != 0) continue;
    // Glyph-like: not specks, not rules or frames, not pictures.
    if (h < 6 || h > page_h / 6 || w > 4 * h || w < 2) continue;
    heights.push_back(h);
  }
  if (heights.size() < 30) return 0;
  auto mid = heights.begin() + static_cast<std::ptrdiff_t>(heights.size() / 2);
  std::nth_element(heights.begin(), mid, heights.end());
  return *mid;
}

// Scanner lids, tables and torn paper edges show as dark areas around the page. They pull every
// global threshold (Tesseract's Otsu among them) down so far that faint print disappears: a
// light thermal receipt on a black background reads as nothing at all. Dark regions that touch
// the image border and cover a noticeable part of it are painted white. Returns the share of
// the page painted (0 when nothing was).
double WhitenDarkBorders(PIX* gray) {
  const int w = pixGetWidth(gray), h = pixGetHeight(gray);
  PixPtr dark(pixThresholdToBinary(gray, 90));  // 1 where darker than 90
  if (!dark) return 0;
  PixPtr border(pixExtractBorderConnComps(dark.get(), 8));
  if (!border) return 0;
  l_int32 count = 0;
  if (pixCountPixels(border.get(), &count, nullptr) != 0) return 0;
  const double share = static_cast<double>(count) / (static_cast<double>(w) * h);
  // Text touching the edge is a few specks; a background is at least half a percent of the page.
  if (share < 0.005) return 0;
  // Widen the mask a little so the grey fringe of the edge goes too.
  PixPtr wide(pixDilateBrick(nullptr, border.get(), 7, 7));
  if (!wide) return 0;
  pixSetMasked(gray, wide.get(), 255);
  return share;
}

class LeptonicaPreprocessor : public Preprocessor {
 public:
  explicit LeptonicaPreprocessor(PreprocessOptions options) : options_(std::move(options)) {}

  Result<PreparedPage> Prepare(const Image& page, int rotation) override {
    SilenceDiagnostics();
    PreparedPage out;
    PreprocessRecord& rec = out.record;
    PixPtr raw = ImageToPix(page);
    if (!raw) return Status(ErrorCode::kInvalidDocument, "page image cannot be converted");
    PixPtr pix = ToGray8(raw.get());
    raw.reset();
    if (!pix) return Status(ErrorCode::kInvalidDocument, "page image cannot be made gray");
    if (options_.clean_borders) rec.border_removed = WhitenDarkBorders(pix.get());

    int quads = ((rotation / 90) % 4 + 4) % 4;
    if (quads != 0) {
      PixPtr rotated(pixRotateOrth(pix.get(), quads));
      if (!rotated) return Status(ErrorCode::kInternal, "page rotation failed");
      pix = std::move(rotated);
      rec.rotation = quads * 90;
    }

    // The normalised page: upright, deskewed, at the source resolution. Its size is all that is
    // kept at that resolution; the pixels are only produced at the scale OCR reads them, so a
    // 35-megapixel scan is never normalised at full size.
    out.width = pixGetWidth(pix.get());
    out.height = pixGetHeight(pix.get());

    // Measure the text size, on a half-size copy of big pages (accurate enough, a quarter of
    // the work). Contrast normalisation first: it evens out shadows and faded thermal print.
    // Returns `p` contrast-normalised when configured (and possible), else a clone of it;
    // records which in `rec`.
    auto normalize = [&](PIX* p) {
      if (options_.normalize_background) {
        PixPtr norm(pixBackgroundNormSimple(p, nullptr, nullptr));
        rec.background_normalized = norm != nullptr;
        if (norm) return norm;
      }
      return PixPtr(pixClone(p));
    };
    const bool big = static_cast<double>(out.width) * out.height > 8e6;
    PixPtr probe(big ? pixScaleAreaMap(pix.get(), 0.5f, 0.5f) : pixClone(pix.get()));
    if (!probe) return Status(ErrorCode::kInternal, "scaling failed");
    PixPtr probe_norm = normalize(probe.get());
    probe.reset();
    // Normalisation maps the background to 200: text is what stays clearly darker.
    const int threshold = rec.background_normalized ? 150 : 128;
    PixPtr probe_bin(pixThresholdToBinary(probe_norm.get(), threshold));
    if (!probe_bin) return Status(ErrorCode::kInternal, "binarisation failed");
    rec.text_height_px = MedianGlyphHeight(probe_bin.get()) * (big ? 2 : 1);

    double scale = 1.0;
    if (options_.rescale && rec.text_height_px > 0) {
      scale = options_.target_text_height_px / rec.text_height_px;
      scale = std::clamp(scale, options_.min_scale, options_.max_scale);
      // Resampling costs sharpness and time: only rescale text that is clearly too small or
      // too large for Tesseract.
      if (scale < options_.rescale_tolerance && scale > 1.0 / options_.rescale_tolerance) {
        scale = 1.0;
      }
    }

    // The image OCR reads. Small pages reuse the measurement's normalised copy (upscaled when
    // needed); big or downscaled pages are resized first and normalised at their final size.
    PixPtr work;
    PixPtr work_bin;
    auto s = static_cast<l_float32>(scale);
    if (!big && scale >= 1.0) {
      work = std::move(probe_norm);
      if (scale > 1.0) {
        work.reset(pixScaleGrayLI(work.get(), s, s));
      } else {
        work_bin = std::move(probe_bin);
      }
    } else {
      probe_norm.reset();
      PixPtr resized(scale != 1.0 ? pixScaleAreaMap(pix.get(), s, s) : pixClone(pix.get()));
      if (resized) work = normalize(resized.get());
    }
    probe_bin.reset();
    if (!work) return Status(ErrorCode::kInternal, "scaling failed");
    rec.scale = static_cast<double>(pixGetWidth(work.get())) / out.width;
    pix.reset();

    // Deskew at the working size: a turn about the centre is the same at every scale.
    if (options_.deskew) {
      if (!work_bin) work_bin.reset(pixThresholdToBinary(work.get(), threshold));
      l_float32 angle = 0, conf = 0;
      if (work_bin && pixFindSkew(work_bin.get(), &angle, &conf) == 0 && conf >= 3.0f &&
          std::fabs(angle) >= options_.min_skew_degrees &&
          std::fabs(angle) <= options_.max_skew_degrees) {
        PixPtr straight(pixRotate(work.get(), static_cast<l_float32>(angle * kPi / 180.0),
                                  L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0));
        if (straight) {
          work = std::move(straight);
          rec.skew_degrees = angle;
        }
      }
    }
    work_bin.reset();

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
    // The text now has the size Tesseract reads best, which is what 300 DPI print gives.
    out.ocr_input.dpi = 300;
    return out;
  }

 private:
  PreprocessOptions options_;
};

}  // namespace

std::unique_ptr<Preprocessor> MakePreprocessor(const PreprocessOptions& options) {
  return std::make_unique<LeptonicaPreprocessor>(options);
}

}  // namespace sheaf::leptonica
