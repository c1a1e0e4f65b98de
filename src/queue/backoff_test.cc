// SPDX-License-Identifier: GPL-3.0-or-later
#include "queue/backoff.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sheaf/topics.h"

namespace sheaf {
namespace {

using std::chrono::milliseconds;

TEST(RetryCeiling, GrowsExponentiallyFromInitialAndStopsAtMax) {
  BackoffOptions o;
  o.initial = milliseconds(100);
  o.multiplier = 2;
  o.max = milliseconds(1000);
  EXPECT_EQ(RetryCeiling(1, o), milliseconds(100));
  EXPECT_EQ(RetryCeiling(2, o), milliseconds(200));
  EXPECT_EQ(RetryCeiling(3, o), milliseconds(400));
  EXPECT_EQ(RetryCeiling(4, o), milliseconds(800));
  EXPECT_EQ(RetryCeiling(5, o), milliseconds(1000));
  EXPECT_EQ(RetryCeiling(1'000'000, o), milliseconds(1000));  // no overflow
  EXPECT_EQ(RetryCeiling(0, o), milliseconds(100));           // below 1 counts as 1
  EXPECT_EQ(RetryCeiling(-3, o), milliseconds(100));
}

TEST(RetryDelay, StaysWithinZeroAndTheCeilingAndSpreadsOverTheRange) {
  BackoffOptions o;
  o.initial = milliseconds(1000);
  o.max = milliseconds(30'000);
  Rng rng(7);
  for (int attempt = 1; attempt <= 8; ++attempt) {
    const milliseconds ceiling = RetryCeiling(attempt, o);
    milliseconds low = ceiling, high(0);
    for (int i = 0; i < 2000; ++i) {
      const milliseconds d = RetryDelay(attempt, o, rng);
      ASSERT_GE(d.count(), 0);
      ASSERT_LE(d, ceiling);
      low = std::min(low, d);
      high = std::max(high, d);
    }
    // Full jitter: the whole range is used, not just its top.
    EXPECT_LT(low, ceiling / 10) << "attempt " << attempt;
    EXPECT_GT(high, ceiling * 9 / 10) << "attempt " << attempt;
  }
}

TEST(RetryDelay, IsReproducibleWithTheSameSeed) {
  BackoffOptions o;
  Rng a(42), b(42);
  for (int attempt = 1; attempt <= 5; ++attempt) {
    EXPECT_EQ(RetryDelay(attempt, o, a), RetryDelay(attempt, o, b));
  }
}

TEST(RetryDelay, IsZeroWhenTheCeilingIsZero) {
  BackoffOptions o;
  o.initial = milliseconds(0);
  Rng rng(1);
  EXPECT_EQ(RetryDelay(3, o, rng), milliseconds(0));
}

// The partitioner lives in sheaf/topics.h (header-only); its tests sit here, with the other
// broker-independent queue code.

TEST(Topics, PartitionCountsAreTheDesigns) {
  EXPECT_EQ(PartitionCount(Lane::kUrgent), 3);
  EXPECT_EQ(PartitionCount(Lane::kHigh), 6);
  EXPECT_EQ(PartitionCount(Lane::kNormal), 12);
  EXPECT_EQ(PartitionCount(topics::kOcrTasks), 12);
  EXPECT_EQ(PartitionCount(topics::kClassificationTasks), 6);
  EXPECT_EQ(PartitionCount(topics::kExtractionTasks), 12);
  EXPECT_EQ(PartitionCount(topics::kValidationTasks), 6);
  EXPECT_EQ(PartitionCount(topics::kDocumentsCompleted), 6);
  EXPECT_EQ(PartitionCount(topics::kDocumentsFailed), 3);
  EXPECT_GT(PartitionCount(topics::kReviewTasks), 0);
  EXPECT_GT(PartitionCount(topics::kExportTasks), 0);
  EXPECT_EQ(PartitionCount("documents.low"), 0);
  EXPECT_EQ(LaneOf("documents.high"), Lane::kHigh);
  EXPECT_EQ(LaneOf("ocr.tasks"), std::nullopt);
}

TEST(Topics, Murmur2MatchesKafkasDefaultPartitionerHash) {
  // Values of the Java client's org.apache.kafka.common.utils.Utils.murmur2.
  EXPECT_EQ(Murmur2(""), 0x106e08d9u);
  EXPECT_EQ(Murmur2("kafka"), 0xd067cf64u);
  EXPECT_EQ(Murmur2("giberish123456789"), 0x8f552b0cu);
  EXPECT_EQ(Murmur2("1234"), 0x9fc97b14u);
  EXPECT_EQ(Murmur2("234"), 0xe7c009cau);
  EXPECT_EQ(Murmur2("4"), 0x5a4b5ca1u);
}

TEST(Topics, PartitionForIsStable) {
  // Computed once (and checked against an independent implementation); a change here moves
  // tenants between partitions and breaks agreement with Kafka.
  EXPECT_EQ(Murmur2("acme"), 0xb39b9904u);
  EXPECT_EQ(PartitionFor("acme", 3), 0);
  EXPECT_EQ(PartitionFor("acme", 12), 0);
  EXPECT_EQ(PartitionFor("globex", 3), 1);
  EXPECT_EQ(PartitionFor("globex", 6), 1);
  EXPECT_EQ(PartitionFor("globex", 12), 7);
  EXPECT_EQ(PartitionFor("initech", 12), 6);
  EXPECT_EQ(PartitionFor("tenant-42", 3), 2);
  EXPECT_EQ(PartitionFor("tenant-42", 12), 2);
  EXPECT_EQ(PartitionFor("", 6), 3);
  EXPECT_EQ(PartitionFor("", 12), 9);
  static_assert(PartitionFor("globex", 12) == 7);  // usable at compile time
}

TEST(Topics, PartitionForIsInRangeAndUsesEveryPartition) {
  for (int partitions : {1, 3, 6, 12}) {
    std::set<int> seen;
    for (int i = 0; i < 1000; ++i) {
      const int p = PartitionFor("tenant-" + std::to_string(i), partitions);
      ASSERT_GE(p, 0);
      ASSERT_LT(p, partitions);
      seen.insert(p);
    }
    EXPECT_EQ(static_cast<int>(seen.size()), partitions);
  }
  // High bytes (sign extension would change the hash) and the sign bit of the hash.
  const std::string bytes = "\xff\xfe\x80\x7f\x01";
  EXPECT_EQ(Murmur2(bytes), Murmur2(std::string_view(bytes)));
  for (int partitions : {3, 6, 12}) {
    const int p = PartitionFor(bytes, partitions);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, partitions);
  }
  EXPECT_EQ(PartitionFor("acme", 0), 0);
}

}  // namespace
}  // namespace sheaf
