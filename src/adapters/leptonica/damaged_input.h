// SPDX-License-Identifier: GPL-3.0-or-later
//
// Decoding that reads damaged images as far as they go, as image viewers do (adapter-internal).
// A JPEG whose entropy data breaks ("Corrupt JPEG data: bad Huffman code") or a JPEG or PNG cut
// short keeps the rows decoded before the damage; the rows below are painted white (not the
// grey or streaks a decoder makes of missing data, which OCR would read as marks), and the
// damage is described in `warning`. Sound files decode exactly as before, with no warning.
#ifndef SHEAF_ADAPTERS_LEPTONICA_DAMAGED_INPUT_H_
#define SHEAF_ADAPTERS_LEPTONICA_DAMAGED_INPUT_H_

#include <string>
#include <string_view>

#include "adapters/leptonica/pix.h"
#include "sheaf/status.h"

namespace sheaf::leptonica {

struct Decoded {
  PixPtr pix;           // 8-bit gray, resolution set when the file gives one
  std::string warning;  // "" for a sound file
};

// The JPEG's luminance (libjpeg). Errors (invalid_document, naming `where`): the header or the
// first rows cannot be read, so there is nothing to keep.
Result<Decoded> DecodeJpegLuminance(std::string_view bytes, const std::string& where);

// A PNG that ends early (no IEND; its last chunk cut off), read row by row (libpng) as far as
// its image data goes. Errors as for JPEG; an interlaced PNG cannot be read in part.
Result<Decoded> DecodeTruncatedPng(std::string_view bytes, const std::string& where);

}  // namespace sheaf::leptonica

#endif  // SHEAF_ADAPTERS_LEPTONICA_DAMAGED_INPUT_H_
