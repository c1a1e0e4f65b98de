// SPDX-License-Identifier: GPL-3.0-or-later
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <mutex>

#include "adapters/leptonica/damaged_input.h"
#include "adapters/leptonica/leptonica.h"
#include "adapters/leptonica/pix.h"
#include "sheaf/format.h"

namespace sheaf::leptonica {

void SilenceDiagnostics() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

std::string Version() {
  char* v = getLeptonicaVersion();  // "leptonica-1.82.0"
  std::string s = v != nullptr ? v : "";
  lept_free(v);
  const std::string prefix = "leptonica-";
  if (s.rfind(prefix, 0) == 0) s = s.substr(prefix.size());
  return s;
}

PixPtr ToGray8(PIX* pix) {
  if (pix == nullptr) return nullptr;
  PixPtr cur(pixClone(pix));
  if (pixGetDepth(cur.get()) == 32 && pixGetSpp(cur.get()) == 4) {
    cur.reset(pixRemoveAlpha(cur.get()));
    if (!cur) return nullptr;
  }
  if (pixGetDepth(cur.get()) == 8 && pixGetColormap(cur.get()) == nullptr) return cur;
  // pixConvertTo8 handles 1/2/4/16/32 bpp and colormaps (cmapflag 0: to gray).
  return PixPtr(pixConvertTo8(cur.get(), 0));
}

Image Gray8ToImage(PIX* pix) {
  Image img;
  img.width = pixGetWidth(pix);
  img.height = pixGetHeight(pix);
  img.channels = 1;
  img.dpi = pixGetXRes(pix);
  img.pixels.resize(static_cast<std::size_t>(img.width) * img.height);
  l_uint32* data = pixGetData(pix);
  int wpl = pixGetWpl(pix);
  for (int y = 0; y < img.height; ++y) {
    l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
    std::uint8_t* out = img.pixels.data() + static_cast<std::size_t>(y) * img.width;
    for (int x = 0; x < img.width; ++x) out[x] = GET_DATA_BYTE(line, x);
  }
  return img;
}

PixPtr ImageToPix(const Image& image) {
  if (image.empty() || (image.channels != 1 && image.channels != 3)) return nullptr;
  PixPtr pix(pixCreate(image.width, image.height, image.channels == 1 ? 8 : 32));
  if (!pix) return nullptr;
  if (image.dpi > 0) pixSetResolution(pix.get(), image.dpi, image.dpi);
  l_uint32* data = pixGetData(pix.get());
  int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < image.height; ++y) {
    l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
    const std::uint8_t* in =
        image.pixels.data() + static_cast<std::size_t>(y) * image.width * image.channels;
    if (image.channels == 1) {
      for (int x = 0; x < image.width; ++x) SET_DATA_BYTE(line, x, in[x]);
    } else {
      for (int x = 0; x < image.width; ++x) {
        composeRGBPixel(in[3 * x], in[3 * x + 1], in[3 * x + 2], line + x);
      }
    }
  }
  return pix;
}

namespace {

std::string Pixels(std::uint64_t n) {
  char buf[48];
  double mp = static_cast<double>(n) / 1e6;
  std::snprintf(buf, sizeof buf, mp < 10 ? "%.2f megapixels" : "%.0f megapixels", mp);
  return buf;
}

// Refuses a page whose header claims more pixels (or a longer side) than allowed.
Status CheckDimensions(const std::string& name, int page, int w, int h, const Limits& limits) {
  if (w <= 0 || h <= 0) {
    return {ErrorCode::kInvalidDocument, name + ": page " + std::to_string(page) +
                                             " has invalid dimensions " + std::to_string(w) + "x" +
                                             std::to_string(h)};
  }
  auto pixels = static_cast<std::uint64_t>(w) * static_cast<std::uint64_t>(h);
  if (pixels > limits.max_page_pixels) {
    return {ErrorCode::kLimitExceeded,
            name + ": page " + std::to_string(page) + " is " + std::to_string(w) + "x" +
                std::to_string(h) + " pixels (" + Pixels(pixels) + "), over the limit of " +
                Pixels(limits.max_page_pixels) + " per page; refused before decoding"};
  }
  return Status::Ok();
}

// Reads the header of page `index` (TIFF) or of the image (other formats) without decoding.
// Returns invalid_document naming the page when it cannot be read, then checks the limits.
Status CheckHeader(const std::string& bytes, Format format, int index, const std::string& name,
                   const Limits& limits) {
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  int w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, fmt = 0;
  bool ok = format == Format::kTiff
                ? readHeaderMemTiff(data, bytes.size(), index, &w, &h, &bps, &spp, &res, &cmap,
                                    &fmt) == 0
                : pixReadHeaderMem(data, bytes.size(), &fmt, &w, &h, &bps, &spp, &cmap) == 0;
  if (!ok) {
    return {ErrorCode::kInvalidDocument,
            name + ": page " + std::to_string(index + 1) + ": the " +
                std::string(FormatName(format)) +
                " header cannot be read (corrupt or truncated file)"};
  }
  return CheckDimensions(name, index + 1, w, h, limits);
}

// Walks a PNG's chunks without decoding them: every complete chunk must match its CRC-32.
// Catches damaged files at the cost of one checksum pass (microseconds), so they are refused at
// upload rather than failing when a page is decoded. A file that ends early (its last chunk cut
// off, or no IEND) is not refused: it is read as far as it goes (*truncated is set).
Status CheckPngChunks(const std::string& bytes, const std::string& name, bool* truncated) {
  auto be32 = [&](std::size_t at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
  };
  *truncated = false;
  std::size_t at = 8;  // after the signature
  while (at + 12 <= bytes.size()) {
    const std::uint32_t length = be32(at);
    const std::string type = bytes.substr(at + 4, 4);
    if (length > bytes.size() - at - 12) break;  // cut off
    const auto* chunk = reinterpret_cast<const Bytef*>(bytes.data() + at + 4);
    const uLong crc = crc32(crc32(0L, Z_NULL, 0), chunk, static_cast<uInt>(length + 4));
    if (crc != be32(at + 8 + length)) {
      return {ErrorCode::kInvalidDocument,
              name + ": the PNG is corrupt (its " + type + " chunk at byte " + std::to_string(at) +
                  " fails its checksum)"};
    }
    if (type == "IEND") return Status::Ok();
    at += 12 + length;
  }
  *truncated = true;
  return Status::Ok();
}

class ImageReader : public DocumentReader {
 public:
  ImageReader(std::shared_ptr<const std::string> bytes, std::string name, Format format,
              int pages, Limits limits)
      : bytes_(std::move(bytes)),
        name_(std::move(name)),
        format_(format),
        pages_(pages),
        limits_(limits) {}

  void set_truncated_png(bool t) { truncated_png_ = t; }

  int page_count() const override { return pages_; }

  Result<RawPage> ReadPage(int index) override {
    if (Status st = CheckHeader(*bytes_, format_, index, name_, limits_); !st.ok()) return st;
    const auto* data = reinterpret_cast<const l_uint8*>(bytes_->data());
    std::size_t size = bytes_->size();
    std::string where = name_ + ": page " + std::to_string(index + 1);
    PixPtr pix;
    std::string warning;
    if (format_ == Format::kJpeg || (format_ == Format::kPng && truncated_png_)) {
      // Luminance only for JPEG: pages become gray anyway, and this skips the colour
      // conversion. Damaged data is read as far as it goes (damaged_input.h).
      Result<Decoded> d = format_ == Format::kJpeg ? DecodeJpegLuminance(*bytes_, where)
                                                   : DecodeTruncatedPng(*bytes_, where);
      if (!d.ok()) return d.status();
      pix = std::move(d->pix);
      warning = std::move(d->warning);
    } else if (format_ == Format::kTiff) {
      pix.reset(pixReadMemTiff(data, size, index));
    } else {
      pix.reset(pixReadMem(data, size));
    }
    if (!pix) {
      return Status(ErrorCode::kInvalidDocument,
                    where + ": the " + std::string(FormatName(format_)) +
                        " image data cannot be decoded (corrupt or truncated file)");
    }
    // A decoder must never hand back more than the limits allow, whatever the header said.
    if (Status st = CheckDimensions(name_, index + 1, pixGetWidth(pix.get()),
                                    pixGetHeight(pix.get()), limits_);
        !st.ok()) {
      return st;
    }
    const int depth = pixGetDepth(pix.get());
    PixPtr gray = ToGray8(pix.get());
    pix.reset();
    if (!gray) {
      return Status(ErrorCode::kInvalidDocument,
                    where + ": unsupported pixel layout (depth " + std::to_string(depth) + ")");
    }
    RawPage page;
    page.source = PageSource::kOcr;
    page.image = Gray8ToImage(gray.get());
    page.image.dpi = pixGetXRes(gray.get());
    page.width = page.image.width;
    page.height = page.image.height;
    page.dpi = page.image.dpi;
    if (!warning.empty()) page.warnings.push_back(std::move(warning));
    return page;
  }

 private:
  std::shared_ptr<const std::string> bytes_;
  std::string name_;
  Format format_;
  int pages_;
  Limits limits_;
  bool truncated_png_ = false;
};

class ImageOpener : public DocumentOpener {
 public:
  Result<std::unique_ptr<DocumentReader>> Open(std::shared_ptr<const std::string> bytes,
                                               const std::string& name,
                                               const Limits& limits) const override {
    SilenceDiagnostics();
    Format format = DetectFormat(*bytes);
    int pages = 1;
    if (format == Format::kTiff) {
      FILE* fp = fmemopen(const_cast<char*>(bytes->data()), bytes->size(), "rb");
      if (fp == nullptr) return Status(ErrorCode::kIoError, name + ": cannot open TIFF stream");
      int n = 0;
      bool ok = tiffGetCount(fp, &n) == 0;
      std::fclose(fp);
      if (!ok || n <= 0) {
        return Status(ErrorCode::kInvalidDocument,
                      name + ": the TIFF directory cannot be read (corrupt or truncated file)");
      }
      pages = n;
      if (pages > limits.max_pages) {
        return Status(ErrorCode::kLimitExceeded,
                      name + ": has " + std::to_string(pages) + " pages, over the limit of " +
                          std::to_string(limits.max_pages));
      }
    }
    // Check the first page's header now, so a bomb is refused before any work is scheduled.
    if (Status st = CheckHeader(*bytes, format, 0, name, limits); !st.ok()) return st;
    bool truncated = false;
    if (format == Format::kPng) {
      if (Status st = CheckPngChunks(*bytes, name, &truncated); !st.ok()) return st;
    }
    auto reader = std::make_unique<ImageReader>(std::move(bytes), name, format, pages, limits);
    reader->set_truncated_png(truncated);
    return std::unique_ptr<DocumentReader>(std::move(reader));
  }
};

}  // namespace

std::shared_ptr<const DocumentOpener> MakeImageOpener() { return std::make_shared<ImageOpener>(); }

Result<std::string> EncodeImage(const Image& image, const std::string& format,
                                int rotation_degrees) {
  int iff;
  if (format == "png") iff = IFF_PNG;
  else if (format == "jpeg") iff = IFF_JFIF_JPEG;
  else if (format == "tiff") iff = IFF_TIFF_ZIP;
  else if (format == "webp") iff = IFF_WEBP;
  else return Status(ErrorCode::kInvalidArgument, "unknown image format " + format);
  PixPtr pix = ImageToPix(image);
  if (!pix) return Status(ErrorCode::kInvalidArgument, "cannot convert image");
  const int quarters = ((rotation_degrees / 90) % 4 + 4) % 4;
  if (rotation_degrees % 90 != 0) {
    return Status(ErrorCode::kInvalidArgument, "rotation must be a multiple of 90 degrees");
  }
  if (quarters != 0) {
    pix.reset(pixRotateOrth(pix.get(), quarters));
    if (!pix) return Status(ErrorCode::kInternal, "cannot turn the image");
  }
  l_uint8* out = nullptr;
  size_t size = 0;
  if (pixWriteMem(&out, &size, pix.get(), iff) != 0 || out == nullptr) {
    return Status(ErrorCode::kInternal, "cannot encode image as " + format);
  }
  std::string bytes(reinterpret_cast<char*>(out), size);
  lept_free(out);
  return bytes;
}

Result<std::string> EncodeMultipageTiff(const std::vector<Image>& pages) {
  PIXA* pixa = pixaCreate(static_cast<l_int32>(pages.size()));
  for (const Image& p : pages) {
    PixPtr pix = ImageToPix(p);
    if (!pix) {
      pixaDestroy(&pixa);
      return Status(ErrorCode::kInvalidArgument, "cannot convert image");
    }
    pixaAddPix(pixa, pix.release(), L_INSERT);
  }
  l_uint8* out = nullptr;
  size_t size = 0;
  bool ok = pixaWriteMemMultipageTiff(&out, &size, pixa) == 0 && out != nullptr;
  pixaDestroy(&pixa);
  if (!ok) return Status(ErrorCode::kInternal, "cannot encode multi-page TIFF");
  std::string bytes(reinterpret_cast<char*>(out), size);
  lept_free(out);
  return bytes;
}

}  // namespace sheaf::leptonica
