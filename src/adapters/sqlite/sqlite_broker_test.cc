// SPDX-License-Identifier: GPL-3.0-or-later
// The SQLite broker's own tests: files, reopening, group commit, a killed process. The
// backend-neutral Broker contract is tests/contract/broker_contract_test.cc.
#include "adapters/sqlite/sqlite_broker.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "queue/backoff.h"

#include "fixtures.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::system_clock;

const std::vector<std::string> kLanes = {"documents.urgent", "documents.high", "documents.normal"};
const std::vector<std::string> kOcr = {"ocr.tasks"};

class SqliteBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir() + "sheaf-broker-XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    path_ = dir_ + "/broker.db";
  }
  void TearDown() override {
    broker_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Options on the fake clock, with a fixed jitter seed.
  BrokerOptions Options() {
    BrokerOptions o;
    o.clock = [this] { return Now(); };
    o.jitter_seed = kSeed;
    return o;
  }
  SqliteBroker& Open(BrokerOptions options) {
    broker_.reset();
    auto b = SqliteBroker::Open(path_, std::move(options));
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    if (!b.ok()) std::abort();
    broker_ = std::move(b).value();
    return *broker_;
  }
  SqliteBroker& Open() { return Open(Options()); }

  system_clock::time_point Now() const {
    return system_clock::time_point(
        std::chrono::duration_cast<system_clock::duration>(milliseconds(now_ms_.load())));
  }
  void Advance(milliseconds d) { now_ms_ += d.count(); }

  std::vector<Delivery> LeaseAll(Broker& b, const std::vector<std::string>& topics, int max = 1000,
                                 milliseconds lease = 60s) {
    auto got = b.Lease(topics, max, lease);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? std::move(got).value() : std::vector<Delivery>();
  }
  TopicStats StatsOf(Broker& b, const std::string& topic) {
    auto s = b.Stats(topic);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : TopicStats();
  }

  static constexpr std::uint64_t kSeed = 20240611;
  std::string dir_;
  std::string path_;
  std::atomic<std::int64_t> now_ms_{1'700'000'000'000};
  std::unique_ptr<SqliteBroker> broker_;
};

TEST_F(SqliteBrokerTest, TenantTurnsSurviveAReopen) {
  {
    Broker& b = Open();
    std::vector<Outgoing> a;
    for (int i = 0; i < 200; ++i) a.push_back({"ocr.tasks", "A", "a" + std::to_string(i), "p"});
    ASSERT_TRUE(b.PublishBatch(a).ok());
    for (const Delivery& d : LeaseAll(b, kOcr, 50)) ASSERT_TRUE(b.Ack(d.id).ok());
    broker_.reset();
  }
  Broker& b = Open();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(b.Publish("ocr.tasks", "B", "b" + std::to_string(i), "p").ok());
  }
  int b_count = 0;
  for (const Delivery& d : LeaseAll(b, kOcr, 10)) b_count += d.message.tenant == "B";
  EXPECT_EQ(b_count, 5) << "B is not queued behind A's remaining 150";
}

TEST_F(SqliteBrokerTest, QueueFilesAreReadableByTheOwnerOnly) {
  Broker& b = Open();
  ASSERT_TRUE(b.Publish("ocr.tasks", "A", "1", "p").ok());
  EXPECT_EQ(testing::FileMode(path_), 0600);
  EXPECT_EQ(testing::FileMode(path_ + "-wal"), 0600);
}

TEST_F(SqliteBrokerTest, AFolderThatDoesNotExistIsAnErrorNamingTheFile) {
  const std::string missing = dir_ + "/no-such-folder/broker.db";
  auto b = SqliteBroker::Open(missing, Options());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), ErrorCode::kIoError);
  EXPECT_NE(b.status().message().find(missing), std::string::npos) << b.status().message();
}

TEST_F(SqliteBrokerTest, MessagesAndLeasesSurviveCloseAndReopen) {
  std::uint64_t old_lease = 0;
  {
    Broker& b = Open();
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(b.Publish("ocr.tasks", "A", "k" + std::to_string(i), "p").ok());
    std::vector<Delivery> got = LeaseAll(b, kOcr, 1, 30s);
    ASSERT_EQ(got.size(), 1u);
    old_lease = got[0].id;
    broker_.reset();
  }
  Broker& b = Open();
  TopicStats s = StatsOf(b, "ocr.tasks");
  EXPECT_EQ(s.ready, 2);
  EXPECT_EQ(s.in_flight, 1);
  std::vector<Delivery> rest = LeaseAll(b, kOcr, 10, 1h);
  ASSERT_EQ(rest.size(), 2u);
  for (const Delivery& d : rest) EXPECT_GT(d.id, old_lease) << "lease ids are not reused";
  Advance(30s);
  std::vector<Delivery> again = LeaseAll(b, kOcr, 10, 30s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].message.key, "k0");
  EXPECT_EQ(again[0].message.attempt, 2);
  EXPECT_EQ(b.Ack(old_lease).code(), ErrorCode::kNotFound);
}

TEST_F(SqliteBrokerTest, AckedMessagesAreDeletedSoTheTableStaysBounded) {
  {
    Broker& b = Open();
    for (int i = 0; i < 20; ++i)
      ASSERT_TRUE(b.Publish("ocr.tasks", "A", std::to_string(i), "p").ok());
    for (const Delivery& d : LeaseAll(b, kOcr)) ASSERT_TRUE(b.Ack(d.id).ok());
    broker_.reset();
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM messages", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(stmt, 0), 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(SqliteBrokerTest, ASecondBrokerOnTheSameFileIsUnavailable) {
  Open();
  auto second = SqliteBroker::Open(path_, Options());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kUnavailable) << second.status().ToString();
  broker_.reset();
  EXPECT_TRUE(SqliteBroker::Open(path_, Options()).ok()) << "free again once closed";
}

TEST_F(SqliteBrokerTest, ConcurrentPublishersShareCommits) {
  SqliteBroker& b = Open();
  constexpr int kThreads = 64, kEach = 50;
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string key = std::to_string(t) + "/" + std::to_string(i);
        if (!b.Publish("documents.normal", "tenant-" + std::to_string(t % 8), key,
                       "{\"document\":\"" + key + "\"}")
                 .ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(failures.load(), 0);
  const std::uint64_t commits = b.commits();
  std::printf(
      "[ measured ] %d durable publishes from %d threads in %.3f s: %.0f publishes/s, "
      "%llu commits (%.1f publishes per fsync)\n",
      kThreads * kEach, kThreads, seconds, kThreads * kEach / seconds,
      static_cast<unsigned long long>(commits),
      static_cast<double>(kThreads * kEach) / static_cast<double>(commits));
  EXPECT_LT(commits, static_cast<std::uint64_t>(kThreads * kEach)) << "no group commit happened";

  const TopicStats s = StatsOf(b, "documents.normal");
  EXPECT_EQ(s.depth(), kThreads * kEach);
  EXPECT_EQ(s.queued_by_tenant.size(), 8u);
  // Every publish that returned OK is there, once.
  std::set<std::string> keys;
  for (int i = 0; i < 4; ++i) {
    for (const Delivery& d : LeaseAll(b, kLanes, 1000)) keys.insert(d.message.key);
  }
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(kThreads * kEach));
}

// A child process publishes and reports each publish that returned OK through a pipe; it is
// killed with SIGKILL mid-stream. Every reported publish must be in the database afterwards,
// and the leases it held must come back once they expire.
TEST_F(SqliteBrokerTest, AKilledProcessLosesNoConfirmedPublishAndItsLeasesComeBack) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    auto opened = SqliteBroker::Open(path_, Options());
    if (!opened.ok()) _exit(2);
    Broker& b = **opened;
    for (int i = 0; i < 20; ++i) {
      if (!b.Publish("ocr.tasks", "A", "task" + std::to_string(i), "p").ok()) _exit(3);
    }
    auto leased = b.Lease(kOcr, 5, 60s);
    if (!leased.ok() || leased->size() != 5) _exit(4);
    for (int i = 0;; ++i) {
      if (!b.Publish("documents.normal", "A", "doc" + std::to_string(i), "p").ok()) _exit(5);
      if (write(fds[1], &i, sizeof i) != sizeof i) _exit(6);
    }
  }
  close(fds[1]);
  int confirmed = -1, value = 0;
  while (confirmed < 300 && read(fds[0], &value, sizeof value) == sizeof value) confirmed = value;
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  while (read(fds[0], &value, sizeof value) == sizeof value) confirmed = value;
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(wstatus))
      << "the child failed early, exit code " << (WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
  ASSERT_GE(confirmed, 300);

  Broker& b = Open();
  std::set<std::string> keys;
  for (const Delivery& d : LeaseAll(b, kLanes, 100000)) keys.insert(d.message.key);
  for (int i = 0; i <= confirmed; ++i) {
    ASSERT_TRUE(keys.count("doc" + std::to_string(i))) << "lost confirmed publish doc" << i;
  }
  std::printf("[ measured ] %d confirmed publishes before SIGKILL, %zu found after reopen\n",
              confirmed + 1, keys.size());

  TopicStats s = StatsOf(b, "ocr.tasks");
  EXPECT_EQ(s.ready, 15);
  EXPECT_EQ(s.in_flight, 5);
  Advance(60s);
  s = StatsOf(b, "ocr.tasks");
  EXPECT_EQ(s.ready, 20);
  int redelivered = 0;
  for (const Delivery& d : LeaseAll(b, kOcr)) redelivered += d.message.attempt == 2;
  EXPECT_EQ(redelivered, 5);
}

}  // namespace
}  // namespace sheaf
