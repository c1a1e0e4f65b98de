// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/normalize.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace sheaf::extract {
namespace {

// ---------------------------------------------------------------------------------------------
// UTF-8 and tokens

struct CodePoint {
  char32_t value;
  std::size_t length;  // bytes
};

// Decodes the code point starting at s[i]; a malformed sequence reads as U+FFFD, one byte long.
CodePoint DecodeAt(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) return {lead, 1};
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || i + length > s.size()) return {0xFFFD, 1};
  char32_t value = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xC0) != 0x80) return {0xFFFD, 1};
    value = (value << 6) | (next & 0x3F);
  }
  return {value, length};
}

bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAsciiUpper(char32_t c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLetter(char32_t c) { return IsAsciiUpper(c) || (c >= 'a' && c <= 'z'); }
bool IsAsciiAlnum(char32_t c) { return IsAsciiDigit(c) || IsAsciiLetter(c); }
char ToAsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool IsBlank(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x00A0 ||
         c == 0x2007 || c == 0x2009 || c == 0x202F;
}

// Appends the lower-case ASCII spelling of a Latin letter without its accents ("É" -> "e",
// "ß" -> "ss"); returns false, appending nothing, if `c` is not such a letter.
bool AppendFolded(char32_t c, std::string& out) {
  // U+00C0..U+00FF; empty entries are the signs × and ÷.
  static constexpr std::array<std::string_view, 64> kLatin1 = {
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
      "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
      "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};
  if (IsAsciiLetter(c)) {
    out += static_cast<char>(IsAsciiUpper(c) ? c - 'A' + 'a' : c);
    return true;
  }
  if (c >= 0xC0 && c <= 0xFF && !kLatin1[c - 0xC0].empty()) {
    out += kLatin1[c - 0xC0];
    return true;
  }
  if (c == 0x0152 || c == 0x0153) {  // Œ œ
    out += "oe";
    return true;
  }
  return false;
}

enum class TokenKind { kNumber, kWord, kBlank, kPunct };

// A run of digits, a run of letters (folded), a run of blanks, or one other code point.
struct Token {
  TokenKind kind;
  std::string text;       // kNumber: the digits; kWord: the folded letters
  char32_t punct = 0;     // kPunct: the code point
  std::size_t width = 0;  // code points covered
  std::size_t begin = 0;  // byte offsets in the input
  std::size_t end = 0;
};
using Tokens = std::vector<Token>;

Tokens Tokenize(std::string_view s) {
  Tokens tokens;
  std::size_t i = 0;
  while (i < s.size()) {
    const CodePoint cp = DecodeAt(s, i);
    std::string folded;
    TokenKind kind = TokenKind::kPunct;
    if (IsAsciiDigit(cp.value)) {
      kind = TokenKind::kNumber;
      folded = static_cast<char>(cp.value);
    } else if (IsBlank(cp.value)) {
      kind = TokenKind::kBlank;
    } else if (AppendFolded(cp.value, folded)) {
      kind = TokenKind::kWord;
    }
    if (kind != TokenKind::kPunct && !tokens.empty() && tokens.back().kind == kind) {
      tokens.back().text += folded;
      ++tokens.back().width;
      tokens.back().end = i + cp.length;
    } else {
      tokens.push_back(
          Token{kind, folded, kind == TokenKind::kPunct ? cp.value : 0, 1, i, i + cp.length});
    }
    i += cp.length;
  }
  return tokens;
}

bool IsKind(const Tokens& t, std::size_t i, TokenKind kind) {
  return i < t.size() && t[i].kind == kind;
}
bool IsNumber(const Tokens& t, std::size_t i) { return IsKind(t, i, TokenKind::kNumber); }
bool IsWord(const Tokens& t, std::size_t i) { return IsKind(t, i, TokenKind::kWord); }
bool IsPunct(const Tokens& t, std::size_t i, char32_t c) {
  return IsKind(t, i, TokenKind::kPunct) && t[i].punct == c;
}
bool IsPunctIn(const Tokens& t, std::size_t i, std::u32string_view set) {
  return IsKind(t, i, TokenKind::kPunct) && set.find(t[i].punct) != std::u32string_view::npos;
}
// True iff token i directly touches the token before it (no blank in between).
bool Adjacent(const Tokens& t, std::size_t i) { return i > 0 && t[i - 1].end == t[i].begin; }

// ---------------------------------------------------------------------------------------------
// Dates

// Punctuation that joins numbers into one longer number, date or time.
constexpr std::u32string_view kNumberJoiners = U"./-:";

// True iff a number sits right before token i, directly or across one joiner ("1.25/12/2018").
bool PrecededByNumber(const Tokens& t, std::size_t i) {
  return i >= 2 && IsPunctIn(t, i - 1, kNumberJoiners) && IsNumber(t, i - 2);
}
// True iff a number follows token i across one joiner ("25/12/2018/7", "Dec 25 12:30").
bool FollowedByNumber(const Tokens& t, std::size_t i) {
  return IsPunctIn(t, i + 1, kNumberJoiners) && IsNumber(t, i + 2);
}

struct Ymd {
  int year;
  int month;
  int day;
};

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool IsRealDate(const Ymd& d) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.year < 1900 || d.year > 2100 || d.month < 1 || d.month > 12 || d.day < 1) return false;
  const int days = kDays[d.month - 1] + (d.month == 2 && IsLeapYear(d.year) ? 1 : 0);
  return d.day <= days;
}

std::string FormatIso(const Ymd& d) {
  std::string out = std::to_string(d.year) + "-";
  if (d.month < 10) out += '0';
  out += std::to_string(d.month) + "-";
  if (d.day < 10) out += '0';
  out += std::to_string(d.day);
  return out;
}

// REQUIRES: `digits` is 1-9 ASCII digits.
int ToInt(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// A two-digit year YY is 20YY for 00..69 and 19YY for 70..99.
int ExpandYear(std::string_view digits) {
  const int value = ToInt(digits);
  if (digits.size() != 2) return value;
  return value < 70 ? 2000 + value : 1900 + value;
}

bool IsDayOrMonthField(const Token& t) { return t.text.size() == 1 || t.text.size() == 2; }
bool IsYearField(const Token& t) { return t.text.size() == 2 || t.text.size() == 4; }

// Month number of a folded month name or abbreviation (English, German, French), or 0.
int MonthFromWord(std::string_view word) {
  struct Name {
    std::string_view name;
    int month;
  };
  static constexpr Name kNames[] = {
      {"january", 1},   {"jan", 1},       {"januar", 1},    {"janner", 1},    {"janvier", 1},
      {"janv", 1},      {"february", 2},  {"feb", 2},       {"febr", 2},      {"februar", 2},
      {"fevrier", 2},   {"fevr", 2},      {"fev", 2},       {"march", 3},     {"mar", 3},
      {"marz", 3},      {"maerz", 3},     {"mrz", 3},       {"mars", 3},      {"april", 4},
      {"apr", 4},       {"avril", 4},     {"avr", 4},       {"may", 5},       {"mai", 5},
      {"june", 6},      {"jun", 6},       {"juni", 6},      {"juin", 6},      {"july", 7},
      {"jul", 7},       {"juli", 7},      {"juillet", 7},   {"juil", 7},      {"august", 8},
      {"aug", 8},       {"aout", 8},      {"september", 9}, {"sep", 9},       {"sept", 9},
      {"septembre", 9}, {"october", 10},  {"oct", 10},      {"oktober", 10},  {"okt", 10},
      {"octobre", 10},  {"november", 11}, {"nov", 11},      {"novembre", 11}, {"december", 12},
      {"dec", 12},      {"dezember", 12}, {"dez", 12},      {"decembre", 12},
  };
  for (const Name& n : kNames) {
    if (n.name == word) return n.month;
  }
  return 0;
}

// "25th", "1st", "1er", "2e", "2eme": a suffix written directly after a day number.
bool IsOrdinalSuffix(const Tokens& t, std::size_t i) {
  if (!IsWord(t, i) || !Adjacent(t, i)) return false;
  const std::string& w = t[i].text;
  return w == "st" || w == "nd" || w == "rd" || w == "th" || w == "er" || w == "re" || w == "e" ||
         w == "eme";
}

// Skips at most three tokens that are blanks or punctuation in `allowed`.
std::size_t SkipSeparators(const Tokens& t, std::size_t i, std::u32string_view allowed) {
  for (int n = 0; n < 3 && (IsKind(t, i, TokenKind::kBlank) || IsPunctIn(t, i, allowed)); ++n) {
    ++i;
  }
  return i;
}

// Returns the first reading of (year, month, day) candidates that is a real date.
std::optional<Ymd> FirstReal(std::initializer_list<Ymd> readings) {
  for (const Ymd& r : readings) {
    if (IsRealDate(r)) return r;
  }
  return std::nullopt;
}

bool IsSingleBlank(const Tokens& t, std::size_t i) {
  return IsKind(t, i, TokenKind::kBlank) && t[i].width == 1;
}

// The numbers of an "A sep B sep C" date starting at token i: the same "/", "-" or "." twice,
// each with at most one blank on either side ("5. 12. 2018", "25 / 12 / 2018"). OCR misreads
// one separator of a printed date ("27:03/2018", "05-02/2018"): two different separators (the
// first may then be ":") are read only in the unmistakable shape DD?MM?YYYY.
struct NumericFields {
  const Token* a;
  const Token* b;
  const Token* c;
};
std::optional<NumericFields> NumericFieldsAt(const Tokens& t, std::size_t i) {
  if (!IsNumber(t, i) || PrecededByNumber(t, i)) return std::nullopt;
  std::array<const Token*, 3> fields = {&t[i], nullptr, nullptr};
  std::array<char32_t, 2> seps = {0, 0};
  std::size_t j = i + 1;
  for (std::size_t k = 1; k < fields.size(); ++k) {
    if (IsSingleBlank(t, j)) ++j;
    if (!IsPunctIn(t, j, k == 1 ? U"/-.:" : U"/-.")) return std::nullopt;
    seps[k - 1] = t[j++].punct;
    if (IsSingleBlank(t, j)) ++j;
    if (!IsNumber(t, j)) return std::nullopt;
    fields[k] = &t[j++];
  }
  if (FollowedByNumber(t, j - 1)) return std::nullopt;
  if (seps[0] != seps[1] && (fields[0]->text.size() != 2 || fields[1]->text.size() != 2 ||
                             fields[2]->text.size() != 4)) {
    return std::nullopt;
  }
  return NumericFields{fields[0], fields[1], fields[2]};
}

std::optional<Ymd> NumericDateAt(const Tokens& t, std::size_t i, DateOrder hint) {
  const std::optional<NumericFields> f = NumericFieldsAt(t, i);
  if (!f) return std::nullopt;
  const Token& a = *f->a;
  const Token& b = *f->b;
  const Token& c = *f->c;
  if (a.text.size() == 4 && IsDayOrMonthField(b) && IsDayOrMonthField(c)) {
    return FirstReal({{ToInt(a.text), ToInt(b.text), ToInt(c.text)}});
  }
  if (!IsDayOrMonthField(a) || !IsDayOrMonthField(b) || !IsYearField(c)) return std::nullopt;
  const Ymd day_first{ExpandYear(c.text), ToInt(b.text), ToInt(a.text)};
  const Ymd month_first{ExpandYear(c.text), ToInt(a.text), ToInt(b.text)};
  switch (hint) {
    case DateOrder::kDayFirst:
      return FirstReal({day_first, month_first});
    case DateOrder::kMonthFirst:
      return FirstReal({month_first, day_first});
    case DateOrder::kYearFirst:
      if (a.text.size() == 2 && c.text.size() == 2) {
        return FirstReal(
            {{ExpandYear(a.text), ToInt(b.text), ToInt(c.text)}, day_first, month_first});
      }
      return FirstReal({day_first, month_first});
  }
  return std::nullopt;
}

// "30 MAR 2018", "15-JAN-2018", "5. März 2019", "1er février 2020", "12 Mar 24".
std::optional<Ymd> DayMonthNameYearAt(const Tokens& t, std::size_t i) {
  if (!IsNumber(t, i) || !IsDayOrMonthField(t[i]) || PrecededByNumber(t, i)) return std::nullopt;
  std::size_t j = i + 1;
  if (IsOrdinalSuffix(t, j)) ++j;
  j = SkipSeparators(t, j, U"./-,");
  const int month = IsWord(t, j) ? MonthFromWord(t[j].text) : 0;
  if (month == 0) return std::nullopt;
  j = SkipSeparators(t, j + 1, U"./-,");
  if (!IsNumber(t, j) || !IsYearField(t[j]) || FollowedByNumber(t, j)) return std::nullopt;
  return FirstReal({{ExpandYear(t[j].text), month, ToInt(t[i].text)}});
}

// "March 12, 2024", "Dec 25 2018", "Dec. 25th, 2018". No "/" between day and year, so that
// "mar. 12/03/2024" (French Tuesday) is left to the numeric reading.
std::optional<Ymd> MonthNameDayYearAt(const Tokens& t, std::size_t i) {
  const int month = IsWord(t, i) ? MonthFromWord(t[i].text) : 0;
  if (month == 0) return std::nullopt;
  std::size_t j = SkipSeparators(t, i + 1, U".-");
  if (!IsNumber(t, j) || !IsDayOrMonthField(t[j])) return std::nullopt;
  const std::size_t day = j++;
  if (IsOrdinalSuffix(t, j)) ++j;
  if (FollowedByNumber(t, j - 1)) return std::nullopt;
  j = SkipSeparators(t, j, U".-,");
  if (!IsNumber(t, j) || !IsYearField(t[j]) || FollowedByNumber(t, j)) return std::nullopt;
  return FirstReal({{ExpandYear(t[j].text), month, ToInt(t[day].text)}});
}

// "2018-Mar-09", "2018 March 9".
std::optional<Ymd> YearMonthNameDayAt(const Tokens& t, std::size_t i) {
  if (!IsNumber(t, i) || t[i].text.size() != 4 || PrecededByNumber(t, i)) return std::nullopt;
  std::size_t j = SkipSeparators(t, i + 1, U"./-,");
  const int month = IsWord(t, j) ? MonthFromWord(t[j].text) : 0;
  if (month == 0) return std::nullopt;
  j = SkipSeparators(t, j + 1, U"./-,");
  if (!IsNumber(t, j) || !IsDayOrMonthField(t[j]) || FollowedByNumber(t, j)) return std::nullopt;
  return FirstReal({{ToInt(t[i].text), month, ToInt(t[j].text)}});
}

// "20180309": eight digits on their own, read YYYYMMDD only.
std::optional<Ymd> CompactDateAt(const Tokens& t, std::size_t i) {
  if (!IsNumber(t, i) || t[i].text.size() != 8 || PrecededByNumber(t, i) ||
      FollowedByNumber(t, i)) {
    return std::nullopt;
  }
  const std::string_view s = t[i].text;
  return FirstReal({{ToInt(s.substr(0, 4)), ToInt(s.substr(4, 2)), ToInt(s.substr(6, 2))}});
}

// ---------------------------------------------------------------------------------------------
// Currencies

struct CurrencyName {
  std::string_view name;  // folded (lower case, no accents)
  std::string_view code;
};

constexpr CurrencyName kCurrencyWords[] = {
    {"eur", "EUR"},     {"usd", "USD"},   {"gbp", "GBP"},    {"myr", "MYR"},
    {"chf", "CHF"},     {"sgd", "SGD"},   {"jpy", "JPY"},    {"inr", "INR"},
    {"aud", "AUD"},     {"cad", "CAD"},   {"hkd", "HKD"},    {"nzd", "NZD"},
    {"cny", "CNY"},     {"sek", "SEK"},   {"nok", "NOK"},    {"dkk", "DKK"},
    {"pln", "PLN"},     {"czk", "CZK"},   {"huf", "HUF"},    {"rm", "MYR"},
    {"sfr", "CHF"},     {"euro", "EUR"},  {"euros", "EUR"},  {"dollar", "USD"},
    {"dollars", "USD"}, {"pound", "GBP"}, {"pounds", "GBP"}, {"sterling", "GBP"},
    {"ringgit", "MYR"}, {"yen", "JPY"},   {"rupee", "INR"},  {"rupees", "INR"},
    {"franken", "CHF"},
};

// Letters written directly before "$".
constexpr CurrencyName kDollarPrefixes[] = {
    {"us", "USD"}, {"s", "SGD"}, {"a", "AUD"}, {"c", "CAD"}, {"hk", "HKD"}, {"nz", "NZD"},
};

std::string_view LookUp(std::string_view name, const auto& table) {
  for (const CurrencyName& entry : table) {
    if (entry.name == name) return entry.code;
  }
  return {};
}

std::string_view CurrencySymbol(char32_t c) {
  switch (c) {
    case U'€':
      return "EUR";
    case U'$':
      return "USD";
    case U'£':
      return "GBP";
    case U'¥':
    case U'￥':
      return "JPY";
    case U'₹':
      return "INR";
    default:
      return {};
  }
}

// The ISO code of the currency that token i names or is part of ("US" and "$" of "US$"), or
// empty.
std::string_view CurrencyAt(const Tokens& t, std::size_t i) {
  if (IsWord(t, i)) {
    if (IsPunct(t, i + 1, U'$') && Adjacent(t, i + 1)) {
      const std::string_view code = LookUp(t[i].text, kDollarPrefixes);
      if (!code.empty()) return code;
    }
    return LookUp(t[i].text, kCurrencyWords);
  }
  if (IsKind(t, i, TokenKind::kPunct)) return CurrencySymbol(t[i].punct);
  return {};
}

std::optional<std::string> FindCurrency(const Tokens& t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::string_view code = CurrencyAt(t, i);
    if (!code.empty()) return std::string(code);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Amounts

constexpr std::u32string_view kMinuses = U"-−";
constexpr std::u32string_view kDashes = U"-–—";
bool IsPoint(char32_t c) { return c == '.' || c == ','; }
bool IsApostrophe(char32_t c) { return c == '\'' || c == U'’'; }

struct Amount {
  bool negative = false;
  std::string integer;   // digits without leading zeros, at least "0"
  std::string fraction;  // digits after the decimal separator, as written
};

// True iff groups g[0] s[0] g[1] ... is thousands grouping: one separator character, a first
// group of 1-3 digits not starting with 0, then groups of 3 (or 2-digit groups ending in a
// group of 3, as in Indian 1,23,456).
bool IsGrouping(const std::vector<std::string>& groups, const std::vector<char32_t>& seps) {
  if (seps.empty() || groups.size() != seps.size() + 1) return false;
  if (std::any_of(seps.begin(), seps.end(), [&](char32_t s) { return s != seps[0]; })) {
    return false;
  }
  if (groups[0].empty() || groups[0].size() > 3 || groups[0][0] == '0') return false;
  const bool western = std::all_of(groups.begin() + 1, groups.end(),
                                   [](const std::string& g) { return g.size() == 3; });
  if (western) return true;
  return groups[0].size() <= 2 && groups.back().size() == 3 &&
         std::all_of(groups.begin() + 1, groups.end() - 1,
                     [](const std::string& g) { return g.size() == 2; });
}

std::string StripLeadingZeros(std::string digits) {
  const std::size_t first = digits.find_first_not_of('0');
  return first == std::string::npos ? "0" : digits.substr(first);
}

// True iff token k is glued to a word or number before it that is not a currency ("Art-12",
// "No.5"; not "RM.50").
bool GluedToWord(const Tokens& t, std::size_t k) {
  return k >= 1 && Adjacent(t, k) && (IsWord(t, k - 1) || IsNumber(t, k - 1)) &&
         CurrencyAt(t, k - 1).empty();
}

// Reads the number starting at token i (a kNumber) under the rules in normalize.h.
std::optional<Amount> AmountAt(const Tokens& t, std::size_t i) {
  std::vector<std::string> groups{t[i].text};
  std::vector<char32_t> seps;
  bool point_seen = false;
  std::size_t j = i + 1;
  while (IsNumber(t, j + 1)) {
    char32_t sep = 0;
    if (IsKind(t, j, TokenKind::kPunct) && IsPoint(t[j].punct)) {
      sep = t[j].punct;
    } else if (IsKind(t, j, TokenKind::kPunct) && IsApostrophe(t[j].punct)) {
      sep = '\'';
    } else if (IsKind(t, j, TokenKind::kBlank) && t[j].width == 1) {
      sep = ' ';
    } else {
      break;
    }
    // A blank or apostrophe only groups thousands, and only before the decimal separator.
    if (!IsPoint(sep) &&
        (point_seen || t[j + 1].text.size() != 3 ||
         (seps.empty() ? groups[0].size() > 3 || groups[0][0] == '0' : seps.back() != sep))) {
      break;
    }
    point_seen = point_seen || IsPoint(sep);
    seps.push_back(sep);
    groups.push_back(t[j + 1].text);
    j += 2;
  }

  Amount amount;
  std::size_t start = i;  // the first token of the number
  std::string integer;
  if (seps.empty() && i >= 1 && IsPunctIn(t, i - 1, U".,") && Adjacent(t, i) &&
      !GluedToWord(t, i - 1)) {
    start = i - 1;  // ".50": a fraction without integer digits
    amount.fraction = groups[0];
  } else if (seps.empty() || !IsPoint(seps.back()) ||
             (groups.back().size() == 3 && IsGrouping(groups, seps))) {
    if (!seps.empty() && !IsGrouping(groups, seps)) return std::nullopt;
    for (const std::string& g : groups) integer += g;
  } else {
    const char32_t decimal = seps.back();
    amount.fraction = groups.back();
    groups.pop_back();
    seps.pop_back();
    if (std::find(seps.begin(), seps.end(), decimal) != seps.end()) return std::nullopt;
    if (!seps.empty() && !IsGrouping(groups, seps)) return std::nullopt;
    for (const std::string& g : groups) integer += g;
  }
  amount.integer = StripLeadingZeros(integer);

  if (amount.fraction.empty() && IsPunctIn(t, j, U".,") && IsPunctIn(t, j + 1, kDashes)) {
    j += IsPunctIn(t, j + 2, kDashes) ? 3 : 2;  // "45.-", "45,--": no cents
  } else if (IsPunctIn(t, j, kMinuses) && Adjacent(t, j) && !IsNumber(t, j + 1)) {
    amount.negative = true;  // "12,00-"
  }
  // Before the number, possibly with blanks and a currency in between: a minus ("-€5.00",
  // "- 12,00"; not a hyphen that ends a word, "Art-12") or an opening parenthesis that closes
  // after it ("(12.00)", "(€ 5.00)": accounting style).
  for (std::size_t k = start; k > 0 && !amount.negative; --k) {
    if (IsPunctIn(t, k - 1, kMinuses)) {
      amount.negative = !GluedToWord(t, k - 1);
      break;
    }
    if (IsPunct(t, k - 1, '(')) {
      std::size_t close = j;
      while (IsKind(t, close, TokenKind::kBlank) || !CurrencyAt(t, close).empty()) ++close;
      amount.negative = IsPunct(t, close, ')');
      break;
    }
    if (!IsKind(t, k - 1, TokenKind::kBlank) && CurrencyAt(t, k - 1).empty()) break;
  }
  const bool zero =
      amount.integer == "0" && amount.fraction.find_first_not_of('0') == std::string::npos;
  if (zero) amount.negative = false;
  return amount;
}

std::optional<Amount> FirstAmount(const Tokens& t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (IsNumber(t, i)) return AmountAt(t, i);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// IBAN and VAT

struct IbanCountry {
  std::string_view code;
  std::size_t length;
};

// Countries of the SWIFT IBAN registry and their IBAN lengths.
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
    {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20},
    {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24},
    {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SC", 31},
    {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24},
    {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
};

std::size_t IbanLength(std::string_view country) {
  for (const IbanCountry& c : kIbanCountries) {
    if (c.code == country) return c.length;
  }
  return 0;
}

}  // namespace

std::optional<int> IbanLengthFor(std::string_view country) {
  std::size_t n = IbanLength(country);
  if (n == 0) return std::nullopt;
  return static_cast<int>(n);
}

namespace {

// Blanks inside an id written in groups; returns the byte length of the blank at s[i], or 0.
std::size_t BlankAt(std::string_view s, std::size_t i) {
  if (s[i] == ' ' || s[i] == '\t') return 1;
  if (s.substr(i, 2) == "\xC2\xA0") return 2;      // no-break space
  if (s.substr(i, 3) == "\xE2\x80\xAF") return 3;  // narrow no-break space
  return 0;
}

bool StartsWord(std::string_view s, std::size_t i) {
  return i == 0 || !IsAsciiAlnum(static_cast<unsigned char>(s[i - 1]));
}

// Collects up to `max` letters and digits from s[i], skipping blanks (and, if `dots_dashes`,
// "." and "-"), upper-cased. ends[k] is the byte offset just after the k-th character.
std::string CollectAlnum(std::string_view s, std::size_t i, std::size_t max, bool dots_dashes,
                         std::vector<std::size_t>& ends) {
  std::string out;
  while (out.size() < max && i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (IsAsciiAlnum(c)) {
      out += ToAsciiUpper(static_cast<char>(c));
      ends.push_back(++i);
    } else if (const std::size_t blank = BlankAt(s, i); blank > 0) {
      i += blank;
    } else if (dots_dashes && (c == '.' || c == '-')) {
      ++i;
    } else {
      break;
    }
  }
  return out;
}

struct VatFormat {
  std::string_view country;
  // After the prefix: 'd' a digit, 'a' a letter or digit, 'k' a letter or digit but I and O;
  // anything else stands for itself.
  std::string_view pattern;
};

// Longer patterns of a country come first: NormalizeVatId takes the first that fits.
constexpr VatFormat kVatFormats[] = {
    {"AT", "Udddddddd"},   {"BE", "dddddddddd"},   {"CH", "Eddddddddd"},   {"DE", "ddddddddd"},
    {"DK", "dddddddd"},    {"EL", "ddddddddd"},    {"ES", "addddddda"},    {"FI", "dddddddd"},
    {"FR", "kkddddddddd"}, {"GB", "dddddddddddd"}, {"GB", "ddddddddd"},    {"GB", "GDddd"},
    {"GB", "HAddd"},       {"IT", "ddddddddddd"},  {"LU", "dddddddd"},     {"NL", "dddddddddBdd"},
    {"PL", "dddddddddd"},  {"PT", "ddddddddd"},    {"SE", "dddddddddd01"},
};

bool MatchesPattern(std::string_view body, std::string_view pattern) {
  if (body.size() != pattern.size()) return false;
  for (std::size_t k = 0; k < body.size(); ++k) {
    const char c = body[k];
    const bool ok = pattern[k] == 'd'   ? IsAsciiDigit(c)
                    : pattern[k] == 'a' ? IsAsciiDigit(c) || IsAsciiUpper(c)
                    : pattern[k] == 'k'
                        ? (IsAsciiDigit(c) || IsAsciiUpper(c)) && c != 'I' && c != 'O'
                        : c == pattern[k];
    if (!ok) return false;
  }
  return true;
}

bool MatchesFormat(const VatFormat& format, std::string_view body) {
  if (!MatchesPattern(body, format.pattern)) return false;
  if (format.country == "BE") return body[0] == '0' || body[0] == '1';
  if (format.country == "DE") return body[0] != '0';
  if (format.country == "ES") return !(IsAsciiDigit(body.front()) && IsAsciiDigit(body.back()));
  return true;
}

bool HasVatFormat(std::string_view country) {
  return std::any_of(std::begin(kVatFormats), std::end(kVatFormats),
                     [&](const VatFormat& f) { return f.country == country; });
}

// True iff s[i...] starts with a Swiss VAT suffix (MWST, TVA, IVA) that ends a word.
bool StartsSwissVatSuffix(std::string_view s, std::size_t i) {
  std::size_t end = i;
  while (end < s.size() && IsAsciiAlnum(static_cast<unsigned char>(s[end]))) ++end;
  std::string word;
  for (char c : s.substr(i, end - i)) word += ToAsciiUpper(c);
  return word == "MWST" || word == "TVA" || word == "IVA";
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::optional<std::string> NormalizeDate(std::string_view raw, DateOrder order_hint) {
  const Tokens t = Tokenize(raw);
  for (std::size_t i = 0; i < t.size(); ++i) {
    std::optional<Ymd> date = NumericDateAt(t, i, order_hint);
    if (!date) date = DayMonthNameYearAt(t, i);
    if (!date) date = YearMonthNameDayAt(t, i);
    if (!date) date = MonthNameDayYearAt(t, i);
    if (date) return FormatIso(*date);
  }
  // Eight bare digits only when nothing else reads as a date: they are often an invoice number.
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (const std::optional<Ymd> date = CompactDateAt(t, i)) return FormatIso(*date);
  }
  return std::nullopt;
}

DateOrder GuessDateOrder(const std::vector<std::string>& raw_dates) {
  return DateOrderEvidence(raw_dates).value_or(DateOrder::kDayFirst);
}

bool DateOrderMatters(std::string_view raw) {
  const std::optional<std::string> day = NormalizeDate(raw, DateOrder::kDayFirst);
  const std::optional<std::string> month = NormalizeDate(raw, DateOrder::kMonthFirst);
  return day && month && *day != *month;
}

std::optional<DateOrder> DateOrderEvidence(const std::vector<std::string>& raw_dates) {
  bool day_first = false;
  bool month_first = false;
  for (const std::string& raw : raw_dates) {
    const Tokens t = Tokenize(raw);
    for (std::size_t i = 0; i < t.size(); ++i) {
      const std::optional<NumericFields> f = NumericFieldsAt(t, i);
      if (!f || !IsDayOrMonthField(*f->a) || !IsDayOrMonthField(*f->b) || !IsYearField(*f->c)) {
        continue;
      }
      const int year = ExpandYear(f->c->text);
      const bool as_day_first = IsRealDate({year, ToInt(f->b->text), ToInt(f->a->text)});
      const bool as_month_first = IsRealDate({year, ToInt(f->a->text), ToInt(f->b->text)});
      day_first = day_first || (as_day_first && !as_month_first);
      month_first = month_first || (as_month_first && !as_day_first);
    }
  }
  if (day_first) return DateOrder::kDayFirst;
  if (month_first) return DateOrder::kMonthFirst;
  return std::nullopt;
}

std::optional<Money> NormalizeMoney(std::string_view raw) {
  const Tokens t = Tokenize(raw);
  const std::optional<Amount> amount = FirstAmount(t);
  if (!amount || amount->fraction.size() > 2) return std::nullopt;
  Money money;
  if (amount->negative) money.amount += '-';
  money.amount += amount->integer;
  money.amount += '.';
  money.amount += amount->fraction;
  money.amount.append(2 - amount->fraction.size(), '0');
  money.currency = FindCurrency(t).value_or("");
  return money;
}

std::optional<std::string> NormalizeCurrency(std::string_view raw) {
  return FindCurrency(Tokenize(raw));
}

std::optional<std::string> NormalizeNumber(std::string_view raw) {
  const std::optional<Amount> amount = FirstAmount(Tokenize(raw));
  if (!amount) return std::nullopt;
  std::string out;
  if (amount->negative) out += '-';
  out += amount->integer;
  const std::size_t last = amount->fraction.find_last_not_of('0');
  if (last != std::string::npos) {
    out += '.';
    out.append(amount->fraction, 0, last + 1);
  }
  return out;
}

bool IbanChecksumValid(std::string_view iban) {
  if (iban.size() < 5 || iban.size() > 34 || !IsAsciiUpper(iban[0]) || !IsAsciiUpper(iban[1]) ||
      !IsAsciiDigit(iban[2]) || !IsAsciiDigit(iban[3])) {
    return false;
  }
  const std::string_view check = iban.substr(2, 2);
  if (check == "00" || check == "01" || check == "99") return false;
  // Move the first four characters to the end, letters count as 10..35, remainder mod 97.
  int remainder = 0;
  for (std::size_t k = 0; k < iban.size(); ++k) {
    const char c = iban[(k + 4) % iban.size()];
    if (IsAsciiDigit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (IsAsciiUpper(c)) {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return remainder == 1;
}

std::optional<std::string> NormalizeIban(std::string_view raw) {
  for (std::size_t start = 0; start + 1 < raw.size(); ++start) {
    if (!StartsWord(raw, start) || !IsAsciiLetter(static_cast<unsigned char>(raw[start])) ||
        !IsAsciiLetter(static_cast<unsigned char>(raw[start + 1]))) {
      continue;
    }
    const std::string country{ToAsciiUpper(raw[start]), ToAsciiUpper(raw[start + 1])};
    const std::size_t length = IbanLength(country);
    if (length == 0) continue;
    std::vector<std::size_t> ends;
    const std::string iban =
        country + CollectAlnum(raw, start + 2, length - 2, /*dots_dashes=*/false, ends);
    if (iban.size() != length) continue;
    if (ends.back() < raw.size() && IsAsciiAlnum(static_cast<unsigned char>(raw[ends.back()]))) {
      continue;  // the candidate ends inside a word
    }
    if (IbanChecksumValid(iban)) return iban;
  }
  return std::nullopt;
}

bool VatIdShapeValid(std::string_view normalized) {
  if (normalized.size() < 3) return false;
  const std::string_view country = normalized.substr(0, 2);
  const std::string_view body = normalized.substr(2);
  return std::any_of(std::begin(kVatFormats), std::end(kVatFormats), [&](const VatFormat& f) {
    return f.country == country && MatchesFormat(f, body);
  });
}

std::optional<std::string> NormalizeVatId(std::string_view raw) {
  for (std::size_t start = 0; start + 1 < raw.size(); ++start) {
    if (!StartsWord(raw, start) || !IsAsciiLetter(static_cast<unsigned char>(raw[start])) ||
        !IsAsciiLetter(static_cast<unsigned char>(raw[start + 1]))) {
      continue;
    }
    const std::string country{ToAsciiUpper(raw[start]), ToAsciiUpper(raw[start + 1])};
    if (!HasVatFormat(country)) continue;
    std::vector<std::size_t> ends;
    const std::string body = CollectAlnum(raw, start + 2, 12, /*dots_dashes=*/true, ends);
    for (const VatFormat& format : kVatFormats) {
      const std::size_t n = format.pattern.size();
      if (format.country != country || body.size() < n) continue;
      if (!MatchesFormat(format, std::string_view(body).substr(0, n))) continue;
      const std::size_t after = ends[n - 1];
      const bool word_ends = after == raw.size() ||
                             !IsAsciiAlnum(static_cast<unsigned char>(raw[after])) ||
                             (country == "CH" && StartsSwissVatSuffix(raw, after));
      if (word_ends) return country + body.substr(0, n);
    }
  }
  return std::nullopt;
}

std::optional<bool> VatIdCheckDigitValid(std::string_view normalized) {
  if (normalized.size() < 2) return false;
  const std::string_view country = normalized.substr(0, 2);
  const std::string_view body = normalized.substr(2);
  if (country == "DE") {
    if (!VatIdShapeValid(normalized)) return false;
    // ISO 7064 MOD 11,10 over the first eight digits; the ninth is the check digit.
    int product = 10;
    for (std::size_t k = 0; k < 8; ++k) {
      int sum = (body[k] - '0' + product) % 10;
      if (sum == 0) sum = 10;
      product = (2 * sum) % 11;
    }
    const int check = (11 - product) % 10;
    return check == body[8] - '0';
  }
  if (country == "FR") {
    if (!VatIdShapeValid(normalized)) return false;
    if (!IsAsciiDigit(body[0]) || !IsAsciiDigit(body[1])) return std::nullopt;
    const int siren = ToInt(body.substr(2));
    return ToInt(body.substr(0, 2)) == (siren % 97 * 100 + 12) % 97;
  }
  return std::nullopt;
}

}  // namespace sheaf::extract
