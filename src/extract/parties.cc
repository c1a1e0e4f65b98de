// SPDX-License-Identifier: GPL-3.0-or-later
//
// Names at the top of a page: the merchant or seller (a row with a legal form wins), the buyer
// in the address window, and the OCR repairs certain in names. docs/extraction.md, "Names and
// addresses"; the addresses under them are addresses.cc's.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extract_context.h"
#include "extract/party_words.h"

namespace sheaf::extract::internal {
namespace {

// The suffixes of kCompanySuffixes that are trade words, not registered legal forms: a name
// with only these may be a brand whose legal owner is printed under it.
const std::initializer_list<std::string_view> kTradeWords = {
    "co", "company", "trading", "restaurant", "restoran", "mart", "market", "supermarket", "store",
    "stores", "cafe", "café", "bakery", "hardware", "pharmacy", "kedai", "station", "hotel", "shop",
    "enterprise", "enterprises"};

// Repairs the legal form of a company name where OCR misread it ("SON BHD", "SDN 3HD" ->
// "SDN BHD") and a "¥" read for a "Y" inside a name. Only these fixed words are touched.
std::string FixLegalForm(std::string name) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t end = name.find(' ', start);
    if (end == std::string::npos) end = name.size();
    if (end > start) words.push_back(name.substr(start, end - start));
    start = end + 1;
  }
  auto bare = [](const std::string& w) {
    std::string o;
    for (char ch : w) {
      if (ch != '.') o += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    return o;
  };
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    std::string a = bare(words[i]), b = bare(words[i + 1]);
    bool sdn = a.size() == 3 && BoundedEditDistance(a, "SDN", 1) <= 1 && a[0] != 'D';
    bool bhd = b.size() == 3 && BoundedEditDistance(b, "BHD", 1) <= 1;
    if (sdn && bhd && (a != "SDN" || b != "BHD")) {
      bool lower = std::islower(static_cast<unsigned char>(words[i][0]));
      words[i] = lower ? "Sdn" : "SDN";
      words[i + 1] = lower ? "Bhd" : "BHD";
    }
    // "SDN 11.", "SDN 8H": the last word after "SDN" misread beyond one letter; nothing but
    // "BHD" follows "SDN" in a Malaysian company name.
    if (a == "SDN" && i + 2 == words.size() && !bhd && b.size() <= 3 && CountDigits(b) > 0 &&
        std::none_of(words[i + 1].begin(), words[i + 1].end(), [](char ch) {
          return std::islower(static_cast<unsigned char>(ch)) != 0;
        })) {
      words[i + 1] = "BHD";
    }
    // "SDN B D", "SDN BH D": BHD broken in two at the end of the name.
    if (a == "SDN" && i + 3 == words.size()) {
      std::string c = bare(words[i + 2]);
      if (b.size() + c.size() <= 3 && b.size() + c.size() >= 2 && !b.empty() && b[0] == 'B' &&
          BoundedEditDistance(b + c, "BHD", 1) <= 1) {
        bool lower = std::islower(static_cast<unsigned char>(words[i][0]));
        words[i + 1] = lower ? "Bhd" : "BHD";
        words.pop_back();
      }
    }
  }
  // "99 SPEED MART 5/B (519537-X)": S/B (Sdn Bhd) with its S or B read as a digit, ending the
  // words of a name (before its registration number, if any).
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string w = bare(words[i]);
    bool ends = i + 1 == words.size() || words[i + 1][0] == '(';
    if (ends && CountLetters(words[i - 1]) >= 2 && w.size() == 3 && w[1] == '/' && w != "S/B" &&
        (w[0] == 'S' || w[0] == '5' || w[0] == '$') && (w[2] == 'B' || w[2] == '8')) {
      words[i] = "S/B";
    }
  }
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  std::size_t at;
  while ((at = out.find("\xC2\xA5")) != std::string::npos) out.replace(at, 2, "Y");
  return out;
}

// Cuts what follows the last Malaysian legal form that ends a name ("SDN BHD", "BHD", "S/B",
// "ENTERPRISE"): nothing of the name is printed after it, so trailing words are a stamp, a
// branch or OCR noise ("... ENTERPRISE PO OSTED"). "GmbH & Co. KG" and the like are left alone.
std::string CutAfterLegalForm(const std::string& name) {
  std::size_t cut = std::string::npos;
  std::size_t i = 0;
  while (i < name.size()) {
    while (i < name.size() && name[i] == ' ') ++i;
    std::size_t end = name.find(' ', i);
    if (end == std::string::npos) end = name.size();
    std::string word = Lower(name.substr(i, end - i));
    while (!word.empty() && (word.back() == '.' || word.back() == ',')) word.pop_back();
    if (word == "bhd" || word == "s/b" || word == "enterprise" || word == "enterprises") {
      std::size_t stop = i + word.size();
      while (stop < end && name[stop] == '.') ++stop;  // keep "BHD." as printed
      cut = stop;
    }
    i = end;
  }
  if (cut == std::string::npos || cut >= name.size()) return name;
  std::string rest = Trim(name.substr(cut));
  // "... SDN BHD (KL)" keeps a bracketed qualifier without digits.
  if (!rest.empty() && rest.front() == '(' && rest.back() == ')' && CountDigits(rest) == 0) return name;
  return name.substr(0, cut);
}

// Cuts what follows a registered legal form ("Ltd", "GmbH", "Inc", "Corporation", "SARL") when
// a capitalised word that is no part of a legal form comes next: the text of another column
// run into the name's row ("Frontier Foods Corporation Payment Due February 5, 2018"). "GmbH &
// Co. KG", "Pty. Ltd." and "Ltd. (KL)" are left alone.
std::string CutAfterRegisteredForm(const std::string& name) {
  auto bare = [](std::string w) {
    w = Lower(w);
    while (!w.empty() && (w.back() == '.' || w.back() == ',')) w.pop_back();
    return w;
  };
  std::vector<std::pair<std::size_t, std::size_t>> words;  // [begin, end) of each word
  for (std::size_t i = 0; i < name.size();) {
    while (i < name.size() && name[i] == ' ') ++i;
    std::size_t end = name.find(' ', i);
    if (end == std::string::npos) end = name.size();
    if (end > i) words.push_back({i, end});
    i = end;
  }
  for (std::size_t k = 1; k + 1 < words.size(); ++k) {
    const std::string w = bare(name.substr(words[k].first, words[k].second - words[k].first));
    if (!HasWordIn(w, {"gmbh", "ltd", "inc", "llc", "corp", "corporation", "sarl", "sas", "sasu", "bv", "nv",
                       "plc", "eurl", "srl", "kgaa", "ohg", "gbr", "limited"})) {
      continue;
    }
    const std::string next = name.substr(words[k + 1].first, words[k + 1].second - words[k + 1].first);
    if (!std::isupper(static_cast<unsigned char>(next[0]))) continue;
    const std::string nb = bare(next);
    if (HasWordIn(nb, kCompanySuffixes) || HasWordIn(nb, {"&", "and", "und", "co", "pty", "pte"})) continue;
    std::size_t stop = words[k].second;
    if (name[stop - 1] == ',') --stop;
    return name.substr(0, stop);
  }
  return name;
}

// Words that name a trade in a business name, in English and Malay ("BAKERIES", "STATIONERY",
// "PERNIAGAAN"): a word of a name one letter away from exactly one of them, and not a known word
// itself, is that word misread by OCR ("CONFECTIUNERY", "Fregh", "TAILGRING"). Only words of
// five letters or more, and only trade words with few real words one letter away (not TRADING:
// tracing, grading; not SUPPLIES: supplier; not PRINTING: painting), so that the repair is
// certain (docs/extraction.md, "Trade words misread by one letter").
const std::initializer_list<std::string_view> kNameTradeWords = {
    "apparel", "automotive", "bakeries", "bakery", "beauty", "bookshop", "bookstore", "boutique",
    "butchery", "chicken", "clothing", "communications", "confectionery", "construction",
    "cosmetics", "electrical", "electronics", "engineering", "enterprise", "enterprises", "fashion",
    "florist", "fresh", "frozen", "furniture", "grocery", "handicraft", "hardware", "hypermarket",
    "industries", "jewellery", "kitchen", "kitchenette", "laundry", "machinery", "marketing",
    "minimart", "pharmacy", "restaurant", "restaurants", "seafood", "stationery", "supermarket",
    "tailoring", "telecommunications", "textile",
    // Malay
    "bengkel", "elektrik", "jahitan", "klinik", "makanan", "minuman", "perniagaan", "perusahaan",
    "restoran"};

// Real words one letter from a word of kNameTradeWords, which are no misreading of it: people of
// a trade ("STATIONERS", "GROCER", "BAKERS"), and the words and names of Tesseract's English,
// Malay, German and French dictionaries one letter from a trade word (flesh, Beatty, stationary,
// Seaford, jengkel, Supermarkt, fourniture, ...; how they were found: docs/extraction.md).
const std::initializer_list<std::string_view> kRealWordsNearTradeWords = {
    "baker", "bakers", "butcher", "butchers", "confectioner", "confectioners", "florists", "grocer",
    "grocers", "jeweller", "jewellers", "stationer", "stationers", "tailor", "tailors",
    "afresh", "appareil", "beatty", "beaty", "beauly", "beaut", "beaute", "cashion", "chichen",
    "clotting", "confectionary", "constriction", "cookshop", "electrica", "electronica", "fakery",
    "flesh", "floris", "freeh", "frese", "freshy", "frosh", "froze", "handcraft", "hardwire",
    "hitchen", "industriel", "jahitkan", "jengkel", "jewelery", "kitchin", "klink", "landry",
    "peniagaan", "pharmaco", "restaurante", "restaurantes", "rozen", "schicken", "seaford",
    "stationary", "tertile", "textil", "thicken", "zakery",
    // German, Dutch and French words one letter from one (Tesseract's deu and fra dictionaries)
    "boutiquen", "checken", "fourniture", "frech", "hypermarkt", "industrie", "industriels",
    "industrien", "kirchen", "minimarkt", "supermarkt"};

// `lower` (lower case) written in the case of `like`: upper, capitalised or lower.
std::string InCaseOf(const std::string& like, std::string lower) {
  const bool upper = std::none_of(like.begin(), like.end(), [](char ch) {
    return std::islower(static_cast<unsigned char>(ch)) != 0;
  });
  const bool capital = !like.empty() && std::isupper(static_cast<unsigned char>(like[0])) != 0;
  for (std::size_t k = 0; k < lower.size(); ++k) {
    if (upper || (capital && k == 0)) lower[k] = static_cast<char>(std::toupper(static_cast<unsigned char>(lower[k])));
  }
  return lower;
}

// Rewrites the words of `name` (split at blanks) whose letters, punctuation around them aside,
// are five or more letters only: `fix` gets such a word in lower case and returns what it was
// misread for, in lower case, or "" to keep it. The word keeps its case (upper, capitalised or
// lower) and the punctuation around it.
std::string RepairNameWords(const std::string& name,
                            const std::function<std::string(const std::string&)>& fix) {
  std::string out;
  std::size_t i = 0;
  while (i < name.size()) {
    std::size_t end = name.find(' ', i);
    if (end == std::string::npos) end = name.size();
    std::string word = name.substr(i, end - i);
    std::size_t b = 0, e = word.size();
    while (b < e && !std::isalpha(static_cast<unsigned char>(word[b]))) ++b;
    while (e > b && !std::isalpha(static_cast<unsigned char>(word[e - 1]))) --e;
    const std::string core = word.substr(b, e - b);
    const bool letters = core.size() >= 5 && std::all_of(core.begin(), core.end(), [](char ch) {
      return std::isalpha(static_cast<unsigned char>(ch)) != 0;
    });
    if (letters) {
      if (std::string fixed = fix(Lower(core)); !fixed.empty()) {
        word = word.substr(0, b) + InCaseOf(core, std::move(fixed)) + word.substr(e);
      }
    }
    out += word;
    if (end < name.size()) out += ' ';
    i = end + 1;
  }
  return out;
}

// Repairs the words of `name` that are a trade word of kNameTradeWords misread by one letter,
// keeping the word's case (upper, capitalised or lower) and the punctuation around it.
std::string RepairTradeWords(const std::string& name) {
  return RepairNameWords(name, [](const std::string& lower) -> std::string {
    // A real word, or a plural or singular of a trade word, is no misreading of it ("KITCHENS").
    const bool known = HasWordIn(lower, kNameTradeWords) || HasWordIn(lower, kRealWordsNearTradeWords) ||
                       (lower.back() == 's' && HasWordIn(lower.substr(0, lower.size() - 1), kNameTradeWords)) ||
                       std::any_of(kNameTradeWords.begin(), kNameTradeWords.end(), [&](std::string_view t) {
                         return t.back() == 's' && lower == t.substr(0, t.size() - 1);
                       });
    if (known) return "";
    std::string_view match;
    int matches = 0;
    for (std::string_view t : kNameTradeWords) {
      if (BoundedEditDistance(lower, t, 1) <= 1) {
        match = t;
        ++matches;
      }
    }
    return matches == 1 ? std::string(match) : std::string();
  });
}

// Cuts a company name after its legal suffix and drops a registration number in brackets.
std::string CleanName(std::string name) {
  name = FixLegalForm(std::move(name));
  // OCR reads "(" as "{" or "[" now and then.
  for (char& ch : name) {
    if (ch == '{' || ch == '[') ch = '(';
    if (ch == '}' || ch == ']') ch = ')';
  }
  // ... and the ")" of a one-letter bracket as "j", "l", "1" or "|": "(Mj SDN BHD" -> "(M) SDN BHD".
  for (std::size_t k = 0; k + 3 < name.size(); ++k) {
    if (name[k] == '(' && std::isupper(static_cast<unsigned char>(name[k + 1])) &&
        std::string_view("jl1|").find(name[k + 2]) != std::string_view::npos && name[k + 3] == ' ' &&
        (k == 0 || name[k - 1] == ' ')) {
      name[k + 2] = ')';
    }
  }
  // Cut at the first bracket that holds a number: "(KL) SDN BHD (139386 X)" keeps "(KL)".
  for (std::size_t paren = name.find('('); paren != std::string::npos; paren = name.find('(', paren + 1)) {
    // The bracket ends at its ")" or where the next one opens ("(Mj SDN BHD (75278-H)").
    std::size_t close = std::min(name.find(')', paren), name.find('(', paren + 1));
    std::string inside = name.substr(paren, close == std::string::npos ? std::string::npos : close - paren);
    if (paren > 2 && CountDigits(inside) >= 3) {
      name = name.substr(0, paren);
      break;
    }
  }
  // A name running into its address on one line ("Exemple SARL - 17 rue des Lilas - 75011 Paris",
  // "Zanen SRL | 126 rue Saint-Michel", "Drukkerij V.O.F. · Stationsweg 122"): cut at the first
  // spaced separator after which a number follows.
  for (std::string_view sep : {" | ", " \xC2\xB7 ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " - "}) {
    std::size_t at = name.find(sep);
    if (at != std::string::npos && CountLetters(name.substr(0, at)) >= 3 &&
        CountDigits(name.substr(at + sep.size())) > 0) {
      name = name.substr(0, at);
    }
  }
  // ... or at a comma, where the words before it end in a legal form or the words after it
  // start with a number ("Star Tower Engineering Inc., 8028 Harbour St., Dayton, OH 97854",
  // "Benhalware GmbH, Kirchgasse 86, A-58062 Kassel"); "Jones, Smith & Partners" keeps its comma.
  for (std::size_t at = name.find(", "); at != std::string::npos; at = name.find(", ", at + 1)) {
    const std::string before = name.substr(0, at);
    const std::string rest = name.substr(at + 2);
    if (CountLetters(before) < 3 || CountDigits(rest) == 0) continue;
    std::size_t b = before.find_last_of(' ');
    std::string last = Lower(before.substr(b == std::string::npos ? 0 : b + 1));
    while (!last.empty() && last.back() == '.') last.pop_back();
    std::erase(last, '.');
    const bool legal = std::find(kCompanySuffixes.begin(), kCompanySuffixes.end(), last) != kCompanySuffixes.end() &&
                       std::find(kTradeWords.begin(), kTradeWords.end(), last) == kTradeWords.end();
    if (legal || std::isdigit(static_cast<unsigned char>(rest[0]))) {
      name = before;
      break;
    }
  }
  name = CutAfterLegalForm(Trim(name));
  name = CutAfterRegisteredForm(name);
  // A "1" or "0" between letters or dots of a word is a misread "I" or "O" ("D.1.Y.", "C0FFEE").
  for (std::size_t k = 0; k < name.size(); ++k) {
    if (name[k] != '1' && name[k] != '0') continue;
    std::size_t b = name.find_last_of(' ', k), e = name.find(' ', k);
    std::string word = name.substr(b == std::string::npos ? 0 : b + 1,
                                   (e == std::string::npos ? name.size() : e) - (b == std::string::npos ? 0 : b + 1));
    int ascii_letters = 0;
    for (char ch : word) ascii_letters += std::isalpha(static_cast<unsigned char>(ch)) ? 1 : 0;
    if (CountDigits(word) != 1 || ascii_letters < 2) continue;
    auto letterish = [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)) || ch == '.'; };
    bool left = k > 0 && letterish(name[k - 1]);
    bool right = k + 1 < name.size() && letterish(name[k + 1]);
    if (left && right) {
      bool lower = std::islower(static_cast<unsigned char>(name[k - 1])) != 0;
      name[k] = name[k] == '1' ? (lower ? 'i' : 'I') : (lower ? 'o' : 'O');
    }
  }
  // Leading punctuation is OCR noise (": Yam Fresh", "| BAKERY"), not part of the name.
  std::size_t start = 0;
  while (start < name.size() && !IsAlnumByte(static_cast<unsigned char>(name[start])) && name[start] != '(' &&
         name[start] != '"' && name[start] != '\'') {
    ++start;
  }
  return RepairTradeWords(Trim(name.substr(start)));
}


}  // namespace

std::string CleanNameText(std::string name) { return CleanName(std::move(name)); }

namespace {

// The lower-cased runs of ASCII letters of `text`.
std::vector<std::string> LetterRuns(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text + " ") {
    if (std::isalpha(static_cast<unsigned char>(ch))) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  return out;
}

}  // namespace

std::string RepairNameFromPage(const Context& ctx, int page, const std::string& name, const std::string& raw) {
  std::map<std::string, int> rest;  // the page's words outside the name's rows, with counts
  for (const FlatRow& fr : ctx.rows()) {
    if (fr.page->number != page) continue;
    for (const std::string& w : LetterRuns(fr.row->text)) ++rest[w];
  }
  for (const std::string& w : LetterRuns(raw)) {
    if (auto it = rest.find(w); it != rest.end() && --it->second == 0) rest.erase(it);
  }
  return RepairNameWords(name, [&rest](const std::string& lower) -> std::string {
    if (rest.count(lower) != 0) return "";
    std::string match;
    int matches = 0;
    for (const auto& [w, n] : rest) {
      if (w.size() < 5 || w == lower + "s" || lower == w + "s") continue;
      if (BoundedEditDistance(lower, w, 1) <= 1) {
        match = w;
        ++matches;
      }
    }
    return matches == 1 ? match : std::string();
  });
}


// True iff row `r` is among the three rows under a buyer's heading in the same column.
static bool UnderBuyerHeading(const Context& ctx, std::size_t r) {
  const FlatRow& at = ctx.rows()[r];
  for (std::size_t k = r; k > 0 && k + 3 > r; --k) {
    const FlatRow& fr = ctx.rows()[k - 1];
    if (fr.row->page != at.row->page) break;
    // Only the cell above the row's first: a heading of another column says nothing.
    for (const Cell& c : fr.row->cells) {
      if (c.box.x1 > at.row->cells.front().box.x0 && c.box.x0 < at.row->cells.front().box.x1 && IsBuyerHeading(c.text)) {
        return true;
      }
    }
  }
  return false;
}

std::optional<Candidate> BuyerInAddressWindow(const Context& ctx, int name_row, const std::string& seller) {
  const auto& rows = ctx.rows();
  // The name row of a buyer's block: its first cell, a name and not a label or an id.
  auto name_at = [&](std::size_t r, double score) -> std::optional<Candidate> {
    const Row& row = *rows[r].row;
    const Cell& cell = row.cells.front();
    const std::string name = CleanName(cell.text);
    std::vector<std::string> toks = Tokens(cell.text);
    if (CountLetters(name) < 3 || CountDigits(name) * 2 > CountLetters(name) || cell.text.find(':') != std::string::npos ||
        (HasWord(toks, kNotANameWords) && !HasWord(toks, kCompanySuffixes)) || IsBuyerHeading(cell.text)) {
      return std::nullopt;
    }
    Candidate c;
    c.value = name;
    c.raw = cell.text;
    c.bbox = cell.box;
    c.page = row.page;
    c.row = static_cast<int>(r);
    c.score = score * OcrFactor(MeanConfidence(cell, 0, cell.words.size()));
    return c;
  };
  // Row b right under row a, its first cell overlapping a's.
  auto close_under = [&](std::size_t a, std::size_t b) {
    const Row& ra = *rows[a].row;
    const Row& rb = *rows[b].row;
    const Cell& cb = rb.cells.front();
    return rb.page == ra.page && rb.box.y0 - ra.box.y1 <= 2 * std::max(ra.height, rb.height) &&
           cb.box.x0 <= ra.cells.front().box.x1 && cb.box.x1 >= ra.cells.front().box.x0;
  };
  for (std::size_t r = 0; r + 1 < rows.size() && r < 40; ++r) {
    const FlatRow& fr = rows[r];
    if (fr.row->page != 1 || fr.row->box.y0 > fr.page->height / 2) break;  // the window is in the top half
    if (static_cast<int>(r) == name_row) continue;
    const std::string& text = fr.row->cells.front().text;
    // A heading ("Rechnungsadresse", "Factuuradres:") names nothing itself: the row under it does.
    if (IsBuyerHeading(text)) {
      if (close_under(r, r + 1)) {
        if (std::optional<Candidate> c = name_at(r + 1, 0.85)) return c;
      }
      continue;
    }
    // The seller's one-line return address: its name running into its address.
    if (seller.size() < 3 || fr.row->cells.size() != 1) continue;
    std::string line = text;
    for (std::string_view prefix : {"Abs.: ", "Abs. ", "Exp. : ", "Exp.: ", "Return to: ", "Pengirim: "}) {
      if (line.rfind(prefix, 0) == 0) line = line.substr(prefix.size());
    }
    if (Lower(line).rfind(Lower(seller), 0) != 0 || line.size() < seller.size() + 6 || CountDigits(line) == 0) continue;
    const std::string after = line.substr(seller.size());
    if (after.find_first_of(",-|") == std::string::npos && after.find("\xC2\xB7") == std::string::npos &&
        after.find("\xE2\x80") == std::string::npos) {
      continue;
    }
    std::size_t next = r + 1;
    if (IsBuyerHeading(rows[next].row->cells.front().text) && next + 1 < rows.size() && close_under(r, next)) ++next;
    if (!close_under(next - 1, next)) continue;
    // A convention of the layout, not a label: below the 0.9 band.
    if (std::optional<Candidate> c = name_at(next, 0.8)) return c;
  }
  return std::nullopt;
}

namespace {


// Whether `toks` (a row's) name a company by a word of kCompanySuffixes. A two-letter legal form
// ("AG", "SA", "AB") counts only as the last word, where legal forms stand: elsewhere it is
// another word ("2727 SE Haarlem", "SA 5000").
bool HasSuffix(const std::vector<std::string>& toks) {
  for (std::size_t i = 0; i < toks.size(); ++i) {
    if (!HasWord({toks[i]}, kCompanySuffixes)) continue;
    if (toks[i].size() > 2 || HasWord({toks[i]}, {"co"}) || i + 1 == toks.size()) return true;
  }
  return false;
}

// Whether `text` prints a price with its cents as item rows do ("3,52", "12.90"): digits, a
// "," or ".", two digits, and no digit or separator right after ("10.2024" and "1.234.567" are
// no prices).
bool HasPrice(const std::string& text) {
  auto digit = [&](std::size_t i) { return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0; };
  for (std::size_t i = 1; i + 2 < text.size(); ++i) {
    if ((text[i] != ',' && text[i] != '.') || !digit(i - 1) || !digit(i + 1) || !digit(i + 2)) continue;
    const std::size_t after = i + 3;
    if (after < text.size() && (digit(after) || text[after] == '.' || text[after] == ',')) continue;
    return true;
  }
  return false;
}

// The words of registered legal forms, for a row that holds nothing else but the name's end
// ("(KL) SDN BHD", "Private Limited", "Pty Ltd", "GmbH & Co. KG"). Not "as" nor "se": common
// words, and "SE" is part of a Dutch postcode.
const std::initializer_list<std::string_view> kLegalFormWords = {
    "sdn", "bhd", "berhad", "sendirian", "s", "b", "co", "ltd", "pte", "plc", "inc", "gmbh", "llc",
    "llp", "limited", "private", "pvt", "pty", "proprietary", "corp", "corporation", "company", "ag",
    "kg", "kgaa", "ohg", "ug", "gbr", "mbh", "sarl", "sas", "sasu", "eurl", "sa", "bv", "nv", "srl",
    "spa", "oy", "ab", "aps"};

// `text` when its words are trade words of a name and nothing else ("TRADING", "Bakery &
// Cafe"), without one trailing letter OCR added ("TRADING N"); "" otherwise.
std::string TradeWordsOnly(const std::string& text) {
  std::vector<std::string> toks = Tokens(text);
  std::string t = Trim(text);
  if (toks.size() >= 2 && toks.back().size() == 1 && t.size() >= 2 && t[t.size() - 2] == ' ' &&
      !HasWord({toks.back()}, kLegalFormWords)) {
    toks.pop_back();
    t = Trim(t.substr(0, t.size() - 1));
  }
  if (toks.empty() || toks.size() > 3) return "";
  for (const std::string& w : toks) {
    if (!HasWord({w}, kTradeWords)) return "";
  }
  return t;
}

// Whether `text` reads as one line of a name printed over several: text only (no number but a
// registration's, no colon), a few words, none of a label, an address or a heading.
bool TextOnlyNameLine(const std::string& text) {
  std::vector<std::string> toks = Tokens(text);
  return !toks.empty() && toks.size() <= 5 && CountDigits(CleanName(text)) == 0 && CountLetters(text) >= 3 &&
         text.find(':') == std::string::npos && !HasWord(toks, kNotANameWords) && !HasWord(toks, kAddressWords) &&
         !HasWord(toks, kAddressStopWords);
}

// Whether rows `a` and `b` are printed in the same type size.
bool SameType(const Row& a, const Row& b) {
  return a.height > 0 && b.height > 0 && std::abs(a.height - b.height) <= 0.15 * std::max(a.height, b.height);
}

}  // namespace

// The merchant / seller name among the first rows of page 1.
std::optional<NamePick> TopName(const Context& ctx, int max_rows) {
  std::optional<NamePick> best;
  // Names printed on two lines: "GARDENIA BAKERIES" over "(KL) SDN BHD", "POPULAR BOOK" over
  // "CO. (M) SDN BHD". A row of legal-form words joins the name row next to it.
  const auto& rows = ctx.rows();
  auto legal_only = [&](int r) {
    if (r < 0 || static_cast<std::size_t>(r) >= rows.size()) return false;
    std::vector<std::string> toks = Tokens(rows[static_cast<std::size_t>(r)].row->text);
    int other = 0;
    bool legal = false;
    for (const std::string& t : toks) {
      if (HasWord({t}, kLegalFormWords)) {
        legal = true;
      } else {
        other += (t.size() > 3 || CountDigits(t) > 0) ? 2 : 1;
      }
    }
    // "(KL) SDN BHD", "CO. (M) SDN BHD": legal words and at most one short other word.
    return legal && other <= 1;
  };
  auto near = [&](int a, int b) {
    const Row& ra = *rows[static_cast<std::size_t>(a)].row;
    const Row& rb = *rows[static_cast<std::size_t>(b)].row;
    return ra.page == rb.page && rb.box.y0 - ra.box.y1 < 1.5 * std::max(ra.height, rb.height);
  };
  // A row of legal-form words alone that ends the name printed on the row above ("GEMILANG
  // IMPIAN" over "BHD") is as much a name as the two together.
  auto ends_name_above = [&](int r) {
    if (!legal_only(r) || r <= 0 || !near(r - 1, r)) return false;
    const std::string& above = rows[static_cast<std::size_t>(r - 1)].row->text;
    return CountLetters(above) >= 3 && !LooksLikeRegistration(above);
  };

  int seen = 0;
  int brand_until = -1;  // after a trade name, the last row where its legal owner may follow
  for (std::size_t r = 0; r < ctx.rows().size() && seen < max_rows; ++r) {
    const FlatRow& fr = ctx.rows()[r];
    if (fr.row->page != 1) break;
    ++seen;
    const std::string& text = fr.row->text;
    const std::string cleaned = CleanName(text);  // without "(519537-X)"
    int letters = CountLetters(cleaned), digits = CountDigits(cleaned);
    if (letters < 3 || digits * 2 > letters) continue;
    std::vector<std::string> toks = Tokens(text);
    if (toks.empty()) continue;
    // An item's row ("KAYA TOAST 1 3,52 3,52") prices something; no name does.
    if (HasPrice(text)) continue;
    bool suffix = HasSuffix(toks);
    bool bad = HasWord(toks, kNotANameWords) && !suffix;
    // The rows under a buyer's heading ("Bill To:", "Rechnungsempfänger", "Facturé à") name
    // the buyer, however legal its form.
    if (UnderBuyerHeading(ctx, r)) continue;
    // "AEON CO. (M) BHD (126926-H)" is a name followed by its registration number.
    if (bad || LooksLikeRegistration(cleaned)) continue;
    // A colon makes a "label: value" row, unless it is noise in front of the text.
    bool has_colon = cleaned.find(':') != std::string::npos;
    // ... also when the colon is in another column's text run into the name's row and cut off
    // after its legal form ("KOSTENLIEFERANT GMBH  MUSTER-KUNDE GMBH  Beleg-Nr : KR876"): the
    // row mixes columns, the name is no surer for the cut.
    if (!has_colon && text.find(':') != std::string::npos && CutAfterRegisteredForm(Trim(text)) != Trim(text)) {
      has_colon = true;
    }
    // Cells of punctuation only (": ", "|") are specks; they say nothing about the name's reading.
    double conf = 0;
    int counted = 0;
    for (const Cell& c : fr.row->cells) {
      if (CountLetters(c.text) + CountDigits(c.text) == 0) continue;
      conf += MeanConfidence(c, 0, c.words.size());
      ++counted;
    }
    conf = counted > 0 ? conf / counted : 0.0;
    double score = (suffix ? 0.9 : 0.7 - 0.06 * (seen - 1)) * OcrFactor(conf);
    if (has_colon) score *= 0.6;
    if (toks.size() == 1 && toks[0].size() <= 3 && !ends_name_above(static_cast<int>(r))) score *= 0.5;
    // An address line, not a name; a trade word in it is a street's ("63 Market Drive").
    const bool only_trade = suffix && std::none_of(toks.begin(), toks.end(), [](const std::string& t) {
                              return HasWord({t}, kCompanySuffixes) && !HasWord({t}, kTradeWords);
                            });
    if ((!suffix || (only_trade && !toks.empty() && CountDigits(toks[0]) == static_cast<int>(toks[0].size()))) &&
        (HasWord(toks, kAddressWords) || std::any_of(toks.begin(), toks.end(), IsPostcodeToken))) {
      score = std::min(score, 0.7 * OcrFactor(conf)) * 0.5;
    }
    bool slash_b = text.find("S/B") != std::string::npos || text.find("s/b") != std::string::npos;
    if (slash_b && !suffix) {
      suffix = true;
      score = 0.9 * OcrFactor(conf);
    }
    // A registered legal form ("SDN BHD", "LTD", "GMBH") names the company that issued the
    // receipt; a trade word ("& CO.", "TRADING", "CAFE") may name only its brand.
    bool legal = slash_b || std::any_of(toks.begin(), toks.end(), [](const std::string& t) {
                   return HasWord({t}, kCompanySuffixes) && !HasWord({t}, kTradeWords);
                 });
    if (legal && brand_until >= 0) score = 0.92 * OcrFactor(conf);
    if (!best || score > best->cand.score) {
      Candidate c;
      c.value = CleanName(text);
      c.raw = text;
      c.score = score;
      c.page = 1;
      c.bbox = fr.row->box;
      c.row = static_cast<int>(r);
      if (CountLetters(c.value) >= 2) {
        best = NamePick{static_cast<int>(r), c, legal && brand_until >= 0};
      }
    }
    if (best && best->row == static_cast<int>(r) && suffix) {
      // A legal name: take it. A brand ("AMPHAWA THAI TEA & CO.") may have its owner under
      // it ("Dimiliki oleh T PLUS F&B SDN. BHD."): look two rows further for a legal form.
      if (legal) break;
      brand_until = static_cast<int>(r) + 2;
    }
    if (brand_until >= 0 && static_cast<int>(r) >= brand_until) break;
  }
  if (!best) return best;
  int r = best->row;
  Candidate& c = best->cand;
  // The name goes on over row r + 1.
  const auto take_next_row = [&] {
    const Row& next = *rows[static_cast<std::size_t>(r + 1)].row;
    c.value = CleanName(rows[static_cast<std::size_t>(r)].row->text + " " + next.text);
    c.raw += "\n" + next.text;
    c.bbox = c.bbox.Union(next.box);
    best->row = r + 1;
    c.row = r + 1;
  };
  if (ends_name_above(r)) {
    const Row& prev = *rows[static_cast<std::size_t>(r - 1)].row;
    c.value = CleanName(prev.text + " " + rows[static_cast<std::size_t>(r)].row->text);
    c.raw = prev.text + "\n" + c.raw;
    c.bbox = c.bbox.Union(prev.box);
  } else if (const std::string trade = TradeWordsOnly(rows[static_cast<std::size_t>(r)].row->text);
             !trade.empty() && r > 0 && near(r - 1, r) && TextOnlyNameLine(rows[static_cast<std::size_t>(r - 1)].row->text) &&
             !LooksLikeRegistration(rows[static_cast<std::size_t>(r - 1)].row->text) &&
             SameType(*rows[static_cast<std::size_t>(r - 1)].row, *rows[static_cast<std::size_t>(r)].row)) {
    // "SYARIKAT BINTANG SEJAHTERA" over "TRADING": a row of trade words alone ends the name
    // printed in the same type on the row above.
    const Row& prev = *rows[static_cast<std::size_t>(r - 1)].row;
    c.value = CleanName(prev.text + " " + trade);
    c.raw = prev.text + "\n" + c.raw;
    c.bbox = c.bbox.Union(prev.box);
  } else if (!HasWord(Tokens(c.value), kCompanySuffixes) && static_cast<std::size_t>(r + 1) < rows.size() &&
             legal_only(r + 1) && near(r, r + 1)) {
    take_next_row();
  } else {
    // A name wrapped after a connector: "GREEN VALLEY PAINT &" over "HARDWARE", "LILY
    // CONFECTIONERY AND" over "BAKERY S/B". The row after the connector continues the name
    // when it is text only (no number, label or address word).
    auto dangling = [](const std::string& text) {
      std::string t = Trim(text);
      if (t.empty()) return false;
      if (t.back() == '&' || t.back() == '+' || t.back() == '-') return true;
      std::vector<std::string> toks = Tokens(t);
      return !toks.empty() && (toks.back() == "and" || toks.back() == "dan" || toks.back() == "und" ||
                               toks.back() == "et") &&
             Lower(t).size() >= 3 && Lower(t).substr(Lower(t).size() - toks.back().size()) == toks.back();
    };
    auto continuation = [&](int k) { return TextOnlyNameLine(rows[static_cast<std::size_t>(k)].row->text); };
    // A name in large type that goes on over the next row in the same type ("KEDAI RUNCIT" over
    // "ASTRAZOR", both taller than the body text): text only, as above.
    auto large_type_goes_on = [&] {
      if (static_cast<std::size_t>(r + 1) >= rows.size() || !near(r, r + 1) || !continuation(r + 1)) return false;
      const Row& a = *rows[static_cast<std::size_t>(r)].row;
      const Row& b = *rows[static_cast<std::size_t>(r + 1)].row;
      if (HasWord(Tokens(b.text), kCompanySuffixes) || BranchLine(Tokens(b.text)) || LooksLikeRegistration(b.text)) {
        return false;
      }
      const double body = rows[static_cast<std::size_t>(r)].page->median_row_height;
      return body > 0 && rows[static_cast<std::size_t>(r)].page->rows.size() >= 5 && a.height >= 1.3 * body &&
             b.height >= 1.3 * body && SameType(a, b);
    };
    if (static_cast<std::size_t>(r + 1) < rows.size() && dangling(c.raw) && near(r, r + 1) && continuation(r + 1)) {
      take_next_row();
    } else if (large_type_goes_on()) {
      take_next_row();
    } else if (r > 0 && near(r - 1, r) && dangling(rows[static_cast<std::size_t>(r - 1)].row->text) &&
               continuation(r) && CountDigits(rows[static_cast<std::size_t>(r - 1)].row->text) == 0 &&
               CountLetters(rows[static_cast<std::size_t>(r - 1)].row->text) >= 3 &&
               rows[static_cast<std::size_t>(r - 1)].row->text.find(':') == std::string::npos) {
      const Row& prev = *rows[static_cast<std::size_t>(r - 1)].row;
      c.value = CleanName(prev.text + " " + rows[static_cast<std::size_t>(r)].row->text);
      c.raw = prev.text + "\n" + c.raw;
      c.bbox = c.bbox.Union(prev.box);
    }
  }
  return best;
}

}  // namespace sheaf::extract::internal
