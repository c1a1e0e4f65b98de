// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/layout.h"

#include <algorithm>

namespace sheaf {

namespace {
bool SameLine(const Box& line, const Box& w) {
  int overlap = std::min(line.y1, w.y1) - std::max(line.y0, w.y0);
  int smaller = std::min(line.y1 - line.y0, w.y1 - w.y0);
  return smaller > 0 && overlap * 2 >= smaller && w.x0 >= line.x0;
}
}  // namespace

std::vector<Block> GroupWords(const std::vector<Word>& words) {
  std::vector<Block> blocks;
  Line line;
  auto flush_line = [&] {
    if (line.words.empty()) return;
    bool new_block = blocks.empty();
    if (!new_block) {
      const Block& b = blocks.back();
      const Box& prev = b.lines.back().bbox;
      int h = std::max(1, prev.y1 - prev.y0);
      int gap = line.bbox.y0 - prev.y1;
      new_block = gap * 2 > 3 * h || line.bbox.y1 < prev.y0;
    }
    if (new_block) blocks.emplace_back();
    Block& b = blocks.back();
    b.bbox = b.bbox.Union(line.bbox);
    b.lines.push_back(std::move(line));
    line = Line();
  };
  for (const Word& w : words) {
    if (!line.words.empty() && !SameLine(line.bbox, w.bbox)) flush_line();
    line.bbox = line.bbox.Union(w.bbox);
    line.words.push_back(w);
  }
  flush_line();
  return blocks;
}

}  // namespace sheaf
