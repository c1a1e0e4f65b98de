// SPDX-License-Identifier: GPL-3.0-or-later
//
// The state form of a Document: a lossless JSON encoding of every member, for handing a
// document from one pipeline stage to the next through blob storage. It is an internal format,
// not the result format users read (that is core/result_json.h): nothing is rounded or left
// out, and it may change with the code (it carries a "state_version" that readers check).
//
// Lossless means DocumentFromStateJson(DocumentToStateJson(d)) equals d member by member, also
// after the JSON was dumped to text and parsed again:
// - doubles are written with nlohmann's shortest round-trip form (bit-exact, -0.0 included);
//   NaN and the infinities, which JSON has no numbers for, are written as the strings "NaN",
//   "Infinity" and "-Infinity";
// - strings that are not valid UTF-8 (a file name in another encoding, a message cut in the
//   middle of a character) are written as {"hex": "<their bytes>"}, so the JSON always dumps
//   without error or replacement;
// - maps (fields, line items, timings) are arrays of entries carrying their key, so keys may
//   hold any bytes too.
//
// Contract: pure functions; safe from any thread; never throw. DocumentFromStateJson returns
// invalid_argument, naming the offending member by its path ("pages[0].blocks[2].bbox"), when
// `j` is not shaped as DocumentToStateJson writes it: another state_version, a missing member,
// a wrong type, an unknown enum or error code name, an integer out of range, a duplicate key.
// Members it does not know are ignored.
#ifndef SHEAF_CORE_STATE_JSON_H_
#define SHEAF_CORE_STATE_JSON_H_

#include <nlohmann/json.hpp>

#include "sheaf/document.h"
#include "sheaf/status.h"

namespace sheaf {

// The version written into and required of the state JSON.
inline constexpr int kStateJsonVersion = 1;

nlohmann::json DocumentToStateJson(const Document& doc);

Result<Document> DocumentFromStateJson(const nlohmann::json& j);

}  // namespace sheaf

#endif  // SHEAF_CORE_STATE_JSON_H_
