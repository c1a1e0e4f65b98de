// SPDX-License-Identifier: GPL-3.0-or-later
#include "sheaf/format.h"

#include <gtest/gtest.h>

namespace sheaf {
namespace {

TEST(DetectFormat, RecognisesEachFormatByMagicBytes) {
  EXPECT_EQ(DetectFormat("%PDF-1.7\n..."), Format::kPdf);
  EXPECT_EQ(DetectFormat(std::string("\x89PNG\r\n\x1a\n\0\0", 10)), Format::kPng);
  EXPECT_EQ(DetectFormat("\xFF\xD8\xFF\xE0rest"), Format::kJpeg);
  EXPECT_EQ(DetectFormat(std::string("II*\0\x08\0\0\0", 8)), Format::kTiff);
  EXPECT_EQ(DetectFormat(std::string("MM\0*\0\0\0\x08", 8)), Format::kTiff);
  EXPECT_EQ(DetectFormat(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16)), Format::kWebp);
}

TEST(DetectFormat, IgnoresTheFileNameAndLooksAtContent) {
  // A PDF header after leading junk still counts, as in every PDF reader.
  EXPECT_EQ(DetectFormat("junk junk\n%PDF-1.4\n"), Format::kPdf);
  // RIFF that is not WebP (a WAV file) is not an image.
  EXPECT_EQ(DetectFormat(std::string("RIFF\x10\0\0\0WAVEfmt ", 16)), Format::kUnknown);
}

TEST(DetectFormat, AcceptsUtf8TextIncludingBomAndAccents) {
  EXPECT_EQ(DetectFormat("Rechnung Nr. 42\nGesamtbetrag: 1.234,50 €\n"), Format::kText);
  EXPECT_EQ(DetectFormat("\xEF\xBB\xBFInvoice\r\nTotal 3\r\n"), Format::kText);
  EXPECT_EQ(DetectFormat("Facture n° 12 — total dû\tTTC"), Format::kText);
}

TEST(DetectFormat, RejectsBinaryAndInvalidUtf8) {
  EXPECT_EQ(DetectFormat(std::string("abc\0def", 7)), Format::kUnknown);
  EXPECT_EQ(DetectFormat("caf\xE9 latin-1"), Format::kUnknown);      // not UTF-8
  EXPECT_EQ(DetectFormat("\xC0\xAF overlong"), Format::kUnknown);    // overlong encoding
  EXPECT_EQ(DetectFormat("\xED\xA0\x80 surrogate"), Format::kUnknown);
  EXPECT_EQ(DetectFormat("GIF89a\x01\x00\x01\x00"), Format::kUnknown);
  std::string controls(200, '\x01');
  EXPECT_EQ(DetectFormat(controls), Format::kUnknown);
  EXPECT_EQ(DetectFormat(""), Format::kUnknown);
}

TEST(DetectFormat, TextLongerThanTheSniffWindowMayEndMidCharacter) {
  std::string text(64 * 1024 - 1, 'a');
  text += "\xC3\xA9 and more";  // é straddles the 64 KiB boundary
  EXPECT_EQ(DetectFormat(text), Format::kText);
}

}  // namespace
}  // namespace sheaf
