// SPDX-License-Identifier: GPL-3.0-or-later
#include "learn/sender.h"

#include <algorithm>
#include <set>
#include <vector>

#include "extract/layout_view.h"
#include "extract/normalize.h"
#include "sheaf/hash.h"

namespace sheaf::learn {

namespace {

// Words that say what kind of company it is, not which one.
const std::set<std::string>& LegalForms() {
  static const std::set<std::string> kForms = {
      "gmbh", "mbh", "ag",  "kg",   "ohg",     "ug",     "ltd", "limited", "llc", "inc",
      "corp", "co",  "plc", "sdn",  "bhd",     "berhad", "sa",  "sas",     "sarl", "srl",
      "spa",  "bv",  "nv",  "pty",  "pte",     "ab",     "as",  "oy",      "ek",
      "kgaa", "se",  "the", "enterprise", "company"};
  return kForms;
}

bool IsAlnum(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c >= 0x80; }

const Field* FieldOf(const Document& doc, const char* name) {
  const auto it = doc.fields.find(name);
  if (it == doc.fields.end() || it->second.value.empty()) return nullptr;
  return &it->second;
}

// Words of the letterhead hashed: few enough that the addressee's name and address, printed
// below it on the top of the page and different on every document, are rarely reached.
constexpr int kLetterheadWords = 6;

std::string LayoutFingerprint(const Document& doc) {
  if (doc.pages.empty()) return "";
  const Page& page = doc.pages.front();
  if (page.width <= 0 || page.height <= 0) return "";
  Document first;
  first.pages.push_back(page);
  const extract::DocumentView view = extract::BuildView(first);
  if (view.pages.empty()) return "";
  std::string print;
  int taken = 0;
  for (const extract::Row& row : view.pages.front().rows) {
    if (row.box.y0 * 4 > page.height) break;
    for (const extract::Cell& cell : row.cells) {
      for (const Word& w : cell.words) {
        std::string letters;
        for (unsigned char c : extract::Lower(w.text)) {
          if ((c >= 'a' && c <= 'z') || c >= 0x80) letters += static_cast<char>(c);
        }
        if (letters.size() < 3) continue;
        const int third = std::clamp(w.bbox.x0 * 3 / page.width, 0, 2);
        print += letters + "@" + std::to_string(third) + " ";
        if (++taken == kLetterheadWords) break;
      }
      if (taken == kLetterheadWords) break;
    }
    if (taken == kLetterheadWords) break;
  }
  if (taken < 3) return "";  // too little to tell senders apart
  return Sha256Hex(print).substr(0, 16);
}

}  // namespace

std::string NormalizeSenderName(std::string_view name) {
  const std::string lower = extract::Lower(name);
  std::vector<std::string> words;
  std::string word;
  for (unsigned char c : lower) {
    if (IsAlnum(c)) {
      word += static_cast<char>(c);
    } else if (c == '&' || c == '.' || c == '-' || c == '\'') {
      // "sdn. bhd." and "s.a." are one word each; "&" joins nothing.
      if (c == '&' && !word.empty()) {
        words.push_back(word);
        word.clear();
      }
    } else if (!word.empty()) {
      words.push_back(word);
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(word);
  std::string out;
  for (const std::string& w : words) {
    if (LegalForms().count(w) != 0) continue;
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out.size() > 200 ? out.substr(0, 200) : out;
}

bool SameSender(std::string_view a, std::string_view b) {
  if (a == b) return true;
  constexpr std::string_view kName = "name:";
  if (a.substr(0, kName.size()) != kName || b.substr(0, kName.size()) != kName) return false;
  const auto letters = [](std::string_view key) {
    std::string out;
    for (char c : key) {
      if (c != ' ') out += c;
    }
    return out;
  };
  const std::string x = letters(a.substr(kName.size())), y = letters(b.substr(kName.size()));
  const std::size_t shorter = std::min(x.size(), y.size());
  if (shorter < 5) return false;
  const std::size_t tolerance = std::max<std::size_t>(1, shorter / 6);
  // Lengths further apart than the tolerance cannot be within it: skip the quadratic distance.
  if (std::max(x.size(), y.size()) - shorter > tolerance) return false;
  return EditDistance(x, y) <= tolerance;
}

SenderIdentity IdentifySender(const Document& doc) {
  if (const Field* f = FieldOf(doc, "seller_vat_id")) {
    if (std::optional<std::string> vat = extract::NormalizeVatId(f->value)) {
      return {"vat", "vat:" + *vat};
    }
  }
  if (const Field* f = FieldOf(doc, "iban")) {
    if (std::optional<std::string> iban = extract::NormalizeIban(f->value)) {
      return {"iban", "iban:" + *iban};
    }
  }
  for (const char* name : {"seller_name", "merchant_name"}) {
    if (const Field* f = FieldOf(doc, name)) {
      const std::string n = NormalizeSenderName(f->value);
      if (n.size() >= 3) return {"name", "name:" + n};
    }
  }
  const std::string print = LayoutFingerprint(doc);
  if (!print.empty()) return {"layout", "layout:" + print};
  return {};
}

}  // namespace sheaf::learn
