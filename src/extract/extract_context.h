// SPDX-License-Identifier: GPL-3.0-or-later
//
// Internal to src/extract (not a public interface): the document as the extractor reads it and
// what its parts share. A Context holds the document's visual rows (extract/layout_view.h), each
// row's cells split into lower-cased tokens, and every label of the schema found in them; a
// Candidate is one possible value of a field, with where it was found and its score.
//
// The parts: extractor.cc (labels, shapes, amounts, titles, line items; choosing per field),
// parties.cc (names and addresses at the top of a page), key_values.cc (forms).
//
// Contract: a Context is built once per document and only read after; it borrows the document
// and schema, which must outlive it. Everything here is pure and thread-compatible.
#ifndef SHEAF_EXTRACT_EXTRACT_CONTEXT_H_
#define SHEAF_EXTRACT_EXTRACT_CONTEXT_H_

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/edit_distance.h"
#include "extract/layout_view.h"
#include "extract/normalize.h"
#include "extract/schema.h"
#include "sheaf/document.h"

namespace sheaf::extract::internal {

// ---------------------------------------------------------------------------------------------
// Tokens and labels

// True for an ASCII letter or digit, or any byte of a UTF-8 sequence.
bool IsAlnumByte(unsigned char c);

// Lower-cased alphanumeric runs of `text`.
std::vector<std::string> Tokens(std::string_view text);

// The tokens joined without blanks.
std::string Concat(const std::vector<std::string>& tokens);


// A word of a cell split into tokens; tokens remember their word.
struct CellTokens {
  std::vector<std::string> tokens;
  std::vector<std::size_t> word_of;  // token -> word index in the cell
  std::vector<char> hyphenated;      // token is joined to the previous one by '-' in its word
};

// OCR reads the "l" that ends a word as "!", "|", "]", "1" or "I" ("Tota!", "TOTA1",
// "Subtota|", "TotaI"); labels are looked for with the letter back in place.
std::string RestoreFinalL(const std::string& word);

// The tokens of every word of `cell`, each remembering its word.
CellTokens TokenizeCell(const Cell& cell);

struct LabelKey {
  std::string field;
  std::string key;  // label tokens concatenated
  std::size_t tokens = 0;
  std::string text;  // as written in the schema
};

struct LabelMatch {
  const LabelKey* label = nullptr;
  std::size_t first_token = 0, last_token = 0;  // inclusive
  std::size_t first_word = 0, end_word = 0;     // words [first_word, end_word) hold the label
  int row = 0, cell = 0;                        // into the flat row list
  bool exact = true;                            // false: read with one misread character
};

// Every label of every field of `schema`, tokenised, longest first.
std::vector<LabelKey> LabelKeys(const Schema& schema);

// True iff `token` is one of `words`.
bool HasWordIn(const std::string& token, std::initializer_list<std::string_view> words);

// True iff one of `tokens` is one of `words`.
bool HasWord(const std::vector<std::string>& tokens, std::initializer_list<std::string_view> words);

// ---------------------------------------------------------------------------------------------
// Small measures of text

// A score factor from the mean OCR confidence of a value's words (1 for text layers).
double OcrFactor(double mean_conf);

int CountLetters(std::string_view s);  // letters, counting every byte of a UTF-8 sequence
int CountDigits(std::string_view s);

// Drops separators around a value: blanks and ASCII punctuation that is never part of one, and
// the guillemet "»" (OCR's reading of a ':' after a label). Works on whole UTF-8 sequences.
std::string Trim(std::string s);

// ---------------------------------------------------------------------------------------------
// The flattened document

struct FlatRow {
  const Row* row = nullptr;
  const PageView* page = nullptr;
  std::vector<CellTokens> cell_tokens;
  std::vector<std::vector<LabelMatch>> labels;  // per cell, accepted label matches by position
};

struct Candidate {
  std::string value, raw;
  double score = 0;
  int page = 0;
  Box bbox;
  std::string label;
  Box label_bbox;
  int row = -1;  // flat row index
  double amount = 0;  // money candidates: the amount as a number
  bool whole = false;  // money candidates: printed without cents
  bool repaired = false;  // read after repairing OCR misreads (RepairDateWord)
  int amounts_after_label = 0;  // labelled money candidates: amounts on the row after the label
  std::string before, between;  // labelled candidates: the words before the label in its cell,
                                // and between the label and the value
};


class Context {
 public:
  Context(const Document& doc, const Schema& schema)
      : doc_(doc), schema_(schema), view_(BuildView(doc)), keys_(LabelKeys(schema)) {
    for (const PageView& p : view_.pages) {
      for (const Row& r : p.rows) {
        FlatRow fr;
        fr.row = &r;
        fr.page = &p;
        for (const Cell& c : r.cells) fr.cell_tokens.push_back(TokenizeCell(c));
        fr.labels.resize(r.cells.size());
        rows_.push_back(std::move(fr));
      }
    }
    FindLabels();
    std::vector<std::string> raw_dates;
    for (const FlatRow& r : rows_) raw_dates.push_back(r.row->text);
    const std::optional<DateOrder> evidence = DateOrderEvidence(raw_dates);
    order_ = evidence.value_or(DateOrder::kDayFirst);
    order_known_ = evidence.has_value();
  }

  const std::vector<FlatRow>& rows() const { return rows_; }
  const Schema& schema() const { return schema_; }
  DateOrder order() const { return order_; }
  // Whether a date in the document tells day from month first (else order() is a default).
  bool order_known() const { return order_known_; }

  // Label matches of `field`, in document order.
  std::vector<LabelMatch> MatchesOf(const std::string& field) const {
    std::vector<LabelMatch> out;
    for (const FlatRow& r : rows_) {
      for (const auto& cell : r.labels) {
        for (const LabelMatch& m : cell) {
          if (m.label->field == field) out.push_back(m);
        }
      }
    }
    return out;
  }

  // True if words [from, to) of the cell overlap any accepted label.
  bool HasLabelAt(int row, int cell) const {
    return !rows_[static_cast<std::size_t>(row)].labels[static_cast<std::size_t>(cell)].empty();
  }
  bool StartsWithLabel(int row, int cell) const {
    const auto& ls = rows_[static_cast<std::size_t>(row)].labels[static_cast<std::size_t>(cell)];
    return !ls.empty() && ls.front().first_word == 0;
  }

  const Cell& CellAt(int row, int cell) const {
    return rows_[static_cast<std::size_t>(row)].row->cells[static_cast<std::size_t>(cell)];
  }

  // The region that holds the value announced by `m`: (row, cell, first word, end word), tried in
  // order: the rest of the label's cell, the next cell right, the cell below.
  struct Region {
    int row, cell;
    std::size_t from, to;
    int where;  // 0 same cell, 1 right, 2 below
  };
  std::vector<Region> ValueRegions(const LabelMatch& m) const {
    std::vector<Region> out;
    const FlatRow& fr = rows_[static_cast<std::size_t>(m.row)];
    const auto& cell_labels = fr.labels[static_cast<std::size_t>(m.cell)];
    std::size_t end = fr.row->cells[static_cast<std::size_t>(m.cell)].words.size();
    for (const LabelMatch& o : cell_labels) {
      if (o.first_word >= m.end_word && o.first_word < end) end = o.first_word;
    }
    if (m.end_word < end) out.push_back({m.row, m.cell, m.end_word, end, 0});
    // Cells to the right, up to one that starts with another label ("Steuerbetrag in | EUR |
    // 20,16", "Total Sales (Excl. | GST) | 60.00").
    for (int c = m.cell + 1; c < static_cast<int>(fr.row->cells.size()); ++c) {
      if (StartsWithLabel(m.row, c)) break;
      out.push_back({m.row, c, 0, CellAt(m.row, c).words.size(), 1});
    }
    const Cell& lc = CellAt(m.row, m.cell);
    Box lbox;
    JoinWords(lc, m.first_word, m.end_word, &lbox);
    // Right of the label on a neighbouring row that overlaps this one by half its height: a
    // skewed scan, or one word boxed taller than the rest, puts the value there.
    for (int r : {m.row - 1, m.row + 1}) {
      if (r < 0 || r >= static_cast<int>(rows_.size())) continue;
      const FlatRow& other = rows_[static_cast<std::size_t>(r)];
      if (other.page != fr.page) continue;
      int overlap = std::min(other.row->box.y1, fr.row->box.y1) - std::max(other.row->box.y0, fr.row->box.y0);
      int smaller = std::min(other.row->box.y1 - other.row->box.y0, fr.row->box.y1 - fr.row->box.y0);
      if (overlap * 2 < smaller) continue;
      for (int c = 0; c < static_cast<int>(other.row->cells.size()); ++c) {
        if (other.row->cells[static_cast<std::size_t>(c)].box.x0 < lc.box.x1) continue;
        if (StartsWithLabel(r, c)) break;
        out.push_back({r, c, 0, other.row->cells[static_cast<std::size_t>(c)].words.size(), 1});
        break;
      }
    }
    // Below: the next two rows on the same page; a cell overlapping the label horizontally.
    for (int r = m.row + 1; r < static_cast<int>(rows_.size()) && r <= m.row + 2; ++r) {
      const FlatRow& below = rows_[static_cast<std::size_t>(r)];
      if (below.page != fr.page) break;
      if (below.row->box.y0 - fr.row->box.y1 > 3 * fr.row->height) break;
      bool found = false;
      for (int c = 0; c < static_cast<int>(below.row->cells.size()); ++c) {
        const Cell& bc = below.row->cells[static_cast<std::size_t>(c)];
        int overlap = std::min(bc.box.x1, std::max(lbox.x1, lc.box.x1)) - std::max(bc.box.x0, lbox.x0);
        if (overlap <= 0) continue;
        if (StartsWithLabel(r, c)) {
          found = true;  // another label: nothing below belongs to this one
          break;
        }
        out.push_back({r, c, 0, bc.words.size(), 2});
        found = true;
        break;
      }
      if (found) break;
    }
    return out;
  }

 private:
  void FindLabels() {
    // The keys a span can match: those as long as it (read as printed, or with one character
    // misread: of two strings as long, one edit apart means one substitution), and the
    // multi-word keys a German compound can end with. In keys_'s order, so matches come out in
    // the order a scan of every key gives.
    std::vector<std::vector<const LabelKey*>> by_size;
    std::vector<const LabelKey*> compound;
    for (const LabelKey& k : keys_) {
      if (by_size.size() <= k.key.size()) by_size.resize(k.key.size() + 1);
      by_size[k.key.size()].push_back(&k);
      if (k.tokens >= 2 && k.key.size() >= 8) compound.push_back(&k);
    }
    auto one_substitution = [](const std::string& a, const std::string& b) {
      int diff = 0;
      for (std::size_t i = 0; i < a.size() && diff <= 1; ++i) diff += a[i] != b[i];
      return diff <= 1;
    };
    std::vector<std::pair<const LabelKey*, bool>> hits;  // key, read exactly as printed
    for (std::size_t r = 0; r < rows_.size(); ++r) {
      FlatRow& fr = rows_[r];
      for (std::size_t c = 0; c < fr.cell_tokens.size(); ++c) {
        const CellTokens& ct = fr.cell_tokens[c];
        std::vector<LabelMatch> found;
        for (std::size_t i = 0; i < ct.tokens.size(); ++i) {
          std::string acc;
          for (std::size_t j = i; j < ct.tokens.size() && j < i + 6; ++j) {
            acc += ct.tokens[j];
            // A label covers whole words: "Muster-Kunde" does not carry the label "Kunde".
            bool starts_word = !ct.hyphenated[i];
            bool ends_word = j + 1 == ct.tokens.size() || !ct.hyphenated[j + 1];
            if (!starts_word || !ends_word) continue;
            hits.clear();
            if (acc.size() < by_size.size()) {
              for (const LabelKey* k : by_size[acc.size()]) {
                if (acc == k->key) {
                  hits.emplace_back(k, true);
                } else if (k->key.size() >= 6 && one_substitution(acc, k->key)) {
                  // One misread character (OCR substitutes far more often than it drops or adds).
                  hits.emplace_back(k, false);
                }
              }
            }
            // German compounds: "Handelsrechnung Nr." carries the label "Rechnung Nr.".
            for (const LabelKey* k : compound) {
              if (j == i + k->tokens - 1 && acc.size() > k->key.size() &&
                  acc.compare(acc.size() - k->key.size(), k->key.size(), k->key) == 0 &&
                  ct.tokens[i].size() > k->key.size() - (acc.size() - ct.tokens[i].size())) {
                hits.emplace_back(k, false);
              }
            }
            for (const auto& [key, exact] : hits) {
              const LabelKey& k = *key;
              LabelMatch m;
              m.label = &k;
              m.first_token = i;
              m.last_token = j;
              m.first_word = ct.word_of[i];
              m.end_word = ct.word_of[j] + 1;
              m.row = static_cast<int>(r);
              m.cell = static_cast<int>(c);
              m.exact = exact;
              found.push_back(m);
            }
          }
        }
        // Longest label first, and of two as long the one read as printed ("Bill to" is the
        // buyer's heading, not "Bill no" misread); keep matches whose tokens do not overlap an
        // accepted one.
        std::stable_sort(found.begin(), found.end(), [](const LabelMatch& a, const LabelMatch& b) {
          if (a.label->key.size() != b.label->key.size()) return a.label->key.size() > b.label->key.size();
          return a.exact && !b.exact;
        });
        std::vector<LabelMatch> accepted;
        for (const LabelMatch& m : found) {
          bool overlaps = std::any_of(accepted.begin(), accepted.end(), [&](const LabelMatch& a) {
            return !(m.last_token < a.first_token || m.first_token > a.last_token);
          });
          bool same_field_here = std::any_of(accepted.begin(), accepted.end(), [&](const LabelMatch& a) {
            return a.label->field == m.label->field && a.first_token == m.first_token;
          });
          if (!overlaps && !same_field_here) accepted.push_back(m);
        }
        std::sort(accepted.begin(), accepted.end(), [](const LabelMatch& a, const LabelMatch& b) {
          return a.first_token < b.first_token;
        });
        // "Total Sales (Inclusive GST) 177.22", "Total (Excl. of VAT)": a label after "incl." or
        // "of" that follows another label qualifies that one; it announces no value of its own.
        for (std::size_t k = accepted.size(); k-- > 1;) {
          const LabelMatch& prev = accepted[k - 1];
          const LabelMatch& cur = accepted[k];
          if (cur.label->field == prev.label->field || cur.first_token == prev.last_token + 1) continue;
          bool qualifier = true;
          for (std::size_t t = prev.last_token + 1; t < cur.first_token && qualifier; ++t) {
            qualifier = HasWordIn(ct.tokens[t], {"incl", "inclusive", "including", "inc", "inkl", "excl",
                                                 "exclusive", "excluding", "exkl", "ex", "of", "zzgl"});
          }
          if (qualifier) accepted.erase(accepted.begin() + static_cast<long>(k));
        }
        // "MwSt-%", "USt %": the label of a rate column, whose values are percentages, not amounts.
        // ("GST @6%" and "VAT 20%" name the rate and announce the amount.)
        const Cell& cell = fr.row->cells[c];
        auto bare_percent = [](const std::string& w) {
          return w.find('%') != std::string::npos && CountDigits(w) == 0;
        };
        std::erase_if(accepted, [&](const LabelMatch& m) {
          return bare_percent(cell.words[m.end_word - 1].text) ||
                 (m.end_word < cell.words.size() && bare_percent(cell.words[m.end_word].text));
        });
        fr.labels[c] = std::move(accepted);
      }
    }
  }

  const Document& doc_;
  const Schema& schema_;
  DocumentView view_;
  std::vector<LabelKey> keys_;
  std::vector<FlatRow> rows_;
  DateOrder order_ = DateOrder::kDayFirst;
  bool order_known_ = false;
};


// ---------------------------------------------------------------------------------------------
// Names and addresses (parties.cc)

struct NamePick {
  int row = -1;
  Candidate cand;
  // The pick is a registered company printed under a brand name: which of the two a reader
  // calls the merchant is a convention (SROIE annotates the owner, other sets the brand).
  bool owner_under_brand = false;
};

// A name line without what follows its legal form and without a bracketed registration number
// ("AEON CO. (M) BHD (126926-H)" -> "AEON CO. (M) BHD").
std::string CleanNameText(std::string name);

// `name` (read from the rows `raw`, on page `page`) with each word of five letters or more that
// is printed nowhere else on the page replaced by the one word printed elsewhere on that page
// one letter away from it ("SANYO STATIONERY SHOP" over a footer "SANYU SUPPLY SDN BHD"), in
// the name word's case. A plural or singular of the word is no other reading of it.
std::string RepairNameFromPage(const Context& ctx, int page, const std::string& name, const std::string& raw);

// The merchant / seller name among the first `max_rows` rows of page 1.
std::optional<NamePick> TopName(const Context& ctx, int max_rows);

// The buyer's name in the address window of page 1's top half: the row under a buyer's heading
// ("Rechnungsadresse", "Factuuradres:"), or else under the seller's one-line return address
// ("Exemple SARL · 17 rue des Lilas · 75011 Paris", DIN 5008 and its French and English
// equivalents), in the same column; `seller` is the chosen seller name, `name_row` its row.
std::optional<Candidate> BuyerInAddressWindow(const Context& ctx, int name_row, const std::string& seller);

// The address as the rows that follow `row` (a name), up to a row of another kind, at most
// `max_lines` of them.
std::optional<Candidate> AddressAfter(const Context& ctx, int row, int max_lines);

// The address printed under `name` in its own column (a buyer's block beside the invoice's
// details): the cells under it that start where it starts, up to `max_lines` of them or a cell
// of another kind (label, telephone, date, id).
std::optional<Candidate> AddressUnder(const Context& ctx, const Candidate& name, int max_lines);

}  // namespace sheaf::extract::internal

#endif  // SHEAF_EXTRACT_EXTRACT_CONTEXT_H_
