// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/poppler/icc_color_spaces.h"

#include <gtest/gtest.h>

// Object.h first: it includes Array.h and Dict.h at the point they can be compiled.
#include <Object.h>

#include <PDFDoc.h>
#include <Page.h>
#include <TextOutputDev.h>
#include <goo/GooString.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "adapters/poppler/common.h"

namespace sheaf::poppler_adapter {
namespace {

std::vector<std::string> CorpusPdfs() {
  const char* env = std::getenv("SHEAF_DATASETS");
  const std::filesystem::path dir =
      std::filesystem::path(env != nullptr && *env != '\0' ? std::string(env)
                                                           : std::string(SHEAF_SOURCE_DIR) + "/../shared/datasets") /
      "zugferd_corpus";
  std::vector<std::string> out;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.path().extension() == ".pdf") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The first page's words with their boxes, as one string.
std::string Words(PDFDoc* doc, TextOutputDev* out) {
  doc->displayPageSlice(out, 1, 72, 72, 0, false, false, false, -1, -1, -1, -1, nullptr, nullptr,
                        nullptr, nullptr, true);
  std::unique_ptr<TextWordList> list = out->makeWordList();
  std::string s;
  for (int i = 0; i < list->getLength(); ++i) {
    std::unique_ptr<GooString> text(list->get(i)->getText());
    double x0, y0, x1, y1;
    list->get(i)->getBBox(&x0, &y0, &x1, &y1);
    s += text->toStr() + "@" + std::to_string(x0) + "," + std::to_string(y0) + "," +
         std::to_string(x1) + "," + std::to_string(y1) + " ";
  }
  return s;
}

TextOutputDev NewTextDevice() { return TextOutputDev(nullptr, false, 0, false, false); }

// Across the corpus, the PDFs whose pages set an ICC colour space mostly carry the same profile:
// after the first PDF with a profile, the later ones are lent its colour space instead of
// building one, and their words and boxes are exactly those read without sharing.
TEST(IccColorSpaces, LaterPdfsWithTheSameProfileBorrowItAndReadTheSame) {
  const std::vector<std::string> pdfs = CorpusPdfs();
  if (pdfs.empty()) GTEST_SKIP() << "no ZUGFeRD corpus (set SHEAF_DATASETS)";
  KeepPopplerGlobals();
  IccColorSpaces shared;
  int with_profile = 0, built = 0;
  for (const std::string& path : pdfs) {
    SCOPED_TRACE(path);
    PDFDoc doc(std::make_unique<GooString>(path));
    ASSERT_TRUE(doc.isOk());
    // Displaying a page with copyXRef replaces its resource dictionary: ask for it each time.
    const auto resources = [&doc] { return doc.getPage(1)->getResourceDict(); };

    IccColorSpaces alone;  // what this PDF has, and its words read on its own
    IccColorSpaces::Examined alone_examined, shared_examined, again_examined;
    TextOutputDev plain = NewTextDevice();
    if (!alone.Lend(resources(), &plain, &alone_examined).empty()) ++with_profile;
    const std::string expected = Words(&doc, &plain);

    TextOutputDev borrowing = NewTextDevice();
    std::vector<IccColorSpaces::Missing> missing = shared.Lend(resources(), &borrowing, &shared_examined);
    if (!missing.empty()) ++built;
    EXPECT_EQ(Words(&doc, &borrowing), expected);
    shared.Keep(missing, &borrowing);
    // Once kept, the same document's profile is lent rather than missing.
    TextOutputDev again = NewTextDevice();
    EXPECT_TRUE(shared.Lend(resources(), &again, &again_examined).empty());
    // A document examines each profile once: asked again, nothing is missing (or read).
    TextOutputDev once_more = NewTextDevice();
    EXPECT_TRUE(alone.Lend(resources(), &once_more, &alone_examined).empty());
  }
  EXPECT_GT(with_profile, 10);
  EXPECT_LT(built * 4, with_profile) << built << " of " << with_profile << " built their own";
}

TEST(IccColorSpaces, NoResourcesNothingToLend) {
  IccColorSpaces shared;
  TextOutputDev out = NewTextDevice();
  IccColorSpaces::Examined examined;
  EXPECT_TRUE(shared.Lend(nullptr, &out, &examined).empty());
  shared.Keep({}, &out);
}

}  // namespace
}  // namespace sheaf::poppler_adapter
