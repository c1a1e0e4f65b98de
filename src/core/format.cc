// SPDX-License-Identifier: GPL-3.0-or-later
#include "sheaf/format.h"

#include <algorithm>
#include <cstdint>

namespace sheaf {

std::string_view FormatName(Format f) {
  switch (f) {
    case Format::kPdf: return "pdf";
    case Format::kTiff: return "tiff";
    case Format::kPng: return "png";
    case Format::kJpeg: return "jpeg";
    case Format::kWebp: return "webp";
    case Format::kText: return "text";
    case Format::kUnknown: break;
  }
  return "unknown";
}

namespace {

bool StartsWith(std::string_view data, std::string_view magic) {
  return data.size() >= magic.size() && data.substr(0, magic.size()) == magic;
}

// Length of the UTF-8 sequence starting at data[i], or 0 if it is not well formed. A sequence
// cut off by `data`'s end counts as well formed when `truncated` (we only looked at a prefix).
std::size_t Utf8SequenceLength(std::string_view data, std::size_t i, bool truncated) {
  auto b0 = static_cast<std::uint8_t>(data[i]);
  std::size_t n;
  std::uint32_t min;
  if (b0 < 0x80) return 1;
  if ((b0 & 0xE0) == 0xC0) { n = 2; min = 0x80; }
  else if ((b0 & 0xF0) == 0xE0) { n = 3; min = 0x800; }
  else if ((b0 & 0xF8) == 0xF0) { n = 4; min = 0x10000; }
  else return 0;
  if (i + n > data.size()) return truncated ? data.size() - i : 0;
  std::uint32_t cp = b0 & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    auto b = static_cast<std::uint8_t>(data[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool LooksLikeText(std::string_view data) {
  constexpr std::size_t kSniff = 64 * 1024;
  bool truncated = data.size() > kSniff;
  std::string_view head = data.substr(0, std::min(data.size(), kSniff));
  if (StartsWith(head, "\xEF\xBB\xBF")) head.remove_prefix(3);
  if (head.empty()) return false;
  std::size_t control = 0;
  for (std::size_t i = 0; i < head.size();) {
    auto c = static_cast<std::uint8_t>(head[i]);
    if (c == 0) return false;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') ++control;
    std::size_t n = Utf8SequenceLength(head, i, truncated);
    if (n == 0) return false;
    i += n;
  }
  // A few stray control characters occur in real text files; binary data has many.
  return control * 100 <= head.size();
}

}  // namespace

Format DetectFormat(std::string_view data) {
  if (StartsWith(data, "\x89PNG\r\n\x1a\n")) return Format::kPng;
  if (StartsWith(data, "\xFF\xD8\xFF")) return Format::kJpeg;
  if (StartsWith(data, std::string_view("II*\0", 4)) ||
      StartsWith(data, std::string_view("MM\0*", 4))) {
    return Format::kTiff;
  }
  if (data.size() >= 12 && StartsWith(data, "RIFF") && data.substr(8, 4) == "WEBP") {
    return Format::kWebp;
  }
  // PDF readers accept the header anywhere in the first 1024 bytes (some files carry junk first).
  if (data.substr(0, std::min<std::size_t>(data.size(), 1024)).find("%PDF-") !=
      std::string_view::npos) {
    return Format::kPdf;
  }
  if (LooksLikeText(data)) return Format::kText;
  return Format::kUnknown;
}

}  // namespace sheaf
