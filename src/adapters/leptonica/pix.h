// SPDX-License-Identifier: GPL-3.0-or-later
//
// Owning PIX handle and conversions between PIX and sheaf::Image (adapter-internal).
#ifndef SHEAF_ADAPTERS_LEPTONICA_PIX_H_
#define SHEAF_ADAPTERS_LEPTONICA_PIX_H_

#include <leptonica/allheaders.h>

#include <memory>

#include "sheaf/image.h"

namespace sheaf::leptonica {

struct PixDeleter {
  void operator()(PIX* p) const { pixDestroy(&p); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

struct BoxaDeleter {
  void operator()(BOXA* b) const { boxaDestroy(&b); }
};
using BoxaPtr = std::unique_ptr<BOXA, BoxaDeleter>;

// Any depth, colormap or alpha -> 8-bit gray (alpha blended onto white). Null on failure.
PixPtr ToGray8(PIX* pix);
// REQUIRES: pix is 8 bpp without colormap.
Image Gray8ToImage(PIX* pix);
// 8-bit gray (channels 1) or RGB (channels 3) Image -> PIX. Null on failure.
PixPtr ImageToPix(const Image& image);

}  // namespace sheaf::leptonica

#endif  // SHEAF_ADAPTERS_LEPTONICA_PIX_H_
