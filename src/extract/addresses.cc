// SPDX-License-Identifier: GPL-3.0-or-later
//
// Addresses: the rows under a merchant's or seller's name, and the block under a buyer's name
// in its column, with the OCR repairs certain in address lines. docs/extraction.md, "Names and
// addresses".
#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extract_context.h"
#include "extract/party_words.h"

namespace sheaf::extract::internal {
namespace {

// A tax or business id line: "GST NO. : 001800839168", "GST REF NO : 001694261248",
// "BRN GST No. 000417619968", "SST ID: W10-1808-32000123".
bool LooksLikeTaxId(const std::string& text) {
  std::vector<std::string> t = Tokens(text);
  return HasWord(t, {"gst", "sst", "brn", "tin", "vat", "ust", "ein", "abn"}) && LongestDigitRun(text) >= 6;
}

// Lines that tie the business to another one: "formerly known as", "Licensee of ...",
// "A subsidiary of ...", "Dimiliki oleh ..." (owned by). They belong to the name block.
bool LooksLikeAffiliation(const std::string& text) {
  std::vector<std::string> t = Tokens(text);
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::string& w = t[i];
    if (w == "formerly" || w == "licensee" || w == "licensed" || w == "subsidiary" || w == "franchisee" ||
        w == "dimiliki" || w == "milik" || w == "division") {
      return true;
    }
    if (i + 1 < t.size() && ((w == "known" && t[i + 1] == "as") || (w == "owned" && t[i + 1] == "by") ||
                             (w == "operated" && t[i + 1] == "by") || (w == "managed" && t[i + 1] == "by") ||
                             (w == "member" && t[i + 1] == "of"))) {
      return true;
    }
  }
  return false;
}

// Repairs misreads OCR makes in Malaysian address lines where the intended reading is certain:
// "§" for a "5" in a number ("§3200", "JALAN KPB §"), and the street abbreviations "JLN" (jalan),
// "TMN" (taman) and "BLK" (blok) read as "JIN", "THN", "BIK" in front of a name.
std::string RepairAddressLine(const std::string& line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line.compare(i, 2, "\xC2\xA7") == 0) {  // §
      bool digit_after = i + 2 < line.size() && std::isdigit(static_cast<unsigned char>(line[i + 2]));
      bool alone_after = i + 2 >= line.size() || line[i + 2] == ' ' || line[i + 2] == ',' || line[i + 2] == '.';
      bool alone_before = i == 0 || line[i - 1] == ' ' || line[i - 1] == ',';
      if (digit_after || (alone_before && alone_after)) {
        out += '5';
        ++i;
        continue;
      }
    }
    out += line[i];
  }
  // Abbreviations: a whole word at the start of the line or after a comma or a number, followed
  // by another word.
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= out.size()) {
    std::size_t end = out.find(' ', start);
    if (end == std::string::npos) end = out.size();
    words.push_back(out.substr(start, end - start));
    start = end + 1;
  }
  for (std::size_t w = 0; w + 1 < words.size(); ++w) {
    std::string bare = words[w];
    std::string tail;
    while (!bare.empty() && (bare.back() == '.' || bare.back() == ',')) {
      tail.insert(tail.begin(), bare.back());
      bare.pop_back();
    }
    if (bare.size() != 3 || words[w + 1].empty() || !std::isalnum(static_cast<unsigned char>(words[w + 1][0]))) continue;
    bool lead = w == 0 || words[w - 1].back() == ',' || CountDigits(words[w - 1]) > 0;
    if (!lead) continue;
    std::string up = bare;
    for (char& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const char* fixed = up == "JIN" ? "LN" : up == "THN" ? "MN" : up == "BIK" ? "LK" : nullptr;
    if (fixed == nullptr) continue;
    bool lower = std::islower(static_cast<unsigned char>(bare[1])) != 0;
    std::string rest = fixed;
    if (lower) {
      for (char& ch : rest) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    words[w] = bare.substr(0, 1) + rest + tail;
  }
  std::string joined;
  for (std::size_t w = 0; w < words.size(); ++w) joined += (w ? " " : "") + words[w];
  return joined;
}

}  // namespace

namespace {

// `text` without the punctuation OCR reads from specks and the paper's edges around a line
// (": 28787 FREIBURG", "; UNIT 32", "28191 DUISBURG :", "EXETER :"), so that it is not taken for
// a label's colon. "#", "(" and digits stay in front ("#29-284 PINE CENTRE"), and a closing "."
// or "," stays at the end ("PERAK.").
std::string WithoutEdgeNoise(const std::string& text) {
  std::size_t start = 0, end = text.size();
  while (start < end && std::string_view(" \t:;|_=~`,.'\"").find(text[start]) != std::string_view::npos) ++start;
  while (end > start && std::string_view(" \t:;|_=~`'\"").find(text[end - 1]) != std::string_view::npos) --end;
  return text.substr(start, end - start);
}

// "Co. No. 123456-X", "Co. Reg. ...": a company number's label, which ends an address ("CO" alone
// is also a US state: "DENVER, CO 80202").
bool CompanyNumberLabel(const std::vector<std::string>& toks) {
  for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
    if (toks[i] == "co" && (toks[i + 1] == "no" || toks[i + 1] == "reg" || toks[i + 1] == "registration")) return true;
  }
  return false;
}

// Whether a line (`t`, its tokens `toks` as repaired) is of another kind than an address's and
// so ends one: an id (nine digits or more), a label ("Tel:", a colon with no address word, a
// company number's), a date, or too few letters.
bool EndsAddress(const std::string& t, const std::vector<std::string>& toks) {
  if (toks.empty() || LongestDigitRun(t) >= 9 || CountLetters(t) < 2 || NormalizeDate(t)) return true;
  const bool address_word = HasWord(toks, kAddressWords);
  if (HasWord(toks, kAddressStopWords) && !address_word) return true;
  if (t.find(':') != std::string::npos && !address_word) return true;
  return CompanyNumberLabel(toks);
}

// An address's lines as they are taken, and the candidate they make.
struct AddressLines {
  std::string text, raw;
  Box box;
  int lines = 0, addressy = 0;
  double conf = 0;

  void Add(const std::string& repaired, const std::string& as_read, const Box& b, double confidence, bool addressish) {
    if (!text.empty()) text += ", ";
    text += repaired;
    if (!raw.empty()) raw += ", ";
    raw += Trim(as_read);
    box = box.Union(b);
    conf += confidence;
    addressy += addressish ? 1 : 0;
    ++lines;
  }

  // None unless a line looked like an address's (a number or an address word).
  std::optional<Candidate> ToCandidate(int page, int row) const {
    if (lines == 0 || addressy == 0) return std::nullopt;
    Candidate c;
    c.value = text;
    c.raw = raw;
    c.bbox = box;
    c.page = page;
    c.row = row;
    c.score = (addressy >= 2 ? 0.8 : 0.6) * OcrFactor(conf / lines);
    return c;
  }
};

}  // namespace

// The address as the rows that follow `row` (a name), up to a row of another kind.
std::optional<Candidate> AddressAfter(const Context& ctx, int row, int max_lines) {
  const auto& rows = ctx.rows();
  if (row < 0 || static_cast<std::size_t>(row) >= rows.size()) return std::nullopt;
  const FlatRow& name = rows[static_cast<std::size_t>(row)];
  AddressLines taken;
  int skipped = 0, max_gap = 0;
  int prev_bottom = name.row->box.y1;
  for (std::size_t r = static_cast<std::size_t>(row) + 1; r < rows.size() && taken.lines < max_lines; ++r) {
    const FlatRow& fr = rows[r];
    if (fr.page != name.page) break;
    if (fr.row->box.y0 - prev_bottom > 2.5 * std::max(fr.row->height, name.row->height)) break;
    const std::string t = WithoutEdgeNoise(fr.row->text);
    // The row as repaired ("Jin PJU" is "JLN PJU"): an address word misread is still one.
    const std::string repaired = RepairAddressLine(Trim(t));
    std::vector<std::string> toks = Tokens(repaired);
    // A speck read as a row ("|", ".") is noise, not the end of the address.
    if (CountLetters(t) + CountDigits(t) <= 1 && t.size() <= 3) continue;
    // The lines of an address are evenly spaced: a gap much wider than the ones between its
    // lines so far ends it ("... 47200 SUBANG / SELANGOR / <gap> / PETROL STATION NAME").
    const int gap = fr.row->box.y0 - prev_bottom;
    if (taken.lines >= 2 && gap > std::max(2 * max_gap, fr.row->height)) break;
    const bool address_word = HasWord(toks, kAddressWords) || std::any_of(toks.begin(), toks.end(), IsPostcodeToken);
    if (taken.lines == 0) {
      // Before the address: a registration number, a tax id, a second line of the name or a
      // date and time may come first ("UNIHAKKA ... SDN BHD / 05 Mar 2018 18:24 / (867388-U) /
      // 12, Jalan ..."), and so may lines that tie the business to another one ("formerly known
      // as / OLD NAME SDN BHD / Licensee of ...") or a trading name ("SUNRISE MART").
      bool dated = NormalizeDate(t).has_value();
      // An id whose label OCR misread ("GS1 NO. : 001800839168") is still an id: a run of nine
      // or more digits is never part of an address.
      bool registration = (LooksLikeRegistration(t) || LooksLikeTaxId(t) || LongestDigitRun(t) >= 9) &&
                          !HasWord(toks, kAddressWords);
      bool addressish = !dated && !registration && (address_word || (CountDigits(t) > 0 && CountLetters(t) >= 4));
      // A second name line is skipped only when a registration number follows it.
      bool name_line = CountDigits(t) == 0 && !HasWord(toks, kAddressStopWords) && r + 1 < rows.size() &&
                       (LooksLikeRegistration(rows[r + 1].row->text) || LooksLikeTaxId(rows[r + 1].row->text));
      // Another company or a trading name: letters only with a business word, no address word.
      bool business = CountDigits(t) == 0 && !address_word &&
                      (HasWord(toks, kCompanySuffixes) || HasWord(toks, {"sdn", "pasaraya", "borong"}) ||
                       t.find("S/B") != std::string::npos);
      bool affiliation = LooksLikeAffiliation(t) && !address_word;
      // A line OCR made of a speck or a smudge ("6-92, . > S") is no address line yet, nor its end.
      bool smudge = CountLetters(t) < 2 && LongestDigitRun(t) < 4;
      bool branch = BranchLine(toks) && CountDigits(t) <= 3 && !address_word;
      if (!addressish && (registration || dated || name_line || business || affiliation || smudge || branch)) {
        if (++skipped > 5) break;
        prev_bottom = fr.row->box.y1;
        continue;
      }
    }
    if (EndsAddress(t, toks)) break;
    double conf = 0;
    for (const Cell& c : fr.row->cells) conf += MeanConfidence(c, 0, c.words.size()) / static_cast<double>(fr.row->cells.size());
    if (taken.lines > 0) max_gap = std::max(max_gap, gap);
    taken.Add(repaired, t, fr.row->box, conf, address_word || CountDigits(t) > 0);
    prev_bottom = fr.row->box.y1;
  }
  return taken.ToCandidate(name.row->page, row + 1);
}

// The address printed under a name in its own column (a buyer's block: "Kunde GmbH" over
// "Hauptstr. 5" over "10115 Berlin", with the invoice's dates and numbers in the column beside
// it): the cells under `name` that start where it starts, each close under the one before, up to
// `max_lines` of them or a cell of another kind (a label, a telephone, a date, an id).
std::optional<Candidate> AddressUnder(const Context& ctx, const Candidate& name, int max_lines) {
  const auto& rows = ctx.rows();
  if (name.row < 0 || static_cast<std::size_t>(name.row) >= rows.size()) return std::nullopt;
  const Row& top = *rows[static_cast<std::size_t>(name.row)].row;
  const int tolerance = std::max(2 * top.height, 8);
  // Where the block's lines start: under the name, or under its heading when the name follows
  // the heading on its row ("Bill to: Kunde GmbH" over "Hauptstr. 5").
  std::vector<int> starts = {name.bbox.x0};
  for (const Cell& c : top.cells) {
    const std::size_t colon = c.text.find(':');
    const bool heading = c.box.x1 <= name.bbox.x0 ? IsBuyerHeading(c.text)
                         : c.box.x0 < name.bbox.x0 && colon != std::string::npos && IsBuyerHeading(c.text.substr(0, colon + 1));
    if (heading) starts.push_back(c.box.x0);
  }
  AddressLines taken;
  int skipped = 0;
  Box prev = name.bbox;
  for (std::size_t r = static_cast<std::size_t>(name.row) + 1; r < rows.size() && taken.lines < max_lines; ++r) {
    const Row& row = *rows[r].row;
    if (row.page != top.page || row.box.y0 - prev.y1 > 1.8 * std::max(row.height, top.height)) break;
    const Cell* cell = nullptr;
    for (const Cell& c : row.cells) {
      if (std::any_of(starts.begin(), starts.end(), [&](int x) { return std::abs(c.box.x0 - x) <= tolerance; })) {
        cell = &c;
        break;
      }
    }
    if (cell == nullptr) break;
    const std::string t = WithoutEdgeNoise(cell->text);
    const std::string repaired = RepairAddressLine(t);
    const std::vector<std::string> toks = Tokens(repaired);
    const bool address_word = HasWord(toks, kAddressWords) || std::any_of(toks.begin(), toks.end(), IsPostcodeToken);
    if (EndsAddress(t, toks) || IsBuyerHeading(t) || HasWord(toks, kNotANameWords)) break;
    // Before the street: a department or a person ("Accounts Payable", "z. Hd. Dieter Peters",
    // "T.a.v. Lotte de Jong") or the name's second line, text only.
    if (taken.lines == 0 && CountDigits(t) == 0 && !address_word) {
      if (++skipped > 2) break;
      prev = cell->box;
      continue;
    }
    // A document's title under the block ends it (kNotANameWords has "invoice", "rechnung";
    // these are compounds and credit notes: "Abschlagsrechnung", "FACTUUR", "CREDIT NOTE").
    if (std::any_of(toks.begin(), toks.end(), [](const std::string& w) {
          return w.find("rechnung") != std::string::npos || w.rfind("factu", 0) == 0 || w == "note" ||
                 w == "avoir" || w == "gutschrift";
        })) {
      break;
    }
    taken.Add(repaired, cell->text, cell->box, MeanConfidence(*cell, 0, cell->words.size()),
              address_word || CountDigits(t) > 0);
    prev = cell->box;
  }
  return taken.ToCandidate(top.page, name.row + 1);
}

}  // namespace sheaf::extract::internal
