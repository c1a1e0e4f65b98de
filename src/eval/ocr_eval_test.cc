// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/ocr_eval.h"

#include <gtest/gtest.h>

namespace sheaf::eval {
namespace {

TEST(EditDistance, CountsCodePointsNotBytes) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("Grüße", "Grusse"), 3u);  // ü->u, ß->s, +s: three, not six bytes
  EXPECT_EQ(EditDistance("€5", "€5"), 0u);
}

TEST(NormalizeForCer, CollapsesWhitespaceAndOptionallyFoldsCase) {
  EXPECT_EQ(NormalizeForCer("  a\n\n b\tc  ", {}), "a b c");
  EXPECT_EQ(NormalizeForCer("Total rm", {true}), "TOTAL RM");
}

TEST(HocrLines, ReadsWordsWithBoxesGroupedByLineAndDecodesEntities) {
  std::string hocr =
      "<span class='ocr_line' title='bbox 0 0 100 20'>"
      "<span class='ocrx_word' title='bbox 10 2 40 18; x_wconf 95'>Smith&amp;Co</span> "
      "<span class='ocrx_word' title='bbox 50 2 90 18'><em>Ltd</em></span></span>"
      "<span class='ocr_line' title='bbox 0 30 100 50'>"
      "<span class='ocrx_word' title='bbox 10 32 30 48'>&#8364;5</span></span>";
  auto lines = HocrLines(hocr);
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0].text, "Smith&Co Ltd");
  EXPECT_EQ((*lines)[0].box, (Box{10, 2, 90, 18}));
  EXPECT_EQ((*lines)[1].text, "€5");
  EXPECT_FALSE(HocrLines("<html></html>").ok());
  EXPECT_EQ(NormalizeForCer("  Smith&Co \n Ltd ", {}), "Smith&Co Ltd");
}

TEST(SroieLines, SplitsOnTheFirstEightCommasOnly) {
  auto lines = SroieLines("72,25,326,25,326,64,72,64,TAN WOON YANN\r\n"
                          "1,2,3,2,3,9,1,9,NO.53 55,57 & 59, JALAN\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].box, (Box{72, 25, 326, 64}));
  EXPECT_EQ(lines[1].text, "NO.53 55,57 & 59, JALAN");
}

TEST(TesseractTsvWords, KeepsLevelFiveRowsWithText) {
  std::string tsv =
      "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
      "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n"
      "5\t1\t1\t1\t1\t1\t10\t20\t30\t12\t96.5\tTotal\n"
      "5\t1\t1\t1\t1\t2\t50\t20\t30\t12\t90\t \n";
  auto words = TesseractTsvWords(tsv);
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0].text, "Total");
  EXPECT_EQ(words[0].box, (Box{10, 20, 40, 32}));
}

TEST(AlignedCer, IgnoresReadingOrderButCountsErrorsAndStrayWords) {
  std::vector<BoxedText> truth{{{0, 0, 100, 20}, "left column"},
                               {{200, 0, 300, 20}, "right column"}};
  // Right column first, one substitution, one word where there is no text.
  std::vector<BoxedText> words{{{200, 0, 250, 20}, "right"}, {{255, 0, 300, 20}, "co1umn"},
                               {{0, 0, 40, 20}, "left"},     {{45, 0, 100, 20}, "column"},
                               {{0, 500, 20, 520}, "xy"}};
  CerSample s = AlignedCer(truth, words, {});
  EXPECT_EQ(s.truth_chars, 23u);
  EXPECT_EQ(s.edits, 1u + 2u);
}

}  // namespace
}  // namespace sheaf::eval
