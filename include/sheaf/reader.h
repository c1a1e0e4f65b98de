// SPDX-License-Identifier: GPL-3.0-or-later
//
// The load stage's seams. A DocumentOpener turns a file's bytes of one format into a
// DocumentReader that yields its pages one at a time, so a 500-page PDF never has more than the
// pages being worked on in memory.
#ifndef SHEAF_READER_H_
#define SHEAF_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sheaf/document.h"
#include "sheaf/image.h"
#include "sheaf/options.h"
#include "sheaf/status.h"

namespace sheaf {

// One page as loaded, before pre-processing. Either an image to OCR (kOcr), or words already
// known with their boxes (kTextLayer from a PDF, kText from a text file).
struct RawPage {
  PageSource source = PageSource::kOcr;
  Image image;                // set iff source == kOcr
  std::vector<Block> blocks;  // set iff source != kOcr
  int width = 0;              // page size in the pixels its boxes use
  int height = 0;
  int dpi = 0;
  // Damage read past, one sentence each: the page is what could be read (a JPEG whose data
  // breaks off is kept down to the damage, the rows below left white). Empty for a sound page.
  std::vector<std::string> warnings;
};

// A file embedded in a document: a PDF's attachments (a ZUGFeRD / Factur-X invoice XML, ...).
struct EmbeddedFile {
  std::string name;  // as UTF-8; may be empty (see poppler_adapter::PdfAttachment)
  std::string data;  // its bytes, decoded from the document's stream filters
};

// An open document. NOT thread-safe: callers serialise calls on one reader (different readers
// may be used concurrently).
class DocumentReader {
 public:
  virtual ~DocumentReader() = default;
  // Number of pages; always >= 1 and <= Limits::max_pages (Open refuses otherwise).
  virtual int page_count() const = 0;
  // REQUIRES: 0 <= index < page_count(). Errors: invalid_document for a page that cannot be
  // decoded, limit_exceeded for a page over the pixel limit (checked before decoding); the
  // message names the file and the page.
  virtual Result<RawPage> ReadPage(int index) = 0;
  // The files embedded in the document, in its order, read from the document as already
  // opened (no second parse). A file over `max_bytes_per_file` or whose data cannot be read is
  // left out. Formats without embedded files have none (the default).
  virtual std::vector<EmbeddedFile> EmbeddedFiles(std::uint64_t /*max_bytes_per_file*/) {
    return {};
  }
};

// Opens one format. Thread-safe.
class DocumentOpener {
 public:
  virtual ~DocumentOpener() = default;
  // `bytes` is the whole file and is kept alive by the reader. `name` is used in messages only.
  // Errors: invalid_document, encrypted_document, limit_exceeded (pages, pixels) with a message
  // naming the file, the problem and the limit.
  virtual Result<std::unique_ptr<DocumentReader>> Open(std::shared_ptr<const std::string> bytes,
                                                       const std::string& name,
                                                       const Limits& limits) const = 0;
};

}  // namespace sheaf

#endif  // SHEAF_READER_H_
