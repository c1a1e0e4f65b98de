// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/redis/redis_cache.h"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>
#include <sys/time.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "core/url_query.h"
#include "queue/backoff.h"

namespace sheaf {

namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

Status BadUrl(std::string_view why) {
  return Status(ErrorCode::kInvalidArgument, "redis URL: " + std::string(why) +
                                                 " (expected redis://host[:port][/db][?prefix=...])");
}

bool ParseInt(std::string_view s, int min, int max, int* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && *out >= min && *out <= max;
}

// The Lua script of Release: delete the key only while it holds the caller's token.
constexpr std::string_view kReleaseScript =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
    "else return 0 end";

}  // namespace

Result<RedisOptions> ParseRedisUrl(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.substr(0, kScheme.size()) != kScheme) return BadUrl("scheme is not redis://");
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t q = rest.find('?');
  std::string_view query = q == std::string_view::npos ? std::string_view() : rest.substr(q + 1);
  rest = rest.substr(0, q);
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  if (authority.find('@') != std::string_view::npos) {
    return BadUrl("user or password in the URL; set SHEAF_REDIS_PASSWORD instead");
  }
  RedisOptions o;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl("unclosed '[' in the host");
    o.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return BadUrl("junk after the host");
      port = after.substr(1);
      if (port.empty()) return BadUrl("empty port");
    }
  } else {
    const std::size_t colon = authority.find(':');
    o.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return BadUrl("empty port");
    }
  }
  if (o.host.empty()) return BadUrl("no host");
  if (!port.empty() && !ParseInt(port, 1, 65535, &o.port)) {
    return BadUrl("port \"" + std::string(port.substr(0, 20)) + "\" is not 1-65535");
  }
  if (!path.empty() && !ParseInt(path, 0, 65535, &o.db)) {
    return BadUrl("database \"" + std::string(path.substr(0, 20)) + "\" is not a number");
  }
  Result<UrlQuery> params = ParseUrlQuery(query);
  if (!params.ok()) return BadUrl(params.status().message());
  for (auto& [name, value] : *params) {
    if (name != "prefix") return BadUrl("unknown parameter \"" + name.substr(0, 40) + "\"");
    if (value.size() > 256) return BadUrl("prefix is longer than 256 bytes");
    o.prefix = std::move(value);
  }
  return o;
}

struct RedisCache::Reply {
  int type = 0;
  std::string str;
  long long integer = 0;
};

RedisCache::RedisCache(RedisOptions options) : options_(std::move(options)) {
  std::uniform_int_distribution<std::uint64_t> any;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(any(rng_)));
  token_base_ = hex;
}

RedisCache::~RedisCache() {
  for (redisContext* c : idle_) redisFree(c);
}

std::uint64_t RedisCache::errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_;
}

std::string RedisCache::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

Status RedisCache::Fail(Status s) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++errors_;
    last_error_ = s.message();
  }
  if (s.code() == ErrorCode::kUnavailable) MarkAvailable(false, s.message());
  return s;
}

void RedisCache::MarkAvailable(bool up, const std::string& why) {
  if (available_.exchange(up) == up) return;
  if (up) {
    spdlog::info("redis {}:{}: reachable again", options_.host, options_.port);
  } else {
    spdlog::warn("redis {}:{}: unavailable, cache lookups are misses until it is back: {}",
                 options_.host, options_.port, why);
  }
}

Result<redisContext*> RedisCache::Checkout(std::string_view what) {
  const std::string where = "redis " + options_.host + ":" + std::to_string(options_.port) + " " +
                            std::string(what);
  std::unique_lock<std::mutex> lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + options_.command_timeout;
  for (;;) {
    if (!idle_.empty()) {
      redisContext* c = idle_.back();
      idle_.pop_back();
      return c;
    }
    if (open_ < options_.pool_size) break;
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.pool_size) {
      ++errors_;
      return Status(ErrorCode::kUnavailable,
                    where + ": all " + std::to_string(options_.pool_size) +
                        " connections stayed busy for " +
                        std::to_string(options_.command_timeout.count()) + " ms");
    }
  }
  const auto now = std::chrono::steady_clock::now();
  if (now < retry_after_) {
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(retry_after_ - now).count();
    ++errors_;  // a failed call, though no connection was attempted (last_error_ stays the cause)
    return Status(ErrorCode::kUnavailable, where + ": not connected (" + last_error_ +
                                               "); next connection attempt in " +
                                               std::to_string(wait) + " ms");
  }
  ++open_;
  lock.unlock();
  std::string error;
  redisContext* c = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                            ToTimeval(options_.connect_timeout));
  if (c == nullptr) {
    error = "cannot allocate a connection";
  } else if (c->err != 0) {
    error = std::string("cannot connect: ") + c->errstr;
  } else if (redisSetTimeout(c, ToTimeval(options_.command_timeout)) != REDIS_OK) {
    error = "cannot set the command timeout";
  } else {
    const auto setup = [&](std::vector<std::string> argv) {
      std::vector<const char*> args;
      std::vector<std::size_t> lens;
      for (const std::string& a : argv) {
        args.push_back(a.data());
        lens.push_back(a.size());
      }
      auto* r = static_cast<redisReply*>(
          redisCommandArgv(c, static_cast<int>(args.size()), args.data(), lens.data()));
      if (r == nullptr) {
        error = argv[0] + " failed: " + c->errstr;
        return false;
      }
      if (r->type == REDIS_REPLY_ERROR) error = argv[0] + " refused: " + std::string(r->str, r->len);
      freeReplyObject(r);
      return error.empty();
    };
    if (!options_.password.empty()) (void)setup({"AUTH", options_.password});
    if (error.empty() && options_.db != 0) (void)setup({"SELECT", std::to_string(options_.db)});
  }
  lock.lock();
  if (error.empty()) {
    failed_connects_ = 0;
    return c;
  }
  if (c != nullptr) redisFree(c);
  --open_;
  ++failed_connects_;
  retry_after_ = std::chrono::steady_clock::now() +
                 RetryDelay(failed_connects_, options_.reconnect, rng_);
  ++errors_;
  last_error_ = where + ": " + error;
  freed_.notify_one();
  Status failed(ErrorCode::kUnavailable, last_error_);
  lock.unlock();
  MarkAvailable(false, failed.message());
  return failed;
}

void RedisCache::DropIdle() {
  std::vector<redisContext*> idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle.swap(idle_);
    open_ -= static_cast<int>(idle.size());
  }
  for (redisContext* c : idle) redisFree(c);
}

void RedisCache::Return(redisContext* c, bool healthy) {
  std::lock_guard<std::mutex> lock(mu_);
  if (healthy) {
    idle_.push_back(c);
  } else {
    redisFree(c);
    --open_;
  }
  freed_.notify_one();
}

Result<RedisCache::Reply> RedisCache::Run(const std::vector<std::string_view>& argv,
                                          std::string_view what) {
  Result<redisContext*> c = Checkout(what);
  if (!c.ok()) return c.status();  // counted by Checkout
  std::vector<const char*> args;
  std::vector<std::size_t> lens;
  args.reserve(argv.size());
  lens.reserve(argv.size());
  for (std::string_view a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(*c, static_cast<int>(args.size()), args.data(), lens.data()));
  const std::string where = "redis " + options_.host + ":" + std::to_string(options_.port) + " " +
                            std::string(what);
  if (r == nullptr) {
    // A broken or timed-out connection: its state is unknown, so it is dropped, and so are the
    // idle ones (after a Redis restart they are all dead: one failed call, not one each).
    std::string detail = (*c)->errstr;
    Return(*c, false);
    DropIdle();
    return Fail(Status(ErrorCode::kUnavailable, where + ": " + detail));
  }
  Reply out;
  out.type = r->type;
  out.integer = r->integer;
  if (r->str != nullptr) out.str.assign(r->str, r->len);
  freeReplyObject(r);
  Return(*c, true);
  MarkAvailable(true, "");
  if (out.type == REDIS_REPLY_ERROR) {
    return Fail(Status(ErrorCode::kIoError, where + ": redis replied " + out.str.substr(0, 200)));
  }
  return out;
}

Result<std::optional<std::string>> RedisCache::Get(const std::string& key) {
  const std::string k = options_.prefix + key;
  Result<Reply> r = Run({"GET", k}, "GET");
  if (!r.ok()) return r.status();
  if (r->type == REDIS_REPLY_NIL) return std::optional<std::string>();
  if (r->type != REDIS_REPLY_STRING) {
    return Fail(Status(ErrorCode::kIoError, "redis GET: unexpected reply type " +
                                                std::to_string(r->type)));
  }
  return std::optional<std::string>(std::move(r->str));
}

Status RedisCache::Put(const std::string& key, std::string_view value, std::chrono::seconds ttl) {
  if (value.size() > options_.max_value_bytes) {
    return Status(ErrorCode::kInvalidArgument,
                  "redis SET: value of " + std::to_string(value.size()) +
                      " bytes is over the limit of " + std::to_string(options_.max_value_bytes));
  }
  const std::string k = options_.prefix + key;
  if (ttl.count() <= 0) return Run({"DEL", k}, "DEL").status();
  const std::string seconds = std::to_string(ttl.count());
  return Run({"SET", k, value, "EX", seconds}, "SET").status();
}

Result<std::optional<std::string>> RedisCache::TryAcquire(const std::string& name,
                                                          std::chrono::milliseconds ttl) {
  if (ttl.count() <= 0) {
    return Status(ErrorCode::kInvalidArgument, "lease \"" + name + "\": ttl must be positive");
  }
  std::string token;
  {
    std::lock_guard<std::mutex> lock(mu_);
    token = token_base_ + "-" + std::to_string(++next_token_);
  }
  const std::string k = options_.prefix + name;
  const std::string ms = std::to_string(ttl.count());
  Result<Reply> r = Run({"SET", k, token, "NX", "PX", ms}, "SET NX");
  if (!r.ok()) return r.status();
  if (r->type == REDIS_REPLY_NIL) return std::optional<std::string>();
  return std::optional<std::string>(std::move(token));
}

Status RedisCache::Release(const std::string& name, const std::string& token) {
  const std::string k = options_.prefix + name;
  return Run({"EVAL", kReleaseScript, "1", k, token}, "EVAL release").status();
}

Result<std::unique_ptr<RedisCache>> OpenRedisCache(const std::string& url) {
  Result<RedisOptions> o = ParseRedisUrl(url);
  if (!o.ok()) return o.status();
  if (const char* pw = std::getenv("SHEAF_REDIS_PASSWORD"); pw != nullptr) o->password = pw;
  try {
    return std::make_unique<RedisCache>(std::move(o).value());
  } catch (const std::exception& e) {
    return Status(ErrorCode::kUnavailable, std::string("redis: ") + e.what());
  }
}

std::string HiredisVersion() {
  return "hiredis " + std::to_string(HIREDIS_MAJOR) + "." + std::to_string(HIREDIS_MINOR) + "." +
         std::to_string(HIREDIS_PATCH);
}

}  // namespace sheaf
