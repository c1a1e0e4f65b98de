// SPDX-License-Identifier: GPL-3.0-or-later
//
// Which part of the network an IP address belongs to, for refusing webhook destinations inside
// the operator's own network (SSRF): loopback, link-local (which includes cloud metadata
// services at 169.254.169.254), private and other non-public ranges. IPv4 addresses embedded in
// IPv6 (v4-mapped ::ffff:a.b.c.d, v4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged
// by the IPv4 address they carry.
//
// Pure functions; thread-safe.
#ifndef SHEAF_CORE_IP_RANGES_H_
#define SHEAF_CORE_IP_RANGES_H_

#include <optional>
#include <string_view>

struct sockaddr;

namespace sheaf {

enum class AddressScope {
  kPublic,
  kLoopback,    // 127.0.0.0/8, ::1
  kLinkLocal,   // 169.254.0.0/16, fe80::/10
  kPrivate,     // 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier NAT), fc00::/7 (unique local)
  kNonRoutable  // unspecified (0.0.0.0/8, ::), multicast, broadcast, reserved (240/4),
                // benchmarking (198.18/15), IETF protocol assignments (192.0.0/24)
};

// "loopback", "link-local", ... for messages.
std::string_view AddressScopeName(AddressScope scope);

// The scope of an IPv4 address given as 4 bytes in network order.
AddressScope ClassifyIpv4(const unsigned char addr[4]);
// The scope of an IPv6 address given as 16 bytes in network order.
AddressScope ClassifyIpv6(const unsigned char addr[16]);
// The scope of an AF_INET or AF_INET6 socket address; nullopt for another family.
std::optional<AddressScope> ClassifySockaddr(const sockaddr* addr);
// The scope of a literal address ("10.1.2.3", "::1", "fe80::1"; no brackets, no zone); nullopt
// when `text` is not a literal IP address.
std::optional<AddressScope> ClassifyLiteral(std::string_view text);

}  // namespace sheaf

#endif  // SHEAF_CORE_IP_RANGES_H_
