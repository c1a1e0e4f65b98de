// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/backends.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "adapters/clickhouse/clickhouse_audit_sink.h"
#include "adapters/kafka/kafka_broker.h"
#include "adapters/kafka/kafka_options.h"
#include "adapters/postgres/postgres_metadata_store.h"
#include "adapters/redis/redis_cache.h"
#include "adapters/s3/s3_blob_store.h"
#include "adapters/sqlite/sqlite_broker.h"
#include "adapters/sqlite/sqlite_metadata_store.h"
#include "core/url_query.h"
#include "storage/local_blob_store.h"

namespace sheaf::app {

namespace {

Status BadUrl(const std::string& url, const std::string& why) {
  return Status(ErrorCode::kInvalidArgument, "backend URL \"" + RedactUrl(url) + "\": " + why);
}

// The embedded backends' path: what follows "sqlite:" / "file:" (an authority form such as
// "file:///d" gives "/d").
std::string LocalPath(const BackendUrl& url) {
  return url.has_authority ? url.authority + url.path : url.path;
}

Status MakeParentDir(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) return Status(ErrorCode::kIoError, parent.string() + ": cannot create: " + ec.message());
  return Status::Ok();
}

}  // namespace

Result<BackendUrl> ParseBackendUrl(const std::string& url) {
  BackendUrl out;
  out.text = url;
  const std::size_t colon = url.find(':');
  if (colon == std::string::npos) {
    // A bare word is a scheme with nothing after it ("embedded", "memory").
    out.scheme = url;
  } else {
    out.scheme = url.substr(0, colon);
  }
  if (out.scheme.empty()) return BadUrl(url, "expected SCHEME:... (e.g. kafka://host:9092)");
  for (char c : out.scheme) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return BadUrl(url, "the scheme \"" + out.scheme + "\" has a character other than letters, digits, '+', '-', '.'");
    }
  }
  if (colon == std::string::npos) return out;
  std::string rest = url.substr(colon + 1);
  std::string query;
  if (const std::size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest.resize(q);
  }
  if (rest.rfind("//", 0) == 0) {
    out.has_authority = true;
    rest = rest.substr(2);
    const std::size_t slash = rest.find('/');
    out.authority = rest.substr(0, slash);
    out.path = slash == std::string::npos ? "" : rest.substr(slash);
  } else {
    out.path = rest;
  }
  Result<UrlQuery> pairs = ParseUrlQuery(query);
  if (!pairs.ok()) return BadUrl(url, "percent escape: " + pairs.status().message());
  for (auto& [key, value] : *pairs) {
    if (!out.query.emplace(key, std::move(value)).second) {
      return BadUrl(url, "the query parameter \"" + key + "\" is given twice");
    }
  }
  return out;
}

std::string RedactUrl(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const std::size_t start = scheme_end + 3;
  std::size_t end = url.find_first_of("/?#", start);
  if (end == std::string::npos) end = url.size();
  const std::size_t at = url.rfind('@', end);
  if (at == std::string::npos || at < start) return url;
  const std::size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

void RegisterBuiltinBackends(Backends* backends) {
  backends->brokers.Register(
      "embedded", [](const BackendUrl&, const BackendContext& c) -> Result<std::unique_ptr<Broker>> {
        if (c.data_dir.empty()) {
          return Status(ErrorCode::kInvalidArgument, "the embedded broker needs a data dir");
        }
        return OpenSqliteBroker(c.data_dir + "/queue.sqlite", c.broker);
      });
  backends->brokers.Register(
      "kafka", [](const BackendUrl& u, const BackendContext& c) -> Result<std::unique_ptr<Broker>> {
        Result<KafkaOptions> options = ParseKafkaUri(u.text);
        if (!options.ok()) return options.status();
        return OpenKafkaBroker(std::move(options).value(), c.broker);
      });
  backends->metadata.Register(
      "sqlite", [](const BackendUrl& u, const BackendContext&) -> Result<std::unique_ptr<MetadataStore>> {
        const std::string path = LocalPath(u);
        if (path.empty()) return BadUrl(u.text, "sqlite: needs a file path (sqlite:PATH)");
        if (Status s = MakeParentDir(path); !s.ok()) return s;
        return OpenSqliteMetadataStore(path);
      });
  const auto postgres = [](const BackendUrl& u, const BackendContext&)
      -> Result<std::unique_ptr<MetadataStore>> { return OpenPostgresMetadataStore(u.text); };
  backends->metadata.Register("postgres", postgres);
  backends->metadata.Register("postgresql", postgres);
  backends->blobs.Register(
      "file", [](const BackendUrl& u, const BackendContext&) -> Result<std::unique_ptr<BlobStore>> {
        const std::string path = LocalPath(u);
        if (path.empty()) return BadUrl(u.text, "file: needs a folder (file:PATH)");
        return OpenLocalBlobStore(path);
      });
  // S3 (or S3Proxy, MinIO, ...): credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
  // AWS_SESSION_TOKEN; the bucket must exist.
  backends->blobs.Register(
      "s3", [](const BackendUrl& u, const BackendContext&) -> Result<std::unique_ptr<BlobStore>> {
        return OpenS3BlobStore(u.text);
      });
  // Redis: the shared tier of the OCR and classification caches and the workers' OCR leases;
  // password from SHEAF_REDIS_PASSWORD.
  backends->caches.Register(
      "redis", [](const BackendUrl& u, const BackendContext&) -> Result<std::unique_ptr<Cache>> {
        Result<std::unique_ptr<RedisCache>> redis = OpenRedisCache(u.text);
        if (!redis.ok()) return redis.status();
        return std::unique_ptr<Cache>(std::move(redis).value());
      });
  // "memory": no shared cache tier; each process keeps its in-process (and disk) caches only.
  backends->caches.Register(
      "memory", [](const BackendUrl&, const BackendContext&) -> Result<std::unique_ptr<Cache>> {
        return std::unique_ptr<Cache>();
      });
  // The audit log's copy in ClickHouse; its user and password come from CLICKHOUSE_USER and
  // CLICKHOUSE_PASSWORD, never from the URL.
  backends->audit_sinks.Register(
      "clickhouse+http",
      [](const BackendUrl& u, const BackendContext&) -> Result<std::unique_ptr<AuditSink>> {
        if (!u.has_authority || u.authority.empty() ||
            u.authority.find('@') != std::string::npos || !u.query.empty() ||
            u.path.size() < 2 || u.path.find('/', 1) != std::string::npos) {
          return BadUrl(u.text,
                        "expected clickhouse+http://HOST:PORT/DATABASE (no user, password or "
                        "query: the credentials come from CLICKHOUSE_USER and CLICKHOUSE_PASSWORD)");
        }
        clickhouse::ClickHouseOptions options;
        options.endpoint = "http://" + u.authority;
        options.database = u.path.substr(1);
        if (const char* user = std::getenv("CLICKHOUSE_USER")) options.user = user;
        if (const char* password = std::getenv("CLICKHOUSE_PASSWORD")) options.password = password;
        return clickhouse::OpenClickHouseAuditSink(std::move(options));
      });
}

BackendUrls BackendUrls::WithDefaults(const std::string& data_dir) const {
  BackendUrls out = *this;
  if (out.broker.empty()) out.broker = "embedded";
  if (out.metadata.empty()) out.metadata = "sqlite:" + data_dir + "/metadata.sqlite";
  if (out.blobs.empty()) out.blobs = "file:" + data_dir + "/blobs";
  if (out.cache.empty()) out.cache = "memory";
  return out;
}

bool BackendUrls::AllEmbedded() const {
  const auto scheme = [](const std::string& url) { return url.substr(0, url.find(':')); };
  return (broker.empty() || broker == "embedded") &&
         (metadata.empty() || scheme(metadata) == "sqlite") &&
         (blobs.empty() || scheme(blobs) == "file") && (cache.empty() || cache == "memory");
}

}  // namespace sheaf::app
