// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/tesseract/line_png.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <string>
#include <vector>

#include "adapters/tesseract/tesseract.h"
#include "fixtures.h"

namespace sheaf::tesseract_adapter {
namespace {

TEST(TesseractLinePng, KnowsCodeInLibtesseractFromEveryOtherCode) {
  void* in_tesseract = ::dlsym(RTLD_DEFAULT, "TessVersion");  // libtesseract's C API
  ASSERT_NE(in_tesseract, nullptr);
  EXPECT_TRUE(InTesseract(in_tesseract));
  void* in_leptonica = ::dlsym(RTLD_DEFAULT, "pixCreate");
  ASSERT_NE(in_leptonica, nullptr);
  EXPECT_FALSE(InTesseract(in_leptonica));
  EXPECT_FALSE(InTesseract(reinterpret_cast<const void*>(&InTesseract)));  // this executable
  EXPECT_FALSE(InTesseract(nullptr));
}

TEST(TesseractLinePng, PngsWrittenByOtherCodeStayCompressed) {
  // A white 1000 x 1000 page: a megabyte stored, a few kilobytes deflated.
  PIX* pix = pixCreate(1000, 1000, 8);
  ASSERT_NE(pix, nullptr);
  pixSetAllArbitrary(pix, 255);
  const std::uint64_t before = TesseractPngsStored();
  l_uint8* bytes = nullptr;
  size_t size = 0;
  ASSERT_EQ(pixWriteMem(&bytes, &size, pix, IFF_PNG), 0);
  EXPECT_LT(size, 20000u);
  EXPECT_EQ(TesseractPngsStored(), before);
  lept_free(bytes);
  pixDestroy(&pix);
}

TEST(TesseractLinePng, TesseractsLineImagesAreStoredAndReadTheSame) {
  auto engine = MakeEngine(OcrOptions{});
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  const Image page = testing::RenderLines({"Invoice number 4711 dated 12 March 2024",
                                           "Please pay the total of 99.95 within 30 days"},
                                          200);
  const std::uint64_t before = TesseractPngsStored();
  auto r = (*engine)->Recognize(page, 60000);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // Each line Tesseract read went through pixWriteMem as an uncompressed PNG ...
  EXPECT_GE(TesseractPngsStored() - before, 2u);
  // ... and was read back intact.
  std::string text;
  for (const Block& b : r->blocks) {
    for (const Line& l : b.lines) text += l.Text() + "\n";
  }
  EXPECT_NE(text.find("Invoice number 4711 dated 12 March 2024"), std::string::npos) << text;
  EXPECT_NE(text.find("99.95"), std::string::npos) << text;
}

}  // namespace
}  // namespace sheaf::tesseract_adapter
