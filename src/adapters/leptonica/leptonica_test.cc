// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/leptonica/leptonica.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "adapters/leptonica/pix.h"
#include "fixtures.h"

namespace sheaf::leptonica {
namespace {

const std::vector<std::string> kLines{"The quick brown fox jumps over the lazy dog 12345",
                                      "Invoice number 4711 dated 12 March 2024 total 99.95",
                                      "Please pay within thirty days to the account below",
                                      "Thank you for your business and your kind regards"};

Image Turned(const Image& img, double degrees) {
  PixPtr pix = ImageToPix(img);
  PixPtr rotated(pixRotate(pix.get(), static_cast<float>(degrees * std::numbers::pi / 180.0),
                           L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0));
  return Gray8ToImage(rotated.get());
}

TEST(LeptonicaPreprocessor, UpscalesSmallTextAndRecordsWhy) {
  Image small = testing::RenderLines(kLines, 90);  // 12 pt at 90 DPI: glyphs ~10 px high
  auto pre = MakePreprocessor(PreprocessOptions{});
  auto out = pre->Prepare(small, 0);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_GT(out->record.text_height_px, 6);
  EXPECT_LT(out->record.text_height_px, 15);
  EXPECT_GT(out->record.scale, 1.3);
  EXPECT_EQ(out->ocr_input.width, static_cast<int>(std::lround(small.width * out->record.scale)));
  EXPECT_EQ(out->width, small.width);  // boxes refer to the unscaled page
  EXPECT_TRUE(out->record.background_normalized);
}

TEST(LeptonicaPreprocessor, DownscalesHugeTextAndLeavesWellSizedTextAlone) {
  auto pre = MakePreprocessor(PreprocessOptions{});
  auto big = pre->Prepare(testing::RenderLines(kLines, 600), 0);  // glyphs ~60 px
  ASSERT_TRUE(big.ok());
  EXPECT_LT(big->record.scale, 0.6);
  auto fine = pre->Prepare(testing::RenderLines(kLines, 200), 0);  // glyphs ~20 px
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ(fine->record.scale, 1.0);
}

TEST(LeptonicaPreprocessor, MeasuresAndCorrectsSkew) {
  Image page = testing::RenderLines(kLines, 200);
  auto pre = MakePreprocessor(PreprocessOptions{});
  auto out = pre->Prepare(Turned(page, 3.0), 0);
  ASSERT_TRUE(out.ok());
  // Turned 3 degrees clockwise; the correction is 3 degrees the other way.
  EXPECT_NEAR(std::fabs(out->record.skew_degrees), 3.0, 0.3);
  PreprocessOptions no_deskew;
  no_deskew.deskew = false;
  auto raw = MakePreprocessor(no_deskew)->Prepare(Turned(page, 3.0), 0);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->record.skew_degrees, 0.0);
}

TEST(LeptonicaPreprocessor, AppliesTheRequestedQuarterTurns) {
  Image page = testing::RenderLines(kLines, 200);
  auto pre = MakePreprocessor(PreprocessOptions{});
  auto out = pre->Prepare(page, 90);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->record.rotation, 90);
  EXPECT_EQ(out->width, page.height);
  EXPECT_EQ(out->height, page.width);
}

TEST(LeptonicaPreprocessor, RecordsWhetherContrastWasNormalised) {
  Image page = testing::RenderLines(kLines, 200);
  PreprocessOptions off;
  off.normalize_background = false;
  auto plain = MakePreprocessor(off)->Prepare(page, 0);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->record.background_normalized);
  auto normed = MakePreprocessor(PreprocessOptions{})->Prepare(page, 0);
  ASSERT_TRUE(normed.ok());
  EXPECT_TRUE(normed->record.background_normalized);
}

TEST(LeptonicaPreprocessor, BlankPagesAreNotScaled) {
  const Image blank = testing::Gray(300, 200, 255);
  auto out = MakePreprocessor(PreprocessOptions{})->Prepare(blank, 0);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->record.text_height_px, 0.0);
  EXPECT_EQ(out->record.scale, 1.0);
}

TEST(ImageCodec, RoundTripsEveryFormatAsGray) {
  Image page = testing::RenderLines({"Hello"}, 100);
  for (const char* format : {"png", "tiff", "webp"}) {
    SCOPED_TRACE(format);
    auto bytes = EncodeImage(page, format);
    ASSERT_TRUE(bytes.ok());
    auto reader = MakeImageOpener()->Open(std::make_shared<const std::string>(*bytes), "x",
                                          Limits{});
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    auto raw = (*reader)->ReadPage(0);
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(raw->image.width, page.width);
    EXPECT_EQ(raw->image.channels, 1);
  }
}

TEST(ImageCodec, EncodesTurnedClockwiseWhenAsked) {
  Image page = testing::Gray(40, 20, 255);
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 5; ++x) page.pixels[static_cast<std::size_t>(y * 40 + x)] = 0;  // top left
  }
  auto bytes = EncodeImage(page, "png", 90);
  ASSERT_TRUE(bytes.ok());
  auto reader =
      MakeImageOpener()->Open(std::make_shared<const std::string>(*bytes), "t.png", Limits{});
  ASSERT_TRUE(reader.ok());
  auto raw = (*reader)->ReadPage(0);
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->image.width, 20);
  ASSERT_EQ(raw->image.height, 40);
  // A quarter turn clockwise takes the top-left corner to the top right.
  EXPECT_EQ(raw->image.pixels[static_cast<std::size_t>(0 * 20 + 19)], 0);
  EXPECT_EQ(raw->image.pixels[0], 255);
  EXPECT_EQ(EncodeImage(page, "png", 45).status().code(), ErrorCode::kInvalidArgument);
}

TEST(ImageCodec, RefusesFromTheHeaderWithoutDecoding) {
  auto reader = MakeImageOpener()->Open(
      std::make_shared<const std::string>(testing::PngBomb(20000, 20000)), "bomb.png", Limits{});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(reader.status().message().find("bomb.png: page 1 is 20000x20000 pixels"),
            std::string::npos)
      << reader.status().message();
}

TEST(ImageCodec, APngFailingItsChecksumIsRefusedWhenOpenedATruncatedOneIsRead) {
  auto png = EncodeImage(testing::RenderLines({"Hello there"}, 100), "png");
  ASSERT_TRUE(png.ok());
  std::string damaged = *png;
  for (std::size_t i = 100; i < 140 && i < damaged.size() - 20; ++i) damaged[i] ^= 0x5a;
  auto reader = MakeImageOpener()->Open(std::make_shared<const std::string>(damaged), "p.png",
                                        Limits{});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), ErrorCode::kInvalidDocument);
  EXPECT_NE(reader.status().message().find("fails its checksum"), std::string::npos)
      << reader.status().message();
  EXPECT_EQ(reader.status().message().rfind("p.png: the PNG", 0), 0u) << reader.status().message();
  // Cut short, it is read down to the cut (with a warning: DamagedInput tests), as image
  // viewers do, not refused.
  auto cut = MakeImageOpener()->Open(
      std::make_shared<const std::string>(png->substr(0, png->size() / 2)), "p.png", Limits{});
  EXPECT_TRUE(cut.ok()) << cut.status().ToString();
}

TEST(ImageCodec, MultiPageTiffsCountTheirPagesAgainstTheLimit) {
  Image page = testing::RenderLines({"Hi"}, 50);
  auto tiff = EncodeMultipageTiff({page, page, page});
  ASSERT_TRUE(tiff.ok());
  auto bytes = std::make_shared<const std::string>(*tiff);
  auto ok = MakeImageOpener()->Open(bytes, "fax.tif", Limits{});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->page_count(), 3);
  Limits two;
  two.max_pages = 2;
  auto refused = MakeImageOpener()->Open(bytes, "fax.tif", two);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(refused.status().message().find("3 pages, over the limit of 2"), std::string::npos);
}

}  // namespace
}  // namespace sheaf::leptonica
