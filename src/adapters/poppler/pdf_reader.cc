// SPDX-License-Identifier: GPL-3.0-or-later
// Poppler's core API (libpoppler-private-dev) reads the text layer and renders the pages that
// need OCR, from one parse of the file.
#include <ErrorCodes.h>
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <Page.h>
#include <SplashOutputDev.h>
#include <Stream.h>
#include <TextOutputDev.h>
#include <goo/GooString.h>
#include <poppler-config.h>
#include <splash/SplashBitmap.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <cwctype>
#include <exception>
#include <mutex>

#include "adapters/poppler/common.h"
#include "adapters/poppler/embedded_files.h"
#include "adapters/poppler/icc_color_spaces.h"
#include "adapters/poppler/poppler.h"
#include "core/layout.h"

namespace sheaf::poppler_adapter {

namespace {


std::string Pixels(double n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, n < 10e6 ? "%.2f megapixels" : "%.0f megapixels", n / 1e6);
  return buf;
}

// Renders page `index` (0-based) of `doc` as 8-bit gray at `dpi`, with the settings
// poppler-cpp's page_renderer uses for format_gray8 with antialiasing and text antialiasing
// (which Sheaf rendered with before; pages come out the same): white paper, 4-byte row padding,
// top-down rows, no font hinting, the crop box. Rendering stops at `deadline` (Poppler checks
// it between drawing operations): kLimitExceeded.
Result<Image> Render(PDFDoc* doc, int index, double dpi, std::chrono::steady_clock::time_point deadline) {
  SplashColor paper;
  paper[0] = paper[1] = paper[2] = 0xff;
  SplashOutputDev dev(splashModeMono8, /*bitmapRowPadA=*/4, /*reverseVideoA=*/false, paper,
                      /*bitmapTopDownA=*/true);
  dev.setFontAntialias(true);
  dev.setVectorAntialias(true);
  dev.setFreeTypeHinting(false, false);
  dev.startDoc(doc);
  bool timed_out = false;
  struct Abort {
    std::chrono::steady_clock::time_point deadline;
    bool* timed_out;
  } abort{deadline, &timed_out};
  auto check = [](void* data) -> bool {
    auto* a = static_cast<Abort*>(data);
    if (std::chrono::steady_clock::now() < a->deadline) return false;
    *a->timed_out = true;
    return true;
  };
  doc->displayPageSlice(&dev, index + 1, dpi, dpi, 0, /*useMediaBox=*/false, /*crop=*/true,
                        /*printing=*/false, -1, -1, -1, -1, check, &abort, nullptr, nullptr,
                        /*copyXRef=*/false);
  if (timed_out) return Status(ErrorCode::kLimitExceeded, " took longer to render than the page time limit");
  SplashBitmap* bitmap = dev.getBitmap();
  if (bitmap == nullptr || bitmap->getWidth() <= 0 || bitmap->getHeight() <= 0 ||
      bitmap->getDataPtr() == nullptr) {
    return Status(ErrorCode::kInvalidDocument, " cannot be rendered (damaged content)");
  }
  Image out;
  out.width = bitmap->getWidth();
  out.height = bitmap->getHeight();
  out.channels = 1;
  out.dpi = static_cast<int>(std::lround(dpi));
  out.pixels.resize(static_cast<std::size_t>(out.width) * out.height);
  const unsigned char* src = bitmap->getDataPtr();
  const std::size_t row = static_cast<std::size_t>(bitmap->getRowSize());
  for (int y = 0; y < out.height; ++y) {
    std::memcpy(out.pixels.data() + static_cast<std::size_t>(y) * out.width, src + y * row,
                static_cast<std::size_t>(out.width));
  }
  return out;
}

// Opens a PDF held in `bytes` (which must outlive the document) with Poppler's core API.
// Errors: kEncryptedDocument (needs a password), kInvalidDocument; each message starts with `name`.
Result<std::unique_ptr<PDFDoc>> OpenPdf(const std::string& bytes, const std::string& name) {
  KeepPopplerGlobals();
  // PDFDoc owns the stream; the stream reads `bytes`.
  auto doc = std::make_unique<PDFDoc>(
      new MemStream(bytes.data(), 0, static_cast<Goffset>(bytes.size()), Object(objNull)));
  if (!doc->isOk()) {
    if (doc->getErrorCode() == errEncrypted) {
      return Status(ErrorCode::kEncryptedDocument,
                    name + ": the PDF is encrypted and needs a password to open");
    }
    return Status(ErrorCode::kInvalidDocument, name + ": not a readable PDF (damaged or truncated file)");
  }
  return doc;
}

// Acrobat requires the end-of-file marker within the last 1024 bytes; a file without one was
// cut short (Poppler would otherwise silently rebuild what it can of it).
bool HasEofMarker(const std::string& bytes) {
  std::size_t from = bytes.size() > 2048 ? bytes.size() - 2048 : 0;
  return bytes.find("%%EOF", from) != std::string::npos;
}

// The number of code points of `utf8` that are letters or digits, counted as poppler-cpp's
// UTF-16 strings were: a code point outside the Basic Multilingual Plane (two UTF-16 units,
// surrogates, neither a letter) counts as none.
int CountAlnum(const std::string& utf8) {
  int n = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    std::size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (i + len > utf8.size()) len = utf8.size() - i;
    char32_t c = len == 1 ? lead : len == 2 ? lead & 0x1F : len == 3 ? lead & 0x0F : lead & 0x07;
    for (std::size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    if (c < 0x10000 && std::iswalnum(static_cast<wint_t>(c))) ++n;
    i += len;
  }
  return n;
}

class PdfReader : public DocumentReader {
 public:
  PdfReader(std::shared_ptr<const std::string> bytes, std::unique_ptr<PDFDoc> doc,
            std::string name, Limits limits, std::shared_ptr<IccColorSpaces> icc)
      : bytes_(std::move(bytes)), doc_(std::move(doc)), name_(std::move(name)), limits_(limits),
        icc_(std::move(icc)),
        // One text device for all the pages: it keeps the colour spaces (ICC profiles and their
        // Little CMS transforms) it has built, which poppler-cpp's text_list() built anew for
        // every page. Its settings are text_list()'s: reading order, no physical layout.
        text_(nullptr, /*physLayoutA=*/false, /*fixedPitchA=*/0, /*rawOrderA=*/false,
              /*append=*/false) {}

  int page_count() const override { return doc_->getNumPages(); }

  Result<RawPage> ReadPage(int index) override {
    std::string where = name_ + ": page " + std::to_string(index + 1);
    ::Page* page = doc_->getPage(index + 1);
    if (page == nullptr) return Status(ErrorCode::kInvalidDocument, where + " cannot be read");
    const PDFRectangle* crop = page->getCropBox();
    double w_pt = crop->x2 - crop->x1, h_pt = crop->y2 - crop->y1;
    if (page->getRotate() == 90 || page->getRotate() == 270) std::swap(w_pt, h_pt);
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

    // The words in reading order with their boxes in points, rotation 0, on the crop box: what
    // poppler-cpp's page::text_list() gives.
    // No copy of the cross-reference table per page (poppler-cpp copies it so that pages of one
    // document can be displayed at once on several threads; a reader is used by one at a time):
    // about 5% of the batch's CPU, same words.
    // Colour spaces another PDF of the batch already built from the same ICC profile are lent
    // to this document's text device; those it builds are kept for the next PDFs.
    std::vector<IccColorSpaces::Missing> missing = icc_->Lend(page->getResourceDict(), &text_, &icc_examined_);
    doc_->displayPageSlice(&text_, index + 1, 72, 72, 0, /*useMediaBox=*/false, /*crop=*/false,
                           /*printing=*/false, -1, -1, -1, -1, nullptr, nullptr, nullptr, nullptr,
                           /*copyXRef=*/false);
    icc_->Keep(missing, &text_);
    std::unique_ptr<TextWordList> list = text_.makeWordList();
    std::vector<Word> words;
    int alnum = 0;
    for (int i = 0; list != nullptr && i < list->getLength(); ++i) {
      const TextWord* tw = list->get(i);
      std::unique_ptr<GooString> text(tw->getText());
      if (text == nullptr || text->getLength() == 0) continue;
      double x0, y0, x1, y1;
      tw->getBBox(&x0, &y0, &x1, &y1);
      Word w;
      w.text = text->toStr();
      alnum += CountAlnum(w.text);
      w.bbox = {static_cast<int>(std::floor(x0 * px_per_pt)), static_cast<int>(std::floor(y0 * px_per_pt)),
                static_cast<int>(std::ceil(x1 * px_per_pt)), static_cast<int>(std::ceil(y1 * px_per_pt))};
      w.confidence = 1.0;
      words.push_back(std::move(w));
    }
    if (alnum >= kMinTextLayerAlnum) {
      out.source = PageSource::kTextLayer;
      out.blocks = GroupWords(words);
      return out;
    }

    // Rendered from the document already parsed for its text layer.
    Result<Image> img = Render(doc_.get(), index, dpi,
                               std::chrono::steady_clock::now() +
                                   std::chrono::milliseconds(limits_.ocr_timeout_ms));
    if (!img.ok()) return Status(img.status().code(), where + img.status().message());
    out.source = PageSource::kOcr;
    out.image = std::move(img).value();
    out.image.dpi = out.dpi;
    out.width = out.image.width;
    out.height = out.image.height;
    return out;
  }

  std::vector<EmbeddedFile> EmbeddedFiles(std::uint64_t max_bytes_per_file) override {
    try {
      return ReadEmbeddedFiles(doc_.get(), max_bytes_per_file);
    } catch (const std::exception&) {  // Poppler does not throw; std::bad_alloc can.
      return {};
    }
  }

 private:
  std::shared_ptr<const std::string> bytes_;  // Poppler reads from it; keep alive.
  std::unique_ptr<PDFDoc> doc_;
  std::string name_;
  Limits limits_;
  std::shared_ptr<IccColorSpaces> icc_;  // the opener's, shared by its readers
  IccColorSpaces::Examined icc_examined_;  // this document's profiles looked at
  TextOutputDev text_;
};

class PdfOpener : public DocumentOpener {
 public:
  Result<std::unique_ptr<DocumentReader>> Open(std::shared_ptr<const std::string> bytes,
                                               const std::string& name,
                                               const Limits& limits) const override {
    if (bytes->size() > static_cast<std::size_t>(INT32_MAX)) {
      return Status(ErrorCode::kLimitExceeded, name + ": too large for the PDF reader");
    }
    if (!HasEofMarker(*bytes)) {
      return Status(ErrorCode::kInvalidDocument,
                    name + ": the PDF is truncated (no %%EOF marker at its end)");
    }
    // The reader keeps `bytes` alive for the document.
    Result<std::unique_ptr<PDFDoc>> opened = OpenPdf(*bytes, name);
    if (!opened.ok()) return opened.status();
    std::unique_ptr<PDFDoc> doc = std::move(opened).value();
    int pages = doc->getNumPages();
    if (pages <= 0) return Status(ErrorCode::kInvalidDocument, name + ": the PDF has no pages");
    if (pages > limits.max_pages) {
      return Status(ErrorCode::kLimitExceeded,
                    name + ": has " + std::to_string(pages) + " pages, over the limit of " +
                        std::to_string(limits.max_pages));
    }
    return std::unique_ptr<DocumentReader>(
        std::make_unique<PdfReader>(std::move(bytes), std::move(doc), name, limits, icc_));
  }

 private:
  std::shared_ptr<IccColorSpaces> icc_ = std::make_shared<IccColorSpaces>();
};

}  // namespace

std::shared_ptr<const DocumentOpener> MakePdfOpener() { return std::make_shared<PdfOpener>(); }

Result<Image> RenderPdfPage(const std::string& bytes, int index, double dpi) {
  Result<std::unique_ptr<PDFDoc>> doc = OpenPdf(bytes, "PDF");
  if (!doc.ok()) return doc.status();
  if (index < 0 || index >= (*doc)->getNumPages()) return Status(ErrorCode::kInvalidArgument, "no such page");
  return Render(doc->get(), index, dpi, std::chrono::steady_clock::time_point::max());
}

std::string Version() { return POPPLER_VERSION; }

}  // namespace sheaf::poppler_adapter
