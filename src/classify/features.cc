// SPDX-License-Identifier: GPL-3.0-or-later
#include "classify/features.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

namespace sheaf::classify {
namespace {

constexpr std::array<std::string_view, kNumLayoutFeatures> kLayoutNames = {
    "pages_1",               // one page
    "pages_2_to_4",          // two to four pages
    "pages_5_plus",          // five pages or more
    "text_layer_fraction",   // DocumentText::text_layer_fraction, clamped to [0, 1]
    "digit_fraction",        // digits among non-space code points
    "amount_line_fraction",  // non-empty lines ending in an amount such as "12.50" or "3,99 EUR"
    "lines_under_10",        // non-empty line count buckets
    "lines_10_to_39",
    "lines_40_to_149",
    "lines_150_plus",
    "empty_text",  // no words at all (a blank or unreadable document)
};

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes the code point at text[*pos] and advances *pos; returns kInvalid (advancing one byte)
// for a malformed, overlong or surrogate sequence.
char32_t DecodeUtf8(std::string_view text, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char b0 = byte(*pos);
  int len = 0;
  char32_t cp = 0;
  if (b0 < 0x80) {
    ++*pos;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    ++*pos;
    return kInvalid;
  }
  if (*pos + len > text.size()) {
    ++*pos;
    return kInvalid;
  }
  for (int i = 1; i < len; ++i) {
    const unsigned char b = byte(*pos + i);
    if ((b & 0xC0) != 0x80) {
      ++*pos;
      return kInvalid;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMinForLength[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*pos;
    return kInvalid;
  }
  *pos += len;
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// True for code points that belong to words. ASCII is exact; beyond ASCII every code point counts
// as a letter except the punctuation, symbol and space blocks that commonly appear in documents
// (NBSP, "€", "–", "•", box drawing, CJK punctuation, ...). Not a full Unicode table, but it never
// glues a word to an amount through a no-break space or a currency sign.
bool IsWordChar(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  if (cp == kInvalid) return false;
  if (cp <= 0xBF) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;  // Latin-1 punctuation
  if (cp == 0xD7 || cp == 0xF7) return false;                     // × ÷
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, currency, arrows, math, boxes
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK symbols and punctuation
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;  // variation selectors
  if (cp == 0xFEFF) return false;                  // byte order mark
  if (cp >= 0xFF01 && cp <= 0xFF0F) return false;  // full-width punctuation
  return true;
}

char32_t Normalize(char32_t cp) {
  if (cp >= '0' && cp <= '9') return '0';
  if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
  if (cp < 0x80) return cp;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;  // Latin-1 capitals
  if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) {
    return (cp % 2 == 0) ? cp + 1 : cp;  // Latin Extended-A: capital, small pairs
  }
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) {
    return (cp % 2 == 1) ? cp + 1 : cp;
  }
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 0x20;  // Greek
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;                 // Cyrillic
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

// True iff `line` ends in an amount: digits, '.' or ',', two digits, optionally followed by a
// currency (a symbol or up to three ASCII letters) and spaces, e.g. "Total 12.50", "3,99 EUR".
bool EndsInAmount(std::string_view line) {
  const auto trim_spaces = [&line] {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
  };
  trim_spaces();
  // An optional currency: ASCII letters (up to 3) or a non-ASCII symbol such as "€" or "£".
  size_t letters = 0;
  while (letters < line.size() && letters < 3) {
    const char c = line[line.size() - 1 - letters];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) break;
    ++letters;
  }
  if (letters > 0) {
    line.remove_suffix(letters);
  } else {
    while (!line.empty() && static_cast<unsigned char>(line.back()) >= 0x80) line.remove_suffix(1);
  }
  trim_spaces();
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const size_t n = line.size();
  return n >= 4 && is_digit(line[n - 1]) && is_digit(line[n - 2]) &&
         (line[n - 3] == '.' || line[n - 3] == ',') && is_digit(line[n - 4]);
}

uint32_t Bucket(uint64_t hash, int hash_bits) {
  const uint64_t folded = hash ^ (hash >> 32);
  return static_cast<uint32_t>(folded & ((uint64_t{1} << hash_bits) - 1));
}

// Appends the buckets of the character 3- to 5-grams of "<word>".
void AddCharGrams(const std::string& word, int hash_bits, std::vector<uint32_t>* out) {
  std::string marked = "<" + word + ">";
  std::vector<size_t> starts;  // byte offset of each code point, plus the end
  for (size_t pos = 0; pos < marked.size();) {
    starts.push_back(pos);
    DecodeUtf8(marked, &pos);
  }
  starts.push_back(marked.size());
  const size_t cps = starts.size() - 1;
  const uint64_t prefix = Fnv1a64("c:");
  for (size_t n = 3; n <= 5; ++n) {
    for (size_t i = 0; i + n <= cps; ++i) {
      const std::string_view gram(marked.data() + starts[i], starts[i + n] - starts[i]);
      out->push_back(Bucket(Fnv1a64(gram, prefix), hash_bits));
    }
  }
}

}  // namespace

std::string_view LayoutFeatureName(int i) { return kLayoutNames[static_cast<size_t>(i)]; }

int FeatureDimension(int hash_bits) { return (1 << hash_bits) + kNumLayoutFeatures; }

uint64_t Fnv1a64(std::string_view bytes, uint64_t seed) {
  uint64_t h = seed;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (size_t pos = 0; pos < text.size();) {
    const char32_t cp = DecodeUtf8(text, &pos);
    if (IsWordChar(cp)) {
      AppendUtf8(Normalize(cp), &current);
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

SparseVector Featurize(const DocumentText& doc, int hash_bits) {
  // Hashed text features: collect one bucket per occurrence, then count runs.
  const std::vector<std::string> words = Tokenize(doc.text);
  std::vector<uint32_t> buckets;
  const uint64_t unigram_prefix = Fnv1a64("w:");
  const uint64_t bigram_prefix = Fnv1a64("b:");
  for (size_t i = 0; i < words.size(); ++i) {
    buckets.push_back(Bucket(Fnv1a64(words[i], unigram_prefix), hash_bits));
    if (i + 1 < words.size()) {
      const uint64_t first = Fnv1a64(words[i], bigram_prefix);
      const uint64_t both = Fnv1a64(words[i + 1], Fnv1a64("\x1f", first));
      buckets.push_back(Bucket(both, hash_bits));
    }
    AddCharGrams(words[i], hash_bits, &buckets);
  }
  std::sort(buckets.begin(), buckets.end());

  SparseVector v;
  double norm2 = 0.0;
  for (size_t i = 0; i < buckets.size();) {
    size_t j = i;
    while (j < buckets.size() && buckets[j] == buckets[i]) ++j;
    const double w = std::log1p(static_cast<double>(j - i));
    v.indices.push_back(static_cast<int>(buckets[i]));
    v.values.push_back(w);
    norm2 += w * w;
    i = j;
  }
  if (norm2 > 0.0) {
    const double inv = 1.0 / std::sqrt(norm2);
    for (double& x : v.values) x *= inv;
  }

  // Layout features.
  size_t digits = 0;
  size_t non_space = 0;
  size_t lines = 0;
  size_t amount_lines = 0;
  size_t line_start = 0;
  const std::string_view text = doc.text;
  for (size_t pos = 0; pos <= text.size(); ++pos) {
    if (pos == text.size() || text[pos] == '\n') {
      const std::string_view line = text.substr(line_start, pos - line_start);
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
        ++lines;
        if (EndsInAmount(line)) ++amount_lines;
      }
      line_start = pos + 1;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(text[pos]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: not a new code point
    if (c == ' ' || c == '\t' || c == '\r') continue;
    ++non_space;
    if (c >= '0' && c <= '9') ++digits;
  }
  const int pages = std::max(doc.page_count, 1);
  std::array<double, kNumLayoutFeatures> dense{};
  dense[0] = pages == 1 ? 1.0 : 0.0;
  dense[1] = (pages >= 2 && pages <= 4) ? 1.0 : 0.0;
  dense[2] = pages >= 5 ? 1.0 : 0.0;
  dense[3] =
      std::isfinite(doc.text_layer_fraction) ? std::clamp(doc.text_layer_fraction, 0.0, 1.0) : 0.0;
  dense[4] = non_space > 0 ? static_cast<double>(digits) / static_cast<double>(non_space) : 0.0;
  dense[5] = lines > 0 ? static_cast<double>(amount_lines) / static_cast<double>(lines) : 0.0;
  dense[6] = lines < 10 ? 1.0 : 0.0;
  dense[7] = (lines >= 10 && lines < 40) ? 1.0 : 0.0;
  dense[8] = (lines >= 40 && lines < 150) ? 1.0 : 0.0;
  dense[9] = lines >= 150 ? 1.0 : 0.0;
  dense[10] = words.empty() ? 1.0 : 0.0;
  const int base = 1 << hash_bits;
  for (int i = 0; i < kNumLayoutFeatures; ++i) {
    if (dense[static_cast<size_t>(i)] == 0.0) continue;
    v.indices.push_back(base + i);
    v.values.push_back(dense[static_cast<size_t>(i)]);
  }
  return v;
}

}  // namespace sheaf::classify
