// SPDX-License-Identifier: GPL-3.0-or-later
//
// The words and line shapes that names and addresses at the top of a page are told by, shared
// by the names (parties.cc) and the addresses (addresses.cc). Internal to the extractor.
#ifndef SHEAF_EXTRACT_PARTY_WORDS_H_
#define SHEAF_EXTRACT_PARTY_WORDS_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace sheaf::extract::internal {

// Words that make a row a business's name: legal forms ("sdn", "gmbh", "ltd") and trade words
// ("trading", "cafe", "kedai").
extern const std::initializer_list<std::string_view> kCompanySuffixes;
// Words of rows that are no name: titles, labels, greetings, stamps.
extern const std::initializer_list<std::string_view> kNotANameWords;
// Words of rows that end an address: telephone, tax ids and their labels, titles.
extern const std::initializer_list<std::string_view> kAddressStopWords;
// Words of address lines: streets, buildings, regions, countries.
extern const std::initializer_list<std::string_view> kAddressWords;

// The longest run of digits in `text`.
int LongestDigitRun(std::string_view text);
// A registration number's row: "(867388-U)", "Co. Reg. No. 123456-X", "ROC 926289-Z".
bool LooksLikeRegistration(const std::string& text);
// A postcode's token: four or five digits.
bool IsPostcodeToken(const std::string& t);
// A buyer's heading: "Bill To:", "Kunde", "Rechnungsadresse", "Facturé à" (not "CUSTOMER COPY"
// nor "Customer No.").
bool IsBuyerHeading(const std::string& text);
// A branch's line: "Filiale Pebble", "Niederlassung Vista", "CAWANGAN ORION", "Branch: Pioneer".
bool BranchLine(const std::vector<std::string>& toks);

}  // namespace sheaf::extract::internal

#endif  // SHEAF_EXTRACT_PARTY_WORDS_H_
