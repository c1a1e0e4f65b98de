// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/sqlite/sqlite_broker.h"

#include <sqlite3.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <random>
#include <unordered_map>
#include <utility>

#include "adapters/sqlite/private_file.h"
#include "adapters/sqlite/statement.h"
#include "queue/backoff.h"

namespace sheaf {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// Most operations one transaction takes: bounds the latency a caller adds to the others.
// Longest lease or extension accepted: keeps deadline arithmetic far from overflow.
constexpr milliseconds kMaxLease = std::chrono::hours(24 * 365);

// Message states.
constexpr std::int64_t kReady = 0;
constexpr std::int64_t kLeased = 1;
constexpr std::int64_t kParked = 2;
constexpr std::int64_t kWaiting = 3;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so a message id names one message
  topic TEXT NOT NULL,
  part INTEGER NOT NULL,        -- partition
  tenant TEXT NOT NULL,
  msg_key TEXT NOT NULL,
  payload BLOB NOT NULL,
  state INTEGER NOT NULL,       -- 0 ready, 1 leased, 2 parked, 3 waiting out a retry backoff;
                                -- acked messages are deleted
  tag INTEGER NOT NULL,         -- fair-queuing start tag: ready messages leave in (tag, id) order
  attempt INTEGER NOT NULL,     -- deliveries so far (in this topic)
  not_before INTEGER NOT NULL,  -- waiting: ready again from then on (ms since the Unix epoch)
  lease_until INTEGER NOT NULL, -- leased: the lease ends then
  lease_id INTEGER,             -- leased: the lease's id; NULL otherwise
  last_error TEXT NOT NULL,
  origin_topic TEXT NOT NULL,
  enqueued_at INTEGER NOT NULL
);
-- Leasing takes the first entry of (topic, 0); Stats reads it alone, no table rows.
CREATE INDEX IF NOT EXISTS messages_queue ON messages(topic, state, tag, tenant, enqueued_at);
-- Waking messages whose backoff is over, ending expired leases.
CREATE INDEX IF NOT EXISTS messages_waiting ON messages(not_before) WHERE state = 3;
CREATE INDEX IF NOT EXISTS messages_expiry ON messages(lease_until) WHERE state = 1;
-- Ack, Nack, Extend.
CREATE UNIQUE INDEX IF NOT EXISTS messages_lease ON messages(lease_id) WHERE state = 1;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', 1);
)sql";

Status StorageError(sqlite3* db, int rc, const std::string& path, std::string_view what) {
  const int primary = rc & 0xff;
  const ErrorCode code = primary == SQLITE_BUSY || primary == SQLITE_LOCKED
                             ? ErrorCode::kUnavailable
                             : ErrorCode::kIoError;
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (primary == SQLITE_BUSY) detail += " (the broker database is open in another broker)";
  return Status(code, path + ": " + std::string(what) + ": " + detail);
}

Status NotHeld(std::uint64_t id) {
  return Status(ErrorCode::kNotFound,
                "lease " + std::to_string(id) + " is not held (expired, already ended or unknown)");
}

system_clock::time_point ToTime(std::int64_t ms) {
  return system_clock::time_point(
      std::chrono::duration_cast<system_clock::duration>(milliseconds(ms)));
}

using sqlite::Bind;
using sqlite::Run;
using sqlite::Stmt;

Status ValidateTopic(std::string_view topic) {
  if (PartitionCount(topic) > 0) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument, "unknown topic \"" + std::string(topic) + "\"");
}

Status ValidateLease(milliseconds lease) {
  if (lease.count() > 0 && lease <= kMaxLease) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument,
                "lease of " + std::to_string(lease.count()) + " ms is not in (0, 1 year]");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Store: the database and the scheduling state. Every method runs on the writer thread, inside
// the batch's transaction, except Open (before the thread starts) and the destructor (after it
// ended).

class SqliteBroker::Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::string& path, BrokerOptions options);
  ~Store() {
    // Statements first: a connection with live statements does not close.
    statements_.clear();
    sqlite3_close(db_);
  }

  Status Exec(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status::Ok() : StorageError(db_, rc, path_, sql);
  }
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

  Status Insert(std::string_view topic, std::string_view tenant, std::string_view key,
                std::string_view payload);
  Status Lease(const std::vector<std::string>& topics, int max, milliseconds lease,
               std::vector<Delivery>* out);
  Status Ack(std::uint64_t id);
  Status Nack(std::uint64_t id, const std::string& error);
  Status Extend(std::uint64_t id, milliseconds lease);
  Status Stats(const std::string& topic, TopicStats* stats);

 private:
  // Start-time fair queuing between the tenants of one topic. Each message gets a tag when it
  // joins the topic: one more than the later of its tenant's previous tag and `now`, the tag
  // of the last message leased. Ready messages leave in (tag, id) order. So tenants with
  // queued messages alternate one message each (tags 1, 2, 3 ... of every tenant interleave),
  // and a tenant that arrives behind another's long backlog starts at `now` + 1, i.e. on the
  // next turn, instead of behind the backlog. A retried message keeps its tag: once its
  // backoff is over it goes first again.
  struct Fairness {
    std::int64_t now = 0;
    std::unordered_map<std::string, std::int64_t> last;  // tenant -> its latest tag
    std::size_t prune_at = 1024;  // size of `last` at which stale entries are dropped
  };
  struct Candidate {
    std::string topic;
    int weight = 1;
    bool has_head = false;
    std::int64_t head_id = 0;
    std::int64_t head_tag = 0;
  };
  // A leased row, as Nack and expiry need it.
  struct LeasedRow {
    std::int64_t id = 0;
    std::string topic;
    std::string tenant;
    std::int64_t attempt = 0;
    std::string key;
  };

  Store(sqlite3* db, std::string path, BrokerOptions options)
      : db_(db),
        path_(std::move(path)),
        options_(std::move(options)),
        rng_(options_.jitter_seed != 0 ? options_.jitter_seed : std::random_device{}()) {}

  Status Error(int rc, std::string_view what) const { return StorageError(db_, rc, path_, what); }
  Status Prepare(Stmt* stmt, const char* sql) {
    const int rc = stmt->Prepare(db_, sql);
    return rc == SQLITE_OK ? Status::Ok() : Error(rc, sql);
  }
  std::int64_t NowMs() const {
    const system_clock::time_point now = options_.clock ? options_.clock() : system_clock::now();
    return std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
  }
  int Weight(std::string_view topic) const;
  // Reads meta and rebuilds the fairness state from the messages (at Open).
  Status Load();
  // The tag of a message of `tenant` joining `topic` now.
  std::int64_t NextTag(const std::string& topic, const std::string& tenant);
  // Records that a message tagged `tag` was leased from `topic`.
  void Served(const std::string& topic, std::int64_t tag);

  // Readies the messages whose backoff is over and ends the leases expired at `now`: each
  // expiry is a failed attempt ("lease expired").
  Status Wake(std::int64_t now);
  // Ends the attempt of `row` with `error`: ready again after `delay`, or, when it was the last
  // attempt, dead-lettered (parked when already in documents.failed).
  Status EndAttempt(const LeasedRow& row, const std::string& error, milliseconds delay,
                    std::int64_t now);
  // Sets the candidate's head to the first ready message of its topic.
  Status FindHead(Candidate* c);
  // Leases message `id` until `lease_until` and appends the delivery to `out`.
  Status Take(std::int64_t id, std::int64_t lease_until, std::vector<Delivery>* out);

  sqlite3* const db_;
  const std::string path_;
  const BrokerOptions options_;
  Rng rng_;
  std::uint64_t next_lease_id_ = 1;  // persisted in meta.next_lease_id with each lease
  std::unordered_map<std::string, Fairness> fairness_;  // by topic
  // Smooth weighted round robin: per list of topics leased together, each topic's credit.
  std::unordered_map<std::string, std::vector<std::int64_t>> credit_;

  std::vector<std::unique_ptr<Stmt>> statements_;
  Stmt* insert_ = nullptr;
  Stmt* head_ = nullptr;
  Stmt* take_ = nullptr;
  Stmt* save_lease_id_ = nullptr;
  Stmt* wake_waiting_ = nullptr;
  Stmt* expired_ = nullptr;
  Stmt* find_lease_ = nullptr;
  Stmt* retry_ = nullptr;
  Stmt* dead_letter_ = nullptr;
  Stmt* park_ = nullptr;
  Stmt* ack_ = nullptr;
  Stmt* extend_ = nullptr;
  Stmt* counts_ = nullptr;
  Stmt* tenant_counts_ = nullptr;
};

Result<std::unique_ptr<SqliteBroker::Store>> SqliteBroker::Store::Open(const std::string& path,
                                                                       BrokerOptions options) {
  if (Status made = CreatePrivateFile(path); !made.ok()) return made;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  // The store owns the handle from here on, even when opening failed.
  std::unique_ptr<Store> store(new Store(db, path, std::move(options)));
  if (rc != SQLITE_OK) return store->Error(rc, "cannot open");

  // Exclusive locking before WAL: one broker per file, and no shared-memory index to go stale.
  Status s = store->Exec("PRAGMA locking_mode = EXCLUSIVE");
  if (!s.ok()) return s;
  {
    Stmt wal;
    s = store->Prepare(&wal, "PRAGMA journal_mode = WAL");
    if (!s.ok()) return s;
    Run run(wal, Bind::kBorrow);
    const int step = run.Step();
    if (step != SQLITE_ROW) return store->Error(step, "cannot switch to WAL");
    if (run.ColumnText(0) != "wal") {
      return Status(ErrorCode::kIoError, path + ": the database refuses WAL mode (journal mode " +
                                             run.ColumnText(0) + ")");
    }
  }
  // FULL: in WAL mode, every commit syncs the WAL before it returns.
  s = store->Exec("PRAGMA synchronous = FULL");
  if (!s.ok()) return s;
  s = store->Exec("BEGIN IMMEDIATE");
  if (!s.ok()) return s;
  s = store->Exec(kSchema);
  if (s.ok()) s = store->Load();
  if (s.ok()) s = store->Exec("COMMIT");
  if (!s.ok()) {
    store->Exec("ROLLBACK");
    return s;
  }

  const std::pair<Stmt**, const char*> statements[] = {
      {&store->insert_,
       "INSERT INTO messages (topic, part, tenant, msg_key, payload, state, tag, attempt,"
       " not_before, lease_until, lease_id, last_error, origin_topic, enqueued_at)"
       " VALUES (?1, ?2, ?3, ?4, ?5, 0, ?7, 0, 0, 0, NULL, '', '', ?6)"},
      {&store->head_,
       "SELECT id, tag FROM messages WHERE topic = ?1 AND state = 0 ORDER BY tag, id LIMIT 1"},
      {&store->take_,
       "UPDATE messages SET state = 1, attempt = attempt + 1, lease_until = ?2, lease_id = ?3"
       " WHERE id = ?1 AND state = 0"
       " RETURNING topic, part, tenant, msg_key, payload, attempt, last_error, origin_topic,"
       " enqueued_at"},
      {&store->save_lease_id_,
       "INSERT INTO meta (name, value) VALUES ('next_lease_id', ?1)"
       " ON CONFLICT (name) DO UPDATE SET value = excluded.value"},
      {&store->wake_waiting_, "UPDATE messages SET state = 0 WHERE state = 3 AND not_before <= ?1"},
      {&store->expired_,
       "SELECT id, topic, tenant, attempt, msg_key FROM messages WHERE state = 1 AND lease_until <= ?1"},
      {&store->find_lease_,
       "SELECT id, topic, tenant, attempt, msg_key FROM messages"
       " WHERE lease_id = ?1 AND state = 1 AND lease_until > ?2"},
      {&store->retry_,
       "UPDATE messages SET state = ?2, not_before = ?3, lease_until = 0, lease_id = NULL,"
       " last_error = ?4 WHERE id = ?1"},
      {&store->dead_letter_,
       "UPDATE messages SET topic = ?2, part = ?3, origin_topic = ?4, state = 0, tag = ?5,"
       " attempt = 0, not_before = 0, lease_until = 0, lease_id = NULL, last_error = ?6"
       " WHERE id = ?1"},
      {&store->park_,
       "UPDATE messages SET state = 2, lease_until = 0, lease_id = NULL, last_error = ?2"
       " WHERE id = ?1"},
      {&store->ack_, "DELETE FROM messages WHERE lease_id = ?1 AND state = 1 AND lease_until > ?2"},
      {&store->extend_,
       "UPDATE messages SET lease_until = ?3 WHERE lease_id = ?1 AND state = 1 AND"
       " lease_until > ?2"},
      {&store->counts_,
       "SELECT state, COUNT(*), MIN(enqueued_at) FROM messages WHERE topic = ?1 GROUP BY state"},
      {&store->tenant_counts_,
       "SELECT tenant, COUNT(*) FROM messages WHERE topic = ?1 AND state IN (0, 3)"
       " GROUP BY tenant"},
  };
  for (const auto& [slot, sql] : statements) {
    auto stmt = std::make_unique<Stmt>();
    s = store->Prepare(stmt.get(), sql);
    if (!s.ok()) return s;
    *slot = stmt.get();
    store->statements_.push_back(std::move(stmt));
  }
  return store;
}

Status SqliteBroker::Store::Load() {
  {
    Stmt meta;
    Status s = Prepare(&meta, "SELECT name, value FROM meta");
    if (!s.ok()) return s;
    Run run(meta, Bind::kBorrow);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      const std::string name = run.ColumnText(0);
      const std::int64_t value = run.ColumnInt(1);
      if (name == "schema_version" && value != 1) {
        return Status(ErrorCode::kIoError, path_ + ": broker database schema version " +
                                               std::to_string(value) + " is not supported");
      }
      if (name == "next_lease_id")
        next_lease_id_ = static_cast<std::uint64_t>(std::max<std::int64_t>(value, 1));
    }
    if (rc != SQLITE_DONE) return Error(rc, "cannot read meta");
  }
  // Each tenant's latest tag, and per topic the tag before its first live message: where the
  // fair queue stood when the broker stopped, closely enough.
  {
    Stmt last;
    Status s =
        Prepare(&last, "SELECT topic, tenant, MAX(tag) FROM messages GROUP BY topic, tenant");
    if (!s.ok()) return s;
    Run run(last, Bind::kBorrow);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      fairness_[run.ColumnText(0)].last[run.ColumnText(1)] = run.ColumnInt(2);
    }
    if (rc != SQLITE_DONE) return Error(rc, "cannot read tenants");
  }
  Stmt first;
  Status s =
      Prepare(&first, "SELECT topic, MIN(tag) FROM messages WHERE state <> 2 GROUP BY topic");
  if (!s.ok()) return s;
  Run run(first, Bind::kBorrow);
  int rc;
  while ((rc = run.Step()) == SQLITE_ROW) fairness_[run.ColumnText(0)].now = run.ColumnInt(1) - 1;
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "cannot read topics");
}

int SqliteBroker::Store::Weight(std::string_view topic) const {
  const std::optional<Lane> lane = LaneOf(topic);
  if (!lane) return 1;
  switch (*lane) {
    case Lane::kUrgent:
      return options_.lane_weights.urgent;
    case Lane::kHigh:
      return options_.lane_weights.high;
    case Lane::kNormal:
      return options_.lane_weights.normal;
  }
  return 1;
}

std::int64_t SqliteBroker::Store::NextTag(const std::string& topic, const std::string& tenant) {
  Fairness& f = fairness_[topic];
  std::int64_t& last = f.last[tenant];
  last = std::max(last, f.now) + 1;
  return last;
}

void SqliteBroker::Store::Served(const std::string& topic, std::int64_t tag) {
  Fairness& f = fairness_[topic];
  f.now = std::max(f.now, tag);
  if (f.last.size() >= f.prune_at) {
    // A tenant whose latest tag is behind `now` would get now + 1 anyway: forget it.
    std::erase_if(f.last, [&](const auto& entry) { return entry.second <= f.now; });
    f.prune_at = std::max<std::size_t>(1024, 2 * f.last.size());
  }
}

Status SqliteBroker::Store::Insert(std::string_view topic, std::string_view tenant,
                                   std::string_view key, std::string_view payload) {
  const std::string topic_name(topic), tenant_name(tenant);
  Run run(*insert_, Bind::kBorrow);
  run.Text(1, topic)
      .Int(2, PartitionOf(topic, tenant, key))
      .Text(3, tenant)
      .Text(4, key)
      .Blob(5, payload)
      .Int(6, NowMs())
      .Int(7, NextTag(topic_name, tenant_name));
  const int rc = run.Step();
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "cannot publish");
}

Status SqliteBroker::Store::Wake(std::int64_t now) {
  {
    Run run(*wake_waiting_, Bind::kBorrow);
    run.Int(1, now);
    const int rc = run.Step();
    if (rc != SQLITE_DONE) return Error(rc, "cannot ready retried messages");
  }
  std::vector<LeasedRow> expired;
  {
    Run run(*expired_, Bind::kBorrow);
    run.Int(1, now);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      expired.push_back({run.ColumnInt(0), run.ColumnText(1), run.ColumnText(2), run.ColumnInt(3),
                         run.ColumnText(4)});
    }
    if (rc != SQLITE_DONE) return Error(rc, "cannot find expired leases");
  }
  for (const LeasedRow& row : expired) {
    // No backoff: an expiry is not the message's fault (its consumer died or hung).
    Status s = EndAttempt(row, "lease expired", milliseconds(0), now);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status SqliteBroker::Store::EndAttempt(const LeasedRow& row, const std::string& error,
                                       milliseconds delay, std::int64_t now) {
  int rc;
  if (row.attempt < options_.max_attempts) {
    Run run(*retry_, Bind::kBorrow);
    run.Int(1, row.id)
        .Int(2, delay.count() > 0 ? kWaiting : kReady)
        .Int(3, now + delay.count())
        .Text(4, error);
    rc = run.Step();
  } else if (row.topic == topics::kDocumentsFailed) {
    Run run(*park_, Bind::kBorrow);
    run.Int(1, row.id).Text(2, error);
    rc = run.Step();
  } else {
    const std::string failed(topics::kDocumentsFailed);
    Run run(*dead_letter_, Bind::kBorrow);
    run.Int(1, row.id)
        .Text(2, failed)
        .Int(3, PartitionOf(failed, row.tenant, row.key))
        .Text(4, row.topic)
        .Int(5, NextTag(failed, row.tenant))
        .Text(6, error);
    rc = run.Step();
  }
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "cannot end an attempt");
}

Status SqliteBroker::Store::FindHead(Candidate* c) {
  Run run(*head_, Bind::kBorrow);
  run.Text(1, c->topic);
  const int rc = run.Step();
  c->has_head = rc == SQLITE_ROW;
  if (rc == SQLITE_DONE) return Status::Ok();
  if (rc != SQLITE_ROW) return Error(rc, "cannot find ready messages");
  c->head_id = run.ColumnInt(0);
  c->head_tag = run.ColumnInt(1);
  return Status::Ok();
}

Status SqliteBroker::Store::Take(std::int64_t id, std::int64_t lease_until,
                                 std::vector<Delivery>* out) {
  const std::uint64_t lease_id = next_lease_id_++;
  Run run(*take_, Bind::kBorrow);
  run.Int(1, id).Int(2, lease_until).Int(3, static_cast<std::int64_t>(lease_id));
  const int rc = run.Step();
  if (rc != SQLITE_ROW) {
    return rc == SQLITE_DONE ? Status(ErrorCode::kInternal, "ready message vanished")
                             : Error(rc, "cannot lease");
  }
  Delivery d;
  d.id = lease_id;
  d.message_id = static_cast<std::uint64_t>(id);
  d.message.topic = run.ColumnText(0);
  d.partition = static_cast<int>(run.ColumnInt(1));
  d.message.tenant = run.ColumnText(2);
  d.message.key = run.ColumnText(3);
  d.message.payload = run.ColumnBlob(4);
  d.message.attempt = static_cast<int>(run.ColumnInt(5));
  d.message.last_error = run.ColumnText(6);
  d.message.origin_topic = run.ColumnText(7);
  d.enqueued_at = ToTime(run.ColumnInt(8));
  d.lease_until = ToTime(lease_until);
  out->push_back(std::move(d));
  return Status::Ok();
}

Status SqliteBroker::Store::Lease(const std::vector<std::string>& topics, int max,
                                  milliseconds lease, std::vector<Delivery>* out) {
  const std::int64_t now = NowMs();
  Status s = Wake(now);
  if (!s.ok()) return s;

  // Each topic once, in the caller's order; the credits are kept per such list.
  std::vector<Candidate> candidates;
  std::string list_key;
  for (const std::string& topic : topics) {
    if (std::any_of(candidates.begin(), candidates.end(),
                    [&](const Candidate& c) { return c.topic == topic; })) {
      continue;
    }
    Candidate c;
    c.topic = topic;
    c.weight = Weight(topic);
    s = FindHead(&c);
    if (!s.ok()) return s;
    candidates.push_back(std::move(c));
    list_key += topic;
    list_key += '\n';
  }
  std::vector<std::int64_t>& credit = credit_[list_key];
  credit.resize(candidates.size(), 0);

  const std::int64_t lease_until = now + lease.count();
  const std::size_t before = out->size();
  while (out->size() - before < static_cast<std::size_t>(max)) {
    // Smooth weighted round robin over the topics with work: each gains its weight, the richest
    // is served and pays the total. Over any run of picks each topic gets its share, and the
    // picks interleave (6:3:1 gives U H U U H U N U H U). Ties go to the heavier topic, then to
    // the one listed first. A topic without work keeps no credit, so one that has been idle
    // neither hoards nor owes turns when work arrives.
    std::int64_t total = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (candidates[i].has_head) {
        total += candidates[i].weight;
      } else {
        credit[i] = 0;
      }
    }
    if (total == 0) break;
    std::size_t best = candidates.size();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (!candidates[i].has_head) continue;
      credit[i] += candidates[i].weight;
      if (best == candidates.size() || credit[i] > credit[best] ||
          (credit[i] == credit[best] && candidates[i].weight > candidates[best].weight)) {
        best = i;
      }
    }
    credit[best] -= total;
    Candidate& c = candidates[best];
    s = Take(c.head_id, lease_until, out);
    if (!s.ok()) return s;
    Served(c.topic, c.head_tag);
    s = FindHead(&c);
    if (!s.ok()) return s;
  }

  if (out->size() > before) {
    Run run(*save_lease_id_, Bind::kBorrow);
    run.Int(1, static_cast<std::int64_t>(next_lease_id_));
    const int rc = run.Step();
    if (rc != SQLITE_DONE) return Error(rc, "cannot save the lease counter");
  }
  return Status::Ok();
}

Status SqliteBroker::Store::Ack(std::uint64_t id) {
  Run run(*ack_, Bind::kBorrow);
  run.Int(1, static_cast<std::int64_t>(id)).Int(2, NowMs());
  const int rc = run.Step();
  if (rc != SQLITE_DONE) return Error(rc, "cannot ack");
  return sqlite3_changes(db_) == 1 ? Status::Ok() : NotHeld(id);
}

Status SqliteBroker::Store::Nack(std::uint64_t id, const std::string& error) {
  const std::int64_t now = NowMs();
  LeasedRow row;
  {
    Run run(*find_lease_, Bind::kBorrow);
    run.Int(1, static_cast<std::int64_t>(id)).Int(2, now);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return NotHeld(id);
    if (rc != SQLITE_ROW) return Error(rc, "cannot nack");
    row = {run.ColumnInt(0), run.ColumnText(1), run.ColumnText(2), run.ColumnInt(3),
           run.ColumnText(4)};
  }
  // Drawn even for a last attempt, so that the n-th delay drawn is always the n-th Nack's.
  const milliseconds delay = RetryDelay(static_cast<int>(row.attempt), options_.backoff, rng_);
  return EndAttempt(row, error, delay, now);
}

Status SqliteBroker::Store::Extend(std::uint64_t id, milliseconds lease) {
  const std::int64_t now = NowMs();
  Run run(*extend_, Bind::kBorrow);
  run.Int(1, static_cast<std::int64_t>(id)).Int(2, now).Int(3, now + lease.count());
  const int rc = run.Step();
  if (rc != SQLITE_DONE) return Error(rc, "cannot extend");
  return sqlite3_changes(db_) == 1 ? Status::Ok() : NotHeld(id);
}

Status SqliteBroker::Store::Stats(const std::string& topic, TopicStats* stats) {
  const std::int64_t now = NowMs();
  // So that every message is counted where it now belongs.
  Status s = Wake(now);
  if (!s.ok()) return s;
  {
    Run run(*counts_, Bind::kBorrow);
    run.Text(1, topic);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      const std::int64_t count = run.ColumnInt(1);
      switch (run.ColumnInt(0)) {
        case kReady:
          stats->ready = count;
          stats->oldest_ready_age = milliseconds(std::max<std::int64_t>(now - run.ColumnInt(2), 0));
          break;
        case kLeased:
          stats->in_flight = count;
          break;
        case kParked:
          stats->parked = count;
          break;
        case kWaiting:
          stats->delayed = count;
          break;
        default:
          return Status(ErrorCode::kInternal, path_ + ": message in an unknown state");
      }
    }
    if (rc != SQLITE_DONE) return Error(rc, "cannot count");
  }
  Run run(*tenant_counts_, Bind::kBorrow);
  run.Text(1, topic);
  int rc;
  while ((rc = run.Step()) == SQLITE_ROW)
    stats->queued_by_tenant[run.ColumnText(0)] = run.ColumnInt(1);
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "cannot count tenants");
}

// ---------------------------------------------------------------------------------------------
// SqliteBroker: argument checks on the caller's thread, then one operation for the writer.

Result<std::unique_ptr<SqliteBroker>> SqliteBroker::Open(const std::string& path,
                                                         BrokerOptions options) {
  if (options.max_attempts < 1) {
    return Status(ErrorCode::kInvalidArgument, "max_attempts must be at least 1");
  }
  if (options.lane_weights.urgent < 1 || options.lane_weights.high < 1 ||
      options.lane_weights.normal < 1) {
    return Status(ErrorCode::kInvalidArgument, "lane weights must be at least 1");
  }
  Result<std::unique_ptr<Store>> store = Store::Open(path, std::move(options));
  if (!store.ok()) return store.status();
  std::unique_ptr<SqliteBroker> broker(new SqliteBroker(std::move(store).value()));
  if (Status s = broker->writer_.Start(); !s.ok()) {
    return Status(s.code(), path + ": " + s.message());
  }
  return broker;
}

SqliteBroker::SqliteBroker(std::unique_ptr<Store> store)
    : store_(std::move(store)), writer_(store_.get(), "broker") {}

SqliteBroker::~SqliteBroker() = default;

Status SqliteBroker::Publish(const std::string& topic, const std::string& tenant,
                             const std::string& key, std::string_view payload) {
  Status s = ValidateTopic(topic);
  if (!s.ok()) return s;
  return Submit([&](Store& store) { return store.Insert(topic, tenant, key, payload); });
}

std::future<Status> SqliteBroker::PublishAsync(const std::string& topic, const std::string& tenant,
                                               const std::string& key, std::string payload) {
  if (Status s = ValidateTopic(topic); !s.ok()) {
    std::promise<Status> refused;
    refused.set_value(s);
    return refused.get_future();
  }
  return writer_.SubmitDetached([topic, tenant, key, payload = std::move(payload)](Store& store) {
    return store.Insert(topic, tenant, key, payload);
  });
}

Status SqliteBroker::PublishBatch(const std::vector<Outgoing>& messages) {
  for (const Outgoing& m : messages) {
    Status s = ValidateTopic(m.topic);
    if (!s.ok()) return s;
  }
  if (messages.empty()) return Status::Ok();
  // One operation, so one savepoint: all or nothing.
  return Submit([&](Store& store) {
    for (const Outgoing& m : messages) {
      Status s = store.Insert(m.topic, m.tenant, m.key, m.payload);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  });
}

Result<std::vector<Delivery>> SqliteBroker::Lease(const std::vector<std::string>& topics, int max,
                                                  milliseconds lease) {
  if (topics.empty()) return Status(ErrorCode::kInvalidArgument, "no topic to lease from");
  for (const std::string& topic : topics) {
    Status s = ValidateTopic(topic);
    if (!s.ok()) return s;
  }
  if (max < 1) return Status(ErrorCode::kInvalidArgument, "max must be at least 1");
  Status s = ValidateLease(lease);
  if (!s.ok()) return s;
  std::vector<Delivery> out;
  s = Submit([&](Store& store) {
    out.clear();
    return store.Lease(topics, max, lease, &out);
  });
  if (!s.ok()) return s;
  return out;
}

Status SqliteBroker::Ack(std::uint64_t id) {
  return Submit([&](Store& store) { return store.Ack(id); });
}

Status SqliteBroker::Nack(std::uint64_t id, const std::string& error) {
  return Submit([&](Store& store) { return store.Nack(id, error); });
}

Status SqliteBroker::Extend(std::uint64_t id, milliseconds lease) {
  Status s = ValidateLease(lease);
  if (!s.ok()) return s;
  return Submit([&](Store& store) { return store.Extend(id, lease); });
}

Result<TopicStats> SqliteBroker::Stats(const std::string& topic) {
  Status s = ValidateTopic(topic);
  if (!s.ok()) return s;
  TopicStats stats;
  s = Submit([&](Store& store) {
    stats = TopicStats();
    return store.Stats(topic, &stats);
  });
  if (!s.ok()) return s;
  return stats;
}

Result<std::unique_ptr<Broker>> OpenSqliteBroker(const std::string& path, BrokerOptions options) {
  Result<std::unique_ptr<SqliteBroker>> broker = SqliteBroker::Open(path, std::move(options));
  if (!broker.ok()) return broker.status();
  return std::unique_ptr<Broker>(std::move(broker).value());
}

}  // namespace sheaf
