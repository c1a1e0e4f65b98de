// SPDX-License-Identifier: GPL-3.0-or-later
//
// Values by type and the candidates that carry them: a value read off a cell as its field's type
// (money, dates with their OCR repairs, ids, names), the candidates a field's labels announce,
// and the values of a type printed anywhere (candidates.h).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "extract/candidates.h"
#include "extract/extract_context.h"
#include "extract/layout_view.h"
#include "extract/normalize.h"

namespace sheaf::extract::internal {

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

// Where thousands are grouped by blanks with a decimal comma ("37 285,97", "EUR 41 066,60",
// "-8 364,69 €"; French, and Swiss and Belgian usage), a text layer and OCR give each group
// its own word. Returns the index of the word that ends such an amount starting at word `w`
// (a head of 1-3 digits, possibly after a currency or minus, then words of exactly 3 digits,
// the last with ",dd"), each word close to the one before; or `w` when there is none. Only a
// decimal comma: "2 105.00" is a quantity and a price on receipts.
static std::size_t BlankGroupedEnd(const Cell& cell, std::size_t w, std::size_t to) {
  auto digits_from = [](std::string_view t, std::size_t i) {
    std::size_t n = 0;
    while (i + n < t.size() && std::isdigit(static_cast<unsigned char>(t[i + n]))) ++n;
    return n;
  };
  const std::string& head = cell.words[w].text;
  const std::size_t d = head.find_first_of("0123456789");
  if (d == std::string::npos || digits_from(head, d) != head.size() - d || head.size() - d > 3) return w;
  if (d > 0) {
    std::string_view prefix = std::string_view(head).substr(0, d);
    if (prefix.back() == '-') prefix.remove_suffix(1);
    if (!prefix.empty() && !NormalizeCurrency(prefix)) return w;
  }
  for (std::size_t k = w + 1; k < to && k < cell.words.size(); ++k) {
    const Word& prev = cell.words[k - 1];
    const Word& cur = cell.words[k];
    const int height = std::max(1, prev.bbox.y1 - prev.bbox.y0);
    if (cur.bbox.x0 - prev.bbox.x1 > height * 0.7) return w;  // a column gap, not a blank
    const std::string& t = cur.text;
    if (digits_from(t, 0) != 3) return w;
    if (t.size() == 3) continue;  // a middle group
    if (t.size() >= 6 && t[3] == ',' && digits_from(t, 4) == 2 &&
        (t.size() == 6 || NormalizeCurrency(std::string_view(t).substr(6)))) {
      return k;
    }
    return w;
  }
  return w;
}

// Amounts printed in words [from, to) of a cell (percentages excluded), left to right.
// `blank_point`: where the value of a money label is expected, "RM8 60" at the end of the range
// is 8.60 (OCR reads a faint decimal point as a blank; receipts print cents on every amount).
std::vector<MoneyHit> MoneyIn(const Cell& cell, std::size_t from, std::size_t to, bool blank_point) {
  std::vector<MoneyHit> out;
  for (std::size_t w = from; w < to && w < cell.words.size(); ++w) {
    const std::string& t = cell.words[w].text;
    if (std::none_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) continue;
    if (IsPercent(cell, w)) continue;
    if (std::size_t end = BlankGroupedEnd(cell, w, to); end > w) {
      std::string joined = t;
      for (std::size_t k = w + 1; k <= end; ++k) joined += " " + cell.words[k].text;
      if (std::optional<Money> m = NormalizeMoney(joined)) {
        if (m->currency.empty() && end + 1 < to && end + 1 < cell.words.size()) {
          if (auto c = NormalizeCurrency(cell.words[end + 1].text)) m->currency = *c;
        }
        if (m->currency.empty() && w > from) {
          if (auto c = NormalizeCurrency(cell.words[w - 1].text)) m->currency = *c;
        }
        out.push_back({*m, w, end, true});
        w = end;
        continue;
      }
    }
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
        // Digits followed by more groups of digits are a phone number or a grouped amount
        // ("Tel: 003 2669 0932"), not an id: only a weak candidate.
        const auto all_digits = [](const std::string& s) {
          return !s.empty() && CountDigits(s) == static_cast<int>(s.size());
        };
        if (all_digits(t) && w + 1 < cell.words.size() && all_digits(Trim(cell.words[w + 1].text))) c.score *= 0.5;
        // A series prefix printed apart from its number ("RE 5692/41", "FA XJ471794"): a word
        // of 1-4 capitals right before it, after the label, that is no label word itself.
        if (w > from) {
          const Word& prev = cell.words[w - 1];
          const std::string p = Trim(prev.text);
          const int height = std::max(1, prev.bbox.y1 - prev.bbox.y0);
          const bool capitals = !p.empty() && p.size() <= 4 &&
                                std::all_of(p.begin(), p.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
          if (capitals && c.bbox.x0 - prev.bbox.x1 <= height &&
              !HasWordIn(Lower(p), {"no", "nr", "n", "num", "ref", "id", "nro", "vat", "tva", "ust", "gst"})) {
            c.value = p + " " + t;
            c.raw = prev.text + " " + cell.words[w].text;
            c.bbox = prev.bbox.Union(c.bbox);
            c.score = std::min(c.score, prev.confidence);
          }
        }
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

}  // namespace sheaf::extract::internal
