// SPDX-License-Identifier: GPL-3.0-or-later
//
// gzip compression with zlib, for files Sheaf ships compressed (the document-type model);
// decompression of a whole single-member file by libdeflate, which is faster.
//
// Contract: pure functions of their input, safe from any thread; never throw.
#ifndef SHEAF_ADAPTERS_ZLIB_GZIP_H_
#define SHEAF_ADAPTERS_ZLIB_GZIP_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "sheaf/status.h"

namespace sheaf::zlib_adapter {

// True iff `data` starts with the gzip magic bytes.
bool IsGzip(std::string_view data);

// Compresses `data` into the gzip format (best compression).
Result<std::string> Gzip(std::string_view data);

// Decompresses gzip `data`. kInvalidArgument (message starting "<name>: ") for damaged data,
// kLimitExceeded when the result would exceed `max_bytes`.
Result<std::string> Gunzip(std::string_view data, std::uint64_t max_bytes, const std::string& name);

}  // namespace sheaf::zlib_adapter

#endif  // SHEAF_ADAPTERS_ZLIB_GZIP_H_
