// SPDX-License-Identifier: GPL-3.0-or-later
#include "backends.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>

#include <gtest/gtest.h>

namespace sheaf::testing {

std::string EnvOr(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string UniqueName(const std::string& label) {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}();
  return label + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)) +
         "-" + std::to_string(salt % 100000);
}

std::optional<RedisOptions> TestRedisOptions(const std::string& label) {
  const std::string url = EnvOr("SHEAF_TEST_REDIS");
  if (url.empty()) return std::nullopt;
  Result<RedisOptions> o = ParseRedisUrl(url);
  EXPECT_TRUE(o.ok()) << "SHEAF_TEST_REDIS: " << o.status().ToString();
  if (!o.ok()) return std::nullopt;
  o->prefix = UniqueName(label) + ":";
  return std::move(o).value();
}

std::unique_ptr<S3BlobStore> TestS3Store(const std::string& label,
                                         const std::function<S3Options(S3Options)>& tweak) {
  const std::string url = EnvOr("SHEAF_TEST_S3");
  if (url.empty()) return nullptr;
  Result<S3Options> o = ParseS3Url(url);
  EXPECT_TRUE(o.ok()) << "SHEAF_TEST_S3: " << o.status().ToString();
  if (!o.ok()) return nullptr;
  const std::string unique = UniqueName(label);
  o->prefix = o->prefix.empty() ? unique : o->prefix + "/" + unique;
  o->access_key_id = EnvOr("AWS_ACCESS_KEY_ID");
  o->secret_access_key = EnvOr("AWS_SECRET_ACCESS_KEY");
  o->session_token = EnvOr("AWS_SESSION_TOKEN");
  Result<std::unique_ptr<S3BlobStore>> store =
      S3BlobStore::Open(tweak ? tweak(std::move(o).value()) : std::move(o).value());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  const Status bucket = (*store)->EnsureBucket();
  EXPECT_TRUE(bucket.ok()) << bucket.ToString();
  return std::move(store).value();
}

}  // namespace sheaf::testing
