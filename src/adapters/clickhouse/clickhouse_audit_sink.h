// SPDX-License-Identifier: GPL-3.0-or-later
//
// AuditSink (sheaf/audit_sink.h) in ClickHouse, over its HTTP interface with libcurl. Written
// for ClickHouse 18.16 (Debian's package) and what it supports: one table
//
//   CREATE TABLE IF NOT EXISTS <database>.sheaf_audit (seq Int64, at Int64, actor String,
//     action String, tenant_id String, document_id String, details_json String,
//     prev_hash String, hash String,
//     day Date MATERIALIZED toDate(toDateTime(intDiv(at, 1000), 'UTC')))
//   ENGINE = ReplacingMergeTree ORDER BY (tenant_id, seq)
//
// made (with its database) on first use. A batch is one `INSERT ... FORMAT JSONEachRow`: fewer
// rows than max_insert_block_size go in as one part, whole or not at all. A batch written twice
// leaves two copies of its rows until a merge keeps one; every read deduplicates with FINAL, so
// a copy never counts twice. ShippedUpTo is `max(seq)`, which copies do not change.
//
// Credentials: never in the URL; the user and password come from the caller (the app reads
// CLICKHOUSE_USER and CLICKHOUSE_PASSWORD) and travel as HTTP basic auth. They are never part
// of a message. Every call is bounded by `timeout` (connecting included).
#ifndef SHEAF_ADAPTERS_CLICKHOUSE_CLICKHOUSE_AUDIT_SINK_H_
#define SHEAF_ADAPTERS_CLICKHOUSE_CLICKHOUSE_AUDIT_SINK_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "sheaf/audit_sink.h"

namespace sheaf::clickhouse {

struct ClickHouseOptions {
  std::string endpoint;  // "http://127.0.0.1:18123": scheme, host and port only
  std::string database;  // 1-64 of A-Z a-z 0-9 _, not starting with a digit
  std::string table = "sheaf_audit";
  std::string user;      // "" = ClickHouse's default user (with `password`, if one is given)
  std::string password;
  std::chrono::milliseconds timeout{10000};  // bounds each HTTP call
  std::size_t max_response_bytes = 64u << 20;  // a longer answer is an io_error
};

// invalid_argument for an endpoint that is not http://HOST[:PORT] or a bad database or table
// name. Connects to nothing: a sink that cannot be reached fails its calls, not its opening.
Result<std::unique_ptr<AuditSink>> OpenClickHouseAuditSink(ClickHouseOptions options);

// Runs one statement (`sql`, with `body` as its data when not empty) and returns the answer's
// body. For the sink, its tests and operators' tools; the same errors as the sink's calls.
Result<std::string> Execute(const ClickHouseOptions& options, const std::string& sql,
                            const std::string& body = std::string());

}  // namespace sheaf::clickhouse

#endif  // SHEAF_ADAPTERS_CLICKHOUSE_CLICKHOUSE_AUDIT_SINK_H_
