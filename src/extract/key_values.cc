// SPDX-License-Identifier: GPL-3.0-or-later
//
// Forms: every "Key: value" on the page (extractor.h, ExtractKeyValues).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "extract/extract_context.h"
#include "extract/extractor.h"
#include "extract/layout_view.h"

namespace sheaf::extract {

using internal::Tokens;
using internal::Trim;

std::map<std::string, Field> ExtractKeyValues(const Document& doc) {
  std::map<std::string, Field> out;
  DocumentView view = BuildView(doc);
  auto add = [&](std::string key, const Box& key_box, const std::string& value, const Box& box,
                 int page, double conf) {
    std::vector<std::string> toks = Tokens(key);
    // A blank to fill in ("________") is no value.
    if (toks.empty() || toks.size() > 6 || Tokens(value).empty()) return;
    std::string norm;
    for (const std::string& t : toks) norm += (norm.empty() ? "" : " ") + t;
    std::string name = norm;
    for (int k = 2; out.count(name); ++k) name = norm + " (" + std::to_string(k) + ")";
    Field f;
    f.value = Trim(value);
    f.raw = value;
    f.label = Trim(key);
    f.label_bbox = key_box;
    f.page = page;
    f.bbox = box;
    f.confidence = std::clamp(0.4 + 0.5 * conf, 0.0, 0.9);
    out[name] = f;
  };
  for (const PageView& p : view.pages) {
    for (std::size_t r = 0; r < p.rows.size(); ++r) {
      const Row& row = p.rows[r];
      for (std::size_t c = 0; c < row.cells.size(); ++c) {
        const Cell& cell = row.cells[c];
        // "KEY: value" inside one cell, or "KEY:" followed by the next cell or the cell below.
        for (std::size_t w = 0; w < cell.words.size(); ++w) {
          const std::string& t = cell.words[w].text;
          if (t.empty() || t.back() != ':') continue;
          if (w + 1 > 6) break;
          Box key_box;
          std::string key = JoinWords(cell, 0, w + 1, &key_box);
          key.pop_back();
          Box vbox;
          std::string value;
          double conf = 0;
          // The value runs to the next "KEY:" in the cell.
          std::size_t end = w + 1;
          while (end < cell.words.size() && !(cell.words[end].text.back() == ':' && end + 1 < cell.words.size())) ++end;
          if (end > w + 1) {
            value = JoinWords(cell, w + 1, end, &vbox);
            conf = MeanConfidence(cell, 0, end);
          } else if (c + 1 < row.cells.size()) {
            const Cell& next = row.cells[c + 1];
            value = next.text;
            vbox = next.box;
            conf = MeanConfidence(next, 0, next.words.size());
          } else if (r + 1 < p.rows.size()) {
            const Row& below = p.rows[r + 1];
            for (const Cell& bc : below.cells) {
              if (std::min(bc.box.x1, cell.box.x1) - std::max(bc.box.x0, cell.box.x0) <= 0) continue;
              if (bc.text.find(':') != std::string::npos) break;
              if (below.box.y0 - row.box.y1 > 2 * row.height) break;
              value = bc.text;
              vbox = bc.box;
              conf = MeanConfidence(bc, 0, bc.words.size()) * 0.8;
              break;
            }
          }
          add(key, key_box, value, vbox, p.number, conf);
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace sheaf::extract
