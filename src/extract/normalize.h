// SPDX-License-Identifier: GPL-3.0-or-later
//
// Value normalisers for the field-extraction stage: dates, amounts of money, currencies, plain
// numbers, IBANs and VAT ids as they are printed on receipts and invoices (English, German and
// French documents), turned into one canonical spelling each.
//
// Contract shared by every function here:
// - Input is UTF-8 text as read (OCR output or a PDF text layer). Nothing is required of it.
// - The functions are pure (no locale, no globals, no I/O) and safe to call from any thread.
// - A function returns std::nullopt when it cannot read a value of its kind with confidence;
//   it never guesses a value it would have to invent (a missing year, a third decimal place).
#ifndef SHEAF_EXTRACT_NORMALIZE_H_
#define SHEAF_EXTRACT_NORMALIZE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sheaf::extract {

// ---------------------------------------------------------------------------------------------
// Dates

// Which field comes first in an all-numeric date. Only numeric dates are ambiguous; dates with a
// month name or a four-digit leading year read the same under every order.
enum class DateOrder { kDayFirst, kMonthFirst, kYearFirst };

// Finds the first date in `raw` and returns it as ISO 8601 "YYYY-MM-DD".
//
// Accepted forms (separators "/", "-", "." for numbers; blanks, ".", "-", "/", "," around month
// names), found anywhere in the text ("Date: 25/12/2018 8:13:39 PM" reads 2018-12-25):
//   numeric        25/12/2018  02-01-19  05.06.2018  9/1/2018   (day and month order: see below)
//                  27:03/2018  05-02/2018 (one separator misread: only as two 2-digit fields and a
//                  four-digit year; the first separator may then be ":")
//   year first     2018-03-09  2018/03/09  2018.03.09  20180309 (eight digits, YYYYMMDD only)
//   month names    30 MAR 2018  15-JAN-2018  12 Mar 24  5. März 2019  1er février 2020
//                  March 12, 2024  Dec 25 2018  25th December 2018  2018-Mar-09
// Month names: English, German and French, full or abbreviated, any case, with or without a
// trailing dot and with or without accents (Februar, févr., fevrier, Mär, Mrz, Maerz, déc.).
//
// A two-digit year YY means 20YY for 00..69 and 19YY for 70..99. A numeric date with
// one- or two-digit day and month is read in `order_hint` order first; if that reading is not
// a real date and the other order is ("12/25/2018" with kDayFirst), the valid reading is
// returned. kYearFirst reads "18/03/09" as 2018-03-09, then falls back to day first, then
// month first. A date is never taken out of a longer run of numbers ("1.25.12.2018") nor from
// a number followed by ":" and digits ("Dec 25 12:30" has no year).
//
// Returns std::nullopt iff `raw` contains no such date that exists in the Gregorian calendar
// with a year in 1900..2100 (31/02/2018, 13/13/2018 and 29/02/2019 are rejected).
std::optional<std::string> NormalizeDate(std::string_view raw,
                                         DateOrder order_hint = DateOrder::kDayFirst);

// Decides the order of day and month for one document from all the dates printed in it. A
// numeric date that is a real date only when read day first (25/03/2018) is evidence for
// kDayFirst; one that is real only when read month first (03/25/2018) is evidence for
// kMonthFirst. Returns kDayFirst if there is day-first evidence (it wins a conflict), else
// kMonthFirst if there is month-first evidence, else kDayFirst. Never returns kYearFirst:
// year-first dates read the same under any hint.
DateOrder GuessDateOrder(const std::vector<std::string>& raw_dates);
// The evidence GuessDateOrder decides by: kDayFirst or kMonthFirst as above, std::nullopt when
// no date in `raw_dates` tells the order (GuessDateOrder's kDayFirst is then a default).
std::optional<DateOrder> DateOrderEvidence(const std::vector<std::string>& raw_dates);
// True when the first date in `raw` is numeric and reads as two different real dates, day
// first and month first ("3/1/2020"; not "25/12/2018", "2018-03-01" or "1 March 2020").
bool DateOrderMatters(std::string_view raw);

// ---------------------------------------------------------------------------------------------
// Money, currencies and numbers
//
// How separators are read (the same rule for NormalizeMoney and NormalizeNumber):
// - Digits may be grouped by ".", ",", an apostrophe (1'234.50) or a single blank (regular,
//   no-break or narrow no-break space). Blanks and apostrophes only group thousands: a group
//   after one must be exactly three digits, and they may not follow the decimal separator;
//   otherwise the number ends there ("RM 57.40 2" reads 57.40, "Qty 2 100,00" reads 2100.00).
// - If the last "." or "," is followed by exactly three digits and the whole number is a valid
//   grouping (one separator character throughout, a first group of 1-3 digits that does not
//   start with 0, then groups of 3, or Indian 2-digit groups ending in 3), it groups thousands:
//   "1.234" and "1,234" are 1234, "1.234.567" is 1234567.
// - Otherwise the last "." or "," is the decimal separator and every earlier separator must be a
//   valid grouping with a different character: "1.234,50", "1,234.50", "1 234,50", "12.5",
//   "0,500" (a leading 0 cannot start a thousands group) and "1.234,567" (mixed separators).
//   "1.234.50" reads nothing.
// - "45.-" and "45,--" mean no cents; ".50" (a point not glued to a word: "RM.50", not "No.5")
//   is 0.50.
// - Negative: a minus before the number, also across blanks and a currency ("-€5.00",
//   "- 12,00"; a hyphen glued to a word is not a sign: "Art-12"), a minus glued after it
//   ("12,00-"), or parentheses around it ("(12.00)", "(€ 5,00)"). Minus zero is zero.
// - The first number in the text is the one read.

// An amount of money: `amount` is a decimal string with exactly two places and an optional
// leading "-" ("1234.50", "-12.00"); `currency` is an ISO 4217 code, or empty when the text
// names none.
struct Money {
  std::string amount;
  std::string currency;

  bool operator==(const Money&) const = default;
};

// Reads the first amount in `raw` and the first currency named in it (see NormalizeCurrency):
// "1 234,50 €" -> {"1234.50", "EUR"}, "RM8.60" -> {"8.60", "MYR"}, "12.5" -> {"12.50", ""},
// "CHF 45.-" -> {"45.00", "CHF"}.
// Returns std::nullopt iff `raw` has no number, or its first number is not a readable amount
// under the rules above, or it has more than two decimal places.
std::optional<Money> NormalizeMoney(std::string_view raw);

// Returns the ISO 4217 code of the first currency symbol, code or name in `raw`:
//   symbols  € EUR, $ USD, US$ USD, S$ SGD, A$ AUD, C$ CAD, HK$ HKD, NZ$ NZD, £ GBP, ¥ JPY,
//            ₹ INR
//   codes    EUR USD GBP MYR CHF SGD JPY INR AUD CAD HKD NZD CNY SEK NOK DKK PLN CZK HUF, in any
//            case, and RM (MYR), SFr (CHF)
//   names    euro(s), dollar(s) (USD), pound(s) / sterling (GBP), ringgit (MYR), yen (JPY),
//            rupee(s) (INR), Franken (CHF)
// A code or name must be a whole word: "RM8.60" names MYR, "FROM" does not.
// Returns std::nullopt iff `raw` names no currency in that list.
std::optional<std::string> NormalizeCurrency(std::string_view raw);

// Reads the first number in `raw` (a quantity, a rate) as a canonical decimal string: an
// optional "-", the integer digits without leading zeros, and, if the fraction is not zero,
// "." and its digits without trailing zeros. "2" -> "2", "1,5" -> "1.5", "1.000" -> "1000",
// "2,50 Stk" -> "2.5", "1.234,567" -> "1234.567".
// Returns std::nullopt iff `raw` has no number or its first number is not readable under the
// separator rules above.
std::optional<std::string> NormalizeNumber(std::string_view raw);

// ---------------------------------------------------------------------------------------------
// Bank accounts

// True iff `iban` is an IBAN in electronic form (no blanks, upper case: two letters, two check
// digits, then 1-30 letters or digits) whose check digits are 02..98 and satisfy ISO 7064
// MOD 97-10 as ISO 13616 prescribes. Does not check the country or the length for it.
bool IbanChecksumValid(std::string_view iban);

// Finds the first IBAN in `raw` ("IBAN: de89 3704 0044 0532 0130 00 BIC: COBADEFFXXX") and
// returns it in electronic form ("DE89370400440532013000"). Blanks may separate any of its
// characters. The country must be in the SWIFT IBAN registry and the IBAN must have exactly the
// registry's length for it (DE 22, FR 27, GB 22, NL 18, ...); Malaysia (MY), for one, has no
// IBAN.
// Returns std::nullopt iff no candidate of the right length is followed by a word boundary and
// passes IbanChecksumValid.
std::optional<std::string> NormalizeIban(std::string_view raw);

// The IBAN length of `country` (two upper-case letters) in the SWIFT IBAN registry ("DE" -> 22),
// or std::nullopt for a country that has no IBAN.
std::optional<int> IbanLengthFor(std::string_view country);

// ---------------------------------------------------------------------------------------------
// VAT ids

// True iff `normalized` (upper case, no separators) has the shape of a VAT id of its country:
//   AT U+8 digits           BE 10 digits, first 0 or 1   CH E+9 digits (CHE123456789)
//   DE 9 digits, first not 0  DK 8 digits                EL 9 digits (Greece)
//   ES 9 characters: letter or digit, 7 digits, letter or digit, not digits at both ends
//   FI 8 digits             FR 2 letters or digits (not I, O) + 9 digits
//   GB 9 or 12 digits, or GD/HA + 3 digits                IT 11 digits
//   LU 8 digits             NL 9 digits + B + 2 digits   PL 10 digits
//   PT 9 digits             SE 10 digits + 01
// Shape only: the ZUGFeRD sample id DE123456789 is accepted (its check digit is wrong).
bool VatIdShapeValid(std::string_view normalized);

// Finds the first VAT id in `raw` and returns it normalised: the country prefix and the id in
// upper case without blanks, dots or dashes ("DE 136 695 976" -> "DE136695976",
// "CHE-123.456.789 MWST" -> "CHE123456789"). The prefix must start a word
// ("USt-IdNr.: DE 136 695 976" is found); the id must end at a word boundary, except that a
// Swiss id may be followed directly by MWST, TVA or IVA. Where a country has two lengths (GB)
// the longer one that fits is taken.
// Returns std::nullopt iff no such candidate passes VatIdShapeValid.
std::optional<std::string> NormalizeVatId(std::string_view raw);

// Checks the check digit of a normalised VAT id where this module knows the rule:
//   DE  ISO 7064 MOD 11,10 over the nine digits
//   FR  numeric key: key == (SIREN * 100 + 12) mod 97
// Returns std::nullopt iff the country has no rule here (every other country, and French ids
// with a new-style alphanumeric key); otherwise true iff the shape is valid and the check
// digit matches.
std::optional<bool> VatIdCheckDigitValid(std::string_view normalized);

}  // namespace sheaf::extract

#endif  // SHEAF_EXTRACT_NORMALIZE_H_
