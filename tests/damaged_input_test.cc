// SPDX-License-Identifier: GPL-3.0-or-later
//
// Damaged but readable input (issue 15): a scanned receipt whose JPEG entropy data breaks near
// the bottom, the same JPEG cut short, and a PNG of it cut short are read as far as they go,
// with a warning on the page, instead of failing as invalid_document. Made from the repository's
// sample receipt on the fly.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "adapters/leptonica/leptonica.h"
#include "core/files.h"
#include "fixtures.h"

namespace sheaf {
namespace {

using testing::RunSheaf;
using testing::WriteFile;

const std::string kSample = std::string(SHEAF_SOURCE_DIR) + "/samples/receipts/sroie-X00016469612.jpg";

std::string Sample() {
  Result<std::string> bytes = ReadFileLimited(kSample, 10 << 20);
  if (!bytes.ok()) throw std::runtime_error(bytes.status().message());
  return *bytes;
}

// Offset `fraction` of the way through the JPEG's entropy-coded data (after the SOS marker,
// before EOI).
std::size_t IntoEntropyData(const std::string& jpeg, double fraction) {
  const std::size_t sos = jpeg.find("\xFF\xDA");
  const std::size_t eoi = jpeg.rfind("\xFF\xD9");
  if (sos == std::string::npos || eoi == std::string::npos || eoi < sos) {
    throw std::runtime_error("the sample is not a baseline JPEG");
  }
  return sos + static_cast<std::size_t>(static_cast<double>(eoi - sos) * fraction);
}

// Bytes 90 % of the way through the entropy data overwritten: the Huffman decoder meets codes
// that do not exist.
std::string DamagedJpeg() {
  std::string jpeg = Sample();
  const std::size_t at = IntoEntropyData(jpeg, 0.9);
  for (std::size_t i = at; i < at + 40; ++i) jpeg[i] = (i % 2) != 0 ? '\xFF' : '\x00';
  return jpeg;
}

Result<RawPage> Decode(const std::string& bytes) {
  auto reader = leptonica::MakeImageOpener()->Open(std::make_shared<const std::string>(bytes),
                                                    "t", Limits{});
  if (!reader.ok()) return reader.status();
  return (*reader)->ReadPage(0);
}

std::string SamplePng() {
  Result<RawPage> page = Decode(Sample());
  if (!page.ok()) throw std::runtime_error(page.status().message());
  return *leptonica::EncodeImage(page->image, "png");
}

// Rows [0, n) alike in both images; rows [n, height) all white in `damaged`.
int FirstBlankRow(const Image& damaged) {
  int y = damaged.height;
  while (y > 0) {
    const std::uint8_t* row = damaged.pixels.data() + static_cast<std::size_t>(y - 1) * damaged.width;
    if (!std::all_of(row, row + damaged.width, [](std::uint8_t v) { return v == 255; })) break;
    --y;
  }
  return y;
}

void ExpectTopRowsIdentical(const Image& sound, const Image& damaged, int rows) {
  ASSERT_EQ(sound.width, damaged.width);
  ASSERT_EQ(sound.height, damaged.height);
  const std::size_t n = static_cast<std::size_t>(rows) * sound.width;
  EXPECT_TRUE(std::equal(sound.pixels.begin(), sound.pixels.begin() + n, damaged.pixels.begin()))
      << "the rows before the damage must decode exactly as in the sound file";
}

TEST(DamagedInput, JpegWithBadEntropyDataKeepsTheRowsAboveTheDamageAndBlanksTheRest) {
  Result<RawPage> sound = Decode(Sample());
  ASSERT_TRUE(sound.ok()) << sound.status().message();
  EXPECT_TRUE(sound->warnings.empty());
  Result<RawPage> damaged = Decode(DamagedJpeg());
  ASSERT_TRUE(damaged.ok()) << damaged.status().message();
  ASSERT_EQ(damaged->warnings.size(), 1u);
  EXPECT_NE(damaged->warnings[0].find("Corrupt JPEG data"), std::string::npos) << damaged->warnings[0];
  EXPECT_NE(damaged->warnings[0].find("left blank"), std::string::npos) << damaged->warnings[0];
  const int blank_from = FirstBlankRow(damaged->image);
  // The damage is 90 % of the way through the data: most of the page is kept, not all of it.
  EXPECT_GT(blank_from, damaged->image.height / 2);
  EXPECT_LT(blank_from, damaged->image.height);
  ExpectTopRowsIdentical(sound->image, damaged->image, blank_from);
}

TEST(DamagedInput, TruncatedPngKeepsTheRowsBeforeTheCut) {
  const std::string png = SamplePng();
  Result<RawPage> sound = Decode(png);
  ASSERT_TRUE(sound.ok()) << sound.status().message();
  Result<RawPage> cut = Decode(png.substr(0, png.size() * 7 / 10));
  ASSERT_TRUE(cut.ok()) << cut.status().message();
  ASSERT_EQ(cut->warnings.size(), 1u);
  EXPECT_NE(cut->warnings[0].find("the PNG is truncated"), std::string::npos) << cut->warnings[0];
  const int blank_from = FirstBlankRow(cut->image);
  EXPECT_GT(blank_from, cut->image.height / 3);
  EXPECT_LT(blank_from, cut->image.height);
  ExpectTopRowsIdentical(sound->image, cut->image, blank_from);
}

TEST(DamagedInput, NothingBeforeTheDamageIsStillInvalidDocument) {
  const std::string jpeg = Sample();
  Result<RawPage> r = Decode(jpeg.substr(0, IntoEntropyData(jpeg, 0.0) + 20));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidDocument);
  EXPECT_NE(r.status().message().find("no row could be read"), std::string::npos)
      << r.status().message();
}

// Through the real binary: OCR reads the top of each damaged page, the page carries the
// warning, and the document goes to review for it.
TEST(DamagedInput, DamagedJpegTruncatedJpegAndTruncatedPngAreReadWithAWarning) {
  const std::string dir = testing::TempDir();
  const std::string jpeg = Sample();
  const std::string png = SamplePng();
  const std::map<std::string, std::pair<std::string, std::string>> files = {
      {"bad-huffman.jpg", {DamagedJpeg(), "Corrupt JPEG data"}},
      {"cut.jpg", {jpeg.substr(0, IntoEntropyData(jpeg, 0.8)), "Premature end of JPEG file"}},
      {"cut.png", {png.substr(0, png.size() * 7 / 10), "the PNG is truncated"}},
  };
  for (const auto& [name, content] : files) WriteFile(dir + "/" + name, content.first);
  testing::RunResult r = RunSheaf({"process", "--jsonl", "--text", "--type", "receipt", "--jobs", "2",
                                   "--data-dir", dir + "/.data", dir});
  std::istringstream lines(r.out);
  int seen = 0;
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    const std::string name = std::filesystem::path(j["source"].get<std::string>()).filename();
    SCOPED_TRACE(name);
    ASSERT_TRUE(files.count(name));
    ++seen;
    ASSERT_NE(j["status"], "failed") << j.dump();
    EXPECT_EQ(j["status"], "needs_review");
    ASSERT_EQ(j["pages"].size(), 1u);
    const auto& page = j["pages"][0];
    ASSERT_TRUE(page.contains("warnings")) << page.dump();
    EXPECT_NE(page["warnings"][0].get<std::string>().find(files.at(name).second), std::string::npos)
        << page["warnings"].dump();
    // The receipt's heading and address, at its top, are read.
    const std::string text = page["text"].get<std::string>();
    EXPECT_NE(text.find("TAMAN DAYA"), std::string::npos) << text;
    EXPECT_NE(text.find("JOHOR"), std::string::npos) << text;
    bool reason = false;
    for (const auto& rr : j["review_reasons"]) {
      reason = reason || rr.get<std::string>().rfind("damaged_page: page 1: ", 0) == 0;
    }
    EXPECT_TRUE(reason) << j["review_reasons"].dump();
  }
  EXPECT_EQ(seen, 3) << r.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sheaf
