// SPDX-License-Identifier: GPL-3.0-or-later
//
// Hostile inputs through the real binary: every failure the foundation issue lists, in one
// batch with good files, each with its documented error code and a message naming the file and
// the problem; the good files still succeed and the process stays under 1 GB.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "adapters/leptonica/leptonica.h"
#include "fixtures.h"

namespace sheaf {
namespace {

using testing::RunSheaf;
using testing::WriteFile;

struct Expect {
  std::string code;     // "" means read (completed, or needs_review when `warning` is set)
  std::string message;  // a fragment the message must contain
  std::string warning = {};  // damaged but readable: a fragment of the first page's warning
};

class HostileBatch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::TempDir());
    const std::string& d = *dir_;
    expect_ = new std::map<std::string, Expect>();
    auto add = [&](const std::string& name, const std::string& data, Expect e) {
      WriteFile(d + "/" + name, data);
      (*expect_)[d + "/" + name] = std::move(e);
    };
    Image page = testing::RenderLines({"Invoice 2024-17", "Total due 120.00 EUR"}, 150);
    std::string png = *leptonica::EncodeImage(page, "png");
    std::string jpeg = *leptonica::EncodeImage(page, "jpeg");
    std::string tiff = *leptonica::EncodeImage(page, "tiff");
    std::string webp = *leptonica::EncodeImage(page, "webp");
    std::string pdf = testing::MakeTextPdf({{"Invoice 2024-17", "Total due 120.00 EUR"}});

    // Good files: one of each format.
    add("good.png", png, {});
    add("good.jpg", jpeg, {});
    add("good.tif", tiff, {});
    add("good.webp", webp, {});
    add("good.pdf", pdf, {});
    add("good.txt", "Invoice 2024-17\nTotal due 120.00 EUR\n", {});

    add("empty.pdf", "", {"invalid_document", "empty"});
    std::mt19937 rng(42);
    std::string noise(4096, '\0');
    for (char& c : noise) c = static_cast<char>(rng() & 0xFF);
    add("random.bin", noise, {"unsupported_format", "unsupported format"});
    add("random.pdf", noise, {"unsupported_format", "unsupported format"});
    add("gif.png", "GIF89a\x01\x00\x01\x00\x80\x00\x00", {"unsupported_format", "unsupported"});
    // Damaged but readable: read as far as the data goes, with a warning (the rows below are
    // blank, so the document goes to review).
    add("truncated.png", png.substr(0, png.size() / 2), {"", "", "the PNG is truncated"});
    add("truncated.jpg", jpeg.substr(0, jpeg.size() / 2), {"", "", "the JPEG data is damaged"});
    add("truncated.tif", tiff.substr(0, 60), {"invalid_document", "corrupt or truncated"});
    add("truncated.webp", webp.substr(0, webp.size() / 2), {"invalid_document", "corrupt or truncated"});
    add("truncated.pdf", pdf.substr(0, pdf.size() / 2), {"invalid_document", "truncated"});
    add("header-only.png", png.substr(0, 8), {"invalid_document", "corrupt or truncated"});
    add("corrupt.png", png.substr(0, 33) + noise.substr(0, 2000), {"invalid_document", "corrupt"});
    add("corrupt.pdf", "%PDF-1.4\n" + noise + "\n%%EOF\n", {"invalid_document", "not a readable PDF"});
    add("bomb.png", testing::PngBomb(60000, 60000), {"limit_exceeded", "60000x60000"});
    add("huge.tif", testing::TiffClaiming(200000, 200000), {"limit_exceeded", "200000x200000"});
    add("zero-width.tif", testing::TiffClaiming(0, 100), {"invalid_document", ""});

    std::vector<std::vector<std::string>> many(600, std::vector<std::string>{"page"});
    add("600-pages.pdf", testing::MakeTextPdf(many), {"limit_exceeded", "600 pages"});

    // Encrypted with a user password, made by qpdf.
    WriteFile(d + "/plain.pdf.src", pdf);
    std::string cmd = "qpdf --encrypt secret owner 256 -- '" + d + "/plain.pdf.src' '" + d +
                      "/encrypted.pdf'";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("qpdf failed: " + cmd);
    std::filesystem::remove(d + "/plain.pdf.src");
    (*expect_)[d + "/encrypted.pdf"] = {"encrypted_document", "password"};
  }

  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete expect_;
  }

  static std::string* dir_;
  static std::map<std::string, Expect>* expect_;
};

std::string* HostileBatch::dir_ = nullptr;
std::map<std::string, Expect>* HostileBatch::expect_ = nullptr;

TEST_F(HostileBatch, EachBadFileGetsItsErrorAndTheGoodOnesSucceed) {
  testing::RunResult r = testing::RunSheafMeasured(
      {"process", "--jsonl", "--type", "other", "--jobs", "2", "--data-dir", *dir_ + "/.data", *dir_});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // some inputs failed
  std::map<std::string, nlohmann::json> got;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line);
    got[j["source"].get<std::string>()] = j;
  }
  EXPECT_EQ(got.size(), expect_->size());
  for (const auto& [path, e] : *expect_) {
    SCOPED_TRACE(path);
    ASSERT_TRUE(got.count(path));
    const auto& j = got[path];
    if (e.code.empty()) {
      ASSERT_GE(j["pages"].size(), 1u) << j.dump();
      if (e.warning.empty()) {
        EXPECT_EQ(j["status"], "completed") << j.dump();
        EXPECT_FALSE(j["pages"][0].contains("warnings")) << j.dump();
      } else {
        EXPECT_EQ(j["status"], "needs_review") << j.dump();
        ASSERT_TRUE(j["pages"][0].contains("warnings")) << j.dump();
        EXPECT_NE(j["pages"][0]["warnings"][0].get<std::string>().find(e.warning),
                  std::string::npos)
            << j.dump();
      }
      continue;
    }
    EXPECT_EQ(j["status"], "failed");
    EXPECT_EQ(j["error"]["code"], e.code) << j["error"].dump();
    std::string msg = j["error"]["message"].get<std::string>();
    EXPECT_NE(msg.find(std::filesystem::path(path).filename().string()), std::string::npos)
        << msg;
    EXPECT_NE(msg.find(e.message), std::string::npos) << msg;
  }
  // Decoding the bomb alone would take 3.6 GB.
  EXPECT_GT(r.max_rss_kb, 0) << "time(1) reported no peak memory";
  EXPECT_LT(r.max_rss_kb, 1024 * 1024) << "peak RSS " << r.max_rss_kb << " KiB";
}

TEST_F(HostileBatch, LimitsAreConfigurableAndNamedInTheMessage) {
  // 1 KiB file limit: the 37-byte text passes, the PNG does not.
  testing::RunResult r = RunSheaf({"process", "--jsonl", "--type", "other", "--max-file-mb", "0.001", "--data-dir",
                                   *dir_ + "/.data", *dir_ + "/good.txt", *dir_ + "/good.png"});
  EXPECT_EQ(r.exit_code, 1);
  std::istringstream lines(r.out);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(nlohmann::json::parse(first)["status"], "completed");
  auto png = nlohmann::json::parse(second);
  EXPECT_EQ(png["error"]["code"], "limit_exceeded");
  EXPECT_NE(png["error"]["message"].get<std::string>().find("limit of 1.0 KiB"),
            std::string::npos)
      << png.dump();

  // 0.01 megapixel page limit: the 1275-pixel-wide page is refused from its header.
  r = RunSheaf({"process", "--jsonl", "--type", "other", "--max-megapixels", "0.01", "--data-dir", *dir_ + "/.data",
                *dir_ + "/good.png"});
  EXPECT_EQ(r.exit_code, 1);
  png = nlohmann::json::parse(r.out);
  EXPECT_EQ(png["error"]["code"], "limit_exceeded");
  EXPECT_NE(png["error"]["message"].get<std::string>().find("over the limit of 0.01 megapixels"),
            std::string::npos)
      << png.dump();
}

TEST_F(HostileBatch, OcrTimeLimitFailsThePageWithLimitExceeded) {
  testing::RunResult r = RunSheaf({"process", "--jsonl", "--no-ocr-cache", "--ocr-timeout",
                                   "0.001", "--data-dir", *dir_ + "/.data", *dir_ + "/good.png"});
  EXPECT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], "limit_exceeded") << j.dump();
  EXPECT_NE(j["error"]["message"].get<std::string>().find("page 1"), std::string::npos);
}

}  // namespace
}  // namespace sheaf
