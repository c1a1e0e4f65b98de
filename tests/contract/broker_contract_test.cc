// SPDX-License-Identifier: GPL-3.0-or-later
//
// The Broker contract (sheaf/broker.h), run against every Broker: the embedded SQLite broker
// always, the Kafka broker when SHEAF_TEST_KAFKA names a cluster (bootstrap servers, e.g.
// 127.0.0.1:29092). Each Kafka test works in its own namespace (its own 11 topics and consumer
// groups), so tests share one cluster and run in any order. Where Kafka legitimately differs
// (kafka_broker.h says where), the test says so and checks what the Kafka header promises.
//
// Kafka fetches in the background: before a Lease or Stats whose answer the test asserts, the
// fixture waits (CatchUp, bounded) until the broker's consumers hold every record written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "adapters/kafka/kafka_admin.h"
#include "adapters/kafka/kafka_broker.h"
#include "adapters/sqlite/sqlite_broker.h"
#include "queue/backoff.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::system_clock;

const std::vector<std::string> kLanes = {"documents.urgent", "documents.high", "documents.normal"};
const std::vector<std::string> kOcr = {"ocr.tasks"};
constexpr milliseconds kCatchUp = 30s;

// A unique namespace per test: pid, time and a random number.
std::string UniqueNamespace() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "t" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(rd() % 1000000);
}

// Kafka options for a test in its own namespace; nullopt when SHEAF_TEST_KAFKA is unset.
std::optional<KafkaOptions> TestKafkaOptions() {
  const char* servers = std::getenv("SHEAF_TEST_KAFKA");
  if (servers == nullptr || *servers == '\0') return std::nullopt;
  KafkaOptions o;
  o.bootstrap_servers = servers;
  o.ns = UniqueNamespace();
  o.publish_timeout = 15s;
  o.session_timeout = 6s;  // the broker's group.min.session.timeout.ms by default
  o.heartbeat_interval = 500ms;
  return o;
}

class BrokerContract : public ::testing::TestWithParam<std::string> {
 protected:
  bool kafka() const { return GetParam() == "kafka"; }

  void SetUp() override {
    if (kafka()) {
      std::optional<KafkaOptions> o = TestKafkaOptions();
      if (!o) GTEST_SKIP() << "SHEAF_TEST_KAFKA is not set (bootstrap servers of a test Kafka)";
      kafka_ = *o;
      const Status made = CreateTopics(kafka_, 1, 1);
      ASSERT_TRUE(made.ok()) << made.ToString();
      return;
    }
    std::string dir = ::testing::TempDir() + "sheaf-contract-XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    broker_.reset();
    if (kafka() && !kafka_.ns.empty()) {
      const Status gone = DeleteTopics(kafka_);
      EXPECT_TRUE(gone.ok()) << gone.ToString();
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // Options on the fake clock, with a fixed jitter seed.
  BrokerOptions Options() {
    BrokerOptions o;
    o.clock = [this] { return Now(); };
    o.jitter_seed = kSeed;
    return o;
  }
  Result<std::unique_ptr<Broker>> Make(BrokerOptions options) {
    if (kafka()) return OpenKafkaBroker(kafka_, std::move(options));
    return OpenSqliteBroker(dir_ + "/broker.db", std::move(options));
  }
  Broker& Open(BrokerOptions options) {
    broker_.reset();
    auto b = Make(std::move(options));
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    if (!b.ok()) std::abort();
    broker_ = std::move(b).value();
    return *broker_;
  }
  Broker& Open() { return Open(Options()); }

  system_clock::time_point Now() const {
    return system_clock::time_point(
        std::chrono::duration_cast<system_clock::duration>(milliseconds(now_ms_.load())));
  }
  void Advance(milliseconds d) { now_ms_ += d.count(); }

  // Kafka: waits until the consumers of `topics` (all of them when empty) hold every record.
  void CatchUp(Broker& b, const std::vector<std::string>& topics) {
    if (!kafka()) return;
    const Status s = static_cast<KafkaBroker&>(b).CatchUp(topics, kCatchUp);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::vector<Delivery> LeaseAll(Broker& b, const std::vector<std::string>& topics, int max = 1000,
                                 milliseconds lease = 60s) {
    CatchUp(b, topics);
    auto got = b.Lease(topics, max, lease);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? std::move(got).value() : std::vector<Delivery>();
  }
  TopicStats StatsOf(Broker& b, const std::string& topic) {
    CatchUp(b, {});
    auto s = b.Stats(topic);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : TopicStats();
  }

  static constexpr std::uint64_t kSeed = 20240611;
  std::string dir_;
  KafkaOptions kafka_;
  std::atomic<std::int64_t> now_ms_{1'700'000'000'000};
  std::unique_ptr<Broker> broker_;
};

INSTANTIATE_TEST_SUITE_P(Brokers, BrokerContract, ::testing::Values("sqlite", "kafka"),
                         [](const ::testing::TestParamInfo<std::string>& backend) {
                           return backend.param;
                         });

TEST_P(BrokerContract, PublishLeaseAckDeliversTheMessageOnce) {
  Broker& b = Open();
  const std::string payload("{\"doc\":\"d1\"}\0\xff", 14);
  ASSERT_TRUE(b.Publish("ocr.tasks", "acme", "d1", payload).ok());

  std::vector<Delivery> got = LeaseAll(b, kOcr, 10, 30s);
  ASSERT_EQ(got.size(), 1u);
  const Delivery& d = got[0];
  EXPECT_EQ(d.message.topic, "ocr.tasks");
  EXPECT_EQ(d.message.tenant, "acme");
  EXPECT_EQ(d.message.key, "d1");
  EXPECT_EQ(d.message.payload, payload);
  EXPECT_EQ(d.message.attempt, 1);
  EXPECT_EQ(d.message.last_error, "");
  EXPECT_EQ(d.message.origin_topic, "");
  EXPECT_EQ(d.partition, PartitionFor("d1", 12));  // a stage topic: by document
  EXPECT_EQ(d.enqueued_at, Now());
  EXPECT_EQ(d.lease_until, Now() + 30s);

  EXPECT_TRUE(LeaseAll(b, kOcr).empty()) << "a leased message is not delivered twice";
  EXPECT_EQ(StatsOf(b, "ocr.tasks").in_flight, 1);
  ASSERT_TRUE(b.Ack(d.id).ok());
  const TopicStats s = StatsOf(b, "ocr.tasks");
  EXPECT_EQ(s.depth() + s.in_flight, 0);
  EXPECT_EQ(b.Ack(d.id).code(), ErrorCode::kNotFound) << "a second ack is rejected";
  Advance(1h);
  EXPECT_TRUE(LeaseAll(b, kOcr).empty()) << "an acked message never comes back";
}

TEST_P(BrokerContract, RejectsUnknownTopicsAndBadArguments) {
  Broker& b = Open();
  EXPECT_EQ(b.Publish("ocr.task", "acme", "d1", "x").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.Lease({}, 1, 1s).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.Lease({"nope"}, 1, 1s).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.Lease(kOcr, 0, 1s).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.Lease(kOcr, 1, 0s).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.Extend(1, -1s).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.Stats("nope").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.Ack(12345).code(), ErrorCode::kNotFound);
  EXPECT_EQ(b.Nack(12345, "x").code(), ErrorCode::kNotFound);
  EXPECT_EQ(b.Extend(12345, 1s).code(), ErrorCode::kNotFound);
  BrokerOptions bad = Options();
  bad.max_attempts = 0;
  broker_.reset();
  EXPECT_EQ(Make(bad).status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(BrokerContract, ExpiredLeaseIsRedeliveredWithTheNextAttemptAndANewLeaseId) {
  Broker& b = Open();
  ASSERT_TRUE(b.Publish("ocr.tasks", "acme", "d1", "p").ok());
  std::vector<Delivery> first = LeaseAll(b, kOcr, 1, 10s);
  ASSERT_EQ(first.size(), 1u);
  Advance(9999ms);
  EXPECT_TRUE(LeaseAll(b, kOcr).empty()) << "still leased";
  Advance(1ms);
  std::vector<Delivery> second = LeaseAll(b, kOcr, 1, 10s);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].message_id, first[0].message_id);
  EXPECT_NE(second[0].id, first[0].id);
  EXPECT_EQ(second[0].message.attempt, 2);
  EXPECT_EQ(second[0].message.last_error, "lease expired");

  EXPECT_EQ(b.Ack(first[0].id).code(), ErrorCode::kNotFound) << "stale ack";
  EXPECT_EQ(b.Nack(first[0].id, "late").code(), ErrorCode::kNotFound) << "stale nack";
  EXPECT_EQ(b.Extend(first[0].id, 10s).code(), ErrorCode::kNotFound) << "stale extend";
  EXPECT_EQ(StatsOf(b, "ocr.tasks").in_flight, 1) << "the stale calls changed nothing";
  EXPECT_TRUE(b.Ack(second[0].id).ok());
}

TEST_P(BrokerContract, AckOfAnExpiredLeaseIsRejectedEvenBeforeAnyRedelivery) {
  Broker& b = Open();
  ASSERT_TRUE(b.Publish("ocr.tasks", "acme", "d1", "p").ok());
  std::vector<Delivery> got = LeaseAll(b, kOcr, 1, 10s);
  ASSERT_EQ(got.size(), 1u);
  Advance(11s);
  EXPECT_EQ(b.Ack(got[0].id).code(), ErrorCode::kNotFound);
  const TopicStats s = StatsOf(b, "ocr.tasks");
  EXPECT_EQ(s.ready, 1);
  EXPECT_EQ(s.in_flight, 0);
}

TEST_P(BrokerContract, ExtendMovesTheEndOfTheLease) {
  Broker& b = Open();
  ASSERT_TRUE(b.Publish("ocr.tasks", "acme", "d1", "p").ok());
  std::vector<Delivery> got = LeaseAll(b, kOcr, 1, 10s);
  ASSERT_EQ(got.size(), 1u);
  Advance(5s);
  ASSERT_TRUE(b.Extend(got[0].id, 20s).ok());
  Advance(10s);  // past the first end, before the new one
  EXPECT_TRUE(LeaseAll(b, kOcr).empty());
  EXPECT_TRUE(b.Ack(got[0].id).ok());
}

TEST_P(BrokerContract, NackedMessageWaitsOutItsBackoffThenComesBack) {
  BrokerOptions o = Options();
  o.backoff.initial = 10s;
  o.backoff.max = 60s;
  Broker& b = Open(o);
  // The broker draws its delays from Rng(jitter_seed), as this mirror does.
  Rng mirror(kSeed);
  const milliseconds delay = RetryDelay(1, o.backoff, mirror);
  ASSERT_GT(delay, 0ms) << "pick another seed: this one gives no delay to observe";
  ASSERT_LE(delay, 10s);

  ASSERT_TRUE(b.Publish("ocr.tasks", "acme", "d1", "p").ok());
  std::vector<Delivery> got = LeaseAll(b, kOcr, 1, 10s);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(b.Nack(got[0].id, "ocr engine unavailable").ok());
  EXPECT_EQ(b.Ack(got[0].id).code(), ErrorCode::kNotFound) << "the nack ended the lease";
  EXPECT_EQ(StatsOf(b, "ocr.tasks").delayed, 1);

  Advance(delay - 1ms);
  EXPECT_TRUE(LeaseAll(b, kOcr).empty()) << "not before the backoff is over";
  Advance(1ms);
  got = LeaseAll(b, kOcr, 1, 10s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message.attempt, 2);
  EXPECT_EQ(got[0].message.last_error, "ocr engine unavailable");
}

TEST_P(BrokerContract, AfterMaxAttemptsTheMessageMovesToDocumentsFailedWithTheLastError) {
  BrokerOptions o = Options();
  o.max_attempts = 3;
  Broker& b = Open(o);
  ASSERT_TRUE(b.Publish("extraction.tasks", "globex", "d7", "payload-7").ok());
  std::uint64_t message_id = 0;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    std::vector<Delivery> got = LeaseAll(b, {"extraction.tasks"}, 1, 10s);
    ASSERT_EQ(got.size(), 1u) << "attempt " << attempt;
    EXPECT_EQ(got[0].message.attempt, attempt);
    message_id = got[0].message_id;
    ASSERT_TRUE(b.Nack(got[0].id, "error " + std::to_string(attempt)).ok());
    Advance(2min);  // beyond any backoff
  }
  const TopicStats stage = StatsOf(b, "extraction.tasks");
  EXPECT_EQ(stage.depth() + stage.in_flight, 0);
  EXPECT_TRUE(LeaseAll(b, {"extraction.tasks"}).empty());

  std::vector<Delivery> failed = LeaseAll(b, {"documents.failed"}, 10, 10s);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].message_id, message_id);
  EXPECT_EQ(failed[0].message.topic, "documents.failed");
  EXPECT_EQ(failed[0].message.origin_topic, "extraction.tasks");
  EXPECT_EQ(failed[0].message.last_error, "error 3");
  EXPECT_EQ(failed[0].message.tenant, "globex");
  EXPECT_EQ(failed[0].message.key, "d7");
  EXPECT_EQ(failed[0].message.payload, "payload-7");
  EXPECT_EQ(failed[0].message.attempt, 1);
  EXPECT_EQ(failed[0].partition, PartitionFor("d7", 3));
}

TEST_P(BrokerContract, LeasesThatKeepExpiringAlsoEndInDocumentsFailed) {
  BrokerOptions o = Options();
  o.max_attempts = 2;
  Broker& b = Open(o);
  ASSERT_TRUE(b.Publish("ocr.tasks", "acme", "poison", "p").ok());
  for (int attempt = 1; attempt <= 2; ++attempt) {
    ASSERT_EQ(LeaseAll(b, kOcr, 1, 10s).size(), 1u);
    Advance(10s);  // the consumer "crashed"
  }
  EXPECT_TRUE(LeaseAll(b, kOcr).empty());
  std::vector<Delivery> failed = LeaseAll(b, {"documents.failed"});
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].message.last_error, "lease expired");
  EXPECT_EQ(failed[0].message.origin_topic, "ocr.tasks");
}

TEST_P(BrokerContract, AMessageThatFailsInDocumentsFailedIsParked) {
  BrokerOptions o = Options();
  o.max_attempts = 1;
  Broker& b = Open(o);
  ASSERT_TRUE(b.Publish("documents.failed", "acme", "d1", "p").ok());
  std::vector<Delivery> got = LeaseAll(b, {"documents.failed"});
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(b.Nack(got[0].id, "cannot notify").ok());
  Advance(1h);
  EXPECT_TRUE(LeaseAll(b, {"documents.failed"}).empty());
  const TopicStats s = StatsOf(b, "documents.failed");
  EXPECT_EQ(s.parked, 1);
  EXPECT_EQ(s.depth(), 0);
}

// On a lane (partitioned by tenant on every broker); on the stage topics only the embedded broker
// keeps a tenant's order, as Kafka spreads them over partitions by document (topics.h).
TEST_P(BrokerContract, WithinATenantTheOldestMessageComesFirst) {
  Broker& b = Open();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(b.Publish("documents.normal", "acme", "k" + std::to_string(i), "p").ok());
  }
  std::vector<Delivery> got = LeaseAll(b, {"documents.normal"}, 10);
  ASSERT_EQ(got.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(got[i].message.key, "k" + std::to_string(i));
}

// One tenant's burst on a stage topic spreads over the topic's partitions (so over a stage's
// workers on Kafka), while on a lane it stays on the tenant's partition.
TEST_P(BrokerContract, AStageTopicIsPartitionedByDocumentALaneByTenant) {
  Broker& b = Open();
  for (int i = 0; i < 24; ++i) {
    ASSERT_TRUE(b.Publish("ocr.tasks", "acme", "doc" + std::to_string(i), "p").ok());
    ASSERT_TRUE(b.Publish("documents.normal", "acme", "doc" + std::to_string(i), "p").ok());
  }
  std::set<int> stage_partitions;
  for (const Delivery& d : LeaseAll(b, kOcr, 100)) {
    EXPECT_EQ(d.partition, PartitionFor(d.message.key, 12));
    stage_partitions.insert(d.partition);
  }
  EXPECT_GE(stage_partitions.size(), 6u) << "24 documents of one tenant on few partitions";
  std::vector<Delivery> lane = LeaseAll(b, {"documents.normal"}, 100);
  ASSERT_EQ(lane.size(), 24u);
  for (const Delivery& d : lane) EXPECT_EQ(d.partition, PartitionFor("acme", 12));
}

TEST_P(BrokerContract, AnUrgentDocumentBehindTwoHundredNormalOnesIsLeasedNext) {
  Broker& b = Open();
  std::vector<Outgoing> normal;
  for (int i = 0; i < 200; ++i) {
    normal.push_back(
        {"documents.normal", "tenant-" + std::to_string(i % 7), "n" + std::to_string(i), "p"});
  }
  ASSERT_TRUE(b.PublishBatch(normal).ok());
  // Some normal documents are already being worked on when the urgent one arrives.
  ASSERT_EQ(LeaseAll(b, kLanes, 5).size(), 5u);
  ASSERT_TRUE(b.Publish("documents.urgent", "tenant-3", "u1", "p").ok());
  std::vector<Delivery> next = LeaseAll(b, kLanes, 1);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].message.key, "u1");
  EXPECT_EQ(next[0].partition, PartitionFor("tenant-3", 3));
}

TEST_P(BrokerContract, LanesShareLeasesSixThreeOneUnderFullLoad) {
  Broker& b = Open();
  std::vector<Outgoing> batch;
  for (const std::string& lane : kLanes) {
    for (int i = 0; i < 700; ++i)
      batch.push_back({lane, "t" + std::to_string(i % 5), lane + std::to_string(i), "p"});
  }
  ASSERT_TRUE(b.PublishBatch(batch).ok());

  // One lease at a time: every window of 10 consecutive picks holds 6 urgent, 3 high, 1 normal,
  // so normal is never starved and never waits more than 10 picks.
  std::map<std::string, int> total;
  for (int window = 0; window < 10; ++window) {
    std::map<std::string, int> count;
    for (int i = 0; i < 10; ++i) {
      std::vector<Delivery> got = LeaseAll(b, kLanes, 1);
      ASSERT_EQ(got.size(), 1u);
      ++count[got[0].message.topic];
      ++total[got[0].message.topic];
    }
    EXPECT_EQ(count["documents.urgent"], 6) << "window " << window;
    EXPECT_EQ(count["documents.high"], 3) << "window " << window;
    EXPECT_EQ(count["documents.normal"], 1) << "window " << window;
  }
  // Many at a time: the same shares over a long run.
  for (int call = 0; call < 50; ++call) {
    std::vector<Delivery> got = LeaseAll(b, kLanes, 10);
    ASSERT_EQ(got.size(), 10u);
    for (const Delivery& d : got) ++total[d.message.topic];
  }
  EXPECT_EQ(total["documents.urgent"], 360);
  EXPECT_EQ(total["documents.high"], 180);
  EXPECT_EQ(total["documents.normal"], 60);
}

TEST_P(BrokerContract, WhenTheUpperLanesRunDryTheLowerOnesGetEverything) {
  Broker& b = Open();
  ASSERT_TRUE(b.Publish("documents.urgent", "a", "u", "p").ok());
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(b.Publish("documents.normal", "a", "n" + std::to_string(i), "p").ok());
  std::vector<Delivery> got = LeaseAll(b, kLanes, 10);
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[0].message.key, "u");
}

TEST_P(BrokerContract, TenantsTakeTurnsSoASmallTenantIsNotStuckBehindABigOne) {
  Broker& b = Open();
  std::vector<Outgoing> a;
  for (int i = 0; i < 200; ++i)
    a.push_back({"documents.normal", "A", "a" + std::to_string(i), "p"});
  ASSERT_TRUE(b.PublishBatch(a).ok());
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(b.Publish("documents.normal", "B", "b" + std::to_string(i), "p").ok());

  int a_leased = 0, b_leased = 0, a_leased_when_b_done = -1;
  for (int i = 0; i < 60 && a_leased_when_b_done < 0; ++i) {
    std::vector<Delivery> got = LeaseAll(b, kLanes, 1);
    ASSERT_EQ(got.size(), 1u);
    if (got[0].message.tenant == "A") {
      EXPECT_EQ(got[0].message.key, "a" + std::to_string(a_leased)) << "A's own order is kept";
      ++a_leased;
    } else {
      EXPECT_EQ(got[0].message.key, "b" + std::to_string(b_leased));
      if (++b_leased == 5) a_leased_when_b_done = a_leased;
    }
  }
  ASSERT_EQ(b_leased, 5);
  EXPECT_LT(a_leased_when_b_done, 50);
  EXPECT_LE(a_leased_when_b_done, 5) << "strict turns: A, B, A, B, ...";
}

TEST_P(BrokerContract, ATenantArrivingMidBacklogIsServedFromTheNextTurn) {
  Broker& b = Open();
  std::vector<Outgoing> a;
  for (int i = 0; i < 200; ++i) a.push_back({"ocr.tasks", "A", "a" + std::to_string(i), "p"});
  ASSERT_TRUE(b.PublishBatch(a).ok());
  for (const Delivery& d : LeaseAll(b, kOcr, 120)) ASSERT_TRUE(b.Ack(d.id).ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(b.Publish("ocr.tasks", "B", "b" + std::to_string(i), "p").ok());
  }
  std::vector<Delivery> next = LeaseAll(b, kOcr, 10);
  ASSERT_EQ(next.size(), 10u);
  int b_count = 0;
  for (const Delivery& d : next) b_count += d.message.tenant == "B";
  EXPECT_EQ(b_count, 5);
  EXPECT_TRUE(next[0].message.key == "b0" || next[1].message.key == "b0") << "on the next turn";
}

TEST_P(BrokerContract, ARetriedMessageKeepsItsPlaceInLineOnlyOnTheEmbeddedBroker) {
  BrokerOptions o = Options();
  o.backoff.initial = 1s;
  Broker& b = Open(o);
  const std::vector<std::string> normal = {"documents.normal"};  // one tenant, one partition
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(b.Publish("documents.normal", "A", "k" + std::to_string(i), "p").ok());
  std::vector<Delivery> got = LeaseAll(b, normal, 1);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(b.Nack(got[0].id, "transient").ok());
  Advance(1s);
  if (!kafka()) {
    got = LeaseAll(b, normal, 1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].message.key, "k0");
    EXPECT_EQ(got[0].message.attempt, 2);
    return;
  }
  // Kafka (kafka_broker.h, "Differs"): the Nack republished k0 at the end of its partition, so
  // after its backoff it comes after k1..k4, still with its attempt count and error.
  got = LeaseAll(b, normal, 5);
  ASSERT_EQ(got.size(), 5u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(got[i].message.key, "k" + std::to_string(i + 1));
  EXPECT_EQ(got[4].message.key, "k0");
  EXPECT_EQ(got[4].message.attempt, 2);
  EXPECT_EQ(got[4].message.last_error, "transient");
}

TEST_P(BrokerContract, StatsCountReadyDelayedInFlightAndPerTenant) {
  Broker& b = Open();
  ASSERT_TRUE(b.Publish("ocr.tasks", "A", "a1", "p").ok());
  ASSERT_TRUE(b.Publish("ocr.tasks", "A", "a2", "p").ok());
  ASSERT_TRUE(b.Publish("ocr.tasks", "B", "b1", "p").ok());
  Advance(5s);
  std::vector<Delivery> got = LeaseAll(b, kOcr, 2);  // a1, then b1 (turns)
  ASSERT_EQ(got.size(), 2u);
  ASSERT_EQ(got[1].message.key, "b1");
  ASSERT_TRUE(b.Nack(got[1].id, "x").ok());
  Advance(1ms);
  const TopicStats s = StatsOf(b, "ocr.tasks");
  EXPECT_EQ(s.in_flight, 1);
  EXPECT_EQ(s.ready + s.delayed, 2);
  EXPECT_EQ(s.depth(), 2);
  EXPECT_EQ(s.oldest_ready_age, 5001ms);  // a2, published 5.001 s ago
  EXPECT_EQ(s.queued_by_tenant.at("A"), 1);
  EXPECT_EQ(s.queued_by_tenant.at("B"), 1);
  const TopicStats other = StatsOf(b, "classification.tasks");
  EXPECT_EQ(other.depth() + other.in_flight, 0);
  EXPECT_EQ(other.oldest_ready_age, 0ms);
}

// Counted by leasing rather than by Stats: on Kafka a topic nobody leases reports its depth as
// consumer lag, which also counts the batch's transaction marker (kafka_broker.h).
TEST_P(BrokerContract, PublishBatchIsAllOrNothing) {
  Broker& b = Open();
  EXPECT_EQ(b.PublishBatch({{"ocr.tasks", "A", "1", "p"}, {"bogus", "A", "2", "p"}}).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(LeaseAll(b, kOcr).empty()) << "nothing of the refused batch was published";
  ASSERT_TRUE(b.PublishBatch({{"ocr.tasks", "A", "1", "p"}, {"review.tasks", "A", "2", "p"}}).ok());
  std::vector<Delivery> ocr = LeaseAll(b, kOcr);
  ASSERT_EQ(ocr.size(), 1u);
  EXPECT_EQ(ocr[0].message.key, "1");
  std::vector<Delivery> review = LeaseAll(b, {"review.tasks"});
  ASSERT_EQ(review.size(), 1u);
  EXPECT_EQ(review[0].message.key, "2");
}

TEST_P(BrokerContract, PublishAsyncFuturesHoldThePublishOutcome) {
  Broker& b = Open();
  std::future<Status> bad = b.PublishAsync("bogus", "A", "0", "p");
  EXPECT_EQ(bad.get().code(), ErrorCode::kInvalidArgument);
  std::vector<std::future<Status>> pending;
  for (int i = 0; i < 50; ++i) {
    pending.push_back(b.PublishAsync("ocr.tasks", "t" + std::to_string(i % 3), std::to_string(i),
                                     "payload " + std::to_string(i)));
  }
  for (std::future<Status>& f : pending) ASSERT_TRUE(f.get().ok());
  std::set<std::string> payloads;
  for (const Delivery& d : LeaseAll(b, kOcr)) payloads.insert(d.message.payload);
  EXPECT_EQ(payloads.size(), 50u);
  EXPECT_EQ(payloads.count("payload 49"), 1u);
}

TEST_P(BrokerContract, ClosingTheBrokerFinishesPublishesNobodyWaitedFor) {
  {
    Broker& b = Open();
    for (int i = 0; i < 20; ++i) (void)b.PublishAsync("ocr.tasks", "A", std::to_string(i), "p");
    broker_.reset();  // drains (SQLite: the writer's queue; Kafka: flushes the producer)
  }
  EXPECT_EQ(StatsOf(Open(), "ocr.tasks").depth(), 20);
}

TEST_P(BrokerContract, ConcurrentConsumersNeverShareADelivery) {
  Broker& b = Open();
  std::vector<Outgoing> batch;
  for (int i = 0; i < 500; ++i)
    batch.push_back({"ocr.tasks", "t" + std::to_string(i % 9), std::to_string(i), "p"});
  ASSERT_TRUE(b.PublishBatch(batch).ok());
  CatchUp(b, kOcr);
  std::mutex mu;
  std::multiset<std::string> seen;
  std::vector<std::thread> consumers;
  for (int t = 0; t < 8; ++t) {
    consumers.emplace_back([&] {
      for (;;) {
        auto got = b.Lease(kOcr, 5, 60s);
        ASSERT_TRUE(got.ok());
        if (got->empty()) return;
        for (const Delivery& d : *got) {
          ASSERT_TRUE(b.Ack(d.id).ok());
          std::lock_guard<std::mutex> lock(mu);
          seen.insert(d.message.key);
        }
      }
    });
  }
  for (auto& t : consumers) t.join();
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 500u);
}

TEST_P(BrokerContract, EveryConcurrentPublishThatReturnedOkIsThereOnce) {
  Broker& b = Open();
  constexpr int kThreads = 16, kEach = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string key = std::to_string(t) + "/" + std::to_string(i);
        if (!b.Publish("documents.normal", "tenant-" + std::to_string(t % 8), key, key).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::multiset<std::string> keys;
  for (const Delivery& d : LeaseAll(b, kLanes, 1000)) keys.insert(d.message.key);
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
}

}  // namespace
}  // namespace sheaf
