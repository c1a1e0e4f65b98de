// SPDX-License-Identifier: GPL-3.0-or-later
//
// The cursors of MetadataStore's keyset pagination, opaque to clients and the same in every
// backend: "c1.<seq>" for ListDocuments (the last document's insertion number),
// "r1.<rank>.<seq>" for ListReviewQueue (its priority rank and insertion number). The "1"
// versions the format.
#ifndef SHEAF_METADATA_CURSORS_H_
#define SHEAF_METADATA_CURSORS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "sheaf/status.h"

namespace sheaf::metadata {

// Parses a non-negative decimal integer that is all of `text`.
bool ParseNonNegative(std::string_view text, std::int64_t* out);

std::string ListCursor(std::int64_t seq);
// The seq to list below: INT64_MAX for "" (the first page). invalid_argument for a cursor
// ListCursor did not make.
Result<std::int64_t> ParseListCursor(const std::string& cursor);

std::string ReviewCursor(std::int64_t rank, std::int64_t seq);
// The (rank, seq) to list after: (-1, 0) for "". invalid_argument for a cursor ReviewCursor did
// not make.
Result<std::pair<std::int64_t, std::int64_t>> ParseReviewCursor(const std::string& cursor);

}  // namespace sheaf::metadata

#endif  // SHEAF_METADATA_CURSORS_H_
