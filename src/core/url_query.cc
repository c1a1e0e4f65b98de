// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/url_query.h"

#include <charconv>

namespace sheaf {

namespace {

bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int v = 0;
    const auto [end, ec] = std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);
    if (ec != std::errc() || end != in.data() + i + 3) return false;
    out->push_back(static_cast<char>(v));
    i += 2;
  }
  return true;
}

}  // namespace

Result<UrlQuery> ParseUrlQuery(std::string_view query) {
  UrlQuery out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string name, value;
    if (!PercentDecode(pair.substr(0, eq), &name) ||
        !PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                       &value)) {
      return Status(ErrorCode::kInvalidArgument,
                    "bad %-escape in \"" + std::string(pair.substr(0, 60)) + "\"");
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

}  // namespace sheaf
