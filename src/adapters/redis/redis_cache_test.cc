// SPDX-License-Identifier: GPL-3.0-or-later
//
// What only RedisCache promises: its URL, expiry by Redis, outages as counted misses, and OCR
// single flight across workers. The Cache contract is in tests/contract/cache_contract_test.cc.
#include "adapters/redis/redis_cache.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "backends.h"
#include "cache/ocr_cache.h"
#include "http_test_server.h"

extern char** environ;

namespace sheaf {
namespace {

using namespace std::chrono_literals;

TEST(RedisUrl, ReadsHostPortDatabaseAndPrefix) {
  auto o = ParseRedisUrl("redis://127.0.0.1:16379/2?prefix=tenant%3Aa:");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 16379);
  EXPECT_EQ(o->db, 2);
  EXPECT_EQ(o->prefix, "tenant:a:");
  auto d = ParseRedisUrl("redis://redis");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->host, "redis");
  EXPECT_EQ(d->port, 6379);
  EXPECT_EQ(d->db, 0);
  EXPECT_EQ(d->prefix, "sheaf:");
  auto v6 = ParseRedisUrl("redis://[::1]:7000/");
  ASSERT_TRUE(v6.ok()) << v6.status().ToString();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 7000);
}

TEST(RedisUrl, RefusesPasswordsAndMalformedParts) {
  for (const char* bad :
       {"http://127.0.0.1", "redis://", "redis://:6379", "redis://h:0", "redis://h:99999",
        "redis://h:x", "redis://h/db", "redis://h?db=1", "redis://[::1", "redis://h?prefix=%4"}) {
    auto o = ParseRedisUrl(bad);
    EXPECT_EQ(o.status().code(), ErrorCode::kInvalidArgument) << bad;
  }
  auto pw = ParseRedisUrl("redis://:s3cret@127.0.0.1:6379");
  EXPECT_EQ(pw.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(pw.status().message().find("s3cret"), std::string::npos);
  EXPECT_NE(pw.status().message().find("SHEAF_REDIS_PASSWORD"), std::string::npos);
}

TEST(RedisCache, ARedisThatIsNotThereIsACountedErrorThatNamesNoPassword) {
  RedisOptions o;
  o.port = testing::RefusingPort();
  ASSERT_GT(o.port, 0);
  o.password = "hunter2-not-shown";
  RedisCache cache(o);
  auto got = cache.Get("k");
  EXPECT_EQ(got.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(cache.errors(), 1u);
  EXPECT_NE(cache.last_error().find(std::to_string(o.port)), std::string::npos)
      << cache.last_error();
  EXPECT_EQ(cache.Put("k", "v", 60s).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(cache.TryAcquire("lease", 1s).status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(cache.errors(), 3u);
  EXPECT_EQ(cache.last_error().find("hunter2"), std::string::npos) << cache.last_error();
}

TEST(RedisCache, AValueOverTheLimitIsRefusedBeforeAnythingIsSent) {
  RedisOptions o;
  o.port = testing::RefusingPort();
  o.max_value_bytes = 10;
  RedisCache cache(o);
  Status s = cache.Put("k", std::string(11, 'v'), 60s);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("10"), std::string::npos) << s.message();
  EXPECT_EQ(cache.errors(), 0u);
}

// The Redis of the tests, with this test's own prefix; nullptr without one.
std::unique_ptr<RedisCache> TestRedis(const std::string& label) {
  std::optional<RedisOptions> o = testing::TestRedisOptions(label);
  return o ? std::make_unique<RedisCache>(*o) : nullptr;
}

#define REQUIRE_TEST_REDIS(cache) \
  if (!(cache)) GTEST_SKIP() << testing::kNoTestRedis

TEST(RedisCache, EntriesExpireAfterTheirTtl) {
  auto cache = TestRedis("sheaf-test-expiry");
  REQUIRE_TEST_REDIS(cache);
  ASSERT_TRUE(cache->Put("short", "v", 1s).ok());
  ASSERT_TRUE(cache->Put("long", "w", 600s).ok());
  auto got = cache->Get("short");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, std::optional<std::string>("v"));
  bool expired = false;
  for (int i = 0; i < 50 && !expired; ++i) {  // bounded: Redis expires it within 1 s + slack
    std::this_thread::sleep_for(100ms);
    auto r = cache->Get("short");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    expired = !r->has_value();
  }
  EXPECT_TRUE(expired);
  EXPECT_EQ(*cache->Get("long"), std::optional<std::string>("w"));
}

TEST(RedisCache, TwoClientsWithDifferentPrefixesDoNotSeeEachOthersKeys) {
  auto a = TestRedis("sheaf-test-ns-a");
  REQUIRE_TEST_REDIS(a);
  auto b = TestRedis("sheaf-test-ns-b");
  ASSERT_TRUE(a->Put("k", "from a", 60s).ok());
  auto got = b->Get("k");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

// A redis-server of this test's own, on a free loopback port, stopped by its process id.
class OwnRedisServer {
 public:
  explicit OwnRedisServer(int port) : port_(port) {}
  ~OwnRedisServer() { Stop(); }
  bool Start() {
    const std::string port = std::to_string(port_);
    std::vector<std::string> args = {"redis-server", "--port",   port, "--bind", "127.0.0.1",
                                     "--save",       "",         "--appendonly", "no",
                                     "--loglevel",   "warning"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ) == 0;
  }
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  int port_;
  pid_t pid_ = -1;
};

// Calls Put until it succeeds, for at most 20 s (a backing-off client retries after a delay).
bool PutWhenUp(RedisCache& cache, const std::string& key, const std::string& value) {
  for (int i = 0; i < 200; ++i) {
    if (cache.Put(key, value, 60s).ok()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

TEST(RedisCache, AnOutageIsACountedMissAndTheCacheWorksAgainWhenRedisIsBack) {
  // Needs only the redis-server binary; run where the other Redis tests run.
  if (testing::EnvOr("SHEAF_TEST_REDIS").empty()) {
    GTEST_SKIP() << testing::kNoTestRedis << "; this test also starts redis-server itself";
  }
  const int port = testing::RefusingPort();
  ASSERT_GT(port, 0);
  RedisOptions o;
  o.port = port;
  o.prefix = testing::UniqueName("sheaf-test-outage") + ":";
  RedisCache cache(o);
  OwnRedisServer server(port);
  ASSERT_TRUE(server.Start()) << "cannot start redis-server (is it installed?)";
  ASSERT_TRUE(PutWhenUp(cache, "k", "before"));
  EXPECT_EQ(*cache.Get("k"), std::optional<std::string>("before"));

  server.Stop();
  const std::uint64_t errors_before = cache.errors();
  auto during = cache.Get("k");
  EXPECT_FALSE(during.ok() && during->has_value());  // a miss, never the stale value
  EXPECT_EQ(during.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(cache.Put("k", "lost", 60s).code(), ErrorCode::kUnavailable);
  EXPECT_GE(cache.errors(), errors_before + 2);
  EXPECT_FALSE(cache.last_error().empty());

  OwnRedisServer again(port);
  ASSERT_TRUE(again.Start());
  ASSERT_TRUE(PutWhenUp(cache, "k", "after"));
  EXPECT_EQ(*cache.Get("k"), std::optional<std::string>("after"));
}

OcrPage PageOf(double confidence) {
  OcrPage p;
  p.mean_confidence = confidence;
  p.blocks.push_back(Block{{1, 2, 3, 4}, {Line{{1, 2, 3, 4}, {Word{"Total", {1, 2, 3, 4}, 0.9}}}}});
  return p;
}

TEST(RedisOcrSingleFlight, TwoWorkersOnOneRedisReadAnIdenticalPageOnce) {
  // Two workers: each its own RedisCache client (connections) and OcrCache, one Redis.
  auto first = TestRedis("sheaf-test-ocr");
  REQUIRE_TEST_REDIS(first);
  auto second = std::make_unique<RedisCache>(first->options());
  OcrSingleFlightOptions sf1, sf2;
  sf1.leases = first.get();
  sf2.leases = second.get();
  sf1.poll = sf2.poll = 20ms;
  OcrCache worker1(first.get(), OcrCache::kDefaultTtl, sf1);
  OcrCache worker2(second.get(), OcrCache::kDefaultTtl, sf2);

  std::atomic<int> runs{0};
  std::atomic<bool> started{false};
  const auto slow_ocr = [&]() -> Result<OcrPage> {
    ++runs;
    started = true;
    std::this_thread::sleep_for(300ms);  // long enough for the other worker to arrive
    return PageOf(0.75);
  };
  bool hit1 = true, hit2 = false;
  Result<OcrPage> r1 = Status(ErrorCode::kInternal, "not run");
  std::thread t1([&] { r1 = worker1.GetOrCompute("ocr:same-page", slow_ocr, &hit1); });
  while (!started) std::this_thread::sleep_for(1ms);
  Result<OcrPage> r2 = worker2.GetOrCompute("ocr:same-page", slow_ocr, &hit2);
  t1.join();
  ASSERT_TRUE(r1.ok());
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(runs.load(), 1);
  EXPECT_FALSE(hit1);
  EXPECT_TRUE(hit2);
  EXPECT_EQ(worker2.waited_hits(), 1u);
  EXPECT_DOUBLE_EQ(r2->mean_confidence, 0.75);
  EXPECT_EQ(r2->blocks[0].lines[0].words[0].text, "Total");
}

TEST(RedisOcrSingleFlight, AWorkerDoesNotWaitPastItsBoundForADeadWorkersLease) {
  auto redis = TestRedis("sheaf-test-ocr-dead");
  REQUIRE_TEST_REDIS(redis);
  // A worker took the lease and died: nobody releases it for a minute.
  auto dead = redis->TryAcquire("lease:ocr:page", 60s);
  ASSERT_TRUE(dead.ok() && dead->has_value());
  OcrSingleFlightOptions sf;
  sf.leases = redis.get();
  sf.max_wait = 300ms;
  sf.poll = 50ms;
  OcrCache worker(redis.get(), OcrCache::kDefaultTtl, sf);
  int runs = 0;
  bool hit = true;
  Result<OcrPage> r = worker.GetOrCompute(
      "ocr:page", [&]() -> Result<OcrPage> { ++runs; return PageOf(0.5); }, &hit);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(hit);
  // Its result is stored for everyone even though it never held the lease.
  OcrCache other(redis.get());
  EXPECT_TRUE(other.Get("ocr:page").has_value());
}

}  // namespace
}  // namespace sheaf
