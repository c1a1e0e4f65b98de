// SPDX-License-Identifier: GPL-3.0-or-later
//
// The validation stage: business rules over the fields a schema's extraction produced, and the
// document's final status.
//
// Rules (each reported as {rule, status, message, fields}; a rule whose inputs are absent is not
// reported, except `required` which exists to report absence):
//   required          every required field is present                              fail
//   iban_checksum     an IBAN passes ISO 13616 MOD 97-10                           fail
//   vat_id_format     a VAT id has its country's shape (and check digit, if known) fail
//   date_plausible    dates lie in 1990 .. today + 1 year                          warn
//   due_after_issue   due date not before the invoice date                         fail
//   totals_add_up     subtotal + tax == total (to the cent, 1 cent per line slack) fail
//   line_items_sum    sum of line amounts == subtotal (or total when no subtotal)  warn
//   line_arithmetic   quantity x unit price == amount on every line                warn
//   einvoice_match    visible values equal the embedded e-invoice XML's            warn
// Status: failed only when the document could not be read (set before this stage); otherwise
// completed when every rule passes and every field's confidence is at least its review
// threshold, needs_review with the reasons when not.
//
// Contract: pure functions of their inputs; safe from any thread.
#ifndef SHEAF_VALIDATE_VALIDATOR_H_
#define SHEAF_VALIDATE_VALIDATOR_H_

#include <map>
#include <string>
#include <vector>

#include "extract/schema.h"
#include "sheaf/document.h"

namespace sheaf::validate {

struct ValidationOptions {
  int today_year = 0;  // 0: the current year
};

std::vector<RuleResult> Validate(const extract::Schema& schema,
                                 const std::map<std::string, Field>& fields,
                                 const std::vector<LineItem>& line_items,
                                 const ValidationOptions& options = {});

// Compares visible fields with the embedded e-invoice's: a warn result naming each field whose
// values differ, or a pass when all shared fields agree. Empty when nothing is shared.
std::vector<RuleResult> CrossCheck(const std::map<std::string, Field>& visible,
                                   const std::map<std::string, std::string>& embedded);

// Sets doc->status (unless failed) and doc->review_reasons from validation and thresholds.
void DecideStatus(const extract::Schema& schema, Document* doc);

}  // namespace sheaf::validate

#endif  // SHEAF_VALIDATE_VALIDATOR_H_
