// SPDX-License-Identifier: GPL-3.0-or-later
//
// The query part of a backend URL ("prefix=a%3Ab&region=x"), decoded: shared by the parsers of
// redis://, s3://, ... URLs. Plain functions; thread-safe.
#ifndef SHEAF_CORE_URL_QUERY_H_
#define SHEAF_CORE_URL_QUERY_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sheaf/status.h"

namespace sheaf {

using UrlQuery = std::vector<std::pair<std::string, std::string>>;

// Splits `query` (without the '?') at '&' into (name, value) pairs in order, each %-decoded
// ("+" is kept as is); empty pairs are skipped, a pair without '=' has an empty value.
// Errors: invalid_argument naming the pair with a malformed %-escape.
Result<UrlQuery> ParseUrlQuery(std::string_view query);

}  // namespace sheaf

#endif  // SHEAF_CORE_URL_QUERY_H_
