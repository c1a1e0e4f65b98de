// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/loader.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace sheaf {
namespace {

TEST(TextOpener, LaysWordsOutOnACharacterGrid) {
  auto opener = MakeTextOpener();
  auto bytes = std::make_shared<const std::string>("Invoice 42\n\n  Total\t9.00\n");
  auto reader = opener->Open(bytes, "a.txt", Limits{});
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ((*reader)->page_count(), 1);
  auto page = (*reader)->ReadPage(0);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->source, PageSource::kText);
  ASSERT_EQ(page->blocks.size(), 2u);  // the blank line separates blocks
  const Word& invoice = page->blocks[0].lines[0].words[0];
  EXPECT_EQ(invoice.text, "Invoice");
  EXPECT_EQ(invoice.bbox, (Box{0, 0, 7 * kTextCellWidth, kTextCellHeight}));
  const Line& total = page->blocks[1].lines[0];
  EXPECT_EQ(total.Text(), "Total 9.00");
  EXPECT_EQ(total.words[0].bbox.x0, 2 * kTextCellWidth);
  EXPECT_EQ(total.words[1].bbox.x0, 8 * kTextCellWidth);  // the tab stops at column 8
}

TEST(Loader, UnknownContentIsUnsupportedEvenWithAKnownExtension) {
  std::string dir = testing::TempDir();
  testing::WriteFile(dir + "/fake.pdf", std::string("\x00\x01\x02\x03binary", 10));
  Loader loader{Limits{}};
  loader.Register(Format::kText, MakeTextOpener());
  Loader::Opened o = loader.Open(dir + "/fake.pdf");
  EXPECT_EQ(o.reader, nullptr);
  EXPECT_EQ(o.status.code(), ErrorCode::kUnsupportedFormat);
  EXPECT_NE(o.status.message().find("fake.pdf"), std::string::npos);
  EXPECT_EQ(o.sha256.size(), 64u);  // the file was read and hashed
}

TEST(Loader, FormatWithoutARegisteredOpenerIsUnsupported) {
  std::string dir = testing::TempDir();
  testing::WriteFile(dir + "/a.txt", "hello world");
  Loader loader{Limits{}};
  EXPECT_EQ(loader.Open(dir + "/a.txt").status.code(), ErrorCode::kUnsupportedFormat);
  loader.Register(Format::kText, MakeTextOpener());
  Loader::Opened o = loader.Open(dir + "/a.txt");
  ASSERT_NE(o.reader, nullptr);
  EXPECT_EQ(o.format, Format::kText);
  EXPECT_EQ(o.sha256, "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
}

TEST(Loader, FileSizeLimitIsCheckedBeforeReading) {
  std::string dir = testing::TempDir();
  testing::WriteFile(dir + "/a.txt", std::string(2048, 'a'));
  Limits limits;
  limits.max_file_bytes = 1024;
  Loader loader{limits};
  loader.Register(Format::kText, MakeTextOpener());
  Loader::Opened o = loader.Open(dir + "/a.txt");
  EXPECT_EQ(o.status.code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(o.sha256.empty());
}

}  // namespace
}  // namespace sheaf
