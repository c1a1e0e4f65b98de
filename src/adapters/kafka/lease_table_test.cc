// SPDX-License-Identifier: GPL-3.0-or-later
// The Kafka broker's buffer without Kafka: records are fed as the consumer would fetch them.
#include "adapters/kafka/lease_table.h"

#include <gtest/gtest.h>

namespace sheaf::kafka {
namespace {

Record Make(const std::string& topic, int partition, std::int64_t offset, const std::string& tenant,
            const std::string& key) {
  Record r;
  r.topic = topic;
  r.partition = partition;
  r.offset = offset;
  r.message.topic = topic;
  r.message.tenant = tenant;
  r.message.key = key;
  r.message_id = static_cast<std::uint64_t>(offset + 1);
  return r;
}

TEST(LeaseTable, AnOffsetIsCommittedOnlyWhenEveryEarlierOneIsDone) {
  LeaseTable t(BrokerOptions{}, 100);
  const PartitionKey p{"ocr.tasks", 0};
  t.Assign(p);
  for (int i = 0; i < 3; ++i) t.Add(Make("ocr.tasks", 0, 10 + i, "A", std::to_string(i)), 0);
  std::uint64_t next = 1;
  std::vector<Delivery> got = t.Pick({"ocr.tasks"}, 3, 0, 1000, &next);
  ASSERT_EQ(got.size(), 3u);
  auto second = t.Ack(got[1].id, 0);
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->second.commit_offset.has_value()) << "offset 10 is not done yet";
  auto first = t.Ack(got[0].id, 0);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(first->second.commit_offset.has_value());
  EXPECT_EQ(*first->second.commit_offset, 12) << "10 and 11 done: the next to read is 12";
  EXPECT_FALSE(t.Ack(got[0].id, 0).has_value()) << "a lease ends once";
}

TEST(LeaseTable, UncommittedListsEachPartitionsDonePrefixUntilItIsCommitted) {
  LeaseTable t(BrokerOptions{}, 100);
  t.Assign({"ocr.tasks", 0});
  t.Assign({"ocr.tasks", 1});
  t.Add(Make("ocr.tasks", 0, 7, "A", "a"), 0);
  t.Add(Make("ocr.tasks", 1, 3, "B", "b"), 0);
  std::uint64_t next = 1;
  std::vector<Delivery> got = t.Pick({"ocr.tasks"}, 2, 0, 1000, &next);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(t.Uncommitted().empty());
  for (const Delivery& d : got) ASSERT_TRUE(t.Ack(d.id, 0).has_value());
  auto due = t.Uncommitted();
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].second, 8);
  EXPECT_EQ(due[1].second, 4);
  t.Committed(due[0].first, 8);
  due = t.Uncommitted();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].first.partition, 1);
}

TEST(LeaseTable, AFullPartitionIsPausedAndResumedWhenItDrains) {
  LeaseTable t(BrokerOptions{}, 2);
  const PartitionKey p{"documents.normal", 4};
  t.Assign(p);
  EXPECT_FALSE(t.Add(Make("documents.normal", 4, 0, "A", "a0"), 0));
  EXPECT_TRUE(t.Add(Make("documents.normal", 4, 1, "A", "a1"), 0)) << "full: pause";
  EXPECT_TRUE(t.Paused(p));
  std::uint64_t next = 1;
  std::vector<Delivery> got = t.Pick({"documents.normal"}, 1, 0, 1000, &next);
  ASSERT_EQ(got.size(), 1u);
  auto acked = t.Ack(got[0].id, 0);
  ASSERT_TRUE(acked.has_value());
  EXPECT_TRUE(acked->second.resume);
  EXPECT_FALSE(t.Paused(p));
}

TEST(LeaseTable, ARefetchedOffsetIsNotBufferedTwice) {
  LeaseTable t(BrokerOptions{}, 100);
  t.Assign({"ocr.tasks", 0});
  t.Add(Make("ocr.tasks", 0, 5, "A", "x"), 0);
  t.Add(Make("ocr.tasks", 0, 5, "A", "x"), 0);
  std::uint64_t next = 1;
  EXPECT_EQ(t.Pick({"ocr.tasks"}, 10, 0, 1000, &next).size(), 1u);
}

TEST(LeaseTable, RevokingAPartitionEndsItsLeasesAndReturnsItsDonePrefix) {
  LeaseTable t(BrokerOptions{}, 100);
  const PartitionKey p{"ocr.tasks", 1};
  t.Assign(p);
  t.Add(Make("ocr.tasks", 1, 0, "A", "a"), 0);
  t.Add(Make("ocr.tasks", 1, 1, "A", "b"), 0);
  std::uint64_t next = 1;
  std::vector<Delivery> got = t.Pick({"ocr.tasks"}, 2, 0, 1000, &next);
  ASSERT_EQ(got.size(), 2u);
  ASSERT_TRUE(t.Ack(got[0].id, 0).has_value());
  t.Committed(p, 1);
  EXPECT_FALSE(t.Revoke(p).has_value()) << "offset 1 already committed, 2 not done";
  EXPECT_FALSE(t.Ack(got[1].id, 0).has_value()) << "the revoke ended the lease";
}

TEST(LeaseTable, ADelayedRecordDoesNotBlockItsPartition) {
  LeaseTable t(BrokerOptions{}, 100);
  t.Assign({"ocr.tasks", 0});
  Record retry = Make("ocr.tasks", 0, 0, "A", "retry");
  retry.not_before_ms = 5000;
  t.Add(retry, 0);
  t.Add(Make("ocr.tasks", 0, 1, "A", "fresh"), 0);
  std::uint64_t next = 1;
  std::vector<Delivery> got = t.Pick({"ocr.tasks"}, 10, 1000, 1000, &next);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message.key, "fresh");
  EXPECT_EQ(t.Stats("ocr.tasks", 1000).delayed, 1);
  got = t.Pick({"ocr.tasks"}, 10, 5000, 1000, &next);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message.key, "retry");
}

}  // namespace
}  // namespace sheaf::kafka
