// SPDX-License-Identifier: GPL-3.0-or-later
//
// Helpers for tests of distributed backends (SHEAF_TEST_REDIS, SHEAF_TEST_S3, ...): where the
// servers are, and names that keep one test apart from the others on a shared server.
#ifndef SHEAF_TESTS_BACKENDS_H_
#define SHEAF_TESTS_BACKENDS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "adapters/redis/redis_cache.h"
#include "adapters/s3/s3_blob_store.h"

namespace sheaf::testing {

// Why a test of that backend skips when its variable is unset.
inline constexpr char kNoTestRedis[] =
    "SHEAF_TEST_REDIS is not set (e.g. redis://127.0.0.1:16379)";
inline constexpr char kNoTestS3[] =
    "SHEAF_TEST_S3 is not set (e.g. s3://sheaf-test?endpoint=http://127.0.0.1:18080"
    "&region=us-east-1, with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)";

// The value of the environment variable `name`, "" when unset.
std::string EnvOr(const char* name);
// A name no other test (in this run or another) uses: "<label>-<pid>-<counter>-<random>".
std::string UniqueName(const std::string& label);

// The options of the test Redis (SHEAF_TEST_REDIS) with a key prefix of this call's own;
// nullopt when the variable is unset.
std::optional<RedisOptions> TestRedisOptions(const std::string& label);

// A store on the test S3 (SHEAF_TEST_S3, credentials from AWS_*) under a key prefix of this
// call's own, its options passed through `tweak` first, its bucket created if missing; nullptr
// when the variable is unset.
std::unique_ptr<S3BlobStore> TestS3Store(const std::string& label,
                                         const std::function<S3Options(S3Options)>& tweak = {});

}  // namespace sheaf::testing

#endif  // SHEAF_TESTS_BACKENDS_H_
