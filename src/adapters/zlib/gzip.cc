// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/zlib/gzip.h"

#include <zlib.h>

namespace sheaf::zlib_adapter {

namespace {
constexpr int kGzipWindowBits = 15 + 16;  // zlib's way of asking for a gzip header
constexpr std::size_t kChunk = 1 << 16;
}  // namespace

bool IsGzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

Result<std::string> Gzip(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status(ErrorCode::kInternal, "gzip: cannot initialise zlib");
  }
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  char buf[kChunk];
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = deflate(&zs, Z_FINISH);
    out.append(buf, sizeof buf - zs.avail_out);
  } while (rc == Z_OK || rc == Z_BUF_ERROR);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status(ErrorCode::kInternal, "gzip: compression failed");
  return out;
}

Result<std::string> Gunzip(std::string_view data, std::uint64_t max_bytes, const std::string& name) {
  z_stream zs{};
  if (inflateInit2(&zs, kGzipWindowBits) != Z_OK) {
    return Status(ErrorCode::kInternal, name + ": cannot initialise zlib");
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[kChunk];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status(ErrorCode::kInvalidArgument, name + ": damaged gzip data");
    }
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&zs);
      return Status(ErrorCode::kLimitExceeded,
                    name + ": decompresses to more than " + std::to_string(max_bytes) + " bytes");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Status(ErrorCode::kInvalidArgument, name + ": truncated gzip data");
    }
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace sheaf::zlib_adapter
