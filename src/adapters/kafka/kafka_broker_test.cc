// SPDX-License-Identifier: GPL-3.0-or-later
//
// What only the Kafka broker does: consumer groups shared by processes, redelivery after a
// member leaves, lag, topic administration, behaviour with no cluster. The Broker contract
// itself is tests/contract/broker_contract_test.cc. Tests that need a cluster read it from
// SHEAF_TEST_KAFKA and work in a namespace of their own.
#include "adapters/kafka/kafka_broker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "adapters/kafka/kafka_admin.h"
#include "adapters/kafka/kafka_client.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

const std::vector<std::string> kLanes = {"documents.urgent", "documents.high", "documents.normal"};
const std::vector<std::string> kOcr = {"ocr.tasks"};

class KafkaBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* servers = std::getenv("SHEAF_TEST_KAFKA");
    if (servers == nullptr || *servers == '\0') {
      GTEST_SKIP() << "SHEAF_TEST_KAFKA is not set (bootstrap servers of a test Kafka)";
    }
    static std::atomic<int> counter{0};
    std::random_device rd;
    options_.bootstrap_servers = servers;
    options_.ns = "k" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" +
                  std::to_string(rd() % 1000000);
    options_.publish_timeout = 15s;
    options_.session_timeout = 6s;
    options_.heartbeat_interval = 500ms;
    const Status made = CreateTopics(options_, 1, 1);
    ASSERT_TRUE(made.ok()) << made.ToString();
  }
  void TearDown() override {
    if (!options_.ns.empty()) {
      const Status gone = DeleteTopics(options_);
      EXPECT_TRUE(gone.ok()) << gone.ToString();
    }
  }
  std::unique_ptr<KafkaBroker> Open() {
    auto b = KafkaBroker::Open(options_, BrokerOptions{});
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    if (!b.ok()) std::abort();
    return std::move(b).value();
  }

  KafkaOptions options_;
};

// How long a consumer may take to join its group and catch up: a hang guard, not a speed target.
// A broker started moments before may still be loading its group coordinator ("Coordinator load
// in progress"); on a loaded two-core machine the first join has taken more than 30 s.
constexpr std::chrono::seconds kJoin{90};

// Two tenants on different partitions of documents.normal.
std::pair<std::string, std::string> TwoTenantsOnTwoPartitions() {
  const std::string a = "tenant-a";
  for (int i = 0;; ++i) {
    const std::string b = "tenant-b" + std::to_string(i);
    if (PartitionFor(b, 12) != PartitionFor(a, 12)) return {a, b};
  }
}

TEST_F(KafkaBrokerTest, TwoBrokersInOneGroupShareThePartitionsAndAnAckedMessageStaysDone) {
  std::unique_ptr<KafkaBroker> first = Open();
  std::unique_ptr<KafkaBroker> second = Open();
  // Both join the group (each polls in its own thread, as two processes would).
  Status s1, s2;
  std::thread t1([&] { s1 = first->CatchUp(kOcr, kJoin); });
  std::thread t2([&] { s2 = second->CatchUp(kOcr, kJoin); });
  t1.join();
  t2.join();
  ASSERT_TRUE(s1.ok()) << s1.ToString();
  ASSERT_TRUE(s2.ok()) << s2.ToString();

  constexpr int kMessages = 48;
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(first->Publish("ocr.tasks", "t" + std::to_string(i % 24), std::to_string(i), "p")
                    .ok());
  }
  std::multiset<std::string> all;
  std::set<std::string> by_first, by_second;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (static_cast<int>(all.size()) < kMessages && std::chrono::steady_clock::now() < deadline) {
    for (KafkaBroker* b : {first.get(), second.get()}) {
      auto got = b->Lease(kOcr, 100, 60s);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      for (const Delivery& d : *got) {
        ASSERT_TRUE(b->Ack(d.id).ok());
        all.insert(d.message.key);
        (b == first.get() ? by_first : by_second).insert(d.message.key);
      }
    }
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kMessages));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size())
      << "no message went to both";
  EXPECT_FALSE(by_first.empty()) << "both members got partitions";
  EXPECT_FALSE(by_second.empty()) << "both members got partitions";

  // The first leaves: its partitions go to the second, which finds nothing to redo.
  first.reset();
  ASSERT_TRUE(second->CatchUp(kOcr, kJoin).ok());
  auto again = second->Lease(kOcr, 100, 60s);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty()) << again->size() << " acked messages came back";
}

// The lanes are partitioned by tenant (sheaf/topics.h), so the tests below that need one
// tenant's messages on one partition publish to documents.normal and lease the lanes (whose
// group is the one Lag measures).
TEST_F(KafkaBrokerTest, WhenAMemberGoesAwayItsUnackedMessagesGoToAnother) {
  std::unique_ptr<KafkaBroker> first = Open();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(first->Publish("documents.normal", "acme", "k" + std::to_string(i), "p").ok());
  }
  ASSERT_TRUE(first->CatchUp(kLanes, kJoin).ok());
  auto got = first->Lease(kLanes, 10, 60s);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 10u);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(first->Ack((*got)[i].id).ok());

  std::unique_ptr<KafkaBroker> second = Open();
  first.reset();  // leaves holding 6 leases, unacked ("crashed" after its work was lost)
  ASSERT_TRUE(second->CatchUp(kLanes, kJoin).ok());
  auto redelivered = second->Lease(kLanes, 100, 60s);
  ASSERT_TRUE(redelivered.ok());
  ASSERT_EQ(redelivered->size(), 6u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ((*redelivered)[i].message.key, "k" + std::to_string(i + 4));
    // kafka_broker.h: the attempt that died with its process is not counted.
    EXPECT_EQ((*redelivered)[i].message.attempt, 1);
  }
}

TEST_F(KafkaBrokerTest, APartitionTakenAwayByARebalanceEndsItsLeasesAndGoesToTheNewMember) {
  const std::vector<std::string> failed = {"documents.failed"};  // 3 partitions
  std::unique_ptr<KafkaBroker> first = Open();
  // One tenant per partition.
  std::map<int, std::string> tenant_of;
  for (int i = 0; tenant_of.size() < 3; ++i) {
    tenant_of.emplace(PartitionFor("t" + std::to_string(i), 3), "t" + std::to_string(i));
  }
  for (const auto& [partition, tenant] : tenant_of) {
    ASSERT_TRUE(first->Publish("documents.failed", tenant, tenant, "p").ok());
  }
  ASSERT_TRUE(first->CatchUp(failed, kJoin).ok());
  auto held = first->Lease(failed, 10, 60s);
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->size(), 3u);

  // A second member joins; the first keeps polling (leasing nothing) so the rebalance completes.
  std::unique_ptr<KafkaBroker> second = Open();
  std::atomic<bool> joined{false};
  Status caught_up;
  std::thread join([&] {
    caught_up = second->CatchUp(failed, kJoin);
    joined = true;
  });
  while (!joined) {
    ASSERT_TRUE(first->Lease(failed, 10, 60s).ok());
    std::this_thread::sleep_for(5ms);
  }
  join.join();
  ASSERT_TRUE(caught_up.ok()) << caught_up.ToString();

  std::set<std::string> lost;
  for (const Delivery& d : *held) {
    const Status s = first->Ack(d.id);
    if (s.code() == ErrorCode::kNotFound) {
      lost.insert(d.message.key);
    } else {
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
  }
  auto moved = second->Lease(failed, 10, 60s);
  ASSERT_TRUE(moved.ok());
  std::set<std::string> got;
  for (const Delivery& d : *moved) got.insert(d.message.key);
  EXPECT_FALSE(lost.empty()) << "the second member took at least one partition";
  EXPECT_EQ(got, lost) << "exactly the leases the first lost are delivered to the second";
}

TEST_F(KafkaBrokerTest, AnUrgentMessageOvertakesABacklogOfTwoHundredNormalOnes) {
  std::unique_ptr<KafkaBroker> b = Open();
  std::vector<Outgoing> normal;
  for (int i = 0; i < 200; ++i) {
    normal.push_back(
        {"documents.normal", "tenant-" + std::to_string(i % 7), std::to_string(i), "p"});
  }
  ASSERT_TRUE(b->PublishBatch(normal).ok());
  ASSERT_TRUE(b->CatchUp(kLanes, kJoin).ok());
  ASSERT_EQ(b->Lease(kLanes, 5, 60s)->size(), 5u);

  const auto published = std::chrono::steady_clock::now();
  ASSERT_TRUE(b->Publish("documents.urgent", "tenant-3", "urgent", "p").ok());
  const auto acked = std::chrono::steady_clock::now();
  // Wait until the consumer has fetched it (the lanes' buffer shows it ready) ...
  const auto deadline = acked + 30s;
  for (;;) {
    auto s = b->Stats("documents.urgent");
    ASSERT_TRUE(s.ok());
    if (s->ready == 1) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "never fetched";
    std::this_thread::sleep_for(1ms);
  }
  const auto fetched = std::chrono::steady_clock::now();
  // ... then it is the very next lease, ahead of the 195 normal ones.
  auto next = b->Lease(kLanes, 1, 60s);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].message.key, "urgent");
  const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::printf("[ measured ] urgent behind 195 normal: publish acknowledged in %.1f ms, leasable "
              "%.1f ms after the publish returned (%.1f ms end to end)\n",
              ms(acked - published), ms(fetched - acked), ms(fetched - published));
}

TEST_F(KafkaBrokerTest, LagIsPerPartitionAndShrinksAsOffsetsAreCommitted) {
  std::unique_ptr<KafkaBroker> b = Open();
  const auto [x, y] = TwoTenantsOnTwoPartitions();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(b->Publish("documents.normal", x, "x" + std::to_string(i), "p").ok());
  }
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b->Publish("documents.normal", y, "y" + std::to_string(i), "p").ok());
  }
  Result<std::vector<std::int64_t>> lag = b->Lag("documents.normal");
  ASSERT_TRUE(lag.ok()) << lag.status().ToString();
  ASSERT_EQ(lag->size(), 12u);
  const int px = PartitionFor(x, 12), py = PartitionFor(y, 12);
  for (int p = 0; p < 12; ++p) {
    EXPECT_EQ((*lag)[p], p == px ? 3 : p == py ? 2 : 0) << "partition " << p;
  }
  ASSERT_TRUE(b->CatchUp(kLanes, kJoin).ok());
  auto got = b->Lease(kLanes, 10, 60s);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 5u);
  for (const Delivery& d : *got) {
    if (d.message.key == "x0" || d.message.key == "x1") {
      ASSERT_TRUE(b->Ack(d.id).ok());
    }
  }
  lag = b->Lag("documents.normal");
  ASSERT_TRUE(lag.ok());
  EXPECT_EQ((*lag)[px], 1);
  EXPECT_EQ((*lag)[py], 2) << "leased but not acked: still lag";
  EXPECT_EQ(b->Lag("nope").status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(KafkaBrokerTest, CreateTopicsIsIdempotent) {
  const Status again = CreateTopics(options_, 1, 1);
  EXPECT_TRUE(again.ok()) << "the topics exist already: fine; " << again.ToString();
  EXPECT_EQ(CreateTopics(options_, 1, 2).code(), ErrorCode::kInvalidArgument);
  KafkaOptions no_ns = options_;
  no_ns.ns.clear();
  EXPECT_EQ(DeleteTopics(no_ns).code(), ErrorCode::kInvalidArgument);
}

TEST_F(KafkaBrokerTest, TheBufferHoldsAtMostItsBoundPerPartitionAndRefillsAsRecordsAreAcked) {
  options_.max_buffered_per_partition = 5;
  std::unique_ptr<KafkaBroker> b = Open();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(b->Publish("documents.normal", "acme", "k" + std::to_string(i), "p").ok());
  }
  ASSERT_TRUE(b->CatchUp(kLanes, kJoin).ok());
  auto first = b->Lease(kLanes, 100, 60s);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 5u) << "one partition, paused when its buffer is full";
  int next_key = 0;
  for (const Delivery& d : *first) {
    EXPECT_EQ(d.message.key, "k" + std::to_string(next_key++));
    ASSERT_TRUE(b->Ack(d.id).ok());
  }
  // Acks drain the buffer and resume the partition: the rest arrives, in order, none twice.
  // (librdkafka 2.0 starts fetching a resumed partition about a second later.)
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (next_key < 20 && std::chrono::steady_clock::now() < deadline) {
    auto got = b->Lease(kLanes, 100, 60s);
    ASSERT_TRUE(got.ok());
    EXPECT_LE(got->size(), 5u);
    for (const Delivery& d : *got) {
      EXPECT_EQ(d.message.key, "k" + std::to_string(next_key++));
      ASSERT_TRUE(b->Ack(d.id).ok());
    }
    if (got->empty()) std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(next_key, 20);
  Result<std::vector<std::int64_t>> lag = b->Lag("documents.normal");
  ASSERT_TRUE(lag.ok());
  EXPECT_EQ((*lag)[PartitionFor("acme", 12)], 0) << "every offset committed";
}

// Creates one topic with `partitions` partitions, by hand (not as CreateTopics would).
void CreateOneTopic(const KafkaOptions& o, const std::string& name, int partitions) {
  kafka::Conf conf;
  ASSERT_TRUE(kafka::CommonSettings(o, &conf).ok());
  Result<rd_kafka_t*> rk = kafka::NewClient(RD_KAFKA_PRODUCER, &conf);
  ASSERT_TRUE(rk.ok());
  char err[256];
  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(name.c_str(), partitions, 1, err, sizeof err);
  ASSERT_NE(topic, nullptr) << err;
  rd_kafka_queue_t* queue = rd_kafka_queue_new(*rk);
  rd_kafka_CreateTopics(*rk, &topic, 1, nullptr, queue);
  rd_kafka_event_t* ev = kafka::WaitForEvent(queue, RD_KAFKA_EVENT_CREATETOPICS_RESULT, 15s);
  ASSERT_NE(ev, nullptr);
  std::size_t n = 0;
  const rd_kafka_topic_result_t** res =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(rd_kafka_topic_result_error(res[0]), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_event_destroy(ev);
  rd_kafka_NewTopic_destroy(topic);
  rd_kafka_queue_destroy(queue);
  rd_kafka_destroy(*rk);
}

TEST_F(KafkaBrokerTest, CreateTopicsRefusesATopicWithAnotherPartitionCountNamingIt) {
  KafkaOptions other = options_;
  other.ns = options_.ns + "-w";
  const std::string wrong = ClusterTopic(other, "ocr.tasks");
  CreateOneTopic(other, wrong, 2);
  const Status s = CreateTopics(other, 1, 1);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find(wrong), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("2 partitions"), std::string::npos) << s.message();
  EXPECT_TRUE(DeleteTopics(other).ok());
}

// No cluster needed: nothing listens on this loopback port.
TEST(KafkaBrokerWithoutCluster, PublishAndLagGiveUnavailableWithinTheirDeadline) {
  KafkaOptions o;
  o.bootstrap_servers = "127.0.0.1:1";
  o.publish_timeout = 1s;
  auto b = KafkaBroker::Open(o, BrokerOptions{});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ((*b)->Publish("ocr.tasks", "A", "k", "p").code(), ErrorCode::kUnavailable);
  const Status batch = (*b)->PublishBatch({{"ocr.tasks", "A", "k", "p"}});
  EXPECT_EQ(batch.code(), ErrorCode::kUnavailable) << batch.ToString();
  EXPECT_EQ((*b)->Lag("ocr.tasks").status().code(), ErrorCode::kUnavailable);
  auto leased = (*b)->Lease(kOcr, 1, 1s);
  ASSERT_TRUE(leased.ok()) << "leasing never waits for the network";
  EXPECT_TRUE(leased->empty());
  EXPECT_EQ(CreateTopics(o, 1, 1).code(), ErrorCode::kUnavailable);
}

TEST(KafkaBrokerWithoutCluster, OptionsOutOfRangeAreRefused) {
  KafkaOptions o;
  o.bootstrap_servers = "127.0.0.1:1";
  BrokerOptions bad;
  bad.max_attempts = 0;
  EXPECT_EQ(KafkaBroker::Open(o, bad).status().code(), ErrorCode::kInvalidArgument);
  o.bootstrap_servers.clear();
  EXPECT_EQ(KafkaBroker::Open(o, BrokerOptions{}).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sheaf
