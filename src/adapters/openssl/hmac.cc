// SPDX-License-Identifier: GPL-3.0-or-later
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <limits>

#include "sheaf/hash.h"

namespace sheaf {

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // A key longer than the block is replaced by its hash (RFC 2104), which HMAC does itself;
  // do it here for keys whose length does not fit the int OpenSSL takes.
  unsigned char hashed_key[EVP_MAX_MD_SIZE];
  if (key.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    unsigned int hashed_len = 0;
    if (EVP_Digest(key.data(), key.size(), hashed_key, &hashed_len, EVP_sha256(), nullptr) != 1) {
      std::abort();
    }
    key = std::string_view(reinterpret_cast<const char*>(hashed_key), hashed_len);
  }
  // OpenSSL reads no bytes for a length of 0, but wants non-null pointers.
  static const unsigned char kEmpty = 0;
  const void* key_bytes = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  const unsigned char* data_bytes =
      data.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(data.data());
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), data_bytes, data.size(), md,
           &len) == nullptr ||
      len != 32) {
    // Only allocation failure makes HMAC fail: the process cannot sign anything, a broken
    // invariant like the one in Sha256.
    std::abort();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

}  // namespace sheaf
