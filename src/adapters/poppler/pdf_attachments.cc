// SPDX-License-Identifier: GPL-3.0-or-later
#include <Catalog.h>
#include <ErrorCodes.h>
#include <FileSpec.h>
#include <PDFDoc.h>
#include <Stream.h>
#include <goo/GooString.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "adapters/poppler/common.h"
#include "adapters/poppler/embedded_files.h"
#include "adapters/poppler/poppler.h"

namespace sheaf::poppler_adapter {

namespace {


void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool IsUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const std::size_t length = lead < 0x80    ? 1
                               : lead >= 0xF0 ? 4
                               : lead >= 0xE0 ? 3
                               : lead >= 0xC0 ? 2
                                              : 0;
    if (length == 0 || i + length > s.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

// A PDF text string as UTF-8: UTF-16BE after a byte order mark (unpaired surrogates become
// U+FFFD), UTF-8 as is, anything else read as Latin-1 (PDFDocEncoding differs only in a few
// punctuation signs).
std::string TextStringToUtf8(const std::string& raw) {
  std::string out;
  if (raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0xFE &&
      static_cast<unsigned char>(raw[1]) == 0xFF) {
    for (std::size_t i = 2; i + 1 < raw.size(); i += 2) {
      char32_t unit =
          (static_cast<unsigned char>(raw[i]) << 8) | static_cast<unsigned char>(raw[i + 1]);
      if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < raw.size()) {
        char32_t low =
            (static_cast<unsigned char>(raw[i + 2]) << 8) | static_cast<unsigned char>(raw[i + 3]);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          AppendUtf8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), out);
          i += 2;
          continue;
        }
      }
      AppendUtf8(unit >= 0xD800 && unit <= 0xDFFF ? 0xFFFD : unit, out);
    }
    return out;
  }
  if (IsUtf8(raw)) return raw;
  for (char c : raw) AppendUtf8(static_cast<unsigned char>(c), out);
  return out;
}

// At most `limit` + 1 bytes of `stream`, decoded: one byte more than allowed tells the caller
// the file is over the limit without holding all of it.
std::string ReadAtMost(Stream* stream, std::uint64_t limit) {
  std::string out;
  stream->reset();
  unsigned char buf[16384];
  for (;;) {
    const std::uint64_t room = limit + 1 - out.size();
    const int want = static_cast<int>(std::min<std::uint64_t>(sizeof buf, room));
    if (want <= 0) break;
    const int got = stream->doGetChars(want, buf);
    if (got <= 0) break;
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(got));
  }
  stream->close();
  return out;
}

Result<std::vector<PdfAttachment>> Read(const std::string& path, std::uint64_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status(ErrorCode::kNotFound, path + ": no such file");
  }
  KeepPopplerGlobals();
  PDFDoc doc(std::make_unique<GooString>(path));
  if (!doc.isOk()) {
    if (doc.getErrorCode() == errEncrypted) {
      return Status(ErrorCode::kEncryptedDocument,
                    path + ": the PDF is encrypted and needs a password to open");
    }
    return Status(ErrorCode::kInvalidDocument, path + ": not a readable PDF (damaged or truncated file)");
  }
  return ReadEmbeddedFiles(&doc, max_bytes);
}

}  // namespace

std::vector<PdfAttachment> ReadEmbeddedFiles(PDFDoc* doc, std::uint64_t max_bytes) {
  std::vector<PdfAttachment> out;
  Catalog* catalog = doc->getCatalog();
  if (catalog == nullptr || !catalog->isOk()) return out;
  const int n = catalog->numEmbeddedFiles();
  for (int i = 0; i < n; ++i) {
    std::unique_ptr<FileSpec> spec = catalog->embeddedFile(i);
    if (spec == nullptr || !spec->isOk()) continue;
    EmbFile* file = spec->getEmbeddedFile();
    if (file == nullptr || !file->isOk() || file->stream() == nullptr) continue;
    const int declared = file->size();  // -1 when the PDF does not say
    if (declared > 0 && static_cast<std::uint64_t>(declared) > max_bytes) continue;
    std::string data = ReadAtMost(file->stream(), max_bytes);
    if (data.size() > max_bytes) continue;
    // The name as poppler-cpp 22.x gave it (the raw string up to its first NUL byte, which
    // empties UTF-16 names), so that the attachment chosen stays the same.
    const GooString* raw = spec->getFileName();
    out.push_back({raw == nullptr ? "" : TextStringToUtf8(std::string(raw->c_str())), std::move(data)});
  }
  return out;
}

Result<std::vector<PdfAttachment>> ReadPdfAttachments(const std::string& path,
                                                      std::uint64_t max_bytes_per_file) {
  try {
    return Read(path, max_bytes_per_file);
  } catch (const std::exception& e) {  // Poppler does not throw; std::bad_alloc can.
    return Status(ErrorCode::kInvalidDocument,
                  path + ": cannot read the PDF's attachments: " + e.what());
  }
}

}  // namespace sheaf::poppler_adapter
