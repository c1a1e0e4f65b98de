// SPDX-License-Identifier: GPL-3.0-or-later
//
// `sheaf` without its OCR module (src/adapters/tesseract/module.h), through the real binary:
// born-digital documents are read as before; a page that needs OCR fails with an error naming
// the page's file and the module, and the run goes on.
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/leptonica/leptonica.h"
#include "adapters/tesseract/module.h"
#include "fixtures.h"

namespace sheaf {
namespace {

using testing::RunSheaf;
using testing::WriteFile;

TEST(OcrModuleCli, TheBinaryDoesNotLinkTesseract) {
  FILE* p = ::popen((std::string("readelf -d ") + SHEAF_BINARY).c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string dynamic;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) dynamic.append(buf, n);
  ASSERT_EQ(::pclose(p), 0) << dynamic;
  ASSERT_NE(dynamic.find("(NEEDED)"), std::string::npos) << dynamic;  // readelf did read it
  EXPECT_EQ(dynamic.find("libtesseract"), std::string::npos) << dynamic;
  EXPECT_EQ(dynamic.find("libgomp"), std::string::npos) << dynamic;
}

TEST(OcrModuleCli, WithoutTheModuleBornDigitalWorksAndOcrPagesNameTheFileAndTheModule) {
  std::string dir = testing::TempDir();
  std::vector<std::string> lines{"Invoice number INV-2024-0042", "Total due 1,234.50 EUR"};
  WriteFile(dir + "/born-digital.pdf", testing::MakeTextPdf({lines}));
  WriteFile(dir + "/scan.png", *leptonica::EncodeImage(testing::RenderLines(lines, 200), "png"));
  const std::string missing = dir + "/nowhere/" + tesseract_adapter::kModuleFileName;
  ::setenv(tesseract_adapter::kModulePathVariable, missing.c_str(), 1);
  auto r = RunSheaf({"process", "--jsonl", "--type", "other", "--text", "--data-dir", dir + "/data",
                     dir + "/born-digital.pdf", dir + "/scan.png"});
  auto version = RunSheaf({"version"});
  ::unsetenv(tesseract_adapter::kModulePathVariable);

  EXPECT_EQ(r.exit_code, 1) << r.err;  // one document failed
  std::vector<nlohmann::json> docs;
  std::istringstream out(r.out);
  for (std::string line; std::getline(out, line);) docs.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(docs.size(), 2u) << r.out;
  EXPECT_EQ(docs[0]["status"], "completed");
  EXPECT_EQ(docs[0]["pages"][0]["source"], "text_layer");
  EXPECT_NE(docs[0]["pages"][0]["text"].get<std::string>().find("INV-2024-0042"), std::string::npos);

  EXPECT_EQ(docs[1]["status"], "failed");
  const std::string message = docs[1]["error"]["message"].get<std::string>();
  EXPECT_EQ(docs[1]["error"]["code"], "unavailable");
  EXPECT_NE(message.find(dir + "/scan.png"), std::string::npos) << message;
  EXPECT_NE(message.find(missing), std::string::npos) << message;

  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find("tesseract unavailable"), std::string::npos) << version.out;
  EXPECT_NE(version.out.find("poppler "), std::string::npos) << version.out;
}

}  // namespace
}  // namespace sheaf
