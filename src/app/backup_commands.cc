// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/backup_commands.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>

#include "adapters/postgres/pg_dump.h"
#include "adapters/postgres/postgres_metadata_store.h"
#include "adapters/sqlite/sqlite_backup.h"
#include "app/backends.h"
#include "backup/backup.h"
#include "core/times.h"
#include "sheaf/build_info.h"
#include "service/requeue.h"

namespace sheaf::app {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

backup::DatabaseOps SqliteOps() {
  backup::DatabaseOps ops;
  ops.snapshot = [](const std::string& source, const std::string& dest, int busy_timeout_ms) {
    return SnapshotSqliteDatabase(source, dest, busy_timeout_ms);
  };
  ops.check = [](const std::string& path) { return CheckSqliteDatabase(path); };
  return ops;
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Backup covers the embedded backends; says which configured backend it does not, or "".
std::string UnsupportedBackend(const BackendUrls& urls) {
  const auto scheme = [](const std::string& url) {
    Result<BackendUrl> u = ParseBackendUrl(url);
    return u.ok() ? u->scheme : url;
  };
  const std::string m = urls.metadata.empty() ? "sqlite" : scheme(urls.metadata);
  if (m != "sqlite" && m != "postgres" && m != "postgresql") {
    return "--metadata " + RedactUrl(urls.metadata) +
           ": backup covers the SQLite and PostgreSQL stores (docs/operations.md)";
  }
  if (!urls.blobs.empty() && scheme(urls.blobs) != "file") {
    return "--blobs " + RedactUrl(urls.blobs) +
           ": backup covers the file blob store; back up an S3 bucket with its versioning or "
           "replication (docs/operations.md)";
  }
  if (!urls.broker.empty() && urls.broker != "embedded") {
    return "--broker " + RedactUrl(urls.broker) +
           ": backup covers the embedded queue; Kafka keeps its topics replicated "
           "(docs/operations.md)";
  }
  return "";
}

// `path` absolute, without "." and ".." segments or a trailing '/'.
std::filesystem::path NormalPath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec).lexically_normal();
  if (p.filename().empty() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  return p;
}

bool IsPostgres(const std::string& url) {
  Result<BackendUrl> u = ParseBackendUrl(url);
  return u.ok() && (u->scheme == "postgres" || u->scheme == "postgresql");
}

// pg_dump and pg_restore for the PostgreSQL store `url`.
Result<backup::MetadataDump> PostgresDump(const std::string& url) {
  Result<PostgresUrl> pg = ParsePostgresUrl(url);
  if (!pg.ok()) return pg.status();
  backup::MetadataDump d;
  d.format = "pg_dump";
  d.file_name = "metadata.pgdump";
  d.dump = [conninfo = pg->conninfo, schema = pg->schema](const std::string& dest) {
    return PgDump(conninfo, schema, dest);
  };
  d.check = [](const std::string& path) { return PgDumpCheck(path); };
  d.load = [conninfo = pg->conninfo](const std::string& path, bool replace) {
    return PgRestore(conninfo, path, replace);
  };
  return d;
}

}  // namespace

struct BackupCommands::State {
  std::string data_dir = "./sheaf-data";
  BackendUrls urls;

  CLI::App* backup = nullptr;
  std::string to;
  std::string config;
  bool full = false;

  CLI::App* restore = nullptr;
  std::string from;
  std::string config_to;
  bool force = false;
  bool check = false;

  void AddDataDir(CLI::App* cmd) {
    cmd->add_option("--data-dir", data_dir,
                    "The data dir of `sheaf serve`; default $SHEAF_DATA_DIR, else ./sheaf-data")
        ->envname("SHEAF_DATA_DIR");
    cmd->add_option("--metadata", urls.metadata, "As `sheaf serve --metadata` (sqlite only)")
        ->envname("SHEAF_METADATA");
    cmd->add_option("--blobs", urls.blobs, "As `sheaf serve --blobs` (file only)")
        ->envname("SHEAF_BLOBS");
    cmd->add_option("--broker", urls.broker, "As `sheaf serve --broker` (embedded only)")
        ->envname("SHEAF_BROKER");
  }

  // The blob folder of a file: URL ("" = the data dir's); usage error text otherwise.
  bool BlobsRoot(std::string* root) const {
    if (urls.blobs.empty()) return true;
    Result<BackendUrl> u = ParseBackendUrl(urls.blobs);
    if (!u.ok()) return false;
    *root = u->path;
    return true;
  }

  int Backup() const {
    if (std::string why = UnsupportedBackend(urls); !why.empty()) {
      std::cerr << "sheaf backup: " << why << "\n";
      return kExitUsage;
    }
    if (!urls.metadata.empty() && !IsPostgres(urls.metadata)) {
      Result<BackendUrl> u = ParseBackendUrl(urls.metadata);
      std::error_code ec;
      if (u.ok() && std::filesystem::weakly_canonical(u->path, ec) !=
                        std::filesystem::weakly_canonical(data_dir + "/metadata.sqlite", ec)) {
        std::cerr << "sheaf backup: --metadata " << urls.metadata
                  << ": backup reads the data dir's metadata.sqlite; give --data-dir instead\n";
        return kExitUsage;
      }
    }
    backup::BackupOptions o;
    o.data_dir = data_dir;
    if (!BlobsRoot(&o.blobs_root)) {
      std::cerr << "sheaf backup: --blobs " << urls.blobs << ": not a file: URL\n";
      return kExitUsage;
    }
    if (IsPostgres(urls.metadata)) {
      Result<backup::MetadataDump> dump = PostgresDump(urls.metadata);
      if (!dump.ok()) {
        std::cerr << "sheaf backup: " << dump.status().message() << "\n";
        return kExitUsage;
      }
      o.metadata = std::move(dump).value();
    }
    o.config_file = config;
    o.to = to;
    o.full = full;
    o.db = SqliteOps();
    o.sheaf_version = SHEAF_VERSION;
    const auto t0 = std::chrono::steady_clock::now();
    Result<backup::BackupReport> r = backup::CreateBackup(o);
    if (!r.ok()) {
      std::cerr << "sheaf backup: " << r.status().message() << "\n";
      return r.status().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed;
    }
    std::cout << "backup: " << r->id << "\n"
              << "dir: " << r->dir << "\n"
              << "base: " << (r->base_id.empty() ? "(none: a full backup)" : r->base_id) << "\n"
              << "recovery_point: " << FormatUtc(r->metadata_at_ms, true) << "\n"
              << "recovery_point_ms: " << r->metadata_at_ms << "\n"
              << "queue: "
              << (r->queue_captured ? std::string("captured") : "not captured: " + r->queue_note)
              << "\n"
              << "blobs: " << r->blobs << " (" << r->blob_bytes << " bytes)\n"
              << "blobs_copied: " << r->blobs_copied << " (" << r->blob_bytes_copied
              << " bytes)\n"
              << "seconds: " << SecondsSince(t0) << "\n";
    return kExitOk;
  }

  int Restore() const {
    if (std::string why = UnsupportedBackend(urls); !why.empty()) {
      std::cerr << "sheaf restore: " << why << "\n";
      return kExitUsage;
    }
    // Absolute: the target folder is renamed, possibly the one this process runs in.
    const std::string target = NormalPath(data_dir).string();
    if (!urls.blobs.empty()) {
      std::string root;
      if (!BlobsRoot(&root) || NormalPath(root) != NormalPath(target + "/blobs")) {
        std::cerr << "sheaf restore: --blobs " << urls.blobs
                  << ": restore writes the blobs to " << target
                  << "/blobs; restore there, then move them\n";
        return kExitUsage;
      }
    }
    // A running service owns the data dir: replacing it under that process would lose both.
    if (!check && std::filesystem::exists(target + "/queue.sqlite")) {
      Backends registry;
      RegisterBuiltinBackends(&registry);
      BackendContext context;
      context.data_dir = target;
      Result<std::unique_ptr<Broker>> live = registry.brokers.Open("embedded", context);
      if (!live.ok() && live.status().code() == ErrorCode::kUnavailable) {
        std::cerr << "sheaf restore: " << target
                  << " is in use by a running sheaf serve (its queue is locked): stop it first\n";
        return kExitFailed;
      }
    }
    backup::RestoreOptions o;
    o.from = from;
    o.data_dir = target;
    o.force = force;
    o.check_only = check;
    o.config_to = config_to;
    o.db = SqliteOps();
    if (IsPostgres(urls.metadata)) {
      Result<backup::MetadataDump> dump = PostgresDump(urls.metadata);
      if (!dump.ok()) {
        std::cerr << "sheaf restore: " << dump.status().message() << "\n";
        return kExitUsage;
      }
      o.metadata = std::move(dump).value();
    }
    const auto t0 = std::chrono::steady_clock::now();
    Result<backup::RestoreReport> r = backup::Restore(o);
    if (!r.ok()) {
      std::cerr << "sheaf restore: " << r.status().message() << "\n";
      return r.status().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed;
    }
    std::cout << (check ? "checked: " : "restored: ") << r->id << "\n"
              << "from: " << r->dir << "\n"
              << "files: " << r->files << " (" << r->bytes << " bytes), every checksum matches\n"
              << "recovery_point: " << FormatUtc(r->metadata_at_ms, true) << "\n";
    if (check) return kExitOk;
    if (!r->replaced_dir.empty()) std::cout << "replaced: moved to " << r->replaced_dir << "\n";
    // The unfinished documents back on their lanes (the restored queue, or a new one).
    Backends registry;
    RegisterBuiltinBackends(&registry);
    BackendContext context;
    context.data_dir = target;
    Result<std::unique_ptr<MetadataStore>> metadata = registry.metadata.Open(
        IsPostgres(urls.metadata) ? urls.metadata : "sqlite:" + target + "/metadata.sqlite",
        context);
    if (!metadata.ok()) {
      std::cerr << "sheaf restore: " << metadata.status().message() << "\n";
      return kExitFailed;
    }
    Result<std::unique_ptr<Broker>> broker = registry.brokers.Open("embedded", context);
    if (!broker.ok()) {
      std::cerr << "sheaf restore: " << broker.status().message() << "\n";
      return kExitFailed;
    }
    Result<std::int64_t> requeued = RequeueUnfinished(**metadata, **broker);
    if (!requeued.ok()) {
      std::cerr << "sheaf restore: re-queueing the unfinished documents: "
                << requeued.status().message() << " (run sheaf restore again with --force)\n";
      return kExitFailed;
    }
    std::cout << "queue: " << (r->queue_restored ? "restored" : "new (not in the backup)") << "\n"
              << "requeued: " << *requeued << " unfinished documents\n"
              << "seconds: " << SecondsSince(t0) << "\n";
    return kExitOk;
  }
};

BackupCommands::BackupCommands(CLI::App& app) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.backup = app.add_subcommand(
      "backup",
      "Back up a data dir (metadata, queue, blobs, configuration) into a backup set; "
      "incremental after the first (docs/operations.md)");
  s.backup->add_option("--to", s.to, "The backup set: a folder of backups, one per run")
      ->required();
  s.backup->add_option("--config", s.config, "The configuration file to keep with the backup")
      ->envname("SHEAF_CONFIG");
  s.backup->add_flag("--full", s.full, "Copy every blob, even those an earlier backup holds");
  s.AddDataDir(s.backup);

  s.restore = app.add_subcommand(
      "restore",
      "Restore a backup into a data dir, every checksum checked first (stop sheaf serve first)");
  s.restore
      ->add_option("--from", s.from,
                   "A backup, or a backup set (its newest whole backup is restored)")
      ->required();
  s.restore->add_flag("--force", s.force,
                      "Replace a non-empty data dir (its contents are kept beside it as "
                      "DIR.replaced-ID)");
  s.restore->add_flag("--check", s.check, "Only verify the backup's checksums; change nothing");
  s.restore->add_option("--config-to", s.config_to,
                        "Write the backed-up configuration file here");
  s.AddDataDir(s.restore);
}

BackupCommands::~BackupCommands() = default;

std::optional<int> BackupCommands::Run() {
  if (state_->backup->parsed()) return state_->Backup();
  if (state_->restore->parsed()) return state_->Restore();
  return std::nullopt;
}

}  // namespace sheaf::app
