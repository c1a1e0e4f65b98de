// SPDX-License-Identifier: GPL-3.0-or-later
#include "backup/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>
#include <vector>

#include "backup/files.h"
#include "core/times.h"
#include "sheaf/blob_store.h"
#include "sheaf/hash.h"

namespace sheaf::backup {

namespace fs = std::filesystem;

namespace {

constexpr int kFormatVersion = 1;
constexpr char kManifest[] = "manifest.json";
constexpr char kManifestSum[] = "manifest.json.sha256";
constexpr char kBlobList[] = "blobs.jsonl";
constexpr std::uint64_t kMaxManifestBytes = 16u << 20;
// How long a snapshot waits for a busy database: the metadata store (WAL) is busy only for
// moments; the embedded queue of a running service is held exclusively for as long as it runs.
constexpr int kMetadataWaitMs = 10000;
constexpr int kQueueWaitMs = 500;

std::int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "20261204T211500.123Z": sorts as time does.
std::string BackupId(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

bool IsBackupId(const std::string& name) {
  return !name.empty() && name.front() != '.' && name.find('/') == std::string::npos;
}

// The whole backups of a set (folders with a manifest), oldest first.
std::vector<std::string> WholeBackups(const std::string& set) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (fs::directory_iterator it(set, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!IsBackupId(name)) continue;
    if (::access((it->path() / kManifest).c_str(), F_OK) == 0) ids.push_back(name);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

struct BlobEntry {
  std::string key;
  std::int64_t size = 0;
  std::string sha256;
  std::int64_t mtime_ns = 0;
  std::string stored_in;
};

nlohmann::json ToJson(const BlobEntry& b) {
  return nlohmann::json{{"key", b.key},
                        {"size", b.size},
                        {"sha256", b.sha256},
                        {"mtime_ns", b.mtime_ns},
                        {"stored_in", b.stored_in}};
}

Result<BlobEntry> BlobFromJson(const std::string& line, const std::string& where) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  const auto bad = [&] {
    return Status(ErrorCode::kInvalidDocument, where + ": not a blob entry");
  };
  if (!j.is_object()) return bad();
  BlobEntry b;
  try {
    b.key = j.at("key").get<std::string>();
    b.size = j.at("size").get<std::int64_t>();
    b.sha256 = j.at("sha256").get<std::string>();
    b.mtime_ns = j.at("mtime_ns").get<std::int64_t>();
    b.stored_in = j.at("stored_in").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return bad();
  }
  if (!ValidateBlobKey(b.key).ok() || !IsBackupId(b.stored_in) || b.size < 0) return bad();
  return b;
}

// The manifest of the backup in `dir`, checked against manifest.json.sha256.
Result<nlohmann::json> LoadManifest(const std::string& dir) {
  const std::string path = dir + "/" + kManifest;
  Result<std::string> text = ReadSmallFile(path, kMaxManifestBytes);
  if (!text.ok()) return text.status();
  Result<std::string> sum = ReadSmallFile(dir + "/" + kManifestSum, 4096);
  if (!sum.ok()) return sum.status();
  const std::string expected = sum->substr(0, std::min<std::size_t>(64, sum->size()));
  const std::string actual = Sha256Hex(*text);
  if (expected != actual) {
    return Status(ErrorCode::kInvalidDocument,
                  path + ": damaged: its SHA-256 is " + actual + ", " + kManifestSum + " says " +
                      expected);
  }
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || j.value("format", "") != "sheaf-backup") {
    return Status(ErrorCode::kInvalidDocument, path + ": not a Sheaf backup manifest");
  }
  if (j.value("format_version", 0) != kFormatVersion) {
    return Status(ErrorCode::kInvalidDocument,
                  path + ": backup format version " +
                      j.value("format_version", nlohmann::json(0)).dump() +
                      " is not the one this Sheaf reads (" + std::to_string(kFormatVersion) + ")");
  }
  return j;
}

// The SHA-256 the manifest gives for its file of kind `what` ("" when it names none).
std::string DigestOf(const nlohmann::json& manifest, const std::string& what) {
  if (!manifest.contains("files") || !manifest["files"].is_array()) return "";
  for (const nlohmann::json& f : manifest["files"]) {
    if (f.is_object() && f.value("what", "") == what) return f.value("sha256", "");
  }
  return "";
}

// Calls `fn` with each entry of the blob list of the backup in `dir`, checked against the
// manifest's digest of it (a damaged list is found at its end: callers stage what they do).
Status ForEachBlob(const std::string& dir, const nlohmann::json& manifest,
                   const std::function<Status(const BlobEntry&)>& fn) {
  const std::string path = dir + "/" + kBlobList;
  return ReadLines(path, 8192, DigestOf(manifest, "blob_list"),
                   [&](const std::string& line, int number) -> Status {
                     Result<BlobEntry> b =
                         BlobFromJson(line, path + " line " + std::to_string(number));
                     if (!b.ok()) return b.status();
                     return fn(*b);
                   });
}

nlohmann::json FileJson(const std::string& what, const std::string& path, const FileDigest& d) {
  return nlohmann::json{{"what", what}, {"path", path}, {"size", d.size}, {"sha256", d.sha256}};
}

// Walks the blob store's folder: every regular file whose relative path is a valid blob key
// (names starting with '.' are the store's own temporary files). Files and folders that vanish
// during the walk (a document deleted meanwhile) are skipped.
Status WalkBlobs(const std::string& root,
                 const std::function<Status(const std::string& key, const std::string& path)>& fn) {
  std::vector<std::string> stack = {""};
  while (!stack.empty()) {
    const std::string rel = stack.back();
    stack.pop_back();
    const fs::path dir = rel.empty() ? fs::path(root) : fs::path(root) / rel;
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    if (ec == std::errc::no_such_file_or_directory) continue;
    if (ec) return Status(ErrorCode::kIoError, dir.string() + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) break;
      const std::string name = it->path().filename().string();
      if (name.empty() || name.front() == '.') continue;
      const std::string key = rel.empty() ? name : rel + "/" + name;
      std::error_code type_ec;
      const fs::file_status st = it->symlink_status(type_ec);
      if (type_ec) continue;  // vanished
      if (fs::is_directory(st)) {
        stack.push_back(key);
      } else if (fs::is_regular_file(st) && ValidateBlobKey(key).ok()) {
        if (Status s = fn(key, it->path().string()); !s.ok()) return s;
      }
    }
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return Status(ErrorCode::kIoError, dir.string() + ": " + ec.message());
    }
  }
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Backup

Result<BackupReport> CreateBackup(const BackupOptions& options) {
  if (options.data_dir.empty() || options.to.empty()) {
    return Status(ErrorCode::kInvalidArgument, "backup: the data dir and --to are required");
  }
  if (!options.db.snapshot || !options.db.check) {
    return Status(ErrorCode::kInvalidArgument, "backup: no database operations given");
  }
  const auto now = [&] { return options.now_ms ? options.now_ms() : SystemNowMs(); };
  const std::string data_dir = options.data_dir;
  const std::string metadata_path = data_dir + "/metadata.sqlite";
  const bool dumped = static_cast<bool>(options.metadata.dump);
  if (dumped && (options.metadata.file_name.empty() ||
                 options.metadata.file_name.find('/') != std::string::npos ||
                 options.metadata.file_name.front() == '.')) {
    return Status(ErrorCode::kInvalidArgument, "backup: bad metadata dump file name");
  }
  if (!dumped && ::access(metadata_path.c_str(), F_OK) != 0) {
    return Status(ErrorCode::kNotFound,
                  metadata_path + ": not found: is " + data_dir + " the data dir of sheaf serve?");
  }
  const std::string blobs_root =
      options.blobs_root.empty() ? data_dir + "/blobs" : options.blobs_root;
  {
    // A set inside the data dir would be copied into itself (under blobs/) or moved away with
    // the data it backs up (restore --force).
    std::error_code ec;
    const fs::path to = fs::weakly_canonical(options.to, ec);
    const fs::path data = fs::weakly_canonical(data_dir, ec);
    const fs::path blobs = fs::weakly_canonical(blobs_root, ec);
    for (const fs::path& inside : {data, blobs}) {
      const auto [end, ignored] = std::mismatch(inside.begin(), inside.end(), to.begin(), to.end());
      if (!ec && end == inside.end()) {
        return Status(ErrorCode::kInvalidArgument,
                      "backup: --to " + options.to + " is inside " + inside.string() +
                          ": keep backups outside the data dir and the blob folder");
      }
    }
  }
  if (Status s = MakeDirs(options.to); !s.ok()) return s;

  BackupReport report;
  report.started_at_ms = now();
  // A backup in the same millisecond as an earlier one takes the next free millisecond.
  for (std::int64_t t = report.started_at_ms;; ++t) {
    report.id = BackupId(t);
    if (::access((options.to + "/" + report.id).c_str(), F_OK) != 0) break;
  }
  const std::string partial = options.to + "/." + report.id + ".partial";
  report.dir = options.to + "/" + report.id;
  std::error_code ec;
  fs::remove_all(partial, ec);
  if (Status s = MakeDirs(partial); !s.ok()) return s;

  // The base: the newest whole backup of the set, whose blob list says what need not be copied.
  std::map<std::string, BlobEntry> base;
  std::string base_note;
  if (!options.full) {
    const std::vector<std::string> ids = WholeBackups(options.to);
    if (!ids.empty()) {
      const std::string base_dir = options.to + "/" + ids.back();
      Result<nlohmann::json> manifest = LoadManifest(base_dir);
      Status loaded = manifest.status();
      if (loaded.ok()) {
        loaded = ForEachBlob(base_dir, *manifest, [&](const BlobEntry& b) {
          base[b.key] = b;
          return Status::Ok();
        });
      }
      if (loaded.ok()) {
        report.base_id = ids.back();
      } else {
        base.clear();
        base_note = "backup " + ids.back() + " is unreadable (" + loaded.message() +
                    "): every blob copied";
      }
    }
  }

  nlohmann::json files = nlohmann::json::array();
  // 1. The metadata store: its moment is the backup's recovery point.
  report.metadata_at_ms = now();
  const std::string metadata_file = dumped ? options.metadata.file_name : "metadata.sqlite";
  Status copied = dumped ? options.metadata.dump(partial + "/" + metadata_file)
                         : options.db.snapshot(metadata_path, partial + "/" + metadata_file,
                                               kMetadataWaitMs);
  if (!copied.ok()) return copied;
  {
    Result<FileDigest> d = DigestFile(partial + "/" + metadata_file);
    if (!d.ok()) return d.status();
    nlohmann::json f = FileJson("metadata", metadata_file, *d);
    f["format"] = dumped ? options.metadata.format : "sqlite";
    files.push_back(std::move(f));
  }
  // 2. The queue, when no running broker holds it.
  const std::string queue_path = data_dir + "/queue.sqlite";
  if (::access(queue_path.c_str(), F_OK) != 0) {
    report.queue_note = "the data dir has no queue.sqlite";
  } else if (Status s = options.db.snapshot(queue_path, partial + "/queue.sqlite", kQueueWaitMs);
             s.ok()) {
    Result<FileDigest> d = DigestFile(partial + "/queue.sqlite");
    if (!d.ok()) return d.status();
    files.push_back(FileJson("queue", "queue.sqlite", *d));
    report.queue_captured = true;
  } else if (s.code() == ErrorCode::kUnavailable) {
    report.queue_note = s.message() + "; restore re-queues the unfinished documents instead";
  } else {
    return s;
  }
  // 3. The configuration.
  if (!options.config_file.empty()) {
    const std::string name = fs::path(options.config_file).filename().string();
    if (name.empty() || name.front() == '.') {
      return Status(ErrorCode::kInvalidArgument, options.config_file + ": not a file name");
    }
    if (Status s = MakeDirs(partial + "/config"); !s.ok()) return s;
    Result<FileDigest> d = CopyFile(options.config_file, partial + "/config/" + name);
    if (!d.ok()) return d.status();
    nlohmann::json f = FileJson("config", "config/" + name, *d);
    f["source"] = fs::absolute(options.config_file, ec).string();
    files.push_back(std::move(f));
  }
  // 4. The blobs, after the metadata: every blob its documents name existed before it was taken.
  LineWriter list;
  if (Status s = list.Open(partial + "/" + kBlobList); !s.ok()) return s;
  Status walked = WalkBlobs(blobs_root, [&](const std::string& key, const std::string& path) {
    OpenFile src;
    if (Status s = src.Open(path); !s.ok()) {
      return s.code() == ErrorCode::kNotFound ? Status::Ok() : s;  // deleted meanwhile
    }
    BlobEntry e;
    e.key = key;
    e.size = src.size();
    e.mtime_ns = src.mtime_ns();
    auto it = base.find(key);
    if (it != base.end() && it->second.size == e.size && it->second.mtime_ns == e.mtime_ns &&
        ::access((options.to + "/" + it->second.stored_in + "/blobs/" + key).c_str(), F_OK) == 0) {
      e.sha256 = it->second.sha256;
      e.stored_in = it->second.stored_in;
    } else {
      const std::string dest = partial + "/blobs/" + key;
      if (Status s = MakeDirs(fs::path(dest).parent_path().string()); !s.ok()) return s;
      Result<FileDigest> d = src.CopyTo(dest);
      if (!d.ok()) return d.status();
      e.size = d->size;
      e.sha256 = d->sha256;
      e.stored_in = report.id;
      ++report.blobs_copied;
      report.blob_bytes_copied += e.size;
    }
    ++report.blobs;
    report.blob_bytes += e.size;
    return list.Write(ToJson(e).dump());
  });
  if (!walked.ok()) return walked;
  Result<FileDigest> list_digest = list.Close();
  if (!list_digest.ok()) return list_digest.status();
  files.push_back(FileJson("blob_list", kBlobList, *list_digest));

  // 5. The manifest, last; then the folder is renamed into place.
  report.finished_at_ms = now();
  nlohmann::json manifest = {
      {"format", "sheaf-backup"},
      {"format_version", kFormatVersion},
      {"id", report.id},
      {"sheaf_version", options.sheaf_version},
      {"started_at", FormatUtc(report.started_at_ms, true)},
      {"metadata_at", FormatUtc(report.metadata_at_ms, true)},
      {"metadata_at_ms", report.metadata_at_ms},
      {"finished_at", FormatUtc(report.finished_at_ms, true)},
      {"base", report.base_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.base_id)},
      {"source", {{"data_dir", fs::absolute(data_dir, ec).string()}, {"blobs", "file"}}},
      {"queue", {{"captured", report.queue_captured}, {"note", report.queue_note}}},
      {"blobs",
       {{"count", report.blobs},
        {"bytes", report.blob_bytes},
        {"copied", report.blobs_copied},
        {"copied_bytes", report.blob_bytes_copied}}},
      {"files", files},
  };
  if (!base_note.empty()) manifest["note"] = base_note;
  // Every copy durable before the manifest that vouches for them.
  if (Status s = SyncTree(partial); !s.ok()) return s;
  const std::string text = manifest.dump(2) + "\n";
  if (Status s = WriteDurable(partial + "/" + kManifest, text); !s.ok()) return s;
  if (Status s = WriteDurable(partial + "/" + kManifestSum,
                              Sha256Hex(text) + "  " + kManifest + "\n");
      !s.ok()) {
    return s;
  }
  if (::rename(partial.c_str(), report.dir.c_str()) != 0) {
    return Status(ErrorCode::kIoError, partial + " -> " + report.dir + ": " + std::strerror(errno));
  }
  if (Status s = SyncDir(options.to); !s.ok()) return s;
  return report;
}

// ---------------------------------------------------------------------------------------------
// Restore

namespace {

// The backup folder `from` names: itself when it has a manifest, else the newest whole backup
// of the set it is.
Result<std::string> FindBackup(const std::string& from) {
  if (::access((from + "/" + kManifest).c_str(), F_OK) == 0) return from;
  struct stat st {};
  if (::stat(from.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status(ErrorCode::kNotFound, from + ": no such backup folder");
  }
  const std::vector<std::string> ids = WholeBackups(from);
  if (ids.empty()) {
    return Status(ErrorCode::kNotFound,
                  from + ": holds no whole backup (no " + kManifest + " in it or in a sub-folder)");
  }
  return from + "/" + ids.back();
}

// An entry of `dir` ("" when it is missing or empty).
Result<std::string> AnyEntry(const std::string& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return std::string();
  if (ec) return Status(ErrorCode::kIoError, dir + ": " + ec.message());
  if (it == fs::directory_iterator()) return std::string();
  return it->path().filename().string();
}

struct Checked {
  std::string what;
  std::string path;  // relative to the backup
  std::int64_t size = 0;
  std::string sha256;
  std::string format;  // metadata: "sqlite" or a MetadataDump's format
};

// Copies (or, with an empty `dest`, reads) `source`, failing unless its size and SHA-256 are
// those the manifest gives; `shown` names it in messages.
Status CopyVerified(const std::string& source, const std::string& dest, std::int64_t size,
                    const std::string& sha256, const std::string& shown) {
  Result<FileDigest> d = dest.empty() ? DigestFile(source) : CopyFile(source, dest);
  if (!d.ok()) {
    if (d.status().code() == ErrorCode::kNotFound) {
      return Status(ErrorCode::kNotFound, "backup file " + shown + " is missing (" + source + ")");
    }
    return d.status();
  }
  if (d->size != size || d->sha256 != sha256) {
    return Status(ErrorCode::kInvalidDocument,
                  "backup file " + shown + " is damaged: the manifest gives " +
                      std::to_string(size) + " bytes, SHA-256 " + sha256 + "; the file has " +
                      std::to_string(d->size) + " bytes, SHA-256 " + d->sha256);
  }
  return Status::Ok();
}

}  // namespace

Result<RestoreReport> Restore(const RestoreOptions& options) {
  if (options.from.empty() || (options.data_dir.empty() && !options.check_only)) {
    return Status(ErrorCode::kInvalidArgument, "restore: --from and the data dir are required");
  }
  // The target as an absolute path without "." or a trailing '/': it is renamed.
  std::string target_dir;
  if (!options.check_only) {
    std::error_code ec;
    fs::path target = fs::absolute(options.data_dir, ec).lexically_normal();
    if (ec) return Status(ErrorCode::kIoError, options.data_dir + ": " + ec.message());
    if (target.filename().empty()) target = target.parent_path();
    if (target == target.root_path()) {
      return Status(ErrorCode::kInvalidArgument,
                    "restore: the data dir cannot be " + target.string());
    }
    target_dir = target.string();
  }
  if (!options.db.check) {
    return Status(ErrorCode::kInvalidArgument, "restore: no database operations given");
  }
  Result<std::string> dir = FindBackup(options.from);
  if (!dir.ok()) return dir.status();
  Result<nlohmann::json> manifest = LoadManifest(*dir);
  if (!manifest.ok()) return manifest.status();
  const std::string set = fs::path(*dir).parent_path().string();
  RestoreReport report;
  report.dir = *dir;
  report.id = manifest->value("id", "");
  report.metadata_at_ms = manifest->value("metadata_at_ms", std::int64_t{0});
  if (!IsBackupId(report.id)) {
    return Status(ErrorCode::kInvalidDocument, *dir + "/" + kManifest + ": no valid id");
  }

  std::vector<Checked> checked;
  try {
    for (const nlohmann::json& f : manifest->at("files")) {
      Checked c{f.at("what").get<std::string>(), f.at("path").get<std::string>(),
                f.at("size").get<std::int64_t>(), f.at("sha256").get<std::string>(),
                f.value("format", "sqlite")};
      if (!ValidateBlobKey(c.path).ok()) {
        return Status(ErrorCode::kInvalidDocument, *dir + "/" + kManifest + ": bad path " + c.path);
      }
      checked.push_back(std::move(c));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status(ErrorCode::kInvalidDocument, *dir + "/" + kManifest + ": " + e.what());
  }
  const auto find = [&](const std::string& what) -> const Checked* {
    for (const Checked& c : checked) {
      if (c.what == what) return &c;
    }
    return nullptr;
  };
  if (find("metadata") == nullptr || find("blob_list") == nullptr) {
    return Status(ErrorCode::kInvalidDocument,
                  *dir + "/" + kManifest + ": names no metadata database or blob list");
  }

  const Checked& meta = *find("metadata");
  const bool dumped = meta.format != "sqlite";
  if (dumped && meta.format != options.metadata.format && !options.check_only) {
    return Status(ErrorCode::kInvalidArgument,
                  "backup " + report.id + " holds its metadata as " + meta.format +
                      (meta.format == "pg_dump" ? ": restore it with --metadata postgres://..."
                                                : ""));
  }
  if (!dumped && !options.metadata.format.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "backup " + report.id + " holds a SQLite metadata store, not " +
                      options.metadata.format + ": restore it without --metadata");
  }

  // The target must be empty unless force; so must the configuration's destination.
  if (!options.check_only) {
    Result<std::string> entry = AnyEntry(target_dir);
    if (!entry.ok()) return entry.status();
    if (!entry->empty() && !options.force) {
      return Status(ErrorCode::kInvalidArgument,
                    target_dir + " is not empty (it holds " + *entry +
                        "): restore into an empty or new folder, or pass --force to replace it "
                        "(its contents are moved to " + target_dir + ".replaced-" +
                        report.id + ")");
    }
    if (!options.config_to.empty() && ::access(options.config_to.c_str(), F_OK) == 0 &&
        !options.force) {
      return Status(ErrorCode::kInvalidArgument,
                    options.config_to + " exists: pass --force to replace it");
    }
    if (!options.config_to.empty() && find("config") == nullptr) {
      return Status(ErrorCode::kNotFound, "backup " + report.id +
                                              " holds no configuration file (it was taken "
                                              "without --config)");
    }
  }

  // Everything is copied into a staging folder beside the target, checked on the way.
  std::string staging;
  if (!options.check_only) {
    const fs::path target(target_dir);
    staging = (target.parent_path() / ("." + target.filename().string() + ".restoring-" +
                                       report.id)).string();
    std::error_code ec;
    fs::remove_all(staging, ec);
    if (Status s = MakeDirs(staging); !s.ok()) return s;
  }
  const auto cleanup = [&](Status s) -> Status {
    if (!staging.empty()) {
      std::error_code ec;
      fs::remove_all(staging, ec);
    }
    return s;
  };
  const auto dest_of = [&](const std::string& rel) {
    return staging.empty() ? std::string() : staging + "/" + rel;
  };

  std::string config_bytes;
  for (const Checked& c : checked) {
    if (c.what == "metadata" && dumped) {
      if (Status s = CopyVerified(*dir + "/" + c.path, "", c.size, c.sha256, c.path); !s.ok()) {
        return cleanup(s);
      }
      if (options.metadata.check) {
        if (Status s = options.metadata.check(*dir + "/" + c.path); !s.ok()) return cleanup(s);
      }
    } else if (c.what == "metadata" || c.what == "queue") {
      if (Status s = CopyVerified(*dir + "/" + c.path, dest_of(c.path), c.size, c.sha256, c.path);
          !s.ok()) {
        return cleanup(s);
      }
      const std::string db = staging.empty() ? *dir + "/" + c.path : dest_of(c.path);
      if (Status s = options.db.check(db); !s.ok()) return cleanup(s);
      if (c.what == "queue") report.queue_restored = !options.check_only;
    } else if (c.what == "config") {
      if (Status s = CopyVerified(*dir + "/" + c.path, "", c.size, c.sha256, c.path); !s.ok()) {
        return cleanup(s);
      }
      Result<std::string> bytes = ReadSmallFile(*dir + "/" + c.path, kMaxManifestBytes);
      if (!bytes.ok()) return cleanup(bytes.status());
      config_bytes = std::move(bytes).value();
    } else if (c.what != "blob_list") {  // the blob list is checked as it is read, below
      continue;
    }
    ++report.files;
    report.bytes += c.size;
  }

  Status blobs_done = ForEachBlob(*dir, *manifest, [&](const BlobEntry& b) -> Status {
    const std::string holder = set + "/" + b.stored_in;
    if (b.stored_in != report.id && ::access((holder + "/" + kManifest).c_str(), F_OK) != 0) {
      return Status(ErrorCode::kNotFound,
                    "blob " + b.key + " is stored in backup " + b.stored_in +
                        ", which is missing from " + set +
                        " (an incremental backup needs the backups it builds on)");
    }
    const std::string dest = dest_of("blobs/" + b.key);
    if (!dest.empty()) {
      if (Status s = MakeDirs(fs::path(dest).parent_path().string()); !s.ok()) return s;
      if (::access(dest.c_str(), F_OK) == 0) {
        return Status(ErrorCode::kInvalidDocument, "blob " + b.key + " is listed twice");
      }
    }
    if (Status s = CopyVerified(holder + "/blobs/" + b.key, dest, b.size, b.sha256,
                                b.stored_in + "/blobs/" + b.key);
        !s.ok()) {
      return s;
    }
    ++report.files;
    report.bytes += b.size;
    return Status::Ok();
  });
  if (!blobs_done.ok()) return cleanup(blobs_done);
  if (options.check_only) return report;

  // All checked: the staging folder becomes the target, after the dumped metadata is loaded
  // (which changes nothing when it fails).
  if (Status s = MakeDirs(staging + "/blobs"); !s.ok()) return cleanup(s);
  if (Status s = SyncTree(staging); !s.ok()) return cleanup(s);
  if (dumped) {
    if (Status s = options.metadata.load(*dir + "/" + meta.path, options.force); !s.ok()) {
      return cleanup(s);
    }
  }
  Result<std::string> entry = AnyEntry(target_dir);
  if (!entry.ok()) return cleanup(entry.status());
  if (::access(target_dir.c_str(), F_OK) == 0) {
    if (!entry->empty()) {
      report.replaced_dir = target_dir + ".replaced-" + report.id;
      for (int n = 2; ::access(report.replaced_dir.c_str(), F_OK) == 0; ++n) {
        report.replaced_dir = target_dir + ".replaced-" + report.id + "-" + std::to_string(n);
      }
      if (::rename(target_dir.c_str(), report.replaced_dir.c_str()) != 0) {
        return cleanup(Status(ErrorCode::kIoError, target_dir + " -> " +
                                                       report.replaced_dir + ": " +
                                                       std::strerror(errno)));
      }
    } else if (::rmdir(target_dir.c_str()) != 0) {
      return cleanup(
          Status(ErrorCode::kIoError, target_dir + ": " + std::strerror(errno)));
    }
  }
  if (::rename(staging.c_str(), target_dir.c_str()) != 0) {
    return cleanup(Status(ErrorCode::kIoError,
                          staging + " -> " + target_dir + ": " + std::strerror(errno)));
  }
  std::error_code ec;
  const fs::path parent = fs::absolute(target_dir, ec).parent_path();
  if (Status s = SyncDir(parent.string()); !s.ok()) return s;
  if (!options.config_to.empty()) {
    if (Status s = WriteDurable(options.config_to, config_bytes); !s.ok()) return s;
  }
  return report;
}

}  // namespace sheaf::backup
