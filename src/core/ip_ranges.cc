// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ip_ranges.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

namespace sheaf {

std::string_view AddressScopeName(AddressScope scope) {
  switch (scope) {
    case AddressScope::kPublic:
      return "public";
    case AddressScope::kLoopback:
      return "loopback";
    case AddressScope::kLinkLocal:
      return "link-local";
    case AddressScope::kPrivate:
      return "private";
    case AddressScope::kNonRoutable:
      return "non-routable";
  }
  return "unknown";
}

AddressScope ClassifyIpv4(const unsigned char a[4]) {
  const unsigned b0 = a[0], b1 = a[1], b2 = a[2];
  if (b0 == 127) return AddressScope::kLoopback;
  if (b0 == 169 && b1 == 254) return AddressScope::kLinkLocal;
  if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168) ||
      (b0 == 100 && (b1 & 0xc0) == 64)) {
    return AddressScope::kPrivate;
  }
  if (b0 == 0 || b0 >= 224 || (b0 == 198 && (b1 & 0xfe) == 18) ||
      (b0 == 192 && b1 == 0 && b2 == 0)) {
    return AddressScope::kNonRoutable;
  }
  return AddressScope::kPublic;
}

AddressScope ClassifyIpv6(const unsigned char a[16]) {
  static const unsigned char kZero[16] = {0};
  const bool first10_zero = std::memcmp(a, kZero, 10) == 0;
  // ::ffff:a.b.c.d (v4-mapped) and ::a.b.c.d (v4-compatible, deprecated but still routed by some
  // stacks): the IPv4 address decides. "::" and "::1" are judged here, not as 0.0.0.0 / 0.0.0.1.
  if (first10_zero && a[10] == 0xff && a[11] == 0xff) return ClassifyIpv4(a + 12);
  if (std::memcmp(a, kZero, 15) == 0) {
    return a[15] == 1 ? AddressScope::kLoopback : AddressScope::kNonRoutable;
  }
  if (first10_zero && a[10] == 0 && a[11] == 0) return ClassifyIpv4(a + 12);
  // NAT64 (64:ff9b::/96) and 6to4 (2002:V4ADDR::/48) carry an IPv4 address a gateway reaches.
  static const unsigned char kNat64[12] = {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(a, kNat64, 12) == 0) return ClassifyIpv4(a + 12);
  if (a[0] == 0x20 && a[1] == 0x02) return ClassifyIpv4(a + 2);
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return AddressScope::kLinkLocal;
  if ((a[0] & 0xfe) == 0xfc) return AddressScope::kPrivate;
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return AddressScope::kPrivate;  // site-local (old)
  if (a[0] == 0xff) return AddressScope::kNonRoutable;                      // multicast
  return AddressScope::kPublic;
}

std::optional<AddressScope> ClassifySockaddr(const sockaddr* addr) {
  if (addr == nullptr) return std::nullopt;
  if (addr->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, addr, sizeof in);
    unsigned char b[4];
    std::memcpy(b, &in.sin_addr, 4);
    return ClassifyIpv4(b);
  }
  if (addr->sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, addr, sizeof in6);
    unsigned char b[16];
    std::memcpy(b, &in6.sin6_addr, 16);
    return ClassifyIpv6(b);
  }
  return std::nullopt;
}

std::optional<AddressScope> ClassifyLiteral(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  const std::string s(text);
  unsigned char b[16];
  if (inet_pton(AF_INET, s.c_str(), b) == 1) return ClassifyIpv4(b);
  if (inet_pton(AF_INET6, s.c_str(), b) == 1) return ClassifyIpv6(b);
  return std::nullopt;
}

}  // namespace sheaf
