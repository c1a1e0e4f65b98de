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
      t.run(ReadAll(e.path()));
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
