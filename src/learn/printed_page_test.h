// SPDX-License-Identifier: GPL-3.0-or-later
// For tests of the sender memory and what uses it: a one-page document whose words are printed
// where a test puts them, each word a line of its own.
#ifndef SHEAF_LEARN_PRINTED_PAGE_TEST_H_
#define SHEAF_LEARN_PRINTED_PAGE_TEST_H_

#include <string>
#include <vector>

#include "sheaf/document.h"

namespace sheaf::learn::testing {

struct Printed {
  std::string text;
  int x, y;  // top-left; each word is 18 px wide per character, 24 px high
};

// A 1000 x 1400 page holding `words` (OCR confidence 0.9), in one block.
inline Document PageOf(const std::vector<Printed>& words) {
  Document d;
  Page p;
  p.number = 1;
  p.width = 1000;
  p.height = 1400;
  Block b;
  for (const Printed& w : words) {
    Line line;
    const int width = 18 * static_cast<int>(w.text.size());
    line.words.push_back(Word{w.text, Box{w.x, w.y, w.x + width, w.y + 24}, 0.9});
    line.bbox = line.words.back().bbox;
    b.lines.push_back(line);
    b.bbox = b.bbox.Union(line.bbox);
  }
  p.blocks.push_back(b);
  d.pages.push_back(p);
  return d;
}

}  // namespace sheaf::learn::testing

#endif  // SHEAF_LEARN_PRINTED_PAGE_TEST_H_
