// SPDX-License-Identifier: GPL-3.0-or-later
// The addresses here are only parsed and classified; nothing connects to them.
#include "core/ip_ranges.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

namespace sheaf {
namespace {

struct Case {
  const char* literal;
  AddressScope scope;
};

TEST(IpRanges, EachLiteralIsClassifiedIntoItsRange) {
  const Case cases[] = {
      {"127.0.0.1", AddressScope::kLoopback},
      {"127.0.0.2", AddressScope::kLoopback},
      {"127.255.255.254", AddressScope::kLoopback},
      {"::1", AddressScope::kLoopback},
      {"::ffff:127.0.0.1", AddressScope::kLoopback},
      {"169.254.169.254", AddressScope::kLinkLocal},
      {"169.254.0.1", AddressScope::kLinkLocal},
      {"fe80::1", AddressScope::kLinkLocal},
      {"febf::1", AddressScope::kLinkLocal},
      {"10.0.0.1", AddressScope::kPrivate},
      {"10.255.255.255", AddressScope::kPrivate},
      {"172.16.0.1", AddressScope::kPrivate},
      {"172.31.255.255", AddressScope::kPrivate},
      {"192.168.1.1", AddressScope::kPrivate},
      {"100.64.0.1", AddressScope::kPrivate},
      {"100.127.255.255", AddressScope::kPrivate},
      {"fc00::1", AddressScope::kPrivate},
      {"fd12:3456::1", AddressScope::kPrivate},
      {"::ffff:10.1.2.3", AddressScope::kPrivate},
      {"::ffff:192.168.0.1", AddressScope::kPrivate},
      {"64:ff9b::a00:1", AddressScope::kPrivate},        // NAT64 of 10.0.0.1
      {"2002:c0a8:101::1", AddressScope::kPrivate},      // 6to4 of 192.168.1.1
      {"2002:7f00:1::1", AddressScope::kLoopback},       // 6to4 of 127.0.0.1
      {"::ffff:169.254.169.254", AddressScope::kLinkLocal},
      {"0.0.0.0", AddressScope::kNonRoutable},
      {"::", AddressScope::kNonRoutable},
      {"224.0.0.1", AddressScope::kNonRoutable},
      {"255.255.255.255", AddressScope::kNonRoutable},
      {"240.0.0.1", AddressScope::kNonRoutable},
      {"198.18.0.1", AddressScope::kNonRoutable},
      {"ff02::1", AddressScope::kNonRoutable},
      // Just outside the ranges above: public.
      {"172.15.255.255", AddressScope::kPublic},
      {"172.32.0.0", AddressScope::kPublic},
      {"100.63.255.255", AddressScope::kPublic},
      {"100.128.0.0", AddressScope::kPublic},
      {"169.253.255.255", AddressScope::kPublic},
      {"11.0.0.0", AddressScope::kPublic},
      {"198.20.0.0", AddressScope::kPublic},
      {"fec0::1", AddressScope::kPrivate},
      {"2001:db8::1", AddressScope::kPublic},
      {"2002:0808:0808::1", AddressScope::kPublic},
  };
  for (const Case& c : cases) {
    const std::optional<AddressScope> got = ClassifyLiteral(c.literal);
    ASSERT_TRUE(got.has_value()) << c.literal;
    EXPECT_EQ(AddressScopeName(*got), AddressScopeName(c.scope)) << c.literal;
  }
}

TEST(IpRanges, NamesAndMalformedLiteralsAreNotAddresses) {
  for (const char* text : {"", "localhost", "example.test", "[::1]", "1.2.3", "1.2.3.4.5",
                           "fe80::1%eth0", "::ffff:1.2.3.400"}) {
    EXPECT_FALSE(ClassifyLiteral(text).has_value()) << text;
  }
}

TEST(IpRanges, SocketAddressesAreClassifiedByFamily) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  ASSERT_EQ(inet_pton(AF_INET, "192.168.7.7", &v4.sin_addr), 1);
  EXPECT_EQ(ClassifySockaddr(reinterpret_cast<const sockaddr*>(&v4)), AddressScope::kPrivate);
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  ASSERT_EQ(inet_pton(AF_INET6, "::1", &v6.sin6_addr), 1);
  EXPECT_EQ(ClassifySockaddr(reinterpret_cast<const sockaddr*>(&v6)), AddressScope::kLoopback);
  sockaddr other{};
  other.sa_family = AF_UNIX;
  EXPECT_FALSE(ClassifySockaddr(&other).has_value());
}

}  // namespace
}  // namespace sheaf
