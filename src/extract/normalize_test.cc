// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/normalize.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace sheaf::extract {
namespace {

// "1234.50 EUR", "8.60" (no currency) or "none": one readable string per result.
std::string Show(const std::optional<Money>& money) {
  if (!money) return "none";
  return money->currency.empty() ? money->amount : money->amount + " " + money->currency;
}

TEST(NormalizeDate, ReadsDayFirstNumericDates) {
  EXPECT_EQ(NormalizeDate("25/12/2018"), "2018-12-25");
  EXPECT_EQ(NormalizeDate("29-12-2017"), "2017-12-29");
  EXPECT_EQ(NormalizeDate("05.06.2018"), "2018-06-05");
  EXPECT_EQ(NormalizeDate("9/1/2018"), "2018-01-09");
  EXPECT_EQ(NormalizeDate("5. 12. 2018"), "2018-12-05");  // blanks around the separators
}

TEST(NormalizeDate, ExpandsTwoDigitYearsAroundNineteenSeventy) {
  EXPECT_EQ(NormalizeDate("02-01-19"), "2019-01-02");
  EXPECT_EQ(NormalizeDate("31/12/69"), "2069-12-31");
  EXPECT_EQ(NormalizeDate("01.01.70"), "1970-01-01");
}

TEST(NormalizeDate, ReadsYearFirstAndCompactDates) {
  EXPECT_EQ(NormalizeDate("2018-03-09"), "2018-03-09");
  EXPECT_EQ(NormalizeDate("2018/03/09", DateOrder::kMonthFirst), "2018-03-09");
  EXPECT_EQ(NormalizeDate("20180309"), "2018-03-09");
}

TEST(NormalizeDate, ReadsEnglishMonthNamesInEitherOrder) {
  EXPECT_EQ(NormalizeDate("30 MAR 2018"), "2018-03-30");
  EXPECT_EQ(NormalizeDate("15-JAN-2018"), "2018-01-15");
  EXPECT_EQ(NormalizeDate("12 Mar 24"), "2024-03-12");
  EXPECT_EQ(NormalizeDate("March 12, 2024"), "2024-03-12");
  EXPECT_EQ(NormalizeDate("Dec 25 2018"), "2018-12-25");
  EXPECT_EQ(NormalizeDate("Tue, Sept. 4th, 2018"), "2018-09-04");
}

TEST(NormalizeDate, ReadsGermanAndFrenchMonthNamesWithOrWithoutAccents) {
  EXPECT_EQ(NormalizeDate("13 novembre 2017"), "2017-11-13");
  EXPECT_EQ(NormalizeDate("5. März 2019"), "2019-03-05");
  EXPECT_EQ(NormalizeDate("05. MRZ. 2019"), "2019-03-05");
  EXPECT_EQ(NormalizeDate("17. Februar 2016"), "2016-02-17");
  EXPECT_EQ(NormalizeDate("28 févr. 2019"), "2019-02-28");
  EXPECT_EQ(NormalizeDate("1er fevrier 2020"), "2020-02-01");
  EXPECT_EQ(NormalizeDate("15 AOÛT 2017"), "2017-08-15");
  EXPECT_EQ(NormalizeDate("10 déc. 2018"), "2018-12-10");
}

TEST(NormalizeDate, FollowsTheHintUnlessOnlyTheOtherOrderIsARealDate) {
  EXPECT_EQ(NormalizeDate("9/1/2018", DateOrder::kMonthFirst), "2018-09-01");
  EXPECT_EQ(NormalizeDate("12/25/2018", DateOrder::kDayFirst), "2018-12-25");
  EXPECT_EQ(NormalizeDate("25/12/2018", DateOrder::kMonthFirst), "2018-12-25");
  EXPECT_EQ(NormalizeDate("18/03/09", DateOrder::kYearFirst), "2018-03-09");
}

TEST(NormalizeDate, FindsTheDateInsideSurroundingText) {
  EXPECT_EQ(NormalizeDate("Date: 25/12/2018 8:13:39 PM"), "2018-12-25");
  EXPECT_EQ(NormalizeDate("Rechnungsdatum: 05.06.2018 Kunden-Nr. 4711"), "2018-06-05");
  // "mar." is the French Tuesday here, not March.
  EXPECT_EQ(NormalizeDate("Facture du mar. 12/03/2024"), "2024-03-12");
  EXPECT_EQ(NormalizeDate("Invoice 12345 Date 15 Jan 2018"), "2018-01-15");
  // A numeric date is preferred over eight digits that may be an invoice number.
  EXPECT_EQ(NormalizeDate("Order 20150617 of 25/12/2018"), "2018-12-25");
}

TEST(NormalizeDate, ReadsADayMonthYearDateWithOneSeparatorMisread) {
  EXPECT_EQ(NormalizeDate("__..27:03/2018 No CS-20243"), "2018-03-27");
  EXPECT_EQ(NormalizeDate("05-02/2018"), "2018-02-05");
  // Only as DD?MM?YYYY: a reference or a time is not a date.
  EXPECT_EQ(NormalizeDate("INV 5-12/2018"), std::nullopt);
  EXPECT_EQ(NormalizeDate("05-02/18"), std::nullopt);
  EXPECT_EQ(NormalizeDate("10:52:18"), std::nullopt);
  EXPECT_EQ(NormalizeDate("27/03:2018"), std::nullopt);
}

TEST(NormalizeDate, RejectsImpossibleDatesAndYearsOutOfRange) {
  EXPECT_EQ(NormalizeDate("31/02/2018"), std::nullopt);
  EXPECT_EQ(NormalizeDate("13/13/2018"), std::nullopt);
  EXPECT_EQ(NormalizeDate("2018-13-01"), std::nullopt);
  EXPECT_EQ(NormalizeDate("29/02/2019"), std::nullopt);
  EXPECT_EQ(NormalizeDate("29/02/2020"), "2020-02-29");
  EXPECT_EQ(NormalizeDate("01/01/1899"), std::nullopt);
  EXPECT_EQ(NormalizeDate("01/01/2101"), std::nullopt);
  EXPECT_EQ(NormalizeDate("Dec 25 12:30"), std::nullopt);  // a time, not a year
  EXPECT_EQ(NormalizeDate("Total RM 57.40"), std::nullopt);
}

TEST(GuessDateOrder, DecidesFromDatesThatAreRealInOnlyOneOrder) {
  EXPECT_EQ(GuessDateOrder({"02/03/2018", "25/03/2018"}), DateOrder::kDayFirst);
  EXPECT_EQ(GuessDateOrder({"04/01/2018", "Due: 03/25/2018"}), DateOrder::kMonthFirst);
  EXPECT_EQ(GuessDateOrder({"03/25/2018", "13/01/2018"}), DateOrder::kDayFirst);  // conflict
  EXPECT_EQ(GuessDateOrder({"01/02/2018", "2018-03-25", "12/45/2018"}), DateOrder::kDayFirst);
}

TEST(NormalizeMoney, ReadsEuropeanAndEnglishSeparators) {
  EXPECT_EQ(Show(NormalizeMoney("1.234,50")), "1234.50");
  EXPECT_EQ(Show(NormalizeMoney("1,234.50")), "1234.50");
  EXPECT_EQ(Show(NormalizeMoney("1\u00a0234,50 €")), "1234.50 EUR");
  EXPECT_EQ(Show(NormalizeMoney("197,65 €")), "197.65 EUR");
  EXPECT_EQ(Show(NormalizeMoney("EUR 1.000,00")), "1000.00 EUR");
  EXPECT_EQ(Show(NormalizeMoney("12.5")), "12.50");
  EXPECT_EQ(Show(NormalizeMoney("CHF 1'234.50")), "1234.50 CHF");
}

TEST(NormalizeMoney, ReadsCurrenciesOfMalaysianAndOtherReceipts) {
  EXPECT_EQ(Show(NormalizeMoney("RM8.60")), "8.60 MYR");
  EXPECT_EQ(Show(NormalizeMoney("TOTAL RM 57.40")), "57.40 MYR");
  EXPECT_EQ(Show(NormalizeMoney("$8.20")), "8.20 USD");
  EXPECT_EQ(Show(NormalizeMoney("S$ 4.50")), "4.50 SGD");
  EXPECT_EQ(Show(NormalizeMoney("£3.99")), "3.99 GBP");
  EXPECT_EQ(Show(NormalizeMoney("¥1,200")), "1200.00 JPY");
  EXPECT_EQ(Show(NormalizeMoney("₹ 1,23,456.50")), "123456.50 INR");
  EXPECT_EQ(Show(NormalizeMoney("CHF 45.-")), "45.00 CHF");
}

TEST(NormalizeMoney, ReadsOneSeparatorBeforeThreeDigitsAsThousands) {
  EXPECT_EQ(Show(NormalizeMoney("1.234")), "1234.00");
  EXPECT_EQ(Show(NormalizeMoney("1,234 EUR")), "1234.00 EUR");
  EXPECT_EQ(Show(NormalizeMoney("1.234.567")), "1234567.00");
  EXPECT_EQ(Show(NormalizeMoney("0,500")), "none");  // a leading 0: three decimal places
}

TEST(NormalizeMoney, ReadsMinusSignsBeforeAndAfterTheAmount) {
  EXPECT_EQ(Show(NormalizeMoney("-12,00")), "-12.00");
  EXPECT_EQ(Show(NormalizeMoney("-€5.00")), "-5.00 EUR");
  EXPECT_EQ(Show(NormalizeMoney("Rabatt 12,00- EUR")), "-12.00 EUR");
  EXPECT_EQ(Show(NormalizeMoney("Art-12,00")), "12.00");     // a hyphen, not a sign
  EXPECT_EQ(Show(NormalizeMoney("(€ 5,00)")), "-5.00 EUR");  // accounting style
  EXPECT_EQ(Show(NormalizeMoney("- 0,00")), "0.00");
}

TEST(NormalizeMoney, ReadsAFractionWithoutIntegerDigits) {
  EXPECT_EQ(Show(NormalizeMoney("RM.50")), "0.50 MYR");
  EXPECT_EQ(Show(NormalizeMoney("No.5")), "5.00");  // a point that ends a word
}

TEST(NormalizeMoney, RejectsTextWithoutAReadableAmount) {
  EXPECT_EQ(Show(NormalizeMoney("")), "none");
  EXPECT_EQ(Show(NormalizeMoney("EUR")), "none");
  EXPECT_EQ(Show(NormalizeMoney("1.234.50")), "none");
  EXPECT_EQ(Show(NormalizeMoney("1,2345")), "none");
}

TEST(NormalizeCurrency, MapsSymbolsCodesAndNamesToIsoCodes) {
  EXPECT_EQ(NormalizeCurrency("Euro"), "EUR");
  EXPECT_EQ(NormalizeCurrency("euros"), "EUR");
  EXPECT_EQ(NormalizeCurrency("€"), "EUR");
  EXPECT_EQ(NormalizeCurrency("eur"), "EUR");
  EXPECT_EQ(NormalizeCurrency("US$"), "USD");
  EXPECT_EQ(NormalizeCurrency("Betrag in Euro"), "EUR");
  EXPECT_EQ(NormalizeCurrency("FROM"), std::nullopt);  // "RM" must be a whole word
  EXPECT_EQ(NormalizeCurrency("12 kg"), std::nullopt);
}

TEST(NormalizeNumber, ReadsQuantitiesWithEitherDecimalSeparator) {
  EXPECT_EQ(NormalizeNumber("2"), "2");
  EXPECT_EQ(NormalizeNumber("1,5"), "1.5");
  EXPECT_EQ(NormalizeNumber("1.000"), "1000");
  EXPECT_EQ(NormalizeNumber("2,50 Stk"), "2.5");
  EXPECT_EQ(NormalizeNumber("0,750 kg"), "0.75");
  EXPECT_EQ(NormalizeNumber("1.234,567"), "1234.567");
  EXPECT_EQ(NormalizeNumber("-1"), "-1");
  EXPECT_EQ(NormalizeNumber("Stk"), std::nullopt);
}

TEST(IbanChecksumValid, AcceptsPublishedExamplesAndRejectsAlteredOnes) {
  EXPECT_TRUE(IbanChecksumValid("DE89370400440532013000"));
  EXPECT_FALSE(IbanChecksumValid("DE89370400440532013001"));
  EXPECT_TRUE(IbanChecksumValid("GB82WEST12345698765432"));
  EXPECT_FALSE(IbanChecksumValid("GB82WSET12345698765432"));  // swapped letters
  EXPECT_FALSE(IbanChecksumValid("gb82west12345698765432"));  // not electronic form
}

TEST(NormalizeIban, RemovesBlanksAndUpperCases) {
  EXPECT_EQ(NormalizeIban("DE89 3704 0044 0532 0130 00"), "DE89370400440532013000");
  EXPECT_EQ(NormalizeIban("gb82 west 1234 5698 7654 32"), "GB82WEST12345698765432");
  EXPECT_EQ(NormalizeIban("FR14 2004 1010 0505 0001 3M02 606"), "FR1420041010050500013M02606");
  EXPECT_EQ(NormalizeIban("NL91ABNA0417164300"), "NL91ABNA0417164300");
  EXPECT_EQ(NormalizeIban("IBAN: AT61 1904 3002 3457 3201 BIC: BKAUATWW"), "AT611904300234573201");
}

TEST(NormalizeIban, RejectsWrongChecksumsLengthsAndCountries) {
  EXPECT_EQ(NormalizeIban("DE89 3704 0044 0532 0130 01"), std::nullopt);
  EXPECT_EQ(NormalizeIban("DE89 3704 0044 0532 0130 0 BIC"), std::nullopt);  // one digit short
  EXPECT_EQ(NormalizeIban("NL91ABNA04171643001"), std::nullopt);             // one too many
  EXPECT_EQ(NormalizeIban("MY12 3456 7890 1234"), std::nullopt);             // no IBAN in MY
}

TEST(NormalizeVatId, StripsSeparatorsAndUpperCases) {
  EXPECT_EQ(NormalizeVatId("USt-IdNr.: DE 136 695 976"), "DE136695976");
  EXPECT_EQ(NormalizeVatId("fr 40 303 265 045"), "FR40303265045");
  EXPECT_EQ(NormalizeVatId("ATU 123 456 78"), "ATU12345678");
  EXPECT_EQ(NormalizeVatId("NL 1234.56.789.B01"), "NL123456789B01");
  EXPECT_EQ(NormalizeVatId("BE 0123.456.749"), "BE0123456749");
  EXPECT_EQ(NormalizeVatId("ES-B12345678"), "ESB12345678");
  EXPECT_EQ(NormalizeVatId("PL 526-000-12-46"), "PL5260001246");
  EXPECT_EQ(NormalizeVatId("VAT Reg No: GB 123 4567 89"), "GB123456789");
  EXPECT_EQ(NormalizeVatId("CHE-123.456.789 MWST"), "CHE123456789");
  EXPECT_EQ(NormalizeVatId("CHE-123.456.789TVA"), "CHE123456789");
}

TEST(NormalizeVatId, RejectsIdsOfTheWrongShape) {
  EXPECT_EQ(NormalizeVatId("DE 12345678"), std::nullopt);      // eight digits
  EXPECT_EQ(NormalizeVatId("DE 1234567890"), std::nullopt);    // ten digits
  EXPECT_EQ(NormalizeVatId("NL123456789A01"), std::nullopt);   // A instead of B
  EXPECT_EQ(NormalizeVatId("BE 2123.456.789"), std::nullopt);  // must start 0 or 1
  EXPECT_EQ(NormalizeVatId("ES 123456789"), std::nullopt);     // digits at both ends
  EXPECT_EQ(NormalizeVatId("FR IO 303 265 045"), std::nullopt);
  EXPECT_EQ(NormalizeVatId("MY 123456789"), std::nullopt);
}

TEST(VatIdShapeValid, AcceptsTheZugferdSampleIdButOnlyInNormalForm) {
  EXPECT_TRUE(VatIdShapeValid("DE123456789"));
  EXPECT_FALSE(VatIdShapeValid("DE 123456789"));
  EXPECT_FALSE(VatIdShapeValid("de123456789"));
  EXPECT_TRUE(VatIdShapeValid("CHE123456789"));
  EXPECT_FALSE(VatIdShapeValid("CH123456789"));
}

TEST(VatIdCheckDigitValid, ChecksGermanAndFrenchNumericKeysOnly) {
  EXPECT_EQ(VatIdCheckDigitValid("DE136695976"), true);
  EXPECT_EQ(VatIdCheckDigitValid("DE814584193"), true);
  EXPECT_EQ(VatIdCheckDigitValid("DE136695978"), false);
  EXPECT_EQ(VatIdCheckDigitValid("DE123456789"), false);  // the sample id: shape only
  EXPECT_EQ(VatIdCheckDigitValid("FR40303265045"), true);
  EXPECT_EQ(VatIdCheckDigitValid("FR84323140391"), false);
  EXPECT_EQ(VatIdCheckDigitValid("FRK7399859412"), std::nullopt);  // new-style key
  EXPECT_EQ(VatIdCheckDigitValid("NL123456789B01"), std::nullopt);
}

TEST(DateOrderEvidence, NoneWhenNoDateTellsTheOrder) {
  EXPECT_EQ(DateOrderEvidence({"03/01/2020", "2020-03-25", "1 March 2020"}), std::nullopt);
  EXPECT_EQ(DateOrderEvidence({"03/01/2020", "25/01/2020"}), DateOrder::kDayFirst);
  EXPECT_EQ(DateOrderEvidence({"03/01/2020", "01/25/2020"}), DateOrder::kMonthFirst);
}

TEST(DateOrderMatters, OnlyForNumericDatesRealInBothOrders) {
  EXPECT_TRUE(DateOrderMatters("Date: 3/1/2020"));
  EXPECT_FALSE(DateOrderMatters("25/12/2018"));
  EXPECT_FALSE(DateOrderMatters("05/05/2018"));  // the same date either way
  EXPECT_FALSE(DateOrderMatters("2018-03-01"));
  EXPECT_FALSE(DateOrderMatters("1 March 2020"));
  EXPECT_FALSE(DateOrderMatters("no date"));
}

}  // namespace
}  // namespace sheaf::extract
