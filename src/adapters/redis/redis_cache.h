// SPDX-License-Identifier: GPL-3.0-or-later
//
// RedisCache: the shared Cache of the distributed mode (design, "Cache Layers": L2, Redis) on
// hiredis, plus the LeaseTable the workers share for OCR single flight (sheaf/lease.h).
//
// - Get is GET, Put is SET key value EX ttl (a ttl of zero or less deletes the key: nothing is
//   stored, and the value the key held before is gone, as with any Put). Every key is stored
//   under the prefix from the URL (default "sheaf:"), so one Redis can serve several
//   deployments or tests without their keys meeting.
// - Leases are SET <prefix>name token NX PX ttl; Release deletes the key only while it still
//   holds the caller's token (one Lua script, so check and delete are one step).
// - Connections: a pool of at most `pool_size` connections, each used by one call at a time;
//   a caller waits at most `command_timeout` for a free one. Connect and command timeouts
//   bound every call. A connection that failed is dropped, and new connections are attempted
//   no sooner than a backoff after a failed connect (exponential, full jitter, up to
//   `reconnect.max`): while Redis is down every call fails at once with unavailable instead of
//   waiting for a timeout, so a Redis outage costs misses, never stalled documents.
// - Failures are counted: errors(), last_error() and available() (for /metrics); going down and
//   coming back are logged once each. The password (from the environment, never from the URL)
//   is never part of a message.
//
// Key versions (what makes a stale entry unreachable rather than wrong):
// - OCR: "ocr:" + SHA-256 of the page image and the engine identity (Tesseract version, models,
//   languages, settings): src/cache/ocr_cache.h. TTL 24 h.
// - Classification: "classify/<model version>/<document sha256>", the model version being a
//   hash of its weights: src/pipeline/understand.cc. TTL 1 h.
// - API answers are cached in process only, for 2 s (not the design's 5 min: an answer cached
//   in one API process is not dropped when a worker elsewhere changes the document).
// - Schemas are read once at start (no cache entries).
//
// Thread safety: safe for concurrent use.
#ifndef SHEAF_ADAPTERS_REDIS_REDIS_CACHE_H_
#define SHEAF_ADAPTERS_REDIS_REDIS_CACHE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sheaf/broker.h"
#include "sheaf/cache.h"
#include "sheaf/lease.h"

struct redisContext;

namespace sheaf {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string prefix = "sheaf:";
  std::string password;  // empty: no AUTH
  int pool_size = 8;
  std::chrono::milliseconds connect_timeout{250};
  std::chrono::milliseconds command_timeout{500};
  BackoffOptions reconnect{std::chrono::milliseconds(100), 2.0, std::chrono::milliseconds(5000)};
  std::uint64_t max_value_bytes = 64ull << 20;  // Put of a larger value: invalid_argument
};

// Parses "redis://host[:port][/db][?prefix=...]" (host may be a bracketed IPv6 address; port
// defaults to 6379, db to 0, prefix to "sheaf:"). A password in the URL is refused: it comes
// from the environment only (see OpenRedisCache). Errors: invalid_argument naming the part.
Result<RedisOptions> ParseRedisUrl(std::string_view url);

class RedisCache final : public Cache, public LeaseTable {
 public:
  // Connects lazily: a Redis that is down at start is a miss until it comes up.
  explicit RedisCache(RedisOptions options);
  ~RedisCache() override;
  RedisCache(const RedisCache&) = delete;
  RedisCache& operator=(const RedisCache&) = delete;

  Result<std::optional<std::string>> Get(const std::string& key) override;
  Status Put(const std::string& key, std::string_view value, std::chrono::seconds ttl) override;

  Result<std::optional<std::string>> TryAcquire(const std::string& name,
                                                std::chrono::milliseconds ttl) override;
  Status Release(const std::string& name, const std::string& token) override;

  // Calls that failed (connection, timeout or a Redis error reply) since the start.
  std::uint64_t errors() const;
  // The message of the latest failure ("" before any); without the password.
  std::string last_error() const;
  // Whether the latest call reached Redis (true before the first call).
  bool available() const { return available_.load(); }
  const RedisOptions& options() const { return options_; }

 private:
  struct Reply;
  // Runs one command on a pooled connection. `what` names the call in messages.
  Result<Reply> Run(const std::vector<std::string_view>& argv, std::string_view what);
  // A connected context, from the pool or new; unavailable while backing off.
  Result<redisContext*> Checkout(std::string_view what);
  // Gives `c` back to the pool (healthy) or frees it (after a failure).
  void Return(redisContext* c, bool healthy);
  // Frees every idle connection.
  void DropIdle();
  Status Fail(Status s);
  // Records whether a call reached Redis, logging a change.
  void MarkAvailable(bool up, const std::string& why);

  const RedisOptions options_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::vector<redisContext*> idle_;                      // GUARDED_BY(mu_)
  int open_ = 0;                                         // GUARDED_BY(mu_): idle + in use
  int failed_connects_ = 0;                              // GUARDED_BY(mu_): in a row
  std::chrono::steady_clock::time_point retry_after_{};  // GUARDED_BY(mu_)
  std::mt19937_64 rng_{std::random_device{}()};          // GUARDED_BY(mu_)
  std::uint64_t errors_ = 0;                             // GUARDED_BY(mu_)
  std::string last_error_;                               // GUARDED_BY(mu_)
  std::uint64_t next_token_ = 0;                         // GUARDED_BY(mu_)
  std::string token_base_;  // random per instance: tokens never repeat across workers
  std::atomic<bool> available_{true};  // logged when it changes
};

// Opens a RedisCache from its URL, with the password from SHEAF_REDIS_PASSWORD when set.
Result<std::unique_ptr<RedisCache>> OpenRedisCache(const std::string& url);

// "hiredis 0.14.1" (for `sheaf version` and logs).
std::string HiredisVersion();

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_REDIS_REDIS_CACHE_H_
