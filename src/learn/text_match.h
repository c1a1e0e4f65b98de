// SPDX-License-Identifier: GPL-3.0-or-later
// How the sender memory compares what a reviewer wrote with what OCR read: letters and digits
// only, lower-cased, allowing one misread character in six. Shared by the field memory
// (sender_memory) and the line-item table memory (table_memory), so both forgive OCR alike.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "extract/normalize.h"

namespace sheaf::learn {

// True when `text` has a letter (ASCII, or any byte of a UTF-8 sequence).
inline bool HasLetter(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
  });
}

inline bool HasDigit(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

// Letters and digits only, lower-cased: how labels and text values are compared.
inline std::string Canon(std::string_view text) {
  std::string out;
  for (unsigned char c : extract::Lower(text)) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c >= 0x80) out += static_cast<char>(c);
  }
  return out;
}

// How many letters/digits OCR may have misread in a text value of `size` letters and digits
// and still be taken for it: none below 5, then one in six.
inline std::size_t TextTolerance(std::size_t size) {
  return size < 5 ? 0 : std::max<std::size_t>(1, size / 6);
}

}  // namespace sheaf::learn
