// SPDX-License-Identifier: GPL-3.0-or-later
#include <poppler-document.h>
#include <poppler-embedded-file.h>

#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "adapters/poppler/common.h"
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

// The attachment's file name as UTF-8. Poppler-cpp's name() returns the raw PDF string cut at
// its first NUL byte, which empties every UTF-16 name (most ZUGFeRD PDFs write /UF in UTF-16);
// newer Poppler-cpp versions add unicodeName(), used when present.
template <typename File>
std::string FileName(const File& file) {
  if constexpr (requires { file.unicodeName(); }) {
    std::vector<char> utf8 = file.unicodeName().to_utf8();
    return std::string(utf8.begin(), utf8.end());
  } else {
    return TextStringToUtf8(file.name());
  }
}

Result<std::vector<PdfAttachment>> Read(const std::string& path, std::uint64_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status(ErrorCode::kNotFound, path + ": no such file");
  }
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path));
  if (Status s = CheckOpened(doc.get(), path); !s.ok()) return s;
  std::vector<PdfAttachment> out;
  if (!doc->has_embedded_files()) return out;
  // The document owns the embedded_file objects.
  for (poppler::embedded_file* file : doc->embedded_files()) {
    if (file == nullptr || !file->is_valid()) continue;
    const int declared = file->size();  // -1 when the PDF does not say
    if (declared > 0 && static_cast<std::uint64_t>(declared) > max_bytes) continue;
    poppler::byte_array bytes = file->data();
    if (bytes.size() > max_bytes) continue;
    out.push_back({FileName(*file), std::string(bytes.begin(), bytes.end())});
  }
  return out;
}

}  // namespace

Result<std::vector<PdfAttachment>> ReadPdfAttachments(const std::string& path,
                                                      std::uint64_t max_bytes_per_file) {
  SilencePoppler();
  try {
    return Read(path, max_bytes_per_file);
  } catch (const std::exception& e) {  // Poppler-cpp does not throw; std::bad_alloc can.
    return Status(ErrorCode::kInvalidDocument,
                  path + ": cannot read the PDF's attachments: " + e.what());
  }
}

}  // namespace sheaf::poppler_adapter
