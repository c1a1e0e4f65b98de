// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/zlib/gzip.h"

#include <gtest/gtest.h>

namespace sheaf::zlib_adapter {
namespace {

TEST(Gzip, RoundTripsAndIsRecognised) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "weights " + std::to_string(i % 97) + "\n";
  Result<std::string> packed = Gzip(text);
  ASSERT_TRUE(packed.ok());
  EXPECT_TRUE(IsGzip(*packed));
  EXPECT_FALSE(IsGzip(text));
  EXPECT_LT(packed->size(), text.size() / 4);
  Result<std::string> back = Gunzip(*packed, text.size(), "m.gz");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, text);
}

TEST(Gunzip, DamagedTruncatedAndOversizedInputAreErrorsNamingTheFile) {
  std::string text(100000, 'a');
  std::string packed = *Gzip(text);
  Result<std::string> small = Gunzip(packed, 1000, "m.gz");
  EXPECT_EQ(small.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(small.status().message().find("m.gz: decompresses to more than 1000 bytes"), std::string::npos);
  Result<std::string> cut = Gunzip(packed.substr(0, packed.size() / 2), 1 << 20, "m.gz");
  EXPECT_EQ(cut.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(cut.status().message().rfind("m.gz: ", 0), 0u);
  std::string bad = packed;
  bad[12] = static_cast<char>(bad[12] ^ 0x55);
  bad[13] = static_cast<char>(bad[13] ^ 0x55);
  Result<std::string> broken = Gunzip(bad, 1 << 20, "m.gz");
  EXPECT_FALSE(broken.ok());
}

// The whole-buffer path (libdeflate) takes only a single member with a true trailer; everything
// else goes the streaming way and reads as it always did.
TEST(Gunzip, SeveralMembersReadTheFirstAsBefore) {
  std::string first(50000, 'x'), second = "and more";
  Result<std::string> back = Gunzip(*Gzip(first) + *Gzip(second), 1 << 20, "m.gz");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, first);
}

TEST(Gunzip, ATrailerThatLiesAboutTheSizeIsDamage) {
  std::string text(100000, 'a');
  std::string packed = *Gzip(text);
  for (unsigned char top : {0x00, 0x7f, 0xff}) {  // one byte more, then absurd sizes (up to 4 GB)
    std::string bad = packed;
    if (top == 0x00) {
      bad[bad.size() - 4] = static_cast<char>(static_cast<unsigned char>(bad[bad.size() - 4]) + 1);
    } else {
      bad[bad.size() - 1] = static_cast<char>(top);
    }
    Result<std::string> r = Gunzip(bad, 1ull << 33, "m.gz");
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << static_cast<int>(top);
    EXPECT_EQ(r.status().message().rfind("m.gz: ", 0), 0u) << r.status().message();
  }
}

}  // namespace
}  // namespace sheaf::zlib_adapter
