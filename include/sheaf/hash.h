// SPDX-License-Identifier: GPL-3.0-or-later
//
// SHA-256 and HMAC-SHA256 (implemented by the OpenSSL adapter). Thread-safe.
#ifndef SHEAF_HASH_H_
#define SHEAF_HASH_H_

#include <memory>
#include <string>
#include <string_view>

namespace sheaf {

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view data);
  void Update(const void* data, std::size_t size);
  // Lower-case hex digest. The object must not be updated afterwards.
  std::string HexDigest();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string Sha256Hex(std::string_view data);

// HMAC-SHA256 (RFC 2104) of `data` under `key`, as 64 lower-case hex digits. Any key length
// works (longer than 64 bytes is hashed first, as the RFC says). Signs webhook bodies.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace sheaf

#endif  // SHEAF_HASH_H_
