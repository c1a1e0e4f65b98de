// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <string>

#include "sheaf/hash.h"

namespace sheaf {
namespace {

std::string Bytes(std::size_t n, unsigned char byte) {
  return std::string(n, static_cast<char>(byte));
}

// RFC 4231, section 4: the HMAC-SHA-256 results of test cases 1-7.
TEST(HmacSha256, MatchesTheRfc4231TestVectors) {
  EXPECT_EQ(HmacSha256Hex(Bytes(20, 0x0b), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256Hex(Bytes(20, 0xaa), Bytes(50, 0xdd)),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  std::string key4;
  for (int i = 1; i <= 25; ++i) key4 += static_cast<char>(i);
  EXPECT_EQ(HmacSha256Hex(key4, Bytes(50, 0xcd)),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  // Case 5 compares the first 128 bits only.
  EXPECT_EQ(HmacSha256Hex(Bytes(20, 0x0c), "Test With Truncation").substr(0, 32),
            "a3b6167473100ee06e0c796c2955552b");
  // Keys longer than the block size are hashed first.
  EXPECT_EQ(
      HmacSha256Hex(Bytes(131, 0xaa), "Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(HmacSha256Hex(Bytes(131, 0xaa),
                          "This is a test using a larger than block-size key and a larger than "
                          "block-size data. The key needs to be hashed before being used by the "
                          "HMAC algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(HmacSha256, EmptyKeyAndDataAreValidAndEveryByteCounts) {
  EXPECT_EQ(HmacSha256Hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  const std::string body = std::string("{\"a\":1}\0tail", 12);  // an embedded NUL is data too
  const std::string mac = HmacSha256Hex("whsec_k", body);
  EXPECT_EQ(mac.size(), 64u);
  EXPECT_NE(mac, HmacSha256Hex("whsec_k", body.substr(0, 7)));
  EXPECT_NE(mac, HmacSha256Hex("whsec_K", body));
  EXPECT_EQ(mac, HmacSha256Hex(std::string("whsec_k"), body));
}

}  // namespace
}  // namespace sheaf
