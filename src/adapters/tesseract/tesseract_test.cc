// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/tesseract/tesseract.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "fixtures.h"

namespace sheaf::tesseract_adapter {
namespace {

const std::vector<std::string> kLines{"The quick brown fox jumps over the lazy dog",
                                      "Invoice number 4711 dated 12 March 2024",
                                      "Please pay the total of 99.95 within 30 days",
                                      "Thank you for your business and kind regards"};

std::string AllText(const OcrPage& p) {
  std::string s;
  for (const auto& b : p.blocks)
    for (const auto& l : b.lines) s += l.Text() + "\n";
  return s;
}

int ThreadsOfThisProcess() {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
    (void)e;
    ++n;
  }
  return n;
}

TEST(TesseractEngine, ReadsOnTheCallingThreadAloneWithoutOpenMpThreads) {
  using GetLevels = int (*)();
  const auto levels = reinterpret_cast<GetLevels>(::dlsym(RTLD_DEFAULT, "omp_get_max_active_levels"));
  if (levels == nullptr) GTEST_SKIP() << "this Tesseract is built without OpenMP";
  auto engine = MakeEngine(OcrOptions{});
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  const Image page = testing::RenderLines(kLines, 200);
  const int before = ThreadsOfThisProcess();
  int levels_before = -1, levels_after = -1, threads_during = 0;
  bool read = false;
  // A new thread, as a pipeline worker is: OpenMP's settings are per thread, and the pool of
  // threads a parallel region starts would live as long as this thread.
  std::thread worker([&] {
    levels_before = levels();
    read = (*engine)->Recognize(page, 60000).ok();
    levels_after = levels();
    threads_during = ThreadsOfThisProcess();
  });
  worker.join();
  ASSERT_TRUE(read);
  EXPECT_GT(levels_before, 0);  // a new thread starts with parallel regions on
  EXPECT_EQ(levels_after, 0);   // the engine turned them off for its thread
  EXPECT_EQ(threads_during, before + 1);  // the worker itself, no OpenMP team
}

TEST(TesseractEngine, ReadsWordsWithBoxesAndConfidences) {
  auto engine = MakeEngine(OcrOptions{});
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  Image page = testing::RenderLines(kLines, 200);
  auto r = (*engine)->Recognize(page, 60000);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(AllText(*r).find("Invoice number 4711"), std::string::npos) << AllText(*r);
  EXPECT_GT(r->mean_confidence, 0.85);
  EXPECT_FALSE(r->sideways);
  const Word& first = r->blocks[0].lines[0].words[0];
  EXPECT_EQ(first.text, "The");
  EXPECT_GT(first.bbox.x1, first.bbox.x0);
  EXPECT_LT(first.bbox.x0, 250);  // one inch margin at 200 DPI
  // The same engine is reused: a second page works the same.
  auto again = (*engine)->Recognize(page, 60000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(AllText(*again), AllText(*r));
}

TEST(TesseractEngine, FlagsSidewaysText) {
  auto engine = MakeEngine(OcrOptions{});
  ASSERT_TRUE(engine.ok());
  auto r = (*engine)->Recognize(testing::QuarterTurn(testing::RenderLines(kLines, 200)), 60000);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->sideways);
}

TEST(TesseractEngine, StopsAtTheDeadline) {
  auto engine = MakeEngine(OcrOptions{});
  ASSERT_TRUE(engine.ok());
  auto r = (*engine)->Recognize(testing::RenderLines(kLines, 300), 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded);
  // The limit as a person writes it ("0.001 s", not "0.001000 s").
  EXPECT_NE(r.status().message().find("the limit of 0.001 s per page"), std::string::npos) << r.status().message();
}

TEST(TesseractEngine, ReadsGivenRegionsAsLinesInPageCoordinates) {
  auto engine = MakeEngine(OcrOptions{});
  ASSERT_TRUE(engine.ok());
  ASSERT_TRUE((*engine)->ReadsLines());
  Image page = testing::RenderLines(kLines, 200);
  auto whole = (*engine)->Recognize(page, 60000);
  ASSERT_TRUE(whole.ok());
  ASSERT_GE(whole->blocks.size(), 1u);
  ASSERT_GE(whole->blocks[0].lines.size(), 3u);
  // The third and the second line, in that order, plus an empty region and one past the page.
  const Box third = whole->blocks[0].lines[2].bbox;
  const Box second = whole->blocks[0].lines[1].bbox;
  auto pad = [](Box b) { return Box{b.x0 - 6, b.y0 - 6, b.x1 + 6, b.y1 + 6}; };
  auto lines = (*engine)->RecognizeLines(
      page, {pad(third), pad(second), Box{0, 0, 0, 0}, Box{page.width + 10, 0, page.width + 90, 40}},
      60000);
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  ASSERT_EQ(lines->size(), 4u);
  EXPECT_EQ((*lines)[0].Text(), "Please pay the total of 99.95 within 30 days");
  EXPECT_EQ((*lines)[1].Text(), "Invoice number 4711 dated 12 March 2024");
  EXPECT_TRUE((*lines)[2].words.empty());
  EXPECT_TRUE((*lines)[3].words.empty());
  // Word boxes are in the page's pixels, inside the region read.
  for (const Word& w : (*lines)[1].words) {
    EXPECT_GE(w.bbox.x0, second.x0 - 6);
    EXPECT_LE(w.bbox.x1, second.x1 + 6);
    EXPECT_GE(w.bbox.y0, second.y0 - 6);
    EXPECT_LE(w.bbox.y1, second.y1 + 6);
    EXPECT_GT(w.confidence, 0.5);
  }
  // Reading lines leaves the engine reading whole pages as before.
  auto again = (*engine)->Recognize(page, 60000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(AllText(*again), AllText(*whole));
}

TEST(TesseractEngine, MissingLanguageDataIsUnavailable) {
  OcrOptions o;
  o.languages = "xyz";
  auto engine = MakeEngine(o);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(engine.status().message().find("xyz"), std::string::npos);
  // Several languages: the message names a package for each.
  o.languages = "xyz+qqq";
  engine = MakeEngine(o);
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("(install tesseract-ocr-xyz tesseract-ocr-qqq)"), std::string::npos)
      << engine.status().message();
}

TEST(TesseractEngine, CacheIdentityNamesVersionLanguageAndSettings) {
  auto engine = MakeEngine(OcrOptions{});
  ASSERT_TRUE(engine.ok());
  std::string id = (*engine)->CacheIdentity();
  EXPECT_NE(id.find(Version()), std::string::npos) << id;
  EXPECT_NE(id.find("lang=eng"), std::string::npos) << id;
  EXPECT_NE(id.find("psm=3"), std::string::npos) << id;
}

TEST(TesseractEngine, SecondLanguageOnPoorLinesReadsThePageInTheFirstLanguageFirst) {
  const Image page = testing::RenderLines(kLines, 200);
  OcrOptions first_only;
  first_only.languages = "msa";
  auto msa = MakeEngine(first_only);
  ASSERT_TRUE(msa.ok()) << msa.status().message();
  auto msa_page = (*msa)->Recognize(page, 60000);
  ASSERT_TRUE(msa_page.ok());

  // A threshold no line is below: the page is what the first language alone reads.
  OcrOptions split;
  split.languages = "msa+eng";
  split.second_language_below = 0.01;
  auto never = MakeEngine(split);
  ASSERT_TRUE(never.ok()) << never.status().message();
  auto never_page = (*never)->Recognize(page, 60000);
  ASSERT_TRUE(never_page.ok());
  EXPECT_EQ(AllText(*never_page), AllText(*msa_page));
  EXPECT_DOUBLE_EQ(never_page->mean_confidence, msa_page->mean_confidence);

  // Every line below the threshold: each is read again in the other language (English, which
  // this page is in), and the page keeps its lines, their order and their text.
  split.second_language_below = 1.0;
  auto always = MakeEngine(split);
  ASSERT_TRUE(always.ok());
  auto always_page = (*always)->Recognize(page, 60000);
  ASSERT_TRUE(always_page.ok());
  std::string text = AllText(*always_page);
  std::size_t at = 0;
  for (const std::string& line : kLines) {
    at = text.find(line, at);
    EXPECT_NE(at, std::string::npos) << line << " in\n" << text;
  }
  EXPECT_GE(always_page->mean_confidence, msa_page->mean_confidence);
  for (const Block& b : always_page->blocks) {
    for (const Line& l : b.lines) {
      for (const Word& w : l.words) {  // boxes stay in the page's pixels
        EXPECT_GE(w.bbox.x0, 0);
        EXPECT_LE(w.bbox.x1, page.width);
        EXPECT_GE(w.bbox.y0, l.bbox.y0);
        EXPECT_LE(w.bbox.y1, l.bbox.y1);
      }
    }
  }

  // The setting changes the output, so it is part of the cache identity; with one language it
  // changes nothing and is not.
  OcrOptions both;
  both.languages = "msa+eng";
  auto plain = MakeEngine(both);
  ASSERT_TRUE(plain.ok());
  EXPECT_NE((*always)->CacheIdentity(), (*plain)->CacheIdentity());
  EXPECT_NE((*always)->CacheIdentity(), (*never)->CacheIdentity());
  OcrOptions one;
  one.second_language_below = 0.5;
  auto single = MakeEngine(one);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ((*single)->CacheIdentity(), (*MakeEngine(OcrOptions{}))->CacheIdentity());
}

TEST(TesseractOsd, ProposesTheTurnThatMakesAnUpsideDownPageUpright) {
  auto osd = MakeOrientationDetector(OcrOptions{});
  ASSERT_TRUE(osd.ok()) << osd.status().message();
  Image page = testing::RenderLines(kLines, 300);
  auto upright = (*osd)->Detect(page);
  ASSERT_TRUE(upright.ok());
  EXPECT_EQ(upright->degrees, 0);
  auto down = (*osd)->Detect(testing::QuarterTurn(testing::QuarterTurn(page)));
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(down->degrees, 180);
  auto right = (*osd)->Detect(testing::QuarterTurn(page));  // turned 90 clockwise: needs 270 more
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right->degrees, 270);
}

}  // namespace
}  // namespace sheaf::tesseract_adapter
