// SPDX-License-Identifier: GPL-3.0-or-later
//
// Image: an owned 8-bit raster, the only image type that crosses an interface. Adapters convert
// to and from their library's type (Leptonica's PIX, Poppler's image) at the boundary, so no
// stage depends on an imaging SDK.
#ifndef SHEAF_IMAGE_H_
#define SHEAF_IMAGE_H_

#include <cstdint>
#include <vector>

namespace sheaf {

struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;  // 1 = gray, 3 = RGB (no alpha: it is flattened onto white when decoded)
  int dpi = 0;       // resolution the image was made at, 0 when unknown
  std::vector<std::uint8_t> pixels;  // row-major, width * channels bytes per row, no padding

  bool empty() const { return width == 0 || height == 0; }
  std::size_t bytes() const { return pixels.size(); }
};

}  // namespace sheaf

#endif  // SHEAF_IMAGE_H_
