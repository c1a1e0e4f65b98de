// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache/disk_cache.h"

#include <algorithm>
#include <cstring>
#include <vector>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/files.h"
#include "sheaf/hash.h"

namespace sheaf {

namespace fs = std::filesystem;

// File layout: first line "sheaf-cache 2 <expiry unix seconds> <key length> <value length>",
// then the key, then the value. The key is stored so that a hash collision can never return a
// wrong value; the value's length, so that an entry cut short is never returned.
namespace {
constexpr std::string_view kMagic = "sheaf-cache 2 ";

std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Result<std::unique_ptr<DiskCache>> DiskCache::Open(const std::string& dir,
                                                   std::uint64_t max_bytes, FileSync sync) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::kIoError, dir + ": cannot create cache folder: " + ec.message());
  std::unique_ptr<DiskCache> cache(new DiskCache(dir, max_bytes, sync));
  cache->bytes_ = cache->MeasureBytes();
  if (cache->bytes_ > max_bytes) cache->Evict();
  return cache;
}

std::uint64_t DiskCache::MeasureBytes() const {
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

void DiskCache::Evict() {
  std::lock_guard<std::mutex> lock(evict_mu_);
  struct Entry {
    fs::file_time_type used;
    std::uint64_t size;
    fs::path path;
  };
  std::vector<Entry> entries;
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    Entry e{it->last_write_time(ec), it->file_size(ec), it->path()};
    total += e.size;
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.used < b.used; });
  const std::uint64_t target = max_bytes_ / 10 * 9;
  for (const Entry& e : entries) {
    if (total <= target) break;
    if (fs::remove(e.path, ec)) total -= e.size;
  }
  bytes_ = total;
}

std::string DiskCache::PathFor(const std::string& key) const {
  std::string h = Sha256Hex(key);
  return dir_ + "/" + h.substr(0, 2) + "/" + h;
}

Result<std::optional<std::string>> DiskCache::Get(const std::string& key) {
  std::string path = PathFor(key);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::optional<std::string>();
  std::string header;
  std::error_code ec;
  // Not an entry of this format, or not whole: a miss, and the file goes (Put writes it again).
  auto discard = [&]() -> Result<std::optional<std::string>> {
    in.close();
    fs::remove(path, ec);
    return std::optional<std::string>();
  };
  if (!std::getline(in, header) || header.rfind(kMagic, 0) != 0) return discard();
  std::istringstream hs(header.substr(kMagic.size()));
  std::int64_t expiry = 0;
  std::size_t key_len = 0, value_len = 0;
  if (!(hs >> expiry >> key_len >> value_len)) return discard();
  const std::uintmax_t file_size = fs::file_size(path, ec);
  if (ec || key_len > file_size || value_len > file_size) return discard();
  if (expiry < NowSeconds()) return discard();
  std::string stored_key(key_len, '\0');
  if (!in.read(stored_key.data(), static_cast<std::streamsize>(key_len))) return discard();
  if (stored_key != key) return std::optional<std::string>();  // another key of the same hash
  std::ostringstream value;
  value << in.rdbuf();
  if (value.view().size() != value_len) return discard();
  // A hit makes the entry recently used, for eviction.
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
  return std::optional<std::string>(value.str());
}

Status DiskCache::Put(const std::string& key, std::string_view value, std::chrono::seconds ttl) {
  std::string path = PathFor(key);
  std::error_code ec;
  if (ttl.count() <= 0) {  // expired at once: nothing to store, and the old value is replaced
    fs::remove(path, ec);
    return ec ? Status(ErrorCode::kIoError, path + ": " + ec.message()) : Status::Ok();
  }
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return Status(ErrorCode::kIoError, path + ": " + ec.message());
  std::string data(kMagic);
  data += std::to_string(NowSeconds() + ttl.count()) + " " + std::to_string(key.size()) + " " +
          std::to_string(value.size()) + "\n";
  data += key;
  data += value;
  Status s = WriteFileAtomic(path, data, nullptr, sync_);
  if (s.ok() && (bytes_ += data.size()) > max_bytes_) Evict();
  return s;
}

}  // namespace sheaf
