// SPDX-License-Identifier: GPL-3.0-or-later
//
// Internal to src/extract (not a public interface): candidates of field values and the choices
// made among them. values.cc reads values by type and generates candidates (from labels, from
// shapes printed anywhere); amounts.cc chooses total, subtotal, tax and currency together;
// extractor.cc chooses the rest per field. See extract_context.h for Context and Candidate.
//
// Contract: pure functions of their inputs; thread-compatible.
#ifndef SHEAF_EXTRACT_CANDIDATES_H_
#define SHEAF_EXTRACT_CANDIDATES_H_

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extract_context.h"
#include "extract/normalize.h"
#include "extract/schema.h"
#include "sheaf/document.h"

namespace sheaf::extract::internal {

// ---------------------------------------------------------------------------------------------
// Values by type (values.cc)

// An amount printed in a cell.
struct MoneyHit {
  Money money;
  std::size_t first = 0;  // words [first, word] hold the amount
  std::size_t word = 0;
  bool decimals = false;
  bool guessed_point = false;  // "RM8 60": the blank read as the decimal point
};

// Amounts printed in words [from, to) of a cell (percentages excluded), left to right.
// `blank_point`: where the value of a money label is expected, "RM8 60" at the end of the range
// is 8.60 (OCR reads a faint decimal point as a blank; receipts print cents on every amount).
std::vector<MoneyHit> MoneyIn(const Cell& cell, std::size_t from, std::size_t to,
                              bool blank_point = false);

// True iff `t` ends in exactly two digits after its last '.' or ',' (an amount with cents).
bool HasDecimals(std::string_view t);

// True iff word `w` of `cell` is a percentage ("7%", "19 %").
bool IsPercent(const Cell& cell, std::size_t w);

// True iff 1990 <= year <= next year.
bool PlausibleYear(int year);

// Candidates announced by one of the field's labels.
std::vector<Candidate> LabelledCandidates(const Context& ctx, const FieldSpec& spec);

// Every value of `type` wherever it is printed (dates, amounts, IBANs, VAT ids).
std::vector<Candidate> ShapeCandidates(const Context& ctx, FieldType type);

// The candidate with the highest score (the first of equals); nullptr when there is none.
const Candidate* Best(const std::vector<Candidate>& cs);

// The field a candidate gives.
Field ToField(const Candidate& c);

// ---------------------------------------------------------------------------------------------
// Amounts together (amounts.cc)

// Picks total, subtotal and tax (and rounding) together from `cands` into `out`: a triple where
// subtotal + tax == total wins; names the fields whose value something confirmed in `verified`.
void ChooseAmounts(const Context& ctx, std::map<std::string, std::vector<Candidate>>& cands,
                   std::map<std::string, Field>& out, std::set<std::string>* verified);

// The currency: a labelled one, else the one the document names most often.
void ChooseCurrency(const Context& ctx, std::map<std::string, std::vector<Candidate>>& cands,
                    std::map<std::string, Field>& out);

}  // namespace sheaf::extract::internal

#endif  // SHEAF_EXTRACT_CANDIDATES_H_
