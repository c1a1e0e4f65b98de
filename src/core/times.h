// SPDX-License-Identifier: GPL-3.0-or-later
//
// Timestamps as text. Pure functions; thread-safe.
#ifndef SHEAF_CORE_TIMES_H_
#define SHEAF_CORE_TIMES_H_

#include <cstdint>
#include <string>

namespace sheaf {

// Milliseconds since the Unix epoch as ISO 8601 UTC: "2024-03-01T12:00:00Z", or with
// `with_millis` "2024-03-01T12:00:00.250Z".
std::string FormatUtc(std::int64_t ms, bool with_millis);

}  // namespace sheaf

#endif  // SHEAF_CORE_TIMES_H_
