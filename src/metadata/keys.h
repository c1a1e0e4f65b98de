// SPDX-License-Identifier: GPL-3.0-or-later
//
// Secrets every MetadataStore makes and checks, the same way in every backend: API keys (only
// a salted SHA-256 is stored), tenant webhook secrets and event ids. No storage here.
#ifndef SHEAF_METADATA_KEYS_H_
#define SHEAF_METADATA_KEYS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sheaf::metadata {

// API keys: "shf_" + key id (16 hex digits, 64 bits: unique, public) + "_" + secret (64 hex
// digits, 256 bits from the kernel's CSPRNG).
inline constexpr std::string_view kKeyPrefix = "shf_";
inline constexpr std::size_t kKeyIdHex = 16;
inline constexpr std::size_t kSecretHex = 64;
inline constexpr std::size_t kKeySize = kKeyPrefix.size() + kKeyIdHex + 1 + kSecretHex;
// Tenant webhook secrets: "whsec_" + 64 hex digits (256 bits from the kernel's CSPRNG).
inline constexpr std::string_view kWebhookSecretPrefix = "whsec_";

// `bytes` random bytes from the kernel's CSPRNG, as lower-case hex. The kernel's generator
// failing is a broken invariant: the process stops.
std::string RandomHex(std::size_t bytes);

// True iff `s` is exactly `size` lower-case hex digits.
bool IsLowerHex(std::string_view s, std::size_t size);

// Equal strings compared in time that depends only on their lengths.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// A fresh tenant webhook secret.
std::string NewWebhookSecret();
// A fresh webhook event id: "evt_" + 32 hex digits.
std::string NewEventId();
// A fresh tenant id: 16 hex digits.
std::string NewTenantId();

// A new API key and what is stored about it.
struct NewKeyMaterial {
  std::string key_id;
  std::string key;   // the plaintext: returned once, never stored
  std::string salt;  // hex
  std::string hash;  // hex SHA-256(salt || key)
};
NewKeyMaterial NewKey();

// The key id of a well-formed key ("shf_" <16 hex> "_" <64 hex>); nullopt for anything else.
std::optional<std::string> KeyIdOf(std::string_view key);

// True iff `key` hashes with `salt` to `hash` (compared in constant time).
bool KeyMatches(std::string_view key, const std::string& salt, const std::string& hash);

}  // namespace sheaf::metadata

#endif  // SHEAF_METADATA_KEYS_H_
