// SPDX-License-Identifier: GPL-3.0-or-later
//
// Poppler adapter: PDF text layers with word boxes, page rendering for OCR, and the files embedded
// in a PDF (e-invoice XML). The only place Poppler's headers are included.
#ifndef SHEAF_ADAPTERS_POPPLER_POPPLER_H_
#define SHEAF_ADAPTERS_POPPLER_POPPLER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sheaf/reader.h"

namespace sheaf::poppler_adapter {

// A page whose text layer holds at least this many letters or digits is read from the text
// layer; any other page is rendered and OCR'd.
inline constexpr int kMinTextLayerAlnum = 10;

std::shared_ptr<const DocumentOpener> MakePdfOpener();

// Renders page `index` (0-based) of a PDF held in `bytes` as 8-bit gray at `dpi`.
Result<Image> RenderPdfPage(const std::string& bytes, int index, double dpi);

std::string Version();

// A file embedded in a PDF (a ZUGFeRD / Factur-X invoice XML, a time sheet, an image). Its name
// is empty when it is written in UTF-16, as most ZUGFeRD / Factur-X PDFs do (the name as
// poppler-cpp 22.x gives it: the raw string up to its first NUL byte), so do not rely on names
// alone to find the invoice XML (extract::ChooseEInvoiceAttachment also looks at the content).
using PdfAttachment = EmbeddedFile;

// Reads the embedded files of the PDF at `path` (those of the document's EmbeddedFiles name
// tree), in the PDF's order. An attachment whose size exceeds `max_bytes_per_file` is left out,
// as is one whose stream cannot be read; neither is an error. The limit is checked against the
// size the PDF declares before reading and against the bytes read (reading stops one byte past
// the limit, so one that hides its size is never held in full).
// Errors, each message starting with `path`: kNotFound (no such file), kEncryptedDocument (the
// PDF needs a password), kInvalidDocument (not a readable PDF).
// The PDF opener's readers give the same through DocumentReader::EmbeddedFiles without parsing
// the file again.
// Thread safety: safe to call concurrently (each call loads its own document).
Result<std::vector<PdfAttachment>> ReadPdfAttachments(const std::string& path,
                                                      std::uint64_t max_bytes_per_file);

}  // namespace sheaf::poppler_adapter

#endif  // SHEAF_ADAPTERS_POPPLER_POPPLER_H_
