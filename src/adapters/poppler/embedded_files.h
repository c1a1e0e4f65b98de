// SPDX-License-Identifier: GPL-3.0-or-later
//
// Reading the files embedded in a PDF already open with Poppler's core API, so that the reader
// of the text layer and ReadPdfAttachments share one implementation (and the reader one parse).
// Internal to src/adapters/poppler.
#ifndef SHEAF_ADAPTERS_POPPLER_EMBEDDED_FILES_H_
#define SHEAF_ADAPTERS_POPPLER_EMBEDDED_FILES_H_

#include <cstdint>
#include <vector>

#include "adapters/poppler/poppler.h"

class PDFDoc;

namespace sheaf::poppler_adapter {

// The files of `doc`'s EmbeddedFiles name tree, in the PDF's order, as ReadPdfAttachments
// describes them: one over `max_bytes` (declared, or found while reading, which stops after
// max_bytes + 1 bytes) or whose stream cannot be read is left out. `doc` must be open (isOk()).
// Not thread-safe on one `doc`.
std::vector<PdfAttachment> ReadEmbeddedFiles(PDFDoc* doc, std::uint64_t max_bytes);

}  // namespace sheaf::poppler_adapter

#endif  // SHEAF_ADAPTERS_POPPLER_EMBEDDED_FILES_H_
