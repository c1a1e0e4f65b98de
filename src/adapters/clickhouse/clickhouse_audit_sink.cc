// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/clickhouse/clickhouse_audit_sink.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "adapters/curl/curl_common.h"

namespace sheaf::clickhouse {

namespace {

using curl_adapter::EasyDeleter;
using curl_adapter::GlobalInit;
using curl_adapter::ListDeleter;

constexpr std::size_t kMaxErrorText = 300;  // bytes of ClickHouse's error answer kept

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64 || std::isdigit(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// "http://host[:port]" with nothing after it but an optional "/".
bool ValidEndpoint(const std::string& endpoint) {
  const std::string scheme = "http://";
  if (endpoint.rfind(scheme, 0) != 0 || endpoint.size() == scheme.size()) return false;
  std::string rest = endpoint.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  return !rest.empty() && std::all_of(rest.begin(), rest.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
}

// An error answer as one printable line, cut short.
std::string Excerpt(const std::string& body) {
  std::string out;
  for (char c : body.substr(0, kMaxErrorText)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (body.size() > kMaxErrorText) out += "...";
  return out;
}

// An endpoint for messages: user info (which may hold a password) replaced by "***".
std::string EndpointForMessage(const std::string& endpoint) {
  std::string out = Excerpt(endpoint);
  const std::size_t start = out.find("://");
  const std::size_t at = out.rfind('@');
  if (start != std::string::npos && at != std::string::npos && at > start) {
    out.replace(start + 3, at - start - 3, "***");
  }
  return out;
}

Status BadEndpoint(const std::string& endpoint) {
  return Status(ErrorCode::kInvalidArgument,
                "clickhouse endpoint \"" + EndpointForMessage(endpoint) +
                    "\": expected http://HOST[:PORT] (no user, path or query)");
}

struct Answer {
  std::string body;
  std::size_t limit = 0;
  bool too_long = false;
};

std::size_t Collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  const std::size_t n = size * count;
  try {
    if (n > answer->limit - answer->body.size()) {
      answer->too_long = true;
      return 0;  // CURLE_WRITE_ERROR
    }
    answer->body.append(data, n);
    return n;
  } catch (const std::exception&) {
    return 0;  // no exception may unwind through libcurl
  }
}

struct CurlFree {
  void operator()(char* p) const { curl_free(p); }
};

// A JSONEachRow field that ClickHouse may send as a number or (64-bit integers) as a string.
std::int64_t Int64Field(const nlohmann::json& row, const char* name) {
  const nlohmann::json& v = row.at(name);
  if (v.is_string()) return std::stoll(v.get<std::string>());
  return v.get<std::int64_t>();
}

class ClickHouseAuditSink final : public AuditSink {
 public:
  explicit ClickHouseAuditSink(ClickHouseOptions options)
      : options_(std::move(options)),
        table_(options_.database + "." + options_.table) {}

  Result<std::int64_t> ShippedUpTo(const std::string& tenant_id) override {
    if (Status s = CheckTenant(tenant_id); !s.ok()) return s;
    if (Status s = EnsureTable(); !s.ok()) return s;
    // A tenant the table holds nothing of gives 0 (max over no rows is the type's default).
    Result<std::string> answer = Execute(
        options_, "SELECT max(seq) FROM " + table_ + " WHERE tenant_id = '" + tenant_id + "'");
    if (!answer.ok()) return answer.status();
    try {
      std::size_t used = 0;
      const std::int64_t seq = std::stoll(*answer, &used);
      if (seq >= 0 && (used == answer->size() || (*answer)[used] == '\n')) return seq;
    } catch (const std::exception&) {
    }
    return Status(ErrorCode::kIoError,
                  Where() + ": max(seq) is not a number: \"" + Excerpt(*answer) + "\"");
  }

  Status Write(const std::vector<AuditEntry>& entries) override {
    if (Status s = CheckAuditBatch(entries); !s.ok()) return s;
    std::string rows;
    for (const AuditEntry& e : entries) {
      nlohmann::ordered_json row;
      row["seq"] = e.seq;
      row["at"] = e.at;
      row["actor"] = e.actor;
      row["action"] = e.action;
      row["tenant_id"] = e.tenant_id;
      row["document_id"] = e.document_id;
      row["details_json"] = e.details_json;
      row["prev_hash"] = e.prev_hash;
      row["hash"] = e.hash;
      try {
        rows += row.dump();
      } catch (const nlohmann::json::exception&) {
        return Status(ErrorCode::kInvalidArgument,
                      Where() + ": audit entry " + std::to_string(e.seq) +
                          " has text that is not UTF-8; JSONEachRow cannot carry it unchanged");
      }
      rows += '\n';
    }
    if (Status s = EnsureTable(); !s.ok()) return s;
    Result<std::string> answer =
        Execute(options_, "INSERT INTO " + table_ + " FORMAT JSONEachRow", rows);
    return answer.ok() ? Status::Ok() : answer.status();
  }

  Result<std::vector<AuditEntry>> Read(const std::string& tenant_id, std::int64_t after_seq,
                                       int limit) override {
    if (Status s = CheckTenant(tenant_id); !s.ok()) return s;
    if (limit < 1 || limit > kMaxBatch || after_seq < 0) {
      return Status(ErrorCode::kInvalidArgument,
                    Where() + ": read limit " + std::to_string(limit) + " (1.." +
                        std::to_string(kMaxBatch) + " allowed), after " +
                        std::to_string(after_seq));
    }
    if (Status s = EnsureTable(); !s.ok()) return s;
    Result<std::string> answer = Execute(
        options_,
        "SELECT seq, at, actor, action, tenant_id, document_id, details_json, prev_hash, hash "
        "FROM " + table_ + " FINAL WHERE tenant_id = '" + tenant_id + "' AND seq > " +
            std::to_string(after_seq) + " ORDER BY seq LIMIT " + std::to_string(limit) +
            " FORMAT JSONEachRow");
    if (!answer.ok()) return answer.status();
    std::vector<AuditEntry> out;
    std::size_t start = 0;
    while (start < answer->size()) {
      std::size_t end = answer->find('\n', start);
      if (end == std::string::npos) end = answer->size();
      const std::string line = answer->substr(start, end - start);
      start = end + 1;
      if (line.empty()) continue;
      try {
        const nlohmann::json row = nlohmann::json::parse(line);
        AuditEntry e;
        e.seq = Int64Field(row, "seq");
        e.at = Int64Field(row, "at");
        e.actor = row.at("actor").get<std::string>();
        e.action = row.at("action").get<std::string>();
        e.tenant_id = row.at("tenant_id").get<std::string>();
        e.document_id = row.at("document_id").get<std::string>();
        e.details_json = row.at("details_json").get<std::string>();
        e.prev_hash = row.at("prev_hash").get<std::string>();
        e.hash = row.at("hash").get<std::string>();
        out.push_back(std::move(e));
      } catch (const std::exception&) {
        return Status(ErrorCode::kIoError,
                      Where() + ": an answer row is not an audit entry: \"" + Excerpt(line) + "\"");
      }
    }
    return out;
  }

 private:
  std::string Where() const { return "clickhouse " + table_; }

  // Tenant ids go into queries as literals (ClickHouse 18.16 has no query parameters): only
  // the characters ValidAuditTenant allows, none of which needs quoting.
  Status CheckTenant(const std::string& tenant_id) const {
    if (ValidAuditTenant(tenant_id)) return Status::Ok();
    return Status(ErrorCode::kInvalidArgument, Where() + ": tenant id \"" +
                                                   tenant_id.substr(0, 80) +
                                                   "\" is not 0-64 of [0-9a-z_-]");
  }

  // Creates the database and table once per sink; after a failure, tries again next call.
  Status EnsureTable() {
    std::lock_guard<std::mutex> lock(mu_);
    if (table_ready_) return Status::Ok();
    Result<std::string> db = Execute(options_, "CREATE DATABASE IF NOT EXISTS " + options_.database);
    if (!db.ok()) return db.status();
    Result<std::string> table = Execute(
        options_,
        "CREATE TABLE IF NOT EXISTS " + table_ +
            " (seq Int64, at Int64, actor String, action String, tenant_id String,"
            " document_id String, details_json String, prev_hash String, hash String,"
            " day Date MATERIALIZED toDate(toDateTime(intDiv(at, 1000), 'UTC')))"
            " ENGINE = ReplacingMergeTree ORDER BY (tenant_id, seq)");
    if (!table.ok()) return table.status();
    table_ready_ = true;
    return Status::Ok();
  }

  const ClickHouseOptions options_;
  const std::string table_;  // "database.table"
  std::mutex mu_;
  bool table_ready_ = false;  // GUARDED_BY(mu_)
};

}  // namespace

Result<std::string> Execute(const ClickHouseOptions& options, const std::string& sql,
                            const std::string& body) {
  std::string endpoint = options.endpoint;
  if (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  const std::string where = "clickhouse " + endpoint;
  if (!ValidEndpoint(options.endpoint)) return BadEndpoint(options.endpoint);
  if (options.timeout.count() <= 0) {
    return Status(ErrorCode::kInvalidArgument, where + ": the timeout must be positive");
  }
  if (const CURLcode init = GlobalInit(); init != CURLE_OK) {
    return Status(ErrorCode::kUnavailable,
                  where + ": libcurl failed to initialise: " + curl_easy_strerror(init));
  }
  try {
    std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
    if (!easy) return Status(ErrorCode::kUnavailable, where + ": cannot create a libcurl handle");
    CURL* h = easy.get();
    // Without data the statement is the body; with data it goes in the URL (?query=).
    std::string url = endpoint + "/?output_format_json_quote_64bit_integers=0";
    std::string payload = sql;
    if (!body.empty()) {
      std::unique_ptr<char, CurlFree> escaped(
          curl_easy_escape(h, sql.c_str(), static_cast<int>(sql.size())));
      if (!escaped) return Status(ErrorCode::kUnavailable, where + ": out of memory");
      url += "&query=" + std::string(escaped.get());
      payload = body;
    }
    std::unique_ptr<curl_slist, ListDeleter> headers(
        curl_slist_append(nullptr, "Content-Type: text/plain; charset=utf-8"));
    if (!headers) return Status(ErrorCode::kUnavailable, where + ": out of memory");
    curl_slist* more = curl_slist_append(headers.get(), "Expect:");
    if (more == nullptr) return Status(ErrorCode::kUnavailable, where + ": out of memory");

    Answer answer;
    answer.limit = options.max_response_bytes;
    char error[CURL_ERROR_SIZE] = {0};
    CURLcode rc = CURLE_OK;
    const auto set = [&](CURLoption option, auto value) {
      if (rc == CURLE_OK) rc = curl_easy_setopt(h, option, value);
    };
    set(CURLOPT_ERRORBUFFER, error);
    set(CURLOPT_URL, url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
    set(CURLOPT_PROTOCOLS_STR, "http");
#else
    set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP));
#endif
    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_FOLLOWLOCATION, 0L);
    set(CURLOPT_POST, 1L);
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    set(CURLOPT_POSTFIELDS, payload.c_str());
    set(CURLOPT_HTTPHEADER, headers.get());
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout.count()));
    set(CURLOPT_WRITEFUNCTION, &Collect);
    set(CURLOPT_WRITEDATA, static_cast<void*>(&answer));
    // A password without a user is ClickHouse's "default" user's.
    const std::string user =
        options.user.empty() && !options.password.empty() ? "default" : options.user;
    if (!user.empty()) {
      set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      set(CURLOPT_USERNAME, user.c_str());
      set(CURLOPT_PASSWORD, options.password.c_str());
    }
    if (rc != CURLE_OK) {
      return Status(ErrorCode::kUnavailable,
                    where + ": cannot configure libcurl: " + curl_easy_strerror(rc));
    }
    rc = curl_easy_perform(h);
    if (answer.too_long) {
      return Status(ErrorCode::kIoError, where + ": the answer is longer than " +
                                             std::to_string(options.max_response_bytes) +
                                             " bytes (max_response_bytes)");
    }
    if (rc != CURLE_OK) {
      const std::string detail = error[0] != '\0' ? error : curl_easy_strerror(rc);
      if (rc == CURLE_OPERATION_TIMEDOUT) {
        return Status(ErrorCode::kUnavailable, where + ": timed out after " +
                                                   std::to_string(options.timeout.count()) +
                                                   " ms (" + detail + ")");
      }
      return Status(ErrorCode::kUnavailable, where + ": " + detail);
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
      const ErrorCode code = status == 503 ? ErrorCode::kUnavailable : ErrorCode::kIoError;
      return Status(code, where + ": HTTP " + std::to_string(status) + ": " + Excerpt(answer.body));
    }
    return std::move(answer.body);
  } catch (const std::exception& e) {
    return Status(ErrorCode::kUnavailable, where + ": " + e.what());
  }
}

Result<std::unique_ptr<AuditSink>> OpenClickHouseAuditSink(ClickHouseOptions options) {
  if (!ValidEndpoint(options.endpoint)) return BadEndpoint(options.endpoint);
  if (!ValidName(options.database) || !ValidName(options.table)) {
    return Status(ErrorCode::kInvalidArgument,
                  "clickhouse database \"" + Excerpt(options.database) + "\" or table \"" +
                      Excerpt(options.table) +
                      "\": expected 1-64 of A-Z, a-z, 0-9 and _, not starting with a digit");
  }
  if (options.timeout.count() <= 0 || options.max_response_bytes == 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "clickhouse: timeout and max_response_bytes must be positive");
  }
  return std::unique_ptr<AuditSink>(std::make_unique<ClickHouseAuditSink>(std::move(options)));
}

}  // namespace sheaf::clickhouse
