// SPDX-License-Identifier: GPL-3.0-or-later
//
// Groups words that arrive in reading order (a PDF text layer) into lines and blocks.
#ifndef SHEAF_CORE_LAYOUT_H_
#define SHEAF_CORE_LAYOUT_H_

#include <vector>

#include "sheaf/document.h"

namespace sheaf {

// Consecutive words that overlap vertically by at least half the smaller height and do not move
// left form a line; a vertical gap larger than 1.5 line heights, or a jump back up the page,
// starts a new block.
std::vector<Block> GroupWords(const std::vector<Word>& words);

}  // namespace sheaf

#endif  // SHEAF_CORE_LAYOUT_H_
