// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/extractor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <set>

#include "extract/extract_context.h"
#include "extract/layout_view.h"
#include "extract/normalize.h"

namespace sheaf::extract {

namespace {

// The shared reading of the document (Context, Candidate, tokens) and the names and addresses
// of parties.cc; this file's own helpers stay in this unnamed namespace.
using namespace internal;  // NOLINT(build/namespaces): one internal namespace, this file only

// ---------------------------------------------------------------------------------------------
// Values by type

bool IsPercent(const Cell& cell, std::size_t w) {
  const std::string& t = cell.words[w].text;
  if (t.find('%') != std::string::npos) return true;
  return w + 1 < cell.words.size() && cell.words[w + 1].text.rfind('%', 0) == 0;
}

bool HasDecimals(std::string_view t) {
  // "12.50", "1.234,50", "12,5"? no: exactly two digits after the last separator.
  std::size_t last = t.find_last_of(".,");
  if (last == std::string_view::npos) return false;
  std::size_t digits = 0;
  for (std::size_t i = last + 1; i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])); ++i) ++digits;
  // Not "No.12"; but "-.02" (a rounding adjustment) has cents.
  return digits == 2 && (last == 0 || t[last - 1] == '-' || std::isdigit(static_cast<unsigned char>(t[last - 1])));
}

struct MoneyHit {
  Money money;
  std::size_t first = 0;  // words [first, word] hold the amount
  std::size_t word = 0;
  bool decimals = false;
  bool guessed_point = false;  // "RM8 60": the blank read as the decimal point
};

// True if letters that name no currency touch a digit of `t`: "6ST)" (a misread "GST)"),
// "500ML", "2KG", "7916F710". "RM8.60", "8.60S" and "15.50R" have such letters too; they are
// read as amounts for their decimals.
bool DigitsGluedToLetters(std::string_view t) {
  for (std::size_t i = 0; i < t.size();) {
    if (!std::isalpha(static_cast<unsigned char>(t[i]))) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < t.size() && std::isalpha(static_cast<unsigned char>(t[end]))) ++end;
    bool touches = (i > 0 && std::isdigit(static_cast<unsigned char>(t[i - 1]))) ||
                   (end < t.size() && std::isdigit(static_cast<unsigned char>(t[end])));
    if (touches && !NormalizeCurrency(t.substr(i, end - i))) return true;
    i = end;
  }
  return false;
}

// A whole number of at most five digits, optionally after a currency ("8", "RM8", "$12").
bool IsWholeAmountWord(std::string_view t) {
  std::size_t d = t.find_first_of("0123456789");
  if (d == std::string_view::npos || t.size() - d > 5) return false;
  for (std::size_t i = d; i < t.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
  }
  return d == 0 || NormalizeCurrency(t.substr(0, d)).has_value();
}

// Amounts printed in words [from, to) of a cell (percentages excluded), left to right.
// `blank_point`: where the value of a money label is expected, "RM8 60" at the end of the range
// is 8.60 (OCR reads a faint decimal point as a blank; receipts print cents on every amount).
std::vector<MoneyHit> MoneyIn(const Cell& cell, std::size_t from, std::size_t to, bool blank_point = false) {
  std::vector<MoneyHit> out;
  for (std::size_t w = from; w < to && w < cell.words.size(); ++w) {
    const std::string& t = cell.words[w].text;
    if (std::none_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) continue;
    if (IsPercent(cell, w)) continue;
    std::optional<Money> m = NormalizeMoney(t);
    if (!m) continue;
    // OCR splits "65.20" into "65." and "20": read them as one amount.
    if ((t.back() == '.' || t.back() == ',') && w + 1 < to && w + 1 < cell.words.size()) {
      const std::string& next = cell.words[w + 1].text;
      if (next.size() >= 2 && std::isdigit(static_cast<unsigned char>(next[0])) &&
          std::isdigit(static_cast<unsigned char>(next[1])) &&
          (next.size() == 2 || !std::isdigit(static_cast<unsigned char>(next[2])))) {
        if (std::optional<Money> joined = NormalizeMoney(t + next)) {
          out.push_back({*joined, w, w + 1, true});
          ++w;
          continue;
        }
      }
    }
    bool decimals = HasDecimals(t);
    if (!decimals && DigitsGluedToLetters(t)) continue;
    if (blank_point && !decimals && w + 2 == to && w + 2 <= cell.words.size() && IsWholeAmountWord(t)) {
      const std::string& next = cell.words[w + 1].text;
      if (next.size() == 2 && CountDigits(next) == 2) {
        if (std::optional<Money> joined = NormalizeMoney(t + "." + next)) {
          if (joined->currency.empty() && w > from) {
            if (auto c = NormalizeCurrency(cell.words[w - 1].text)) joined->currency = *c;
          }
          out.push_back({*joined, w, w + 1, true, true});
          ++w;
          continue;
        }
      }
    }
    if (m->currency.empty()) {
      // "31,00 €" / "RM 31.00": a currency in the neighbouring word.
      if (w + 1 < to && w + 1 < cell.words.size()) {
        if (auto c = NormalizeCurrency(cell.words[w + 1].text)) m->currency = *c;
      }
      if (m->currency.empty() && w > from) {
        if (auto c = NormalizeCurrency(cell.words[w - 1].text)) m->currency = *c;
      }
    }
    out.push_back({*m, w, w, decimals});
  }
  return out;
}

int CurrentYear() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

bool PlausibleYear(int year) { return year >= 1990 && year <= CurrentYear() + 1; }

// Repairs the OCR misreads of a date printed as one word, or returns nullopt if there is nothing
// to repair or the repair is not certain:
// - characters that only look like digits ("{0-05-17", "O1/06/2018", "2l-03-18"): at most two,
//   each with one digit it can stand for;
// - a four-digit year in the future ("09/03/2918", "12-02-2618", "29/12/2077"), when exactly
//   one year up to this one is one common digit confusion (0/6/8/9, 1/7, 2/7, 3/8, 5/6) away.
std::optional<std::string> RepairDateWord(std::string_view word) {
  std::size_t a = 0, b = word.size();
  while (a < b && std::string_view(" :;,()\"'").find(word[a]) != std::string_view::npos) ++a;
  while (b > a && std::string_view(" :;,()\"'.").find(word[b - 1]) != std::string_view::npos) --b;
  std::string out;
  int subs = 0, seps = 0;
  for (std::size_t i = a; i < b; ++i) {
    char ch = word[i];
    if (std::isdigit(static_cast<unsigned char>(ch))) {
      out += ch;
    } else if (ch == '/' || ch == '-' || ch == '.') {
      out += ch;
      ++seps;
    } else if (std::string_view("OoQD").find(ch) != std::string_view::npos) {
      out += '0';
      ++subs;
    } else if (std::string_view("lI|{}![]").find(ch) != std::string_view::npos) {
      out += '1';
      ++subs;
    } else if (ch == 'S') {
      out += '5';
      ++subs;
    } else if (ch == 'B') {
      out += '8';
      ++subs;
    } else if (ch == 'Z') {
      out += '2';
      ++subs;
    } else {
      return std::nullopt;
    }
  }
  if (seps != 2 || subs > 2 || out.size() < 6 || out.size() > 10) return std::nullopt;
  // The last field, when it is a four-digit year.
  std::size_t last = out.find_last_of("/-.");
  std::string year = out.substr(last + 1);
  // Only a year after next year: a date before 1990 may be old, not misread.
  if (year.size() == 4 && std::atoi(year.c_str()) > CurrentYear() + 1) {
    static const std::map<char, std::string_view> kLookAlike = {
        {'0', "689"}, {'1', "7"}, {'2', "7"}, {'3', "8"}, {'5', "6"},
        {'6', "058"}, {'7', "12"}, {'8', "0369"}, {'9', "08"}};
    std::set<std::string> fixes;
    for (std::size_t k = 0; k < 4; ++k) {
      auto it = kLookAlike.find(year[k]);
      if (it == kLookAlike.end()) continue;
      for (char alt : it->second) {
        std::string y = year;
        y[k] = alt;
        int v = std::atoi(y.c_str());
        if (v >= 1990 && v <= CurrentYear()) fixes.insert(y);
      }
    }
    if (fixes.size() != 1) return std::nullopt;
    out = out.substr(0, last + 1) + *fixes.begin();
    ++subs;
  }
  if (subs == 0) return std::nullopt;
  return out;
}

// The year-first date that ends a word glued to what precedes it ("(Sales12018-01-05",
// "001-2016-07-31": a label or a till number without its blank), or nullopt.
std::optional<std::string> IsoDateEndingWord(std::string_view word) {
  while (!word.empty() && std::string_view(" :;,)\"'.").find(word.back()) != std::string_view::npos) {
    word.remove_suffix(1);
  }
  constexpr std::size_t kLen = 10;  // YYYY-MM-DD
  if (word.size() <= kLen) return std::nullopt;
  std::string_view d = word.substr(word.size() - kLen);
  for (std::size_t i = 0; i < kLen; ++i) {
    bool sep = i == 4 || i == 7;
    if (sep ? (d[i] != '-' && d[i] != '/' && d[i] != '.') || d[i] != d[4]
            : !std::isdigit(static_cast<unsigned char>(d[i]))) {
      return std::nullopt;
    }
  }
  return std::string(d);
}

// Words w, w + 1 and w + 2 of a cell when they read as one date split after its separators
// ("O1-", "‘06-", "2018"): their text joined without blanks or quotes; "" when they do not (the
// first two must end in the same separator).
std::string SplitDateWords(const Cell& cell, std::size_t w) {
  const std::size_t end = w + 3;
  if (end > cell.words.size()) return "";
  std::string out;
  char sep = 0;
  for (std::size_t k = w; k < end; ++k) {
    std::string t = cell.words[k].text;
    // Quotes OCR adds in front of a field: ' ` " and the UTF-8 ‘ ’ (E2 80 98/99).
    for (std::string_view q : {"\xE2\x80\x98", "\xE2\x80\x99"}) {
      for (std::size_t at; (at = t.find(q)) != std::string::npos;) t.erase(at, q.size());
    }
    std::erase_if(t, [](char ch) { return ch == '\'' || ch == '`' || ch == '"'; });
    if (t.empty() || t.size() > 5 || CountDigits(t) == 0) return "";
    if (k + 1 < end) {
      char c = t.back();
      if ((c != '-' && c != '/' && c != '.') || (sep != 0 && c != sep)) return "";
      sep = c;
    }
    out += t;
  }
  return out;
}

// Reads a value of `type` from a region; fills value/raw/bbox and a type-fit factor.
// `labelled`: the region is where a label announces its value.
std::optional<Candidate> ReadValue(const Context& ctx, FieldType type, const Cell& cell,
                                   std::size_t from, std::size_t to, bool labelled = false) {
  if (from >= to) return std::nullopt;
  Candidate c;
  Box box;
  std::string text = JoinWords(cell, from, to, &box);
  switch (type) {
    case FieldType::kDate: {
      // A date repaired from one misread word (see RepairDateWord), found in words [w0, w1).
      auto repaired = [&](std::size_t w0, std::size_t w1) -> std::optional<Candidate> {
        for (std::size_t w = w0; w < w1; ++w) {
          std::optional<std::string> fixed = RepairDateWord(cell.words[w].text);
          if (!fixed) fixed = IsoDateEndingWord(cell.words[w].text);
          std::size_t last = w;  // the date's last word
          if (!fixed && w + 3 <= w1) {
            // "O1- ‘06- 2018": OCR put blanks after the separators (and a quote before a field).
            std::string joined = SplitDateWords(cell, w);
            if (!joined.empty()) {
              fixed = RepairDateWord(joined);
              if (!fixed) fixed = joined;  // read as printed, or not at all, below
              last = w + 2;
            }
          }
          if (!fixed) continue;
          std::optional<std::string> d = NormalizeDate(*fixed, ctx.order());
          if (!d || !PlausibleYear(std::atoi(d->substr(0, 4).c_str()))) continue;
          Candidate r;
          r.raw = JoinWords(cell, w, last + 1, &r.bbox);
          r.value = *d;
          r.score = MeanConfidence(cell, w, last + 1);
          r.repaired = true;
          return r;
        }
        return std::nullopt;
      };
      // The first date of the region, read from the word where it starts.
      for (std::size_t w = from; w < to; ++w) {
        std::string sub = JoinWords(cell, w, std::min(to, w + 4), &box);
        std::optional<std::string> d = NormalizeDate(sub, ctx.order());
        if (!d) continue;
        std::size_t end = w + 1;
        for (; end <= std::min(to, w + 4); ++end) {
          if (NormalizeDate(JoinWords(cell, w, end), ctx.order()) == d) break;
        }
        if (!PlausibleYear(std::atoi(d->substr(0, 4).c_str()))) {
          if (std::optional<Candidate> r = repaired(w, std::min(end, to))) return r;
        }
        c.raw = JoinWords(cell, w, std::min(end, to), &c.bbox);
        c.value = *d;
        c.score = MeanConfidence(cell, w, std::min(end, to));
        return c;
      }
      return repaired(from, to);
    }
    case FieldType::kMoney: {
      std::vector<MoneyHit> hits = MoneyIn(cell, from, to, labelled);
      if (hits.empty()) return std::nullopt;
      const MoneyHit& h = hits.back();  // the amount at the right end of the region
      c.value = h.money.amount;
      c.amount = std::strtod(h.money.amount.c_str(), nullptr);
      c.raw = JoinWords(cell, h.first, h.word + 1, &c.bbox);
      c.whole = !h.decimals;
      c.score = MeanConfidence(cell, h.first, h.word + 1) * (h.decimals ? (h.guessed_point ? 0.8 : 1.0) : 0.6);
      return c;
    }
    case FieldType::kCurrency: {
      std::optional<std::string> cur = NormalizeCurrency(text);
      if (!cur) return std::nullopt;
      c.value = *cur;
      c.raw = Trim(text);
      c.bbox = box;
      c.score = MeanConfidence(cell, from, to);
      return c;
    }
    case FieldType::kIban: {
      std::optional<std::string> iban = NormalizeIban(text);
      if (iban) {
        c.value = *iban;
        c.raw = Trim(text);
        c.bbox = box;
        c.score = 1.0;
        return c;
      }
      // Printed like an IBAN but its check digits fail (a typo, an OCR error, a sample
      // document): reported, so that validation can say so, with a low score.
      std::string compact;
      for (std::size_t w = from; w < to; ++w) {
        for (char ch : cell.words[w].text) {
          if (std::isalnum(static_cast<unsigned char>(ch))) compact += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        }
        if (compact.size() >= 15) break;
      }
      if (compact.size() < 15 || compact.size() > 34 || !std::isalpha(static_cast<unsigned char>(compact[0])) ||
          !std::isalpha(static_cast<unsigned char>(compact[1])) || !std::isdigit(static_cast<unsigned char>(compact[2])) ||
          !std::isdigit(static_cast<unsigned char>(compact[3]))) {
        return std::nullopt;
      }
      // Take the words that make up the IBAN: "DE12" (upper case, as printed) or the whole
      // IBAN, then groups of digits and capitals.
      std::string value;
      std::size_t w = from;
      while (w < to && Trim(cell.words[w].text).empty()) ++w;
      std::size_t first = w;
      for (; w < to && value.size() < 34; ++w) {
        std::string t;
        for (char ch : cell.words[w].text) {
          auto u = static_cast<unsigned char>(ch);
          if (std::islower(u)) return std::nullopt;
          if (std::isalnum(u)) t += ch;
        }
        if (t.empty()) break;
        if (w > first && (t.size() > 4 || CountDigits(t) == 0)) break;
        value += t;
      }
      if (value.size() < 15 || value.size() > 34 || CountDigits(value) + 2 < static_cast<int>(value.size()) - 4) {
        return std::nullopt;
      }
      if (std::optional<int> len = IbanLengthFor(value.substr(0, 2)); !len || *len != static_cast<int>(value.size())) {
        return std::nullopt;
      }
      c.value = value;
      c.raw = JoinWords(cell, from, w, &c.bbox);
      c.score = 0.5;
      return c;
    }
    case FieldType::kVatId: {
      std::optional<std::string> v = NormalizeVatId(text);
      if (!v) return std::nullopt;
      c.value = *v;
      c.raw = Trim(text);
      c.bbox = box;
      c.score = MeanConfidence(cell, from, to);
      return c;
    }
    case FieldType::kNumber: {
      std::optional<std::string> n = NormalizeNumber(text);
      if (!n) return std::nullopt;
      c.value = *n;
      c.raw = Trim(text);
      c.bbox = box;
      c.score = MeanConfidence(cell, from, to);
      return c;
    }
    case FieldType::kId: {
      // The first word with a digit (or an all-caps code) of 2..40 characters.
      for (std::size_t w = from; w < to; ++w) {
        std::string t = Trim(cell.words[w].text);
        if (t.size() < 2 || t.size() > 40) continue;
        if (CountDigits(t) == 0) continue;
        c.value = t;
        c.raw = cell.words[w].text;
        c.bbox = cell.words[w].bbox;
        c.score = cell.words[w].confidence;
        return c;
      }
      return std::nullopt;
    }
    case FieldType::kString:
    case FieldType::kAddress: {
      std::string t = Trim(text);
      if (CountLetters(t) < 2) return std::nullopt;
      c.value = t;
      c.raw = t;
      c.bbox = box;
      c.score = MeanConfidence(cell, from, to);
      return c;
    }
  }
  return std::nullopt;
}

// The header row of an item table: a description or quantity column among other column names
// ("Qty Description Total TAX", "Item Qty Price Amount").
bool IsItemTableHeader(const std::vector<std::string>& toks) {
  int columns = 0;
  for (std::string_view w : {"description", "item", "qty", "quantity", "price", "amount", "unit", "total",
                             "bezeichnung", "beschreibung", "artikel", "menge", "preis", "einzelpreis",
                             "betrag", "désignation", "designation", "quantité", "qté", "prix", "montant",
                             "product", "article", "rate", "anzahl", "tax"}) {
    if (HasWord(toks, {w})) ++columns;
  }
  return columns >= 3 && HasWord(toks, {"description", "item", "qty", "quantity", "bezeichnung", "beschreibung",
                                        "artikel", "menge", "désignation", "designation", "quantité", "qté",
                                        "product", "article", "anzahl"});
}

bool IsNameField(const FieldSpec& spec) {
  return spec.type == FieldType::kString && spec.name.size() > 5 &&
         spec.name.compare(spec.name.size() - 5, 5, "_name") == 0;
}

// A name announced by a heading ("Verkäufer", "Bill to:") is the first row under it that reads
// like a name, or the value of a "Name:" / "Firma:" row in that block.
std::optional<Candidate> NameUnder(const Context& ctx, const LabelMatch& m) {
  const auto& rows = ctx.rows();
  const FlatRow& head = rows[static_cast<std::size_t>(m.row)];
  int prev_bottom = head.row->box.y1;
  Box lbox;
  JoinWords(ctx.CellAt(m.row, m.cell), m.first_word, m.end_word, &lbox);
  for (int r = m.row + 1; r < static_cast<int>(rows.size()) && r <= m.row + 5; ++r) {
    const FlatRow& fr = rows[static_cast<std::size_t>(r)];
    if (fr.page != head.page || fr.row->box.y0 - prev_bottom > 3 * head.row->height) break;
    prev_bottom = fr.row->box.y1;
    // The part of the row under the heading's column.
    const Cell* cell = nullptr;
    for (const Cell& c : fr.row->cells) {
      if (c.box.x1 > lbox.x0 - 2 * head.row->height && c.box.x0 < lbox.x0 + 8 * head.row->height) {
        cell = &c;
        break;
      }
    }
    if (cell == nullptr || cell->words.empty()) continue;
    std::vector<std::string> toks = Tokens(cell->text);
    if (toks.empty()) continue;
    // "Nummer : 549910" may be two cells: a colon anywhere on the row after this cell's start
    // makes it a sub-field.
    std::size_t colon = cell->text.find(':');
    if (colon == std::string::npos) {
      for (std::size_t k = 0; k + 1 < fr.row->cells.size(); ++k) {
        if (&fr.row->cells[k] == cell && fr.row->cells[k + 1].text.rfind(':', 0) == 0) colon = 0;
      }
    }
    if (colon != std::string::npos) {
      if (HasWord({toks.front()}, {"name", "firma", "company", "firmenname", "nom", "raison"})) {
        std::size_t from = 0;
        while (from < cell->words.size() && cell->words[from].text.find(':') == std::string::npos) ++from;
        ++from;
        const Cell* vcell = cell;
        if (from >= cell->words.size()) {
          // "Name:" and the name in the next cell of the row.
          for (std::size_t k = 0; k + 1 < fr.row->cells.size(); ++k) {
            if (&fr.row->cells[k] == cell) vcell = &fr.row->cells[k + 1];
          }
          from = vcell == cell ? from : 0;
        }
        if (from < vcell->words.size()) {
          Candidate c;
          c.value = Trim(JoinWords(*vcell, from, vcell->words.size(), &c.bbox));
          c.raw = c.value;
          c.score = 0.92 * OcrFactor(MeanConfidence(*vcell, from, vcell->words.size()));
          c.page = fr.row->page;
          c.row = r;
          if (CountLetters(c.value) >= 2) return c;
        }
      }
      continue;  // another sub-field (Nummer:, GLN:, ...)
    }
    if (CountLetters(cell->text) < 3 || CountDigits(cell->text) * 2 > CountLetters(cell->text)) continue;
    Candidate c;
    c.value = Trim(cell->text);
    c.raw = cell->text;
    c.bbox = cell->box;
    c.score = 0.85 * OcrFactor(MeanConfidence(*cell, 0, cell->words.size()));
    c.page = fr.row->page;
    c.row = r;
    return c;
  }
  return std::nullopt;
}

// Candidates announced by one of the field's labels.
std::vector<Candidate> LabelledCandidates(const Context& ctx, const FieldSpec& spec) {
  std::vector<Candidate> out;
  for (const LabelMatch& m : ctx.MatchesOf(spec.name)) {
    if (IsNameField(spec)) {
      // A label alone in its cell is a heading; "Seller: ACME Ltd" carries the name itself.
      const Cell& lc = ctx.CellAt(m.row, m.cell);
      bool alone = m.end_word >= lc.words.size() ||
                   (m.end_word + 1 == lc.words.size() && Trim(lc.words.back().text).empty());
      if (alone) {
        if (std::optional<Candidate> c = NameUnder(ctx, m)) {
          c->label = JoinWords(lc, m.first_word, m.end_word, &c->label_bbox);
          out.push_back(std::move(*c));
        }
        continue;
      }
      // In running text a name label needs its colon ("Lieferant GmbH" is a name, not the
      // label "Lieferant" and a value).
      const std::string& last = lc.words[m.end_word - 1].text;
      bool colon = last.find(':') != std::string::npos ||
                   (m.end_word < lc.words.size() && lc.words[m.end_word].text.rfind(':', 0) == 0);
      if (!colon) continue;
    }
    const bool money = spec.type == FieldType::kMoney;
    const Cell& lc = ctx.CellAt(m.row, m.cell);
    const FlatRow& label_row = ctx.rows()[static_cast<std::size_t>(m.row)];
    // The "Total" of an item table's header row names a column: what is under it is the first
    // item's amount, not the document's total.
    if (money && IsItemTableHeader(Tokens(label_row.row->text))) continue;
    // Words after the label in its own cell ("Total 0% supplies") make the row a line of its own
    // kind: a value on the next row is not this label's.
    bool words_after = false;
    for (std::size_t w = m.end_word; w < lc.words.size(); ++w) {
      const std::string& t = lc.words[w].text;
      if (CountLetters(t) + CountDigits(t) >= 1 && !NormalizeCurrency(t)) words_after = true;
    }
    // "Total ; 168.00 10.08": a label followed by several amounts is the total row of a table
    // (a tax summary), not a single value.
    int amounts_after = 0;
    if (money) {
      for (std::size_t c = static_cast<std::size_t>(m.cell); c < label_row.row->cells.size(); ++c) {
        const Cell& cell = label_row.row->cells[c];
        amounts_after += static_cast<int>(
            MoneyIn(cell, c == static_cast<std::size_t>(m.cell) ? m.end_word : 0, cell.words.size()).size());
      }
    }
    std::optional<Candidate> fallback;  // an amount without cents, kept while looking for one with
    for (const Context::Region& reg : ctx.ValueRegions(m)) {
      if (money && reg.where == 2 && words_after) break;
      const Cell& cell = ctx.CellAt(reg.row, reg.cell);
      std::optional<Candidate> c = ReadValue(ctx, spec.type, cell, reg.from, reg.to, /*labelled=*/true);
      if (!c) continue;
      static constexpr double kWhere[] = {0.95, 0.9, 0.8};
      c->score = kWhere[reg.where] * OcrFactor(c->score);
      // A label in the middle of a sentence ("... bitte Ihre Belegnummer 123 angeben") is weaker
      // than one that starts its cell.
      if (m.first_word >= 3) c->score *= 0.85;
      // Words between the label and its value make it another label: "Gesamtbetrag der
      // Zuschläge" is not "Gesamtbetrag".
      if (spec.type == FieldType::kMoney || spec.type == FieldType::kDate || spec.type == FieldType::kId) {
        std::size_t until = lc.words.size();
        if (reg.where == 0) {
          until = reg.from;
          for (std::size_t w = reg.from; w < reg.to; ++w) {
            if (Box wb = lc.words[w].bbox; wb.x0 >= c->bbox.x0) break;
            until = w + 1;
          }
        }
        c->before = JoinWords(lc, 0, m.first_word);
        c->between = JoinWords(lc, m.end_word, until);
        for (std::size_t w = m.end_word; w < until && w < lc.words.size(); ++w) {
          const std::string& t = lc.words[w].text;
          if (CountLetters(t) >= 3 && !NormalizeCurrency(t) && CountDigits(t) == 0 &&
              !HasWord(Tokens(t), {"brutto", "netto", "inkl", "incl", "including", "inclusive", "gesamt",
                                   "total", "eur", "usd", "ttc", "ht", "amount", "amt", "betrag", "rm", "due",
                                   "payable", "gst", "sst", "vat", "tax", "of", "after", "adj",
                                   "rounded", "rounding", "nett", "net", "inc", "sales"})) {
            c->score *= 0.6;
            break;
          }
        }
      }
      c->page = ctx.rows()[static_cast<std::size_t>(reg.row)].row->page;
      c->row = reg.row;
      c->label = JoinWords(lc, m.first_word, m.end_word, &c->label_bbox);
      c->amounts_after_label = amounts_after;
      // "Total Qty: 3 | 14.20": a number without cents gives way to an amount with cents
      // further along.
      if (money && c->whole) {
        if (!fallback) fallback = std::move(*c);
        continue;
      }
      fallback.reset();
      out.push_back(std::move(*c));
      break;
    }
    if (fallback) out.push_back(std::move(*fallback));
  }
  return out;
}

// Every value of `type` wherever it is printed (dates, amounts, IBANs, VAT ids).
std::vector<Candidate> ShapeCandidates(const Context& ctx, FieldType type) {
  std::vector<Candidate> out;
  std::set<std::pair<int, std::string>> seen;
  for (std::size_t r = 0; r < ctx.rows().size(); ++r) {
    const Row& row = *ctx.rows()[r].row;
    for (const Cell& cell : row.cells) {
      if (type == FieldType::kMoney) {
        // Each amount once, also one OCR split in two ("RM20. 40").
        for (const MoneyHit& h : MoneyIn(cell, 0, cell.words.size())) {
          Candidate c;
          c.value = h.money.amount;
          c.amount = std::strtod(h.money.amount.c_str(), nullptr);
          c.raw = JoinWords(cell, h.first, h.word + 1, &c.bbox);
          c.whole = !h.decimals;
          if (!seen.insert({static_cast<int>(r), c.value + "@" + std::to_string(c.bbox.x0)}).second) continue;
          c.score = OcrFactor(MeanConfidence(cell, h.first, h.word + 1) * (h.decimals ? 1.0 : 0.6));
          c.page = row.page;
          c.row = static_cast<int>(r);
          out.push_back(std::move(c));
        }
        continue;
      }
      for (std::size_t w = 0; w < cell.words.size(); ++w) {
        std::size_t to = type == FieldType::kIban || type == FieldType::kVatId ? cell.words.size()
                                                                             : std::min(cell.words.size(), w + 4);
        std::optional<Candidate> c = ReadValue(ctx, type, cell, w, to);
        if (!c) continue;
        if (!seen.insert({static_cast<int>(r), c->value + "@" + std::to_string(c->bbox.x0)}).second) continue;
        c->score = OcrFactor(c->score);
        c->page = row.page;
        c->row = static_cast<int>(r);
        out.push_back(std::move(*c));
        if (type == FieldType::kIban || type == FieldType::kVatId) break;
      }
    }
  }
  return out;
}

const Candidate* Best(const std::vector<Candidate>& cs) {
  const Candidate* best = nullptr;
  for (const Candidate& c : cs) {
    if (!best || c.score > best->score) best = &c;
  }
  return best;
}

Field ToField(const Candidate& c) {
  Field f;
  f.value = c.value;
  f.raw = c.raw;
  f.confidence = std::clamp(c.score, 0.0, 1.0);
  f.page = c.page;
  f.bbox = c.bbox;
  f.label = c.label;
  f.label_bbox = c.label_bbox;
  return f;
}

// ---------------------------------------------------------------------------------------------
// Field-specific choices

bool Near(double a, double b) { return std::abs(a - b) < 0.011; }

// Picks total, subtotal and tax together: a triple where subtotal + tax == total wins.
void ChooseAmounts(const Context& ctx, std::map<std::string, std::vector<Candidate>>& cands,
                   std::map<std::string, Field>& out, std::set<std::string>* verified) {
  // The rounding adjustment is decided here, and only where it explains the total: "Rounding
  // 0.00", or a rounding line that prints the rounded total itself, is no adjustment. Its
  // labels' own candidates are dropped.
  cands.erase("rounding");
  std::vector<Candidate>& totals = cands["total"];
  std::vector<Candidate>& subs = cands["subtotal"];
  std::vector<Candidate>& taxes = cands["tax"];
  std::vector<Candidate> shapes = ShapeCandidates(ctx, FieldType::kMoney);
  double max_amount = 0;
  for (const Candidate& c : shapes) max_amount = std::max(max_amount, c.amount);
  std::map<std::string, int> repeats;
  for (const Candidate& c : shapes) ++repeats[c.value];

  // What was paid: "CASH 50.00" and "CHANGE 19.00" say the total was 31.00. Only amounts with
  // cents: "Cash Inv No. 7916" and "CHANGE 76065" (a misread "76.065") are not payments.
  std::vector<double> paid, change;
  bool change_row = false;
  for (std::size_t r = 0; r < ctx.rows().size(); ++r) {
    const FlatRow& fr = ctx.rows()[r];
    std::vector<std::string> toks = Tokens(fr.row->text);
    if (toks.empty()) continue;
    bool is_change = HasWord(toks, {"change", "kembalian", "rückgeld", "wechselgeld", "rendu"});
    bool is_paid = !is_change && HasWord(toks, {"cash", "tunai", "tendered", "tender", "paid", "payment", "visa",
                                                  "mastercard", "master", "card", "credit", "debit", "edc",
                                                  "amex", "bar", "gegeben", "espèces"});
    if (!is_paid && !is_change) continue;
    change_row = change_row || is_change;
    const Cell& last = fr.row->cells.back();
    std::vector<MoneyHit> hits = MoneyIn(last, 0, last.words.size(), /*blank_point=*/true);
    if (hits.empty()) continue;
    // "Payment -20.00": the sign is the till's bookkeeping.
    double v = std::abs(std::strtod(hits.back().money.amount.c_str(), nullptr));
    if (!hits.back().decimals && v != 0) continue;
    (is_change ? change : paid).push_back(v);
  }
  // Cash rounding (to 0.05 in Malaysia, Switzerland, ...): when the receipt has a rounding
  // line, the total is the rounded amount. The line holds the adjustment ("Rounding Adj -0.02")
  // or the rounded total itself ("Rounding 14.40"); anything else on it ("Rounding 0.60") is a
  // misread that says nothing.
  bool rounding = false;
  struct Adjustment {
    double amount;  // its size; the sign is often lost
    int page;
    Box box;  // its row
  };
  std::vector<Adjustment> adjustments;
  std::vector<Candidate> rounded_lines;
  for (std::size_t r = 0; r < ctx.rows().size(); ++r) {
    const FlatRow& fr = ctx.rows()[r];
    std::vector<std::string> toks = Tokens(fr.row->text);
    if (!HasWord(toks, {"rounding", "rounded", "round", "rundung", "arrondi"})) continue;
    // Only a rounding that changed something ("Rounding Adj -0.02", not "Rounding 0.00").
    const Cell& last = fr.row->cells.back();
    std::vector<MoneyHit> hits = MoneyIn(last, 0, last.words.size());
    if (hits.empty()) continue;
    double v = std::strtod(hits.back().money.amount.c_str(), nullptr);
    if (v == 0 || !hits.back().decimals) continue;
    if (std::abs(v) < 0.05) {
      adjustments.push_back({std::abs(v), fr.row->page, fr.row->box});
      rounding = true;
    } else if (v > 0) {
      Candidate c;
      c.value = hits.back().money.amount;
      c.amount = v;
      c.raw = JoinWords(last, hits.back().first, hits.back().word + 1, &c.bbox);
      c.page = fr.row->page;
      c.row = static_cast<int>(r);
      c.label = "rounded total";
      rounded_lines.push_back(c);
    }
  }
  auto multiple_of_5_cents = [](double amount) { return std::lround(std::abs(amount) * 100) % 5 == 0; };
  auto settles = [&](double amount) {
    for (double p : paid) {
      if (Near(p, amount)) return true;
      for (double c : change) {
        if (c > 0 && Near(p - c, amount)) return true;
      }
    }
    return false;
  };
  // A derived total: where its amount is printed, if it is, and how often.
  auto derived = [&](double amount, const std::string& label) {
    Candidate d;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", amount);
    d.value = buf;
    d.raw = d.value;
    d.amount = amount;
    d.page = 1;
    d.label = label;
    for (const Candidate& shape : shapes) {
      if (shape.value == d.value) {
        d.bbox = shape.bbox;
        d.page = shape.page;
        d.row = shape.row;
        break;
      }
    }
    return d;
  };
  // The amount paid less the change is the total even when the total's own line was misread
  // ("TOTAL 11,00" over "CASH 71.00"): such a total joins the candidates, surer when an amount
  // printed elsewhere agrees.
  if (!paid.empty() && !change.empty()) {
    for (double p : paid) {
      for (double c : change) {
        double t = p - c;
        if (t <= 0) continue;
        Candidate d = derived(t, "paid - change");
        // Printed on another line than the payment's, three printed amounts agree on it.
        int printed = repeats.count(d.value) ? repeats[d.value] : 0;
        d.score = printed >= (c == 0 ? 2 : 1) ? 0.85 : printed > 0 ? 0.75 : 0.55;
        totals.push_back(d);
      }
    }
  } else if (!change_row) {
    // No change given: a card payment, or exact cash. What was paid is a total, surer when the
    // same amount is printed on another line.
    std::set<std::string> seen;
    for (double p : paid) {
      if (p <= 0) continue;
      Candidate d = derived(p, "paid");
      if (!seen.insert(d.value).second) continue;
      d.score = repeats[d.value] >= 2 ? 0.6 : 0.45;
      totals.push_back(d);
    }
  }
  // Rounded totals: a labelled total plus the rounding adjustment ("Total Sales 28.31",
  // "Rounding Adjustment -0.01" make 28.30; the sign is often lost, the rounded amount is a
  // multiple of 5 cents), and a rounding line that prints an amount next to a labelled total.
  {
    std::vector<Candidate> extra;
    std::set<std::string> seen;
    for (const Candidate& t : totals) {
      if (t.label_bbox.empty() || t.whole || t.amount <= 0 || multiple_of_5_cents(t.amount)) continue;
      for (const Adjustment& adj : adjustments) {
        const double a = adj.amount;
        for (double r : {t.amount - a, t.amount + a}) {
          if (r <= 0 || !multiple_of_5_cents(r)) continue;
          Candidate d = derived(r, "total + rounding");
          if (!seen.insert(d.value).second) continue;
          // Two printed values and the rounding rule agree on it: as sure as its total's label.
          d.score = t.score + 0.05;
          d.before = t.before;
          d.between = t.between;
          extra.push_back(d);
        }
      }
    }
    for (Candidate& c : rounded_lines) {
      if (!multiple_of_5_cents(c.amount)) continue;
      for (const Candidate& t : totals) {
        if (t.label_bbox.empty() || t.whole || multiple_of_5_cents(t.amount) || std::abs(t.amount - c.amount) >= 0.05) {
          continue;
        }
        rounding = true;
        if (!seen.insert(c.value).second) break;
        c.score = t.score + 0.05;
        extra.push_back(c);
        break;
      }
    }
    totals.insert(totals.end(), extra.begin(), extra.end());
  }
  // Labelled totals: prefer what was paid, final totals over partial ones, the largest amount and
  // amounts printed again.
  for (Candidate& t : totals) {
    double s = t.score;
    if (Near(t.amount, max_amount)) s += 0.08;
    if (repeats[t.value] >= 2) s += 0.06;
    if (settles(t.amount)) s += 0.15;
    if (rounding) s += multiple_of_5_cents(t.amount) ? 0.1 : -0.1;
    // The words around the label qualify it: "Total Sales (Excluding GST)", "Item Total",
    // "TAX TOTAL", "Total Qty", "Total Amt Payable", "Final Total".
    std::vector<std::string> lt = Tokens(t.label + " " + t.between);
    std::vector<std::string> pre = Tokens(t.before);
    if (HasWord(lt, {"rounded", "rounding", "grand", "nett", "net", "incl", "inclusive", "including", "payable",
                     "due", "brutto", "ttc", "gross", "after"}) ||
        HasWord(pre, {"final", "grand", "nett"})) {
      s += 0.04;
    }
    if (HasWord(lt, {"qty", "quantity", "items", "item", "count", "excl", "exclusive", "excluding", "exclude",
                     "before", "ex", "discount", "saving", "savings"}) ||
        HasWord(pre, {"tax", "gst", "vat", "sst", "item", "items", "qty", "quantity", "service", "discount"})) {
      s -= 0.25;
    }
    if (t.amounts_after_label >= 2) s -= 0.2;
    // Totals are printed with cents; a whole number on a total line is usually a count.
    if (t.whole) s -= 0.15;
    if (t.amount <= 0) s -= 0.3;
    t.score = s;
  }
  // Joint consistency.
  const Candidate* bt = nullptr;
  const Candidate* bs = nullptr;
  const Candidate* bx = nullptr;
  double best = -1;
  for (const Candidate& t : totals) {
    for (const Candidate& s : subs) {
      for (const Candidate& x : taxes) {
        if (!Near(s.amount + x.amount, t.amount) || s.amount == 0 || t.amount == 0) continue;
        double sc = t.score + s.score + x.score;
        if (sc > best) {
          best = sc;
          bt = &t;
          bs = &s;
          bx = &x;
        }
      }
    }
  }
  // What was paid outranks the arithmetic: a GST summary ("Total 127.37 0.00") adds up too.
  if (bt && !settles(bt->amount) &&
      std::any_of(totals.begin(), totals.end(), [&](const Candidate& t) { return settles(t.amount); })) {
    bt = nullptr;
  }
  if (bt) {
    // With a cash rounding line, net + tax is the gross before rounding; what is payable is the
    // rounded amount printed as a total ("Total (Inclusive of GST): 65.72", "Rounding Adj
    // -0.02", "TOTAL: 65.70"). The adjustment is reported so that the sum still checks out.
    const Candidate* payable = bt;
    if (!adjustments.empty() && !multiple_of_5_cents(bt->amount)) {
      for (const Candidate& t : totals) {
        if (t.label == "total + rounding" && t.row >= 0 && std::abs(t.amount - bt->amount) < 0.05 &&
            (payable == bt || t.score > payable->score)) {
          payable = &t;
        }
      }
    }
    Field ft = ToField(*payable), fs = ToField(*bs), fx = ToField(*bx);
    if (payable != bt) {
      Field fr;
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", payable->amount - bt->amount);
      fr.value = fr.raw = buf;
      for (const Adjustment& adj : adjustments) {
        if (Near(adj.amount, std::abs(payable->amount - bt->amount))) {
          fr.page = adj.page;
          fr.bbox = adj.box;
          break;
        }
      }
      fr.confidence = std::min(0.99, std::max(ft.confidence, 0.88) + 0.07);
      out["rounding"] = fr;
      verified->insert("rounding");
    }
    ft.confidence = std::min(0.99, std::max(ft.confidence, 0.9) + 0.07);
    fs.confidence = std::min(0.99, std::max(fs.confidence, 0.88) + 0.07);
    fx.confidence = std::min(0.99, std::max(fx.confidence, 0.88) + 0.07);
    out["total"] = ft;
    out["subtotal"] = fs;
    out["tax"] = fx;
    verified->insert({"total", "subtotal", "tax"});
    return;
  }
  // Several tax rates: the taxes of a breakdown (one per row) add up with the net to the total.
  for (const Candidate& t : totals) {
    for (const Candidate& sub : subs) {
      std::map<int, const Candidate*> per_row;
      // The breakdown sits between the net and the gross rows, or close to them.
      int lo = std::min(sub.row, t.row), hi = std::max(sub.row, t.row);
      if (hi - lo < 2) {
        lo -= 6;
        hi += 6;
      }
      for (const Candidate& x : taxes) {
        if (x.row == sub.row || x.row == t.row || x.row < lo || x.row > hi) continue;
        auto& slot = per_row[x.row];
        if (!slot || x.score > slot->score) slot = &x;
      }
      if (per_row.size() < 2) continue;
      double sum = 0;
      Box box;
      for (const auto& [row, x] : per_row) {
        sum += x->amount;
        box = box.Union(x->bbox);
      }
      if (!Near(sub.amount + sum, t.amount) || sub.amount == 0) continue;
      Field ft = ToField(t), fs = ToField(sub);
      ft.confidence = std::min(0.99, std::max(ft.confidence, 0.9) + 0.07);
      fs.confidence = std::min(0.99, std::max(fs.confidence, 0.88) + 0.07);
      Field fx = ToField(*per_row.begin()->second);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", sum);
      fx.value = buf;
      fx.raw.clear();
      for (const auto& [row, x] : per_row) fx.raw += (fx.raw.empty() ? "" : " + ") + x->raw;
      fx.bbox = box;
      fx.confidence = 0.9;
      out["total"] = ft;
      out["subtotal"] = fs;
      out["tax"] = fx;
      verified->insert({"total", "subtotal", "tax"});
      return;
    }
  }
  if (const Candidate* t = Best(totals)) {
    Field f = ToField(*t);
    f.confidence = std::min(f.confidence, 0.93);
    out["total"] = f;
    if (settles(t->amount)) verified->insert("total");
  } else if (!shapes.empty()) {
    // No total label: the largest amount with decimals, printed more than once if possible.
    const Candidate* pick = nullptr;
    for (const Candidate& c : shapes) {
      if (c.whole) continue;
      if (!pick || c.amount > pick->amount) pick = &c;
    }
    if (pick) {
      Field f = ToField(*pick);
      f.confidence = std::min(f.confidence, repeats[pick->value] >= 2 ? 0.6 : 0.4);
      out["total"] = f;
    }
  }
  for (const char* name : {"subtotal", "tax"}) {
    if (const Candidate* c = Best(cands[name])) {
      Field f = ToField(*c);
      f.confidence = std::min(f.confidence, 0.85);
      out[name] = f;
    }
  }
}

void ChooseCurrency(const Context& ctx, std::map<std::string, std::vector<Candidate>>& cands,
                    std::map<std::string, Field>& out) {
  if (const Candidate* c = Best(cands["currency"])) {
    out["currency"] = ToField(*c);
    return;
  }
  // The currency named most often on the document.
  std::map<std::string, int> counts;
  std::map<std::string, Candidate> first;
  int total = 0;
  for (std::size_t r = 0; r < ctx.rows().size(); ++r) {
    const Row& row = *ctx.rows()[r].row;
    for (const Cell& cell : row.cells) {
      for (const Word& w : cell.words) {
        std::optional<std::string> cur = NormalizeCurrency(w.text);
        if (!cur) continue;
        ++counts[*cur];
        ++total;
        if (!first.count(*cur)) {
          Candidate c;
          c.value = *cur;
          c.raw = w.text;
          c.bbox = w.bbox;
          c.page = row.page;
          first[*cur] = c;
        }
      }
    }
  }
  if (counts.empty()) return;
  auto top = std::max_element(counts.begin(), counts.end(),
                              [](const auto& a, const auto& b) { return a.second < b.second; });
  Candidate c = first[top->first];
  double share = static_cast<double>(top->second) / total;
  c.score = std::min(0.97, 0.5 + 0.1 * top->second) * share;
  out["currency"] = ToField(c);
}

// ---------------------------------------------------------------------------------------------
// Line items

bool IsHeaderRow(const std::vector<std::string>& toks) {
  int hits = 0;
  for (std::string_view w : {"description", "item", "items", "qty", "quantity", "price", "amount",
                             "unit", "total", "bezeichnung", "beschreibung", "artikel", "menge",
                             "preis", "einzelpreis", "betrag", "gesamtpreis", "désignation",
                             "designation", "quantité", "qté", "prix", "montant", "pos",
                             "product", "article", "rate", "anzahl", "summe"}) {
    if (HasWord(toks, {w})) ++hits;
  }
  return hits >= 2;
}

std::vector<LineItem> ExtractLineItems(const Context& ctx, const std::map<std::string, Field>& fields) {
  std::vector<LineItem> items;
  const auto& rows = ctx.rows();
  bool in_table = false;
  int page = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const FlatRow& fr = rows[r];
    if (fr.row->page != page) {
      page = fr.row->page;
      in_table = false;
    }
    std::vector<std::string> toks = Tokens(fr.row->text);
    if (!in_table) {
      if (IsHeaderRow(toks)) in_table = true;
      continue;
    }
    // The table ends at the first labelled total, subtotal or tax row.
    bool labelled = false;
    for (const auto& cell : fr.labels) {
      for (const LabelMatch& m : cell) {
        if (m.label->field == "total" || m.label->field == "subtotal" || m.label->field == "tax") labelled = true;
      }
    }
    if (labelled) {
      in_table = false;
      continue;
    }
    // An item row: text first, then numbers, the last an amount with decimals.
    std::vector<std::pair<const Word*, std::string>> nums;  // word, normalised number
    std::string desc;
    Box desc_box;
    double conf = 0;
    int n = 0;
    for (const Cell& cell : fr.row->cells) {
      for (std::size_t w = 0; w < cell.words.size(); ++w) {
        const Word& word = cell.words[w];
        conf += word.confidence;
        ++n;
        if (IsPercent(cell, w) || word.text == "%") continue;
        std::optional<std::string> num = CountDigits(word.text) * 2 >= static_cast<int>(word.text.size())
                                             ? NormalizeNumber(word.text)
                                             : std::nullopt;
        if (num && !desc.empty() && nums.empty() && !HasDecimals(word.text) && &cell == &fr.row->cells.front()) {
          // A number inside the description ("Coca Cola 330 ml").
          desc += ' ' + word.text;
          desc_box = desc_box.Union(word.bbox);
          continue;
        }
        if (num) {
          nums.push_back({&word, *num});
        } else if (nums.empty() || CountLetters(word.text) > 0) {
          if (!nums.empty() && desc.empty()) continue;
          if (!desc.empty()) desc += ' ';
          desc += word.text;
          desc_box = desc_box.Union(word.bbox);
        }
      }
    }
    if (nums.empty() || !HasDecimals(nums.back().first->text) || CountLetters(desc) < 2) continue;
    LineItem item;
    double factor = OcrFactor(n ? conf / n : 0);
    auto field = [&](const std::string& value, const Word& w) {
      Field f;
      f.value = value;
      f.raw = w.text;
      f.page = fr.row->page;
      f.bbox = w.bbox;
      f.confidence = 0.7 * factor;
      return f;
    };
    Field d;
    d.value = Trim(desc);
    d.raw = desc;
    d.page = fr.row->page;
    d.bbox = desc_box;
    d.confidence = 0.7 * factor;
    item["description"] = d;
    const Word& amount_word = *nums.back().first;
    std::optional<Money> amount = NormalizeMoney(amount_word.text);
    if (!amount) continue;
    item["amount"] = field(amount->amount, amount_word);
    // Leading numbers: a quantity (no decimals or small) and a unit price.
    std::vector<std::pair<const Word*, std::string>> rest(nums.begin(), nums.end() - 1);
    if (!rest.empty()) {
      const auto& q = rest.front();
      if (!HasDecimals(q.first->text) || rest.size() >= 2) item["quantity"] = field(q.second, *q.first);
      if (rest.size() >= 2) {
        if (auto up = NormalizeMoney(rest[1].first->text)) item["unit_price"] = field(up->amount, *rest[1].first);
      } else if (HasDecimals(q.first->text)) {
        if (auto up = NormalizeMoney(q.first->text)) item["unit_price"] = field(up->amount, *q.first);
        item.erase("quantity");
      }
    }
    // Arithmetic that agrees raises the confidence of the whole row.
    if (item.count("quantity") && item.count("unit_price")) {
      double q = std::strtod(item["quantity"].value.c_str(), nullptr);
      double u = std::strtod(item["unit_price"].value.c_str(), nullptr);
      double a = std::strtod(item["amount"].value.c_str(), nullptr);
      if (std::abs(q * u - a) < 0.011 + 0.005 * std::abs(a)) {
        for (auto& [k, f] : item) f.confidence = std::min(0.97, f.confidence + 0.25);
      }
    }
    items.push_back(std::move(item));
  }
  (void)fields;
  return items;
}

bool IsTitleToken(const std::string& t) {
  static const std::initializer_list<std::string_view> kTitles = {
      "invoice", "facture", "gutschrift", "avoir", "bill", "rechnung", "rechnungskorrektur",
      "creditnote", "credit", "quittung", "receipt"};
  if (HasWord({t}, kTitles)) return true;
  return t.size() > 8 && t.compare(t.size() - 8, 8, "rechnung") == 0;  // Handelsrechnung, ...
}

bool IsNumberMarker(const std::string& t) {
  return HasWord({t}, {"nr", "no", "number", "nummer", "n", "num", "numero", "numéro", "ref"});
}

// "Rechnung Nr. 471102 vom 05.06.2018", "INVOICE No. INV-0042 dated 3 March 2024": the
// document's number (and date) in its title line.
void TitleCandidates(const Context& ctx, std::map<std::string, std::vector<Candidate>>& cands) {
  const auto& rows = ctx.rows();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const FlatRow& fr = rows[r];
    if (fr.row->page > 1) break;
    for (std::size_t c = 0; c < fr.cell_tokens.size(); ++c) {
      const CellTokens& ct = fr.cell_tokens[c];
      const Cell& cell = fr.row->cells[c];
      for (std::size_t i = 0; i < ct.tokens.size(); ++i) {
        if (!IsTitleToken(ct.tokens[i])) continue;
        // A number marker within the next five tokens ("Rechnung des Versicherers (575) Nr."),
        // then the id.
        for (std::size_t j = i + 1; j < ct.tokens.size() && j <= i + 5; ++j) {
          // "Rechnung gemäß Bestellung Nr. 2013-471331": the number of another document.
          if (HasWord({ct.tokens[j]}, {"bestellung", "auftrag", "lieferung", "lieferschein", "vertrag", "kunde",
                                        "kunden", "order", "po", "purchase", "delivery", "contract", "customer",
                                        "commande", "livraison", "contrat", "client"})) {
            break;
          }
          if (!IsNumberMarker(ct.tokens[j])) continue;
          std::size_t w = ct.word_of[j] + 1;
          Candidate id;
          for (; w < cell.words.size(); ++w) {
            std::string t = Trim(cell.words[w].text);
            if (t.empty() || t == ":" || t == "#" || t == "\xC2\xB0") continue;
            if (CountDigits(t) == 0 || t.size() > 40) break;
            id.value = t;
            id.raw = cell.words[w].text;
            id.bbox = cell.words[w].bbox;
            id.page = fr.row->page;
            id.row = static_cast<int>(r);
            id.score = 0.96 * OcrFactor(cell.words[w].confidence);
            id.label = JoinWords(cell, ct.word_of[i], ct.word_of[j] + 1, &id.label_bbox);
            break;
          }
          if (id.value.empty()) break;
          cands["invoice_number"].push_back(id);
          // A date later on the same title line is the document's date.
          for (std::size_t k = w + 1; k < cell.words.size(); ++k) {
            std::optional<std::string> d = NormalizeDate(JoinWords(cell, k, std::min(cell.words.size(), k + 3)), ctx.order());
            if (!d) continue;
            Candidate dc;
            dc.value = *d;
            dc.raw = JoinWords(cell, k, std::min(cell.words.size(), k + 3), &dc.bbox);
            dc.page = fr.row->page;
            dc.row = static_cast<int>(r);
            dc.score = 0.9 * OcrFactor(cell.words[k].confidence);
            cands["invoice_date"].push_back(dc);
            break;
          }
          break;
        }
      }
    }
  }
}

}  // namespace

Extraction Extract(const Document& doc, const Schema& schema) {
  Extraction ex;
  if (schema.key_values) {
    ex.fields = ExtractKeyValues(doc);
    return ex;
  }
  Context ctx(doc, schema);
  std::map<std::string, std::vector<Candidate>> cands;
  for (const FieldSpec& spec : schema.fields) cands[spec.name] = LabelledCandidates(ctx, spec);

  auto has = [&](const char* name) {
    return std::any_of(schema.fields.begin(), schema.fields.end(),
                       [&](const FieldSpec& f) { return f.name == name; });
  };

  if (has("invoice_number")) TitleCandidates(ctx, cands);

  // Names and addresses from the top of the first page.
  int name_row = -1;
  for (const char* name_field : {"merchant_name", "seller_name"}) {
    if (!has(name_field)) continue;
    std::optional<NamePick> top = TopName(ctx, 10);
    std::vector<Candidate>& cs = cands[name_field];
    // A labelled name ("Verkäufer:", "From:") is usually the heading of a block: the name is
    // the first row under it.
    for (Candidate& c : cs) c.score *= 0.9;
    if (top) cs.push_back(top->cand);
    if (const Candidate* b = Best(cs)) name_row = b->row;
  }
  for (const char* addr_field : {"merchant_address", "seller_address"}) {
    if (!has(addr_field) || name_row < 0) continue;
    std::optional<Candidate> a = AddressAfter(ctx, name_row, 5);
    if (!a) continue;
    // A receipt prints its own address unlabelled under its name; an "Address:" further down
    // is the customer's or the delivery's.
    if (std::string(addr_field) == "merchant_address") {
      for (Candidate& c : cands[addr_field]) {
        if (c.page == a->page && c.row > a->row + 5) c.score *= 0.8;
      }
    }
    cands[addr_field].push_back(*a);
  }

  // Dates: labelled first; a date found anywhere stands in, surer when it is the only one.
  for (const FieldSpec& spec : schema.fields) {
    if (spec.type != FieldType::kDate) continue;
    std::vector<Candidate>& cs = cands[spec.name];
    if (spec.name == "date" || spec.name == "invoice_date") {
      std::vector<Candidate> all = ShapeCandidates(ctx, FieldType::kDate);
      std::set<std::string> distinct;
      for (const Candidate& c : all) distinct.insert(c.value);
      for (Candidate& c : all) {
        c.score *= distinct.size() == 1 ? 0.92 : 0.55 - 0.03 * static_cast<double>(std::min<std::size_t>(distinct.size(), 5));
        // Earlier on the page is likelier the document's own date.
        c.score -= 0.002 * c.row;
        cs.push_back(c);
      }
      // A labelled date that agrees with the only date on the page is certain.
      if (distinct.size() == 1) {
        for (Candidate& c : cs) {
          if (c.value == *distinct.begin()) c.score = std::max(c.score, 0.95);
        }
      }
      // A date far from today is more likely misread ("2077", "2913") than true.
      for (Candidate& c : cs) {
        int year = std::atoi(c.value.substr(0, 4).c_str());
        if (!PlausibleYear(year)) c.score *= 0.4;
      }
    }
    // A repaired misread is a likely reading, not a sure one: it gives way to a date that is
    // labelled and read as printed.
    for (Candidate& c : cs) {
      if (c.repaired) c.score *= 0.6;
    }
  }
  // IBANs and VAT ids are recognisable by their shape and check digits.
  for (const FieldSpec& spec : schema.fields) {
    if (spec.type != FieldType::kIban && spec.type != FieldType::kVatId) continue;
    if (spec.name.rfind("buyer", 0) == 0) continue;
    std::vector<Candidate>& cs = cands[spec.name];
    for (Candidate c : ShapeCandidates(ctx, spec.type)) {
      c.score *= spec.type == FieldType::kIban ? 0.95 : 0.7;
      if (spec.type == FieldType::kVatId) {
        std::optional<bool> check = VatIdCheckDigitValid(c.value);
        if (check && *check) c.score = std::min(0.97, c.score + 0.2);
      }
      cs.push_back(c);
    }
  }

  std::map<std::string, Field>& out = ex.fields;
  std::set<std::string> verified;  // values that another printed value confirms
  if (has("total")) ChooseAmounts(ctx, cands, out, &verified);
  if (has("currency")) ChooseCurrency(ctx, cands, out);
  for (const FieldSpec& spec : schema.fields) {
    if (out.count(spec.name)) continue;
    if (const Candidate* c = Best(cands[spec.name])) out[spec.name] = ToField(*c);
  }
  // OCR misreads characters with high confidence ("SANYO" for "SANYU", "2013" for "2018"):
  // a value read by OCR is only as sure as something else on the page makes it.
  for (auto& [name, f] : out) {
    if (f.page < 1 || static_cast<std::size_t>(f.page) > doc.pages.size()) continue;
    if (doc.pages[static_cast<std::size_t>(f.page - 1)].source != PageSource::kOcr) continue;
    const FieldSpec* spec = nullptr;
    for (const FieldSpec& fs : schema.fields) {
      if (fs.name == name) spec = &fs;
    }
    if (!spec) continue;
    double cap = 0.85;
    switch (spec->type) {
      case FieldType::kMoney: cap = verified.count(name) ? 0.97 : 0.85; break;
      case FieldType::kIban: cap = 0.97; break;  // its check digits verify it
      case FieldType::kCurrency: cap = 0.9; break;
      case FieldType::kString:
      case FieldType::kAddress: cap = 0.8; break;
      default: cap = 0.88; break;
    }
    f.confidence = std::min(f.confidence, cap);
  }
  if (!schema.line_item_columns.empty()) ex.line_items = ExtractLineItems(ctx, out);
  return ex;
}

}  // namespace sheaf::extract
