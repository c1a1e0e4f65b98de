// SPDX-License-Identifier: GPL-3.0-or-later
//
// Levenshtein distance (insertions, deletions and substitutions each cost 1). One
// implementation for every caller: OCR scoring (over code points), label and sender matching
// (over bytes), and the capped form the extractor uses on every word it looks at.
// Pure functions; O(|a|·|b|) time, O(|b|) memory.
#ifndef SHEAF_CORE_EDIT_DISTANCE_H_
#define SHEAF_CORE_EDIT_DISTANCE_H_

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

namespace sheaf {

// Over any two sequences of comparable elements (std::string, std::u32string, ...).
template <typename Seq>
std::size_t SequenceEditDistance(const Seq& a, const Seq& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// Over bytes.
std::size_t EditDistance(std::string_view a, std::string_view b);

// Over bytes, but gives up early: `cap + 1` as soon as the distance must exceed `cap`.
int BoundedEditDistance(std::string_view a, std::string_view b, int cap);

}  // namespace sheaf

#endif  // SHEAF_CORE_EDIT_DISTANCE_H_
