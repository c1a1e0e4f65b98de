// SPDX-License-Identifier: GPL-3.0-or-later
#include "sheaf/document.h"

#include <algorithm>
#include <cmath>

namespace sheaf {

Box Box::Union(const Box& o) const {
  if (empty()) return o;
  if (o.empty()) return *this;
  return {std::min(x0, o.x0), std::min(y0, o.y0), std::max(x1, o.x1), std::max(y1, o.y1)};
}

Box ToSourceBox(const PreprocessRecord& record, int width, int height, const Box& box) {
  if (record.rotation == 0 && record.skew_degrees == 0) return box;
  double theta = record.skew_degrees * 3.14159265358979323846 / 180.0;
  double c = std::cos(theta), s = std::sin(theta);
  double cx = width / 2.0, cy = height / 2.0;
  double xs[4] = {double(box.x0), double(box.x1), double(box.x0), double(box.x1)};
  double ys[4] = {double(box.y0), double(box.y0), double(box.y1), double(box.y1)};
  double min_x = 1e18, min_y = 1e18, max_x = -1e18, max_y = -1e18;
  for (int k = 0; k < 4; ++k) {
    // Undo the deskew (a clockwise rotation by theta about the centre, y pointing down).
    double dx = xs[k] - cx, dy = ys[k] - cy;
    double x = cx + dx * c + dy * s;
    double y = cy - dx * s + dy * c;
    // Undo each clockwise quarter turn: a point (x, y) of a turned image of width w came from
    // (y, w - x) of the image before the turn.
    int w = width, h = height;
    for (int q = 0; q < ((record.rotation / 90) % 4 + 4) % 4; ++q) {
      double nx = y, ny = w - x;
      x = nx;
      y = ny;
      std::swap(w, h);
    }
    min_x = std::min(min_x, x);
    max_x = std::max(max_x, x);
    min_y = std::min(min_y, y);
    max_y = std::max(max_y, y);
  }
  return {static_cast<int>(std::floor(min_x)), static_cast<int>(std::floor(min_y)),
          static_cast<int>(std::ceil(max_x)), static_cast<int>(std::ceil(max_y))};
}

std::string Line::Text() const {
  std::string out;
  for (const Word& w : words) {
    if (!out.empty()) out += ' ';
    out += w.text;
  }
  return out;
}

std::size_t Page::WordCount() const {
  std::size_t n = 0;
  for (const Block& b : blocks)
    for (const Line& l : b.lines) n += l.words.size();
  return n;
}

std::string Page::Text() const {
  std::string out;
  for (const Block& b : blocks) {
    if (!out.empty()) out += '\n';
    for (const Line& l : b.lines) {
      out += l.Text();
      out += '\n';
    }
  }
  return out;
}

std::string_view PageSourceName(PageSource s) {
  switch (s) {
    case PageSource::kTextLayer: return "text_layer";
    case PageSource::kOcr: return "ocr";
    case PageSource::kText: return "text";
  }
  return "ocr";
}

std::string_view DocumentStatusName(DocumentStatus s) {
  switch (s) {
    case DocumentStatus::kCompleted: return "completed";
    case DocumentStatus::kNeedsReview: return "needs_review";
    case DocumentStatus::kFailed: return "failed";
  }
  return "failed";
}

std::string_view RuleStatusName(RuleStatus s) {
  switch (s) {
    case RuleStatus::kPass: return "pass";
    case RuleStatus::kWarn: return "warn";
    case RuleStatus::kFail: return "fail";
  }
  return "fail";
}

}  // namespace sheaf
