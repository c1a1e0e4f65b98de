// SPDX-License-Identifier: GPL-3.0-or-later
//
// Content-based format detection: the bytes decide, never the file name.
#ifndef SHEAF_FORMAT_H_
#define SHEAF_FORMAT_H_

#include <string_view>

namespace sheaf {

enum class Format { kUnknown, kPdf, kTiff, kPng, kJpeg, kWebp, kText };

std::string_view FormatName(Format f);

// Returns the format of `data` (the whole file). Text means: valid UTF-8 (or UTF-8 with a BOM),
// no NUL bytes and almost no control characters. Anything unrecognised is kUnknown.
// Thread-safe; reads at most the first 64 KiB for text sniffing of very large inputs.
Format DetectFormat(std::string_view data);

}  // namespace sheaf

#endif  // SHEAF_FORMAT_H_
