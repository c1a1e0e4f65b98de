// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include "adapters/poppler/poppler.h"
#include "fixtures.h"

namespace sheaf::poppler_adapter {
namespace {

Result<std::unique_ptr<DocumentReader>> Open(const std::string& pdf, Limits limits = {}) {
  return MakePdfOpener()->Open(std::make_shared<const std::string>(pdf), "t.pdf", limits);
}

TEST(PdfReader, TextLayerPagesKeepTheirWordsInPagePixels) {
  auto reader = Open(testing::MakeTextPdf({{"Rechnung Nr. 2024-17", "Summe 1.234,50 EUR"}}));
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  auto page = (*reader)->ReadPage(0);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->source, PageSource::kTextLayer);
  EXPECT_TRUE(page->image.empty());  // never rendered
  EXPECT_EQ(page->dpi, 300);
  EXPECT_EQ(page->width, 2550);
  ASSERT_EQ(page->blocks.size(), 1u);
  ASSERT_EQ(page->blocks[0].lines.size(), 2u);
  EXPECT_EQ(page->blocks[0].lines[1].Text(), "Summe 1.234,50 EUR");
  const Box& b = page->blocks[0].lines[0].words[0].bbox;
  EXPECT_NEAR(b.x0, 300, 3);  // 72 pt = 300 px from the left
}

TEST(PdfReader, PagesWithoutTextAreRenderedGray) {
  auto reader = Open(testing::MakeTextPdf({{"ok"}}));  // 2 letters: below the text threshold
  ASSERT_TRUE(reader.ok());
  auto page = (*reader)->ReadPage(0);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->source, PageSource::kOcr);
  EXPECT_EQ(page->image.width, 2550);
  EXPECT_EQ(page->image.height, 3300);
  EXPECT_EQ(page->image.channels, 1);
  EXPECT_EQ(page->image.dpi, 300);
}

TEST(PdfReader, RenderingStopsAtThePageTimeLimit) {
  // A page to render (no letters or digits for a text layer), given no time: Poppler checks the
  // deadline between drawing operations, and the page fails as over a limit, naming itself.
  std::vector<std::string> lines(40, "- - -");
  Limits limits;
  limits.ocr_timeout_ms = 0;
  auto reader = Open(testing::MakeTextPdf({{lines}}), limits);
  ASSERT_TRUE(reader.ok());
  auto page = (*reader)->ReadPage(0);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(page.status().message().find("t.pdf: page 1 took longer to render than the page time limit"),
            std::string::npos)
      << page.status().message();
  // With the usual limit the same page renders.
  auto again = Open(testing::MakeTextPdf({{lines}}));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->ReadPage(0).ok());
}

TEST(PdfReader, PageCountLimitIsCheckedOnOpen) {
  Limits limits;
  limits.max_pages = 2;
  auto reader = Open(testing::MakeTextPdf({{"a"}, {"b"}, {"c"}}), limits);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(reader.status().message().find("3 pages, over the limit of 2"), std::string::npos);
}

TEST(PdfReader, TruncatedAndGarbledFilesAreInvalid) {
  std::string pdf = testing::MakeTextPdf({{"Hello world, a page of text"}});
  auto cut = Open(pdf.substr(0, pdf.size() - 30));
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), ErrorCode::kInvalidDocument);
  auto garbled = Open("%PDF-1.7\nnothing here\n%%EOF\n");
  ASSERT_FALSE(garbled.ok());
  EXPECT_EQ(garbled.status().code(), ErrorCode::kInvalidDocument);
}

}  // namespace
}  // namespace sheaf::poppler_adapter
