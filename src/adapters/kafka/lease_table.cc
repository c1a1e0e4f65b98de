// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/kafka/lease_table.h"

#include <algorithm>
#include <tuple>

namespace sheaf::kafka {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

system_clock::time_point FromMs(std::int64_t ms) {
  return system_clock::time_point(
      std::chrono::duration_cast<system_clock::duration>(milliseconds(ms)));
}

}  // namespace

LeaseTable::LeaseTable(BrokerOptions options, int max_buffered)
    : options_(std::move(options)), max_buffered_(std::max(1, max_buffered)) {}

void LeaseTable::Assign(const PartitionKey& p) {
  Partition& part = parts_[p];
  part = Partition();
  part.epoch = next_epoch_++;
}

std::optional<std::int64_t> LeaseTable::Revoke(const PartitionKey& p) {
  auto it = parts_.find(p);
  if (it == parts_.end()) return std::nullopt;
  Advance(p, it->second);
  std::optional<std::int64_t> commit;
  if (it->second.done_to > it->second.committed) commit = it->second.done_to;
  for (auto l = leases_.begin(); l != leases_.end();) {
    l = l->second.partition.topic == p.topic && l->second.partition.partition == p.partition
            ? leases_.erase(l)
            : std::next(l);
  }
  parts_.erase(it);
  return commit;
}

std::vector<PartitionKey> LeaseTable::Partitions() const {
  std::vector<PartitionKey> out;
  for (const auto& [key, part] : parts_) out.push_back(key);
  return out;
}

int LeaseTable::Weight(const std::string& topic) const {
  if (topic == topics::kDocumentsUrgent) return options_.lane_weights.urgent;
  if (topic == topics::kDocumentsHigh) return options_.lane_weights.high;
  if (topic == topics::kDocumentsNormal) return options_.lane_weights.normal;
  return 1;
}

std::int64_t LeaseTable::NextTag(const std::string& topic, const std::string& tenant) {
  Fairness& f = fairness_[topic];
  std::int64_t& last = f.last[tenant];
  last = std::max(last, f.now) + 1;
  if (f.last.size() > 4096) {
    // Tenants whose tags are behind `now` start from `now` anyway: forget them.
    for (auto it = f.last.begin(); it != f.last.end();) {
      it = it->second <= f.now ? f.last.erase(it) : std::next(it);
    }
  }
  return last;
}

bool LeaseTable::Add(Record record, std::int64_t /*now_ms*/) {
  const PartitionKey key{record.topic, record.partition};
  auto it = parts_.find(key);
  if (it == parts_.end()) return false;
  Partition& part = it->second;
  if (part.next_offset >= 0 && record.offset < part.next_offset) {
    return static_cast<int>(part.entries.size()) >= max_buffered_ && !part.paused;
  }
  part.next_offset = record.offset + 1;
  Entry e;
  e.ended = record.message.attempt;
  if (record.parked) {
    e.state = State::kDone;  // never delivered again
  } else {
    e.tag = NextTag(record.topic, record.message.tenant);
  }
  e.record = std::move(record);
  part.entries.push_back(std::move(e));
  if (part.entries.back().state == State::kDone) Advance(key, part);
  if (static_cast<int>(part.entries.size()) >= max_buffered_ && !part.paused) {
    part.paused = true;
    return true;
  }
  return false;
}

std::int64_t LeaseTable::NextOffset(const PartitionKey& p) const {
  auto it = parts_.find(p);
  return it == parts_.end() ? -1 : it->second.next_offset;
}

bool LeaseTable::Drained(const PartitionKey& p) const {
  auto it = parts_.find(p);
  return it != parts_.end() && it->second.entries.empty();
}

bool LeaseTable::Paused(const PartitionKey& p) const {
  auto it = parts_.find(p);
  return it != parts_.end() && it->second.paused;
}

std::vector<DeadLetter> LeaseTable::Expire(std::int64_t now_ms) {
  std::vector<DeadLetter> dead;
  for (auto l = leases_.begin(); l != leases_.end();) {
    Partition* part = nullptr;
    Entry* e = Lookup(l->second, &part);
    if (e == nullptr) {
      l = leases_.erase(l);
      continue;
    }
    if (e->lease_until_ms > now_ms) {
      ++l;
      continue;
    }
    const int attempt = e->ended + 1;
    e->ended = attempt;
    e->record.message.last_error = "lease expired";
    e->lease_id = 0;
    if (attempt >= options_.max_attempts) {
      e->state = State::kSettling;
      dead.push_back({e->record, attempt, "lease expired", part->epoch});
    } else {
      e->state = State::kReady;
    }
    l = leases_.erase(l);
  }
  return dead;
}

std::vector<Delivery> LeaseTable::Pick(const std::vector<std::string>& topics, int max,
                                       std::int64_t now_ms, std::int64_t lease_ms,
                                       std::uint64_t* next_lease_id) {
  // The head of each topic: its ready record with the smallest (tag, enqueued, produced,
  // partition, offset). A tenant's records share a partition and get rising tags, so a
  // tenant's own records leave in offset order.
  struct Head {
    Entry* entry = nullptr;
    Partition* part = nullptr;
    PartitionKey key;
  };
  const auto find_head = [&](const std::string& topic) {
    Head best;
    for (auto it = parts_.lower_bound({topic, 0}); it != parts_.end() && it->first.topic == topic;
         ++it) {
      for (Entry& e : it->second.entries) {
        if (e.state != State::kReady || e.record.not_before_ms > now_ms) continue;
        const auto rank = [](const Entry& x) {
          return std::make_tuple(x.tag, x.record.enqueued_ms, x.record.produced_ms,
                                 x.record.partition, x.record.offset);
        };
        if (best.entry == nullptr || rank(e) < rank(*best.entry)) {
          best = {&e, &it->second, it->first};
        }
      }
    }
    return best;
  };

  std::vector<std::string> order;
  for (const std::string& t : topics) {
    if (std::find(order.begin(), order.end(), t) == order.end()) order.push_back(t);
  }
  std::vector<Head> heads;
  for (const std::string& t : order) heads.push_back(find_head(t));

  std::vector<Delivery> out;
  while (static_cast<int>(out.size()) < max) {
    // Smooth weighted round robin, as the SQLite broker: each topic with work gains its weight,
    // the richest is served and pays the total; a topic without work keeps no credit.
    std::int64_t total = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (heads[i].entry != nullptr) {
        total += Weight(order[i]);
      } else {
        credit_[order[i]] = 0;
      }
    }
    if (total == 0) break;
    std::size_t best = order.size();
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (heads[i].entry == nullptr) continue;
      std::int64_t& c = credit_[order[i]];
      c += Weight(order[i]);
      if (best == order.size() || c > credit_[order[best]] ||
          (c == credit_[order[best]] && Weight(order[i]) > Weight(order[best]))) {
        best = i;
      }
    }
    credit_[order[best]] -= total;

    Entry& e = *heads[best].entry;
    Fairness& f = fairness_[order[best]];
    f.now = std::max(f.now, e.tag);
    e.state = State::kLeased;
    e.lease_id = (*next_lease_id)++;
    e.lease_until_ms = now_ms + lease_ms;
    leases_[e.lease_id] = {heads[best].key, e.record.offset, heads[best].part->epoch};

    Delivery d;
    d.id = e.lease_id;
    d.message_id = e.record.message_id;
    d.message = e.record.message;
    d.message.topic = e.record.topic;
    d.message.attempt = e.ended + 1;
    d.partition = e.record.partition;
    d.enqueued_at = FromMs(e.record.enqueued_ms);
    d.lease_until = FromMs(e.lease_until_ms);
    out.push_back(std::move(d));
    heads[best] = find_head(order[best]);
  }
  return out;
}

LeaseTable::Entry* LeaseTable::Lookup(const LeaseRef& ref, Partition** part) {
  auto it = parts_.find(ref.partition);
  if (it == parts_.end() || it->second.epoch != ref.epoch) return nullptr;
  std::deque<Entry>& entries = it->second.entries;
  auto e = std::lower_bound(entries.begin(), entries.end(), ref.offset,
                            [](const Entry& x, std::int64_t off) { return x.record.offset < off; });
  if (e == entries.end() || e->record.offset != ref.offset) return nullptr;
  if (part != nullptr) *part = &it->second;
  return &*e;
}

LeaseTable::Held LeaseTable::Find(std::uint64_t lease_id, std::int64_t now_ms) {
  auto l = leases_.find(lease_id);
  if (l == leases_.end()) return {};
  Entry* e = Lookup(l->second, nullptr);
  if (e == nullptr || e->state != State::kLeased || e->lease_id != lease_id ||
      e->lease_until_ms <= now_ms) {
    return {};
  }
  return {&e->record, e->ended + 1, l->second.epoch};
}

bool LeaseTable::Extend(std::uint64_t lease_id, std::int64_t now_ms, std::int64_t lease_ms) {
  auto l = leases_.find(lease_id);
  if (l == leases_.end() || Find(lease_id, now_ms).record == nullptr) return false;
  Lookup(l->second, nullptr)->lease_until_ms = now_ms + lease_ms;
  return true;
}

bool LeaseTable::Settle(std::uint64_t lease_id, std::int64_t now_ms) {
  if (Find(lease_id, now_ms).record == nullptr) return false;
  auto l = leases_.find(lease_id);
  Entry* e = Lookup(l->second, nullptr);
  e->state = State::kSettling;
  leases_.erase(l);
  return true;
}

void LeaseTable::Restore(const PartitionKey& p, std::int64_t offset, std::uint64_t epoch,
                         std::uint64_t lease_id) {
  const LeaseRef ref{p, offset, epoch};
  Entry* e = Lookup(ref, nullptr);
  if (e == nullptr || e->state != State::kSettling) return;
  if (lease_id == 0) {
    e->state = State::kReady;  // an expiry whose dead-lettering failed: try again later
    return;
  }
  e->state = State::kLeased;
  e->lease_id = lease_id;
  leases_[lease_id] = ref;
}

Progress LeaseTable::Done(const PartitionKey& p, std::int64_t offset, std::uint64_t epoch) {
  Partition* part = nullptr;
  Entry* e = Lookup({p, offset, epoch}, &part);
  if (e == nullptr) return {};
  e->state = State::kDone;
  e->record.message.payload.clear();
  e->record.message.payload.shrink_to_fit();
  return Advance(p, *part);
}

std::optional<std::pair<PartitionKey, Progress>> LeaseTable::Ack(std::uint64_t lease_id,
                                                                 std::int64_t now_ms) {
  auto l = leases_.find(lease_id);
  if (l == leases_.end() || Find(lease_id, now_ms).record == nullptr) return std::nullopt;
  const LeaseRef ref = l->second;
  leases_.erase(l);
  return std::make_pair(ref.partition, Done(ref.partition, ref.offset, ref.epoch));
}

Progress LeaseTable::Advance(const PartitionKey& /*key*/, Partition& p) {
  Progress progress;
  std::int64_t next = -1;
  while (!p.entries.empty() && p.entries.front().state == State::kDone) {
    next = p.entries.front().record.offset + 1;
    p.entries.pop_front();
  }
  if (next >= 0) p.done_to = std::max(p.done_to, next);
  if (next >= 0 && next > p.committed) progress.commit_offset = next;
  if (p.paused && static_cast<int>(p.entries.size()) < max_buffered_) {
    p.paused = false;
    progress.resume = true;
  }
  return progress;
}

void LeaseTable::Committed(const PartitionKey& p, std::int64_t offset) {
  auto it = parts_.find(p);
  if (it != parts_.end()) it->second.committed = std::max(it->second.committed, offset);
}

std::vector<std::pair<PartitionKey, std::int64_t>> LeaseTable::Uncommitted() const {
  std::vector<std::pair<PartitionKey, std::int64_t>> out;
  for (const auto& [key, part] : parts_) {
    if (part.done_to > part.committed) out.emplace_back(key, part.done_to);
  }
  return out;
}

TopicStats LeaseTable::Stats(const std::string& topic, std::int64_t now_ms) const {
  TopicStats s;
  std::int64_t oldest = -1;
  for (auto it = parts_.lower_bound({topic, 0}); it != parts_.end() && it->first.topic == topic;
       ++it) {
    for (const Entry& e : it->second.entries) {
      const bool expired_lease = e.state == State::kLeased && e.lease_until_ms <= now_ms;
      if (e.state == State::kLeased && !expired_lease) {
        ++s.in_flight;
      } else if (e.state == State::kReady || expired_lease) {
        if (e.record.not_before_ms > now_ms && !expired_lease) {
          ++s.delayed;
        } else {
          ++s.ready;
          if (oldest < 0 || e.record.enqueued_ms < oldest) oldest = e.record.enqueued_ms;
        }
        ++s.queued_by_tenant[e.record.message.tenant];
      }
    }
  }
  if (oldest >= 0) s.oldest_ready_age = milliseconds(std::max<std::int64_t>(0, now_ms - oldest));
  return s;
}

}  // namespace sheaf::kafka
