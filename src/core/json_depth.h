// SPDX-License-Identifier: GPL-3.0-or-later
//
// A bound on how deeply JSON from a request may nest, checked before the document is built (a
// deeply nested body would otherwise cost memory and time out of proportion to its size).
#ifndef SHEAF_CORE_JSON_DEPTH_H_
#define SHEAF_CORE_JSON_DEPTH_H_

#include <string_view>

#include "sheaf/status.h"

namespace sheaf {

// OK iff no array or object in `text` is nested more than `max_depth` levels deep (the top-level
// object is level 1). Stops reading at the first level past the limit. Malformed JSON is OK here:
// the caller's own parse reports it. invalid_argument "... nested deeper than N levels" otherwise.
Status CheckJsonDepth(std::string_view text, int max_depth);

}  // namespace sheaf

#endif  // SHEAF_CORE_JSON_DEPTH_H_
