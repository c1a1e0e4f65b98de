// SPDX-License-Identifier: GPL-3.0-or-later
#include "metadata/keys.h"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "sheaf/hash.h"

namespace sheaf::metadata {

std::string RandomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  std::size_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::getrandom(raw.data() + done, bytes - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::fprintf(stderr, "sheaf: getrandom failed: errno %d\n", errno);
      std::abort();
    }
    done += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool IsLowerHex(std::string_view s, std::size_t size) {
  return s.size() == size && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::string NewWebhookSecret() { return std::string(kWebhookSecretPrefix) + RandomHex(32); }

std::string NewEventId() { return "evt_" + RandomHex(16); }

std::string NewTenantId() { return RandomHex(8); }

NewKeyMaterial NewKey() {
  NewKeyMaterial k;
  k.key_id = RandomHex(kKeyIdHex / 2);
  k.key = std::string(kKeyPrefix) + k.key_id + "_" + RandomHex(kSecretHex / 2);
  k.salt = RandomHex(16);
  k.hash = Sha256Hex(k.salt + k.key);
  return k;
}

std::optional<std::string> KeyIdOf(std::string_view key) {
  if (key.size() != kKeySize || key.substr(0, kKeyPrefix.size()) != kKeyPrefix ||
      key[kKeyPrefix.size() + kKeyIdHex] != '_' ||
      !IsLowerHex(key.substr(kKeyPrefix.size(), kKeyIdHex), kKeyIdHex) ||
      !IsLowerHex(key.substr(kKeyPrefix.size() + kKeyIdHex + 1), kSecretHex)) {
    return std::nullopt;
  }
  return std::string(key.substr(kKeyPrefix.size(), kKeyIdHex));
}

bool KeyMatches(std::string_view key, const std::string& salt, const std::string& hash) {
  std::string salted = salt;
  salted.append(key);
  return ConstantTimeEqual(Sha256Hex(salted), hash);
}

}  // namespace sheaf::metadata
