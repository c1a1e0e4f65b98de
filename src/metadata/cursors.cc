// SPDX-License-Identifier: GPL-3.0-or-later
#include "metadata/cursors.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace sheaf::metadata {

bool ParseNonNegative(std::string_view text, std::int64_t* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && *out >= 0;
}

std::string ListCursor(std::int64_t seq) { return "c1." + std::to_string(seq); }

Result<std::int64_t> ParseListCursor(const std::string& cursor) {
  if (cursor.empty()) return std::numeric_limits<std::int64_t>::max();
  std::int64_t seq = 0;
  if (cursor.rfind("c1.", 0) != 0 || !ParseNonNegative(std::string_view(cursor).substr(3), &seq)) {
    return Status(ErrorCode::kInvalidArgument,
                  "cursor \"" + cursor.substr(0, 64) + "\" is not one this listing made");
  }
  return seq;
}

std::string ReviewCursor(std::int64_t rank, std::int64_t seq) {
  return "r1." + std::to_string(rank) + "." + std::to_string(seq);
}

Result<std::pair<std::int64_t, std::int64_t>> ParseReviewCursor(const std::string& cursor) {
  if (cursor.empty()) return std::pair<std::int64_t, std::int64_t>(-1, 0);
  const std::string_view rest =
      std::string_view(cursor).substr(std::min<std::size_t>(3, cursor.size()));
  const std::size_t dot = rest.find('.');
  std::int64_t rank = 0;
  std::int64_t seq = 0;
  if (cursor.rfind("r1.", 0) != 0 || dot == std::string_view::npos ||
      !ParseNonNegative(rest.substr(0, dot), &rank) ||
      !ParseNonNegative(rest.substr(dot + 1), &seq)) {
    return Status(ErrorCode::kInvalidArgument,
                  "cursor \"" + cursor.substr(0, 64) + "\" is not one the review queue made");
  }
  return std::pair<std::int64_t, std::int64_t>(rank, seq);
}

}  // namespace sheaf::metadata
