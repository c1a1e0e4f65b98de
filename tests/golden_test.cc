// SPDX-License-Identifier: GPL-3.0-or-later
//
// Golden tests: tests/golden/<case>/input.* goes through `sheaf process --json --text` and must
// give exactly expected.json (timings and the source path aside). After an intended change of
// output, regenerate with SHEAF_UPDATE_GOLDEN=1 and review the diff like code.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <nlohmann/json.hpp>

#include "fixtures.h"

namespace sheaf {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> Cases() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(testing::SourceDir()) / "tests/golden")) {
    if (e.is_directory()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

fs::path InputOf(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().stem() == "input") return e.path();
  }
  return {};
}

class Golden : public ::testing::TestWithParam<fs::path> {};

TEST_P(Golden, OutputMatchesExpectedJson) {
  fs::path dir = GetParam();
  fs::path input = InputOf(dir);
  ASSERT_FALSE(input.empty()) << dir << " has no input.* file";
  std::string data = testing::TempDir();
  std::vector<std::string> args = {"process", "--json", "--text", "--jobs", "1", "--no-ocr-cache",
                                   "--data-dir", data};
  // Optional extra arguments (one per line), e.g. "--type" and "receipt".
  if (fs::exists(dir / "args")) {
    std::istringstream extra(testing::ReadFile((dir / "args").string()));
    for (std::string a; std::getline(extra, a);) {
      if (!a.empty()) args.push_back(a);
    }
  }
  args.push_back(input.string());
  auto r = testing::RunSheaf(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto got = nlohmann::ordered_json::parse(r.out).at(0);
  got.erase("timings_ms");
  got.erase("source");
  fs::path expected_path = dir / "expected.json";
  if (std::getenv("SHEAF_UPDATE_GOLDEN") != nullptr) {
    testing::WriteFile(expected_path.string(), got.dump(1) + "\n");
    GTEST_SKIP() << "rewrote " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << "run with SHEAF_UPDATE_GOLDEN=1 to create it";
  auto want = nlohmann::ordered_json::parse(testing::ReadFile(expected_path.string()));
  EXPECT_EQ(got.dump(1), want.dump(1));
}

INSTANTIATE_TEST_SUITE_P(Cases, Golden, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<fs::path>& param) {
                           std::string name = param.param.filename().string();
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

}  // namespace
}  // namespace sheaf
