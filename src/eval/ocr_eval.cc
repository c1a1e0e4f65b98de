// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/ocr_eval.h"

#include <algorithm>
#include <cstdint>
#include <sstream>

#include "core/edit_distance.h"

namespace sheaf::eval {

namespace {

std::u32string Decode(const std::string& s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    char32_t cp;
    std::size_t n;
    if (b < 0x80) { cp = b; n = 1; }
    else if ((b & 0xE0) == 0xC0) { cp = b & 0x1F; n = 2; }
    else if ((b & 0xF0) == 0xE0) { cp = b & 0x0F; n = 3; }
    else if ((b & 0xF8) == 0xF0) { cp = b & 0x07; n = 4; }
    else { cp = 0xFFFD; n = 1; }
    if (i + n > s.size()) { cp = 0xFFFD; n = s.size() - i; }
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string DecodeEntities(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    std::size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") out += '&';
    else if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      std::uint32_t cp = 0;
      bool hex = ent[1] == 'x' || ent[1] == 'X';
      std::string digits(ent.substr(hex ? 2 : 1));
      try {
        cp = static_cast<std::uint32_t>(std::stoul(digits, nullptr, hex ? 16 : 10));
      } catch (...) {
        out += s[i];
        continue;
      }
      AppendUtf8(out, cp);
    } else {
      out += s[i];
      continue;
    }
    i = semi;
  }
  return out;
}

// Text content of the element whose start tag ends at `pos` (tags inside are dropped).
std::string InnerText(const std::string& doc, std::size_t pos, const std::string& tag) {
  std::string out;
  int depth = 1;
  std::size_t i = pos;
  while (i < doc.size() && depth > 0) {
    if (doc[i] == '<') {
      std::size_t close = doc.find('>', i);
      if (close == std::string::npos) break;
      std::string_view t(doc.data() + i, close - i + 1);
      if (t.rfind("</" + tag, 0) == 0) --depth;
      else if (t.rfind("<" + tag, 0) == 0 && t[t.size() - 2] != '/') ++depth;
      i = close + 1;
    } else {
      out += doc[i++];
    }
  }
  return DecodeEntities(out);
}

}  // namespace

std::size_t CodePoints(const std::string& s) { return Decode(s).size(); }

std::size_t EditDistance(const std::string& a, const std::string& b) {
  std::u32string x = Decode(a), y = Decode(b);
  if (x.size() < y.size()) std::swap(x, y);  // the shorter one as the row
  return SequenceEditDistance(x, y);
}

std::string NormalizeForCer(const std::string& text, const TextNormalization& n) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += n.fold_case && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

namespace {
// Parses "bbox x0 y0 x1 y1" inside an hOCR title attribute.
bool TitleBox(std::string_view tag, Box* box) {
  std::size_t p = tag.find("bbox ");
  if (p == std::string_view::npos) return false;
  std::istringstream in(std::string(tag.substr(p + 5, 64)));
  return static_cast<bool>(in >> box->x0 >> box->y0 >> box->x1 >> box->y1);
}
}  // namespace

Result<std::vector<BoxedText>> HocrLines(const std::string& hocr) {
  std::vector<BoxedText> lines;
  std::size_t words = 0;
  std::size_t i = 0;
  while ((i = hocr.find('<', i)) != std::string::npos) {
    std::size_t close = hocr.find('>', i);
    if (close == std::string::npos) break;
    std::string_view tag(hocr.data() + i, close - i + 1);
    if (tag.find("'ocr_line'") != std::string_view::npos ||
        tag.find("\"ocr_line\"") != std::string_view::npos ||
        tag.find("ocrx_line") != std::string_view::npos) {
      lines.emplace_back();
    } else if (tag.find("ocrx_word") != std::string_view::npos) {
      std::size_t sp = tag.find_first_of(" >", 1);
      std::string name(tag.substr(1, sp - 1));
      std::string word = InnerText(hocr, close + 1, name);
      Box box;
      if (!word.empty() && TitleBox(tag, &box)) {
        if (lines.empty()) lines.emplace_back();
        BoxedText& line = lines.back();
        if (!line.text.empty()) line.text += ' ';
        line.text += word;
        line.box = line.box.Union(box);
        ++words;
      }
    }
    i = close + 1;
  }
  std::erase_if(lines, [](const BoxedText& l) { return l.text.empty(); });
  if (words == 0) return Status(ErrorCode::kInvalidDocument, "hOCR has no ocrx_word elements");
  return lines;
}

std::vector<BoxedText> SroieLines(const std::string& csv) {
  std::vector<BoxedText> out;
  std::istringstream in(csv);
  std::string row;
  while (std::getline(in, row)) {
    if (!row.empty() && row.back() == '\r') row.pop_back();
    std::vector<int> v;
    std::size_t pos = 0;
    while (v.size() < 8) {
      std::size_t comma = row.find(',', pos);
      if (comma == std::string::npos) break;
      try {
        v.push_back(std::stoi(row.substr(pos, comma - pos)));
      } catch (...) {
        break;
      }
      pos = comma + 1;
    }
    if (v.size() < 8) continue;
    BoxedText line;
    line.box = {std::min({v[0], v[2], v[4], v[6]}), std::min({v[1], v[3], v[5], v[7]}),
                std::max({v[0], v[2], v[4], v[6]}), std::max({v[1], v[3], v[5], v[7]})};
    line.text = row.substr(pos);
    out.push_back(std::move(line));
  }
  return out;
}

std::vector<BoxedText> TesseractTsvWords(const std::string& tsv) {
  std::vector<BoxedText> out;
  std::istringstream in(tsv);
  std::string row;
  while (std::getline(in, row)) {
    std::vector<std::string> cols;
    std::size_t pos = 0;
    for (int k = 0; k < 11; ++k) {
      std::size_t tab = row.find('\t', pos);
      if (tab == std::string::npos) break;
      cols.push_back(row.substr(pos, tab - pos));
      pos = tab + 1;
    }
    if (cols.size() != 11 || cols[0] != "5") continue;
    std::string text = row.substr(pos);
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (NormalizeForCer(text, {}).empty()) continue;
    try {
      int l = std::stoi(cols[6]), t = std::stoi(cols[7]), w = std::stoi(cols[8]),
          h = std::stoi(cols[9]);
      out.push_back({{l, t, l + w, t + h}, text});
    } catch (...) {
    }
  }
  return out;
}

CerSample AlignedCer(const std::vector<BoxedText>& truth_lines,
                     const std::vector<BoxedText>& words, const TextNormalization& n) {
  std::vector<std::vector<const BoxedText*>> assigned(truth_lines.size());
  CerSample out;
  for (const BoxedText& w : words) {
    std::string text = NormalizeForCer(w.text, n);
    if (text.empty()) continue;
    double cx = (w.box.x0 + w.box.x1) / 2.0, cy = (w.box.y0 + w.box.y1) / 2.0;
    std::ptrdiff_t best = -1;
    double best_dist = 0;
    for (std::size_t k = 0; k < truth_lines.size(); ++k) {
      const Box& b = truth_lines[k].box;
      if (cx < b.x0 || cx > b.x1 || cy < b.y0 || cy > b.y1) continue;
      double dist = std::abs(cy - (b.y0 + b.y1) / 2.0);
      if (best < 0 || dist < best_dist) {
        best = static_cast<std::ptrdiff_t>(k);
        best_dist = dist;
      }
    }
    if (best < 0) {
      out.edits += CodePoints(text);  // recognised where there is no text: insertions
    } else {
      assigned[static_cast<std::size_t>(best)].push_back(&w);
    }
  }
  for (std::size_t k = 0; k < truth_lines.size(); ++k) {
    std::sort(assigned[k].begin(), assigned[k].end(),
              [](const BoxedText* a, const BoxedText* b) { return a->box.x0 < b->box.x0; });
    std::string hyp;
    for (const BoxedText* w : assigned[k]) hyp += w->text + " ";
    std::string truth = NormalizeForCer(truth_lines[k].text, n);
    out.truth_chars += CodePoints(truth);
    out.edits += EditDistance(truth, NormalizeForCer(hyp, n));
  }
  return out;
}

double MicroCer(const std::vector<CerSample>& samples) {
  std::size_t edits = 0, chars = 0;
  for (const CerSample& s : samples) {
    edits += s.edits;
    chars += s.truth_chars;
  }
  return chars ? static_cast<double>(edits) / chars : 0.0;
}

}  // namespace sheaf::eval
