// SPDX-License-Identifier: GPL-3.0-or-later
#include <poppler-document.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>
#include <poppler-version.h>

#include <cmath>
#include <cstring>
#include <cwctype>
#include <mutex>

#include "adapters/poppler/common.h"
#include "adapters/poppler/poppler.h"
#include "core/layout.h"

namespace sheaf::poppler_adapter {

namespace {


std::string Pixels(double n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, n < 10e6 ? "%.2f megapixels" : "%.0f megapixels", n / 1e6);
  return buf;
}

Result<Image> Render(const poppler::page* page, double dpi) {
  poppler::page_renderer renderer;
  renderer.set_image_format(poppler::image::format_gray8);
  renderer.set_render_hints(poppler::page_renderer::antialiasing |
                            poppler::page_renderer::text_antialiasing);
  poppler::image img = renderer.render_page(page, dpi, dpi);
  if (!img.is_valid() || img.width() <= 0 || img.height() <= 0) {
    return Status(ErrorCode::kInvalidDocument, " cannot be rendered (damaged content)");
  }
  Image out;
  out.width = img.width();
  out.height = img.height();
  out.channels = 1;
  out.dpi = static_cast<int>(std::lround(dpi));
  out.pixels.resize(static_cast<std::size_t>(img.width()) * img.height());
  const char* src = img.const_data();
  for (int y = 0; y < img.height(); ++y) {
    std::memcpy(out.pixels.data() + static_cast<std::size_t>(y) * img.width(),
                src + static_cast<std::size_t>(y) * img.bytes_per_row(),
                static_cast<std::size_t>(img.width()));
  }
  return out;
}

// Acrobat requires the end-of-file marker within the last 1024 bytes; a file without one was
// cut short (Poppler would otherwise silently rebuild what it can of it).
bool HasEofMarker(const std::string& bytes) {
  std::size_t from = bytes.size() > 2048 ? bytes.size() - 2048 : 0;
  return bytes.find("%%EOF", from) != std::string::npos;
}

class PdfReader : public DocumentReader {
 public:
  PdfReader(std::shared_ptr<const std::string> bytes, std::unique_ptr<poppler::document> doc,
            std::string name, Limits limits)
      : bytes_(std::move(bytes)), doc_(std::move(doc)), name_(std::move(name)), limits_(limits) {}

  int page_count() const override { return doc_->pages(); }

  Result<RawPage> ReadPage(int index) override {
    std::string where = name_ + ": page " + std::to_string(index + 1);
    std::unique_ptr<poppler::page> page(doc_->create_page(index));
    if (!page) return Status(ErrorCode::kInvalidDocument, where + " cannot be read");
    poppler::rectf rect = page->page_rect();
    double w_pt = rect.width(), h_pt = rect.height();
    auto orient = page->orientation();
    if (orient == poppler::page::landscape || orient == poppler::page::seascape) {
      std::swap(w_pt, h_pt);
    }
    if (!(w_pt > 0.5 && h_pt > 0.5) || !std::isfinite(w_pt) || !std::isfinite(h_pt)) {
      return Status(ErrorCode::kInvalidDocument, where + " has an invalid page size");
    }
    // Resolution: the configured one, lowered so the page stays within the pixel limit.
    double dpi = limits_.pdf_render_dpi;
    double pixels = (w_pt / 72.0 * dpi) * (h_pt / 72.0 * dpi);
    if (pixels > static_cast<double>(limits_.max_page_pixels)) {
      dpi *= std::sqrt(static_cast<double>(limits_.max_page_pixels) / pixels) * 0.999;
    }
    double px_per_pt = dpi / 72.0;
    RawPage out;
    out.dpi = static_cast<int>(std::lround(dpi));
    out.width = static_cast<int>(std::ceil(w_pt * px_per_pt));
    out.height = static_cast<int>(std::ceil(h_pt * px_per_pt));
    if (out.width < 1 || out.height < 1) {
      return Status(ErrorCode::kLimitExceeded,
                    where + " is " + std::to_string(w_pt) + "x" + std::to_string(h_pt) +
                        " points: too large to render within " +
                        Pixels(static_cast<double>(limits_.max_page_pixels)));
    }

    std::vector<poppler::text_box> boxes = page->text_list();
    std::vector<Word> words;
    int alnum = 0;
    for (poppler::text_box& tb : boxes) {
      poppler::ustring text = tb.text();
      std::vector<char> utf8 = text.to_utf8();
      if (utf8.empty()) continue;
      for (auto ch : text) {
        if (std::iswalnum(static_cast<wint_t>(ch))) ++alnum;
      }
      poppler::rectf b = tb.bbox();
      Word w;
      w.text.assign(utf8.begin(), utf8.end());
      w.bbox = {static_cast<int>(std::floor(b.left() * px_per_pt)),
                static_cast<int>(std::floor(b.top() * px_per_pt)),
                static_cast<int>(std::ceil(b.right() * px_per_pt)),
                static_cast<int>(std::ceil(b.bottom() * px_per_pt))};
      w.confidence = 1.0;
      words.push_back(std::move(w));
    }
    if (alnum >= kMinTextLayerAlnum) {
      out.source = PageSource::kTextLayer;
      out.blocks = GroupWords(words);
      return out;
    }

    Result<Image> img = Render(page.get(), dpi);
    if (!img.ok()) return Status(img.status().code(), where + img.status().message());
    out.source = PageSource::kOcr;
    out.image = std::move(img).value();
    out.image.dpi = out.dpi;
    out.width = out.image.width;
    out.height = out.image.height;
    return out;
  }

 private:
  std::shared_ptr<const std::string> bytes_;  // Poppler reads from it; keep alive.
  std::unique_ptr<poppler::document> doc_;
  std::string name_;
  Limits limits_;
};

class PdfOpener : public DocumentOpener {
 public:
  Result<std::unique_ptr<DocumentReader>> Open(std::shared_ptr<const std::string> bytes,
                                               const std::string& name,
                                               const Limits& limits) const override {
    SilencePoppler();
    if (bytes->size() > static_cast<std::size_t>(INT32_MAX)) {
      return Status(ErrorCode::kLimitExceeded, name + ": too large for the PDF reader");
    }
    if (!HasEofMarker(*bytes)) {
      return Status(ErrorCode::kInvalidDocument,
                    name + ": the PDF is truncated (no %%EOF marker at its end)");
    }
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_raw_data(
        bytes->data(), static_cast<int>(bytes->size())));
    if (Status s = CheckOpened(doc.get(), name); !s.ok()) return s;
    int pages = doc->pages();
    if (pages <= 0) return Status(ErrorCode::kInvalidDocument, name + ": the PDF has no pages");
    if (pages > limits.max_pages) {
      return Status(ErrorCode::kLimitExceeded,
                    name + ": has " + std::to_string(pages) + " pages, over the limit of " +
                        std::to_string(limits.max_pages));
    }
    return std::unique_ptr<DocumentReader>(
        std::make_unique<PdfReader>(std::move(bytes), std::move(doc), name, limits));
  }
};

}  // namespace

std::shared_ptr<const DocumentOpener> MakePdfOpener() { return std::make_shared<PdfOpener>(); }

Result<Image> RenderPdfPage(const std::string& bytes, int index, double dpi) {
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc || doc->is_locked()) return Status(ErrorCode::kInvalidDocument, "unreadable PDF");
  if (index < 0 || index >= doc->pages()) return Status(ErrorCode::kInvalidArgument, "no such page");
  std::unique_ptr<poppler::page> page(doc->create_page(index));
  if (!page) return Status(ErrorCode::kInvalidDocument, "unreadable page");
  return Render(page.get(), dpi);
}

std::string Version() { return poppler::version_string(); }

}  // namespace sheaf::poppler_adapter
