// SPDX-License-Identifier: GPL-3.0-or-later
#include "validate/validator.h"

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "extract/normalize.h"

namespace sheaf::validate {

namespace {

using extract::FieldSpec;
using extract::FieldType;

double Amount(const std::string& v) { return std::strtod(v.c_str(), nullptr); }

std::string Money(double v) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(2) << v;
  return os.str();
}

RuleResult Result(std::string rule, RuleStatus status, std::string message,
                  std::vector<std::string> fields) {
  return {std::move(rule), status, std::move(message), std::move(fields)};
}

int CurrentYear() {
  auto now = std::chrono::system_clock::now();
  std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(now)};
  return static_cast<int>(ymd.year());
}

}  // namespace

std::vector<RuleResult> Validate(const extract::Schema& schema,
                                 const std::map<std::string, Field>& fields,
                                 const std::vector<LineItem>& line_items,
                                 const ValidationOptions& options) {
  std::vector<RuleResult> out;
  auto get = [&](const std::string& name) -> const Field* {
    auto it = fields.find(name);
    return it == fields.end() || it->second.value.empty() ? nullptr : &it->second;
  };

  std::vector<std::string> missing, required;
  for (const FieldSpec& f : schema.fields) {
    if (!f.required) continue;
    required.push_back(f.name);
    if (!get(f.name)) missing.push_back(f.name);
  }
  if (!required.empty()) {
    if (missing.empty()) {
      out.push_back(Result("required", RuleStatus::kPass, "all required fields present", required));
    } else {
      std::string m = "missing required field" + std::string(missing.size() > 1 ? "s" : "") + ":";
      for (const std::string& n : missing) m += " " + n;
      out.push_back(Result("required", RuleStatus::kFail, m, missing));
    }
  }

  const int year = options.today_year ? options.today_year : CurrentYear();
  for (const FieldSpec& f : schema.fields) {
    const Field* v = get(f.name);
    if (!v) continue;
    switch (f.type) {
      case FieldType::kIban:
        out.push_back(extract::IbanChecksumValid(v->value)
                          ? Result("iban_checksum", RuleStatus::kPass, "IBAN check digits are valid", {f.name})
                          : Result("iban_checksum", RuleStatus::kFail,
                                   f.name + " " + v->value + " fails the IBAN checksum", {f.name}));
        break;
      case FieldType::kVatId: {
        bool shape = extract::VatIdShapeValid(v->value);
        std::optional<bool> check = extract::VatIdCheckDigitValid(v->value);
        if (!shape) {
          out.push_back(Result("vat_id_format", RuleStatus::kFail,
                               f.name + " " + v->value + " is not a VAT id of its country's shape", {f.name}));
        } else if (check && !*check) {
          // Sample documents use placeholder ids with wrong check digits; report, don't fail.
          out.push_back(Result("vat_id_format", RuleStatus::kWarn,
                               f.name + " " + v->value + " has the right shape but a wrong check digit",
                               {f.name}));
        } else {
          out.push_back(Result("vat_id_format", RuleStatus::kPass, f.name + " has a valid shape", {f.name}));
        }
        break;
      }
      case FieldType::kDate: {
        int y = std::atoi(v->value.substr(0, 4).c_str());
        if (y < 1990 || y > year + 1) {
          out.push_back(Result("date_plausible", RuleStatus::kWarn,
                               f.name + " " + v->value + " is outside 1990.." + std::to_string(year + 1),
                               {f.name}));
        } else {
          out.push_back(Result("date_plausible", RuleStatus::kPass, f.name + " is plausible", {f.name}));
        }
        break;
      }
      default:
        break;
    }
  }

  const Field* issue = get("invoice_date");
  const Field* due = get("due_date");
  if (issue && due) {
    out.push_back(due->value >= issue->value
                      ? Result("due_after_issue", RuleStatus::kPass, "due date is not before the invoice date",
                               {"invoice_date", "due_date"})
                      : Result("due_after_issue", RuleStatus::kFail,
                               "due date " + due->value + " is before the invoice date " + issue->value,
                               {"invoice_date", "due_date"}));
  }

  const Field* sub = get("subtotal");
  const Field* tax = get("tax");
  const Field* total = get("total");
  if (sub && tax && total) {
    // A cash rounding adjustment, when the receipt printed one, is part of the sum.
    const Field* rounding = get("rounding");
    double sum = Amount(sub->value) + Amount(tax->value) + (rounding ? Amount(rounding->value) : 0.0);
    std::vector<std::string> names = {"subtotal", "tax", "total"};
    if (rounding) names.insert(names.begin() + 2, "rounding");
    std::string terms = "subtotal " + sub->value + " + tax " + tax->value;
    if (rounding) terms += " + rounding " + rounding->value;
    if (std::abs(sum - Amount(total->value)) < 0.015) {
      out.push_back(Result("totals_add_up", RuleStatus::kPass,
                           rounding ? "subtotal + tax + rounding = total" : "subtotal + tax = total", names));
    } else {
      out.push_back(Result("totals_add_up", RuleStatus::kFail,
                           terms + " = " + Money(sum) + ", but total is " + total->value, names));
    }
  }

  if (!line_items.empty()) {
    double sum = 0;
    bool all = true;
    std::vector<std::string> bad_lines;
    for (std::size_t i = 0; i < line_items.size(); ++i) {
      const LineItem& li = line_items[i];
      auto a = li.find("amount");
      if (a == li.end()) {
        all = false;
        continue;
      }
      sum += Amount(a->second.value);
      auto q = li.find("quantity");
      auto u = li.find("unit_price");
      if (q != li.end() && u != li.end()) {
        double expect = Amount(q->second.value) * Amount(u->second.value);
        if (std::abs(expect - Amount(a->second.value)) > 0.011 + 0.005 * std::abs(expect)) {
          bad_lines.push_back("line " + std::to_string(i + 1) + ": " + q->second.value + " x " +
                              u->second.value + " = " + Money(expect) + " != " + a->second.value);
        }
      }
    }
    const Field* target = sub ? sub : total;
    if (all && target) {
      std::string name = sub ? "subtotal" : "total";
      double slack = 0.011 * static_cast<double>(line_items.size());
      if (std::abs(sum - Amount(target->value)) <= slack) {
        out.push_back(Result("line_items_sum", RuleStatus::kPass, "line amounts add up to " + name,
                             {"line_items", name}));
      } else {
        out.push_back(Result("line_items_sum", RuleStatus::kWarn,
                             "line amounts add up to " + Money(sum) + ", " + name + " is " + target->value,
                             {"line_items", name}));
      }
    }
    if (bad_lines.empty()) {
      out.push_back(Result("line_arithmetic", RuleStatus::kPass, "quantity x unit price = amount on every line",
                           {"line_items"}));
    } else {
      std::string m;
      for (const std::string& l : bad_lines) m += (m.empty() ? "" : "; ") + l;
      out.push_back(Result("line_arithmetic", RuleStatus::kWarn, m, {"line_items"}));
    }
  }
  return out;
}

namespace {

// The lower-cased runs of letters and digits of `text` (bytes >= 0x80 count as letters).
std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      cur += static_cast<char>(std::tolower(u));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// Whether the address the page shows is the XML's, however each orders and punctuates it: every
// word the page prints is in the XML's address, but for the country, which the XML gives as a
// code ("DE") and the page in words ("Deutschland"). The XML may hold more (a contact's name the
// page prints on a line the reader leaves out).
bool AddressWithin(const std::string& page, const std::string& xml) {
  static const std::set<std::string> kCountries = {
      "de", "deutschland", "germany", "at", "österreich", "austria", "ch", "schweiz", "suisse",
      "switzerland", "fr", "france", "nl", "nederland", "netherlands", "be", "belgique", "belgië",
      "belgium", "lu", "luxembourg", "it", "italia", "italy", "es", "españa", "spain", "gb", "uk",
      "united", "kingdom", "ie", "ireland", "us", "usa", "states", "my", "malaysia", "sg", "singapore"};
  const std::vector<std::string> xml_words = Words(xml);
  const std::set<std::string> in_xml(xml_words.begin(), xml_words.end());
  int matched = 0;
  for (const std::string& w : Words(page)) {
    if (kCountries.count(w) != 0) continue;
    if (in_xml.count(w) == 0) return false;
    ++matched;
  }
  return matched >= 2;
}

}  // namespace

std::vector<RuleResult> CrossCheck(const std::map<std::string, Field>& visible,
                                   const std::map<std::string, std::string>& embedded) {
  std::vector<std::string> shared, differ;
  std::string message;
  for (const auto& [name, xml_value] : embedded) {
    auto it = visible.find(name);
    if (it == visible.end()) continue;
    shared.push_back(name);
    const std::string& seen = it->second.value;
    bool same = seen == xml_value;
    if (!same) {
      // Names and addresses: compare letters and digits only, case-insensitively.
      auto squash = [](const std::string& s) {
        std::string o;
        for (const std::string& w : Words(s)) o += w;
        return o;
      };
      same = squash(seen) == squash(xml_value) || (name.size() > 8 && name.substr(name.size() - 8) == "_address" &&
                                                   AddressWithin(seen, xml_value));
    }
    if (!same) {
      differ.push_back(name);
      message += (message.empty() ? "" : "; ") + name + ": page shows \"" + seen + "\", XML has \"" + xml_value + "\"";
    }
  }
  if (shared.empty()) return {};
  if (differ.empty()) {
    return {Result("einvoice_match", RuleStatus::kPass, "visible values match the embedded e-invoice", shared)};
  }
  return {Result("einvoice_match", RuleStatus::kWarn, message, differ)};
}

void DecideStatus(const extract::Schema& schema, Document* doc) {
  if (doc->status == DocumentStatus::kFailed) return;
  doc->review_reasons.clear();
  for (const RuleResult& r : doc->validation) {
    if (r.status != RuleStatus::kPass) doc->review_reasons.push_back(r.rule + ": " + r.message);
  }
  // A page read past damage may be missing what the damage hid: a person looks.
  for (const Page& p : doc->pages) {
    for (const std::string& w : p.warnings) {
      doc->review_reasons.push_back("damaged_page: page " + std::to_string(p.number) + ": " + w);
    }
  }
  for (const FieldSpec& f : schema.fields) {
    auto it = doc->fields.find(f.name);
    if (it == doc->fields.end()) continue;
    if (it->second.confidence < f.review_threshold) {
      std::ostringstream os;
      os << std::fixed << std::setprecision(2) << "low_confidence: " << f.name << " read with confidence "
         << it->second.confidence << " (threshold " << f.review_threshold << ")";
      doc->review_reasons.push_back(os.str());
    }
  }
  if (schema.key_values) {
    for (const auto& [name, field] : doc->fields) {
      if (field.confidence < schema.review_threshold) {
        std::ostringstream os;
        os << std::fixed << std::setprecision(2) << "low_confidence: " << name << " read with confidence "
           << field.confidence << " (threshold " << schema.review_threshold << ")";
        doc->review_reasons.push_back(os.str());
      }
    }
  }
  doc->status = doc->review_reasons.empty() ? DocumentStatus::kCompleted : DocumentStatus::kNeedsReview;
}

}  // namespace sheaf::validate
