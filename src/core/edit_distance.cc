// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/edit_distance.h"

#include <cstdlib>

namespace sheaf {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  return SequenceEditDistance(a, b);
}

int BoundedEditDistance(std::string_view a, std::string_view b, int cap) {
  if (std::abs(static_cast<int>(a.size()) - static_cast<int>(b.size())) > cap) return cap + 1;
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    int row_min = cur[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > cap) return cap + 1;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace sheaf
