// SPDX-License-Identifier: GPL-3.0-or-later
//
// Backends by URL (DuckDB's file-system registry is the model): the broker, the metadata store,
// the blob store and the shared cache are each named by a URL whose scheme picks the adapter,
//
//   broker    embedded | kafka://host:port[,host:port...][?namespace=N&group_prefix=G]
//   metadata  sqlite:PATH | postgres://user@host:port/db[?...]
//   blobs     file:PATH | s3://bucket[/prefix]?endpoint=URL&region=R
//   cache     memory | redis://host:port[/db][?prefix=P]
//   audit     clickhouse+http://host:port/database   (optional: where the audit log is shipped)
//
// and the adapters are registered explicitly by RegisterBuiltinBackends (src/app), never by
// static initialisers. An empty URL means the embedded default under the data dir. Secrets
// (passwords, access keys) never travel in these URLs' query strings: they come from the
// environment (PGPASSWORD, AWS_SECRET_ACCESS_KEY, ...) or from files the adapters name; RedactUrl
// removes a password written into the authority anyway, before a URL is logged or shown.
//
// Thread safety: a registry is filled once at start-up, then only read (Open is const).
#ifndef SHEAF_APP_BACKENDS_H_
#define SHEAF_APP_BACKENDS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sheaf/audit_sink.h"
#include "sheaf/blob_store.h"
#include "sheaf/broker.h"
#include "sheaf/cache.h"
#include "sheaf/metadata_store.h"
#include "sheaf/status.h"

namespace sheaf::app {

// A backend URL taken apart. "kafka://a:1,b:2/x?namespace=t" gives scheme "kafka",
// has_authority true, authority "a:1,b:2", path "/x", query {namespace: t}; "sqlite:/d/m.db"
// gives scheme "sqlite", has_authority false, path "/d/m.db". Query values are percent-decoded.
struct BackendUrl {
  std::string text;  // as given
  std::string scheme;
  bool has_authority = false;
  std::string authority;
  std::string path;
  std::map<std::string, std::string> query;
};

// invalid_argument naming the URL (redacted) when it has no scheme, a bad percent escape or a
// query key given twice. ('+' stays '+': only %-escapes are decoded.)
Result<BackendUrl> ParseBackendUrl(const std::string& url);

// `url` with any password in its authority ("user:secret@host") replaced by "***".
std::string RedactUrl(const std::string& url);

// What an adapter may need besides its URL.
struct BackendContext {
  std::string data_dir;        // the embedded backends' folder
  BrokerOptions broker;        // attempts, backoff, lane weights
};

template <typename T>
class BackendRegistry {
 public:
  using Factory = std::function<Result<std::unique_ptr<T>>(const BackendUrl&, const BackendContext&)>;

  // `what` names the kind in messages ("broker", "metadata store", ...).
  explicit BackendRegistry(std::string what) : what_(std::move(what)) {}

  void Register(const std::string& scheme, Factory factory) { factories_[scheme] = std::move(factory); }

  // Opens the backend `url` names. invalid_argument for a malformed URL or a scheme nobody
  // registered (the message lists the known ones); otherwise whatever the adapter returns.
  Result<std::unique_ptr<T>> Open(const std::string& url, const BackendContext& context) const {
    Result<BackendUrl> parsed = ParseBackendUrl(url);
    if (!parsed.ok()) return parsed.status();
    auto it = factories_.find(parsed->scheme);
    if (it == factories_.end()) {
      std::string known;
      for (const auto& [scheme, f] : factories_) known += (known.empty() ? "" : ", ") + scheme;
      return Status(ErrorCode::kInvalidArgument, what_ + " \"" + RedactUrl(url) +
                                                     "\": unknown scheme \"" + parsed->scheme +
                                                     "\" (known: " + known + ")");
    }
    return it->second(*parsed, context);
  }

  std::vector<std::string> schemes() const {
    std::vector<std::string> out;
    for (const auto& [scheme, f] : factories_) out.push_back(scheme);
    return out;
  }

 private:
  std::string what_;
  std::map<std::string, Factory> factories_;
};

struct Backends {
  BackendRegistry<Broker> brokers{"broker"};
  BackendRegistry<MetadataStore> metadata{"metadata store"};
  BackendRegistry<BlobStore> blobs{"blob store"};
  BackendRegistry<Cache> caches{"cache"};
  BackendRegistry<AuditSink> audit_sinks{"audit sink"};
};

// The adapters built into this binary: embedded, sqlite, file and memory always; kafka,
// postgres, s3 and redis as they are compiled in.
void RegisterBuiltinBackends(Backends* backends);

// The URLs a deployment chose. Empty members take the embedded defaults: "embedded",
// "sqlite:<data_dir>/metadata.sqlite", "file:<data_dir>/blobs", "memory".
struct BackendUrls {
  std::string broker;
  std::string metadata;
  std::string blobs;
  std::string cache;

  BackendUrls WithDefaults(const std::string& data_dir) const;
  // True iff every backend is embedded (one process owns the data dir).
  bool AllEmbedded() const;
};

}  // namespace sheaf::app

#endif  // SHEAF_APP_BACKENDS_H_
