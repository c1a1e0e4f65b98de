// SPDX-License-Identifier: GPL-3.0-or-later
//
// LeaseTable: the Kafka broker's local buffer of fetched, uncommitted messages of one consumer
// group (one stage), and the leases on them. No Kafka SDK here: the broker feeds it the records
// its consumer fetched and does what it answers (commit an offset, pause or resume a partition,
// publish a retry or a dead letter).
//
// Per assigned partition it holds the records from the committed offset on, in offset order,
// each ready, delayed (not_before in the future), leased, settling (a Nack's republish under
// way) or done. An offset is committed only when it and every offset before it are done, so a
// crash redelivers every record whose work was not finished (at least once).
//
// Order of Pick, as sheaf/broker.h asks, within what the buffer holds: smooth weighted round
// robin across topics (lanes by BrokerOptions::lane_weights, other topics 1), tenants taking
// turns within a topic (start-time fair queuing tags, as the SQLite broker), and per tenant in
// offset order. A delayed record is skipped, it does not block its partition.
//
// Thread-compatible: the broker guards each table with its consumer group's mutex.
#ifndef SHEAF_ADAPTERS_KAFKA_LEASE_TABLE_H_
#define SHEAF_ADAPTERS_KAFKA_LEASE_TABLE_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sheaf/broker.h"

namespace sheaf::kafka {

// A record as fetched, decoded from its headers. `message.attempt` is the number of attempts
// that ended before this record was written (0 for a new message).
struct Record {
  std::string topic;  // the logical topic (no namespace)
  int partition = 0;
  std::int64_t offset = 0;
  Message message;
  std::uint64_t message_id = 0;
  std::int64_t enqueued_ms = 0;    // on the broker's clock, when first published
  std::int64_t not_before_ms = 0;  // not leased before this (retry backoff); 0 = at once
  std::int64_t produced_ms = 0;    // Kafka's record timestamp: ties between equal tags
  bool parked = false;             // a parked dead letter: never delivered, done on sight
};

struct PartitionKey {
  std::string topic;
  int partition = 0;
  bool operator<(const PartitionKey& o) const {
    return topic != o.topic ? topic < o.topic : partition < o.partition;
  }
};

// What the broker must tell Kafka after a record is done: commit `commit_offset` (the next
// offset to read) when set, and resume the partition when `resume`.
struct Progress {
  std::optional<std::int64_t> commit_offset;
  bool resume = false;
};

// A record whose lease ended without success for the last time: the broker publishes it to
// documents.failed (or parks it) and then calls Done.
struct DeadLetter {
  Record record;
  int attempt = 0;  // the attempt that ended
  std::string error;
  std::uint64_t epoch = 0;
};

class LeaseTable {
 public:
  // `max_buffered` bounds the records held per partition (>= 1): the partition is paused when it
  // holds that many; records librdkafka had already fetched still arrive, so it can hold up to
  // about twice that (librdkafka prefetches at most max_buffered per partition, kafka_client.cc).
  LeaseTable(BrokerOptions options, int max_buffered);

  // A partition was assigned: records will come from its committed offset on.
  void Assign(const PartitionKey& p);
  // A partition was revoked: drops its records and their leases. Returns the offset to commit
  // (the end of its done prefix) if it moved since the last commit.
  std::optional<std::int64_t> Revoke(const PartitionKey& p);
  bool Assigned(const PartitionKey& p) const { return parts_.count(p) > 0; }
  std::vector<PartitionKey> Partitions() const;

  // Adds a fetched record. Records of an unassigned partition and offsets already held are
  // dropped (a refetch after pause/resume). Returns true when the partition is now full and
  // must be paused.
  bool Add(Record record, std::int64_t now_ms);
  // The offset the partition's next fetched record should have, -1 when none was fetched yet.
  std::int64_t NextOffset(const PartitionKey& p) const;
  // True when the partition is assigned and holds no record (all fetched ones are done).
  bool Drained(const PartitionKey& p) const;
  bool Paused(const PartitionKey& p) const;

  // Ends the leases expired at `now_ms` (a failed attempt, "lease expired"): ready again, or
  // returned as dead letters when that was the last attempt (they stay in the table, settling,
  // until Done or Restore).
  std::vector<DeadLetter> Expire(std::int64_t now_ms);

  // Leases up to `max` ready records of `topics` until now_ms + lease_ms.
  std::vector<Delivery> Pick(const std::vector<std::string>& topics, int max, std::int64_t now_ms,
                             std::int64_t lease_ms, std::uint64_t* next_lease_id);

  // A lease still held at now_ms (not ended, not expired), or nullptr.
  struct Held {
    Record* record = nullptr;
    int attempt = 0;  // the attempt the lease is
    std::uint64_t epoch = 0;
  };
  Held Find(std::uint64_t lease_id, std::int64_t now_ms);
  // Moves the end of a held lease.
  bool Extend(std::uint64_t lease_id, std::int64_t now_ms, std::int64_t lease_ms);
  // Ends a held lease and marks the record settling: it is neither leased again nor expired
  // until Done (success) or Restore (the settling failed; the lease is held again).
  bool Settle(std::uint64_t lease_id, std::int64_t now_ms);
  void Restore(const PartitionKey& p, std::int64_t offset, std::uint64_t epoch,
               std::uint64_t lease_id);
  // Marks a record done. Nothing happens when the partition was revoked since `epoch`.
  Progress Done(const PartitionKey& p, std::int64_t offset, std::uint64_t epoch);
  // Ends a held lease successfully.
  std::optional<std::pair<PartitionKey, Progress>> Ack(std::uint64_t lease_id, std::int64_t now_ms);
  // Marks that `offset` (the next to read) was committed.
  void Committed(const PartitionKey& p, std::int64_t offset);
  // Every partition whose done prefix ends past its committed offset, with that end (the
  // offset to commit).
  std::vector<std::pair<PartitionKey, std::int64_t>> Uncommitted() const;

  // Counts of `topic` in this buffer.
  TopicStats Stats(const std::string& topic, std::int64_t now_ms) const;

 private:
  enum class State { kReady, kLeased, kSettling, kDone };
  struct Entry {
    Record record;
    State state = State::kReady;
    int ended = 0;  // attempts ended: the header's plus the expiries seen here
    std::int64_t tag = 0;
    std::uint64_t lease_id = 0;
    std::int64_t lease_until_ms = 0;
  };
  struct Partition {
    std::deque<Entry> entries;   // ascending offsets
    std::int64_t next_offset = -1;
    std::int64_t done_to = -1;    // the end of the done prefix (the next offset not done)
    std::int64_t committed = -1;  // the last offset committed (the next to read)
    bool paused = false;
    std::uint64_t epoch = 0;
  };
  struct Fairness {
    std::int64_t now = 0;
    std::unordered_map<std::string, std::int64_t> last;
  };
  struct LeaseRef {
    PartitionKey partition;
    std::int64_t offset = 0;
    std::uint64_t epoch = 0;
  };

  Entry* Lookup(const LeaseRef& ref, Partition** part);
  int Weight(const std::string& topic) const;
  std::int64_t NextTag(const std::string& topic, const std::string& tenant);
  Progress Advance(const PartitionKey& key, Partition& p);

  const BrokerOptions options_;
  const int max_buffered_;
  std::map<PartitionKey, Partition> parts_;
  std::unordered_map<std::uint64_t, LeaseRef> leases_;
  std::unordered_map<std::string, Fairness> fairness_;  // by topic
  std::map<std::string, std::int64_t> credit_;          // by topic: smooth weighted round robin
  std::uint64_t next_epoch_ = 1;
};

}  // namespace sheaf::kafka

#endif  // SHEAF_ADAPTERS_KAFKA_LEASE_TABLE_H_
