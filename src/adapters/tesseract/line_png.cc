// SPDX-License-Identifier: GPL-3.0-or-later
//
// The executable's pixWriteMem (line_png.h). Compiled into executables only: in a shared
// object it would not come first in the dynamic linker's search, and RTLD_NEXT would mean
// something else.
#include "adapters/tesseract/line_png.h"

#include <dlfcn.h>
#include <leptonica/allheaders.h>

#include <atomic>
#include <cstring>
#include <string_view>

namespace sheaf::tesseract_adapter {

namespace {

std::atomic<std::uint64_t> stored{0};
// Load address of libtesseract once a call from it has been seen (saves the name comparison).
std::atomic<const void*> tesseract_base{nullptr};

}  // namespace

bool InTesseract(const void* address) {
  Dl_info info{};
  if (address == nullptr || ::dladdr(address, &info) == 0 || info.dli_fbase == nullptr) {
    return false;
  }
  if (info.dli_fbase == tesseract_base.load(std::memory_order_relaxed)) return true;
  if (info.dli_fname == nullptr) return false;
  std::string_view name = info.dli_fname;
  if (auto slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  if (!name.starts_with("libtesseract.so")) return false;
  tesseract_base.store(info.dli_fbase, std::memory_order_relaxed);
  return true;
}

std::uint64_t TesseractPngsStored() { return stored.load(std::memory_order_relaxed); }

}  // namespace sheaf::tesseract_adapter

// Same signature as Leptonica's (allheaders.h). Leptonica's own is found with RTLD_NEXT: the
// next definition after the executable's in the global search order.
extern "C" __attribute__((visibility("default"))) l_ok pixWriteMem(l_uint8** pdata, size_t* psize,
                                                                   PIX* pix, l_int32 format) {
  using WriteMem = l_ok (*)(l_uint8**, size_t*, PIX*, l_int32);
  static const auto leptonica = reinterpret_cast<WriteMem>(::dlsym(RTLD_NEXT, "pixWriteMem"));
  if (leptonica == nullptr) return 1;  // Leptonica's error value; cannot happen when it is linked
  if (format == IFF_PNG && pix != nullptr &&
      sheaf::tesseract_adapter::InTesseract(__builtin_return_address(0))) {
    // Tesseract 5.3 never sets a level on its line images; 0 is zlib's "no compression".
    pixSetZlibCompression(pix, 0);
    sheaf::tesseract_adapter::stored.fetch_add(1, std::memory_order_relaxed);
  }
  return leptonica(pdata, psize, pix, format);
}
