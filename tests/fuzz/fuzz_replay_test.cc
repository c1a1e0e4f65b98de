// SPDX-License-Identifier: GPL-3.0-or-later
//
// Replays every input kept under tests/fuzz/regressions/<target>/ (inputs that once crashed a
// target, fixed since) and tests/fuzz/seeds/<target>/ through the same entry point the fuzzer
// calls, in the normal gcc builds (release, and debug under ASan + UBSan). A regression that
// comes back aborts the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "fuzz_targets.h"

namespace sheaf::fuzz {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A kept input: the file itself, or, for NAME.patch, a shipped file with bytes written over it
// ("base PATH" from the repository root, then "OFFSET HEX" lines; '#' starts a comment), so an
// input derived from a sample image is kept without committing a second copy of the image.
std::string KeptInput(const fs::path& p) {
  if (p.extension() != ".patch") return ReadAll(p);
  std::istringstream lines(ReadAll(p));
  std::string line;
  std::string bytes;
  bool have_base = false;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string first;
    std::string second;
    fields >> first >> second;
    if (first == "base") {
      bytes = ReadAll(fs::path(SHEAF_SOURCE_DIR) / second);
      have_base = !bytes.empty();
      continue;
    }
    const std::size_t offset = std::stoul(first);
    EXPECT_TRUE(have_base) << p << ": a patch line before its base";
    EXPECT_EQ(second.size() % 2, 0u) << p << ": odd hex at offset " << offset;
    EXPECT_LE(offset + second.size() / 2, bytes.size()) << p << ": patch past the base's end";
    if (!have_base || offset + second.size() / 2 > bytes.size()) return std::string();
    for (std::size_t i = 0; i + 1 < second.size(); i += 2) {
      bytes[offset + i / 2] = static_cast<char>(std::stoi(second.substr(i, 2), nullptr, 16));
    }
  }
  return bytes;
}

class FuzzReplay : public ::testing::TestWithParam<Target> {};

}  // namespace

// Test names and failures show the target's name, not its bytes.
void PrintTo(const Target& t, std::ostream* os) { *os << t.name; }

namespace {

TEST_P(FuzzReplay, EveryKeptInputRunsThroughTheTargetWithoutBreakingItsContract) {
  const Target& t = GetParam();
  int replayed = 0;
  for (const char* kind : {"regressions", "seeds"}) {
    const fs::path dir = fs::path(SHEAF_SOURCE_DIR) / "tests/fuzz" / kind / t.name;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (!e.is_regular_file() || e.path().filename().string().rfind("README", 0) == 0) continue;
      SCOPED_TRACE(e.path().string());
      t.run(KeptInput(e.path()));
      ++replayed;
    }
  }
  // Nothing to replay is fine for a target that never crashed; the count shows in the log.
  std::printf("%s: %d kept inputs replayed\n", t.name, replayed);
}

INSTANTIATE_TEST_SUITE_P(AllTargets, FuzzReplay, ::testing::ValuesIn(Targets()),
                         [](const ::testing::TestParamInfo<Target>& param_info) {
                           return std::string(param_info.param.name);
                         });

// The API target must get past authentication, or it would fuzz nothing but the 401 path.
TEST(FuzzTargets, TheApiKeyPlaceholderIsReplacedSoSeedsGetPastAuthentication) {
  const std::string ok = ApiRequestReply(
      "GET /v1/documents?limit=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {{KEY}}\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  EXPECT_NE(ok.find("\"documents\""), std::string::npos) << ok;
  const std::string unauthorized = ApiRequestReply(
      "GET /v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n\r\n");
  EXPECT_EQ(unauthorized.rfind("HTTP/1.1 401", 0), 0u) << unauthorized;
}

}  // namespace
}  // namespace sheaf::fuzz
