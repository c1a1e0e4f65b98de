// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/extract_context.h"

#include <cctype>

namespace sheaf::extract::internal {

// ---------------------------------------------------------------------------------------------
// Tokens and labels

bool IsAlnumByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

// Lower-cased alphanumeric runs of `text`.
std::vector<std::string> Tokens(std::string_view text) {
  std::string low = Lower(text);
  std::vector<std::string> out;
  std::string cur;
  for (char ch : low) {
    auto c = static_cast<unsigned char>(ch);
    // Non-breaking and typographic punctuation in UTF-8 start with 0xC2 / 0xE2; treat the
    // common ones (·, •, –, —, «, », ’, “, ”, €) as separators.
    if (IsAlnumByte(c)) {
      cur += ch;
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  // Strip UTF-8 punctuation glued to words (· • – — « » ’ “ ” € £ ¥ °).
  for (std::string& t : out) {
    for (std::string_view p : {"\xC2\xB7", "\xE2\x80\xA2", "\xE2\x80\x93", "\xE2\x80\x94",
                               "\xC2\xAB", "\xC2\xBB", "\xE2\x80\x99", "\xE2\x80\x9C",
                               "\xE2\x80\x9D", "\xE2\x82\xAC", "\xC2\xA3", "\xC2\xA5", "\xC2\xB0"}) {
      std::size_t at;
      while ((at = t.find(p)) != std::string::npos) t.erase(at, p.size());
    }
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](const std::string& t) { return t.empty(); }),
            out.end());
  return out;
}

std::string Concat(const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& t : tokens) out += t;
  return out;
}

// OCR reads the "l" that ends a word as "!", "|", "]", "1" or "I" ("Tota!", "TOTA1",
// "Subtota|", "TotaI"); labels are looked for with the letter back in place.
std::string RestoreFinalL(const std::string& word) {
  std::size_t end = word.size();
  while (end > 0 && (word[end - 1] == ':' || word[end - 1] == '.')) --end;
  if (end < 4) return word;
  // "Grand Tota.": the "l" read as the full stop after it.
  if (end < word.size() && word[end] == '.' && Lower(word.substr(end - 4, 4)) == "tota") {
    return word.substr(0, end) + (std::isupper(static_cast<unsigned char>(word[end - 1])) ? "L" : "l") +
           word.substr(end);
  }
  std::size_t letters = 0;
  while (letters < end - 1 && std::isalpha(static_cast<unsigned char>(word[letters]))) ++letters;
  if (letters != end - 1 || letters < 3) return word;
  char last = word[end - 1];
  bool lower_before = std::islower(static_cast<unsigned char>(word[end - 2]));
  if (last != '!' && last != '|' && last != ']' && last != '1' && !(last == 'I' && lower_before)) return word;
  std::string out = word;
  out[end - 1] = std::isupper(static_cast<unsigned char>(word[end - 2])) ? 'L' : 'l';
  return out;
}

CellTokens TokenizeCell(const Cell& cell) {
  CellTokens ct;
  for (std::size_t w = 0; w < cell.words.size(); ++w) {
    const std::string text = RestoreFinalL(cell.words[w].text);
    const std::string lower = Lower(text);
    std::size_t pos = 0;
    for (std::string& t : Tokens(text)) {
      // Find where this token starts to see what joins it to the previous one.
      std::size_t at = lower.find(t, pos);
      bool hyphen = at != std::string::npos && at > 0 && text[at - 1] == '-' &&
                    !ct.word_of.empty() && ct.word_of.back() == w;
      if (at != std::string::npos) pos = at + t.size();
      ct.tokens.push_back(std::move(t));
      ct.word_of.push_back(w);
      ct.hyphenated.push_back(hyphen ? 1 : 0);
    }
  }
  return ct;
}

std::vector<LabelKey> LabelKeys(const Schema& schema) {
  std::vector<LabelKey> keys;
  for (const FieldSpec& f : schema.fields) {
    std::set<std::string> seen;
    for (const auto& [lang, labels] : f.labels) {
      for (const std::string& l : labels) {
        std::vector<std::string> toks = Tokens(l);
        std::string key = Concat(toks);
        if (key.empty() || !seen.insert(key).second) continue;
        keys.push_back({f.name, key, toks.size(), l});
      }
    }
  }
  return keys;
}

bool HasWordIn(const std::string& token, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), token) != words.end();
}

bool HasWord(const std::vector<std::string>& tokens, std::initializer_list<std::string_view> words) {
  for (const std::string& t : tokens) {
    for (std::string_view w : words) {
      if (t == w) return true;
    }
  }
  return false;
}

double OcrFactor(double mean_conf) {
  // Text layers and clean OCR (>= 0.85) cost nothing; murky words lower the score.
  return std::clamp(0.55 + 0.5 * mean_conf, 0.0, 1.0);
}

int CountLetters(std::string_view s) {
  int n = 0;
  for (char c : s) n += (std::isalpha(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) ? 1 : 0;
  return n;
}
int CountDigits(std::string_view s) {
  int n = 0;
  for (char c : s) n += std::isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
  return n;
}

// Drops separators around a value: blanks and ASCII punctuation that is never part of one, and
// the guillemet "»" (OCR's reading of a ':' after a label). Works on whole UTF-8 sequences.
std::string Trim(std::string s) {
  const std::string_view kGuillemet = "\xC2\xBB";
  for (bool changed = true; changed;) {
    changed = false;
    std::size_t a = s.find_first_not_of(" \t:;-=>*#|.,");
    s.erase(0, a == std::string::npos ? s.size() : a);
    std::size_t b = s.find_last_not_of(" \t:;-=>*#|,");
    s.erase(b == std::string::npos ? 0 : b + 1);
    if (s.rfind(kGuillemet, 0) == 0) {
      s.erase(0, kGuillemet.size());
      changed = true;
    }
    if (s.size() >= kGuillemet.size() && s.compare(s.size() - kGuillemet.size(), kGuillemet.size(), kGuillemet) == 0) {
      s.erase(s.size() - kGuillemet.size());
      changed = true;
    }
  }
  return s;
}

}  // namespace sheaf::extract::internal
