// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/einvoice.h"

#include <algorithm>
#include <exception>
#include <initializer_list>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "extract/normalize.h"

namespace sheaf::extract {
namespace {

using pugi::xml_node;

// ---------------------------------------------------------------------------------------------
// Text

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool AllDigits(std::string_view s) { return std::all_of(s.begin(), s.end(), IsDigit); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// Trims `s` and turns every run of blanks and line breaks inside it into one space.
std::string Collapse(std::string_view s) {
  std::string out;
  bool gap = false;
  for (char c : Trim(s)) {
    if (IsBlank(c)) {
      gap = true;
      continue;
    }
    if (gap) out += ' ';
    gap = false;
    out += c;
  }
  return out;
}

// Upper case, with blanks and the given separators removed.
std::string Compact(std::string_view s, std::string_view also_drop) {
  std::string out;
  for (char c : s) {
    if (IsBlank(c) || also_drop.find(c) != std::string_view::npos) continue;
    out += ToUpper(c);
  }
  return out;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ToLower(x) == ToLower(y);
         });
}

// ---------------------------------------------------------------------------------------------
// Prefix-agnostic access to the tree. Every lookup is a loop over one node's children.

std::string_view LocalName(std::string_view qualified) {
  const std::size_t colon = qualified.rfind(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

xml_node Child(xml_node parent, std::string_view local) {
  for (xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) return c;
  }
  return {};
}

std::vector<xml_node> Children(xml_node parent, std::string_view local) {
  std::vector<xml_node> out;
  for (xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) out.push_back(c);
  }
  return out;
}

// Follows `path` from `from`, taking the first matching child at each step.
xml_node Find(xml_node from, std::initializer_list<std::string_view> path) {
  for (std::string_view step : path) {
    from = Child(from, step);
    if (!from) break;
  }
  return from;
}

std::string_view Attribute(xml_node node, std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (LocalName(a.name()) == local) return a.value();
  }
  return {};
}

// The element's own character data (text and CDATA children, comments skipped).
std::string Text(xml_node node) {
  std::string out;
  for (xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values

// An xs:decimal ("-12.50", "+.5", "007."), split into its parts: `integer` without leading
// zeros ("0" for none), `fraction` without trailing zeros. Zero is never negative.
struct Decimal {
  bool negative = false;
  std::string integer;
  std::string fraction;
};

std::optional<Decimal> ParseDecimal(std::string_view raw) {
  std::string_view s = Trim(raw);
  Decimal d;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    d.negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const std::size_t dot = s.find('.');
  std::string_view integer = s.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if ((integer.empty() && fraction.empty()) || !AllDigits(integer) || !AllDigits(fraction)) {
    return std::nullopt;
  }
  while (!integer.empty() && integer.front() == '0') integer.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (integer.empty() && fraction.empty()) d.negative = false;
  d.integer = integer.empty() ? "0" : std::string(integer);
  d.fraction = std::string(fraction);
  return d;
}

std::string FormatDecimal(const Decimal& d, std::size_t min_places) {
  std::string out = d.negative ? "-" : "";
  out += d.integer;
  std::string fraction = d.fraction;
  if (fraction.size() < min_places) fraction.append(min_places - fraction.size(), '0');
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

std::optional<std::string> Amount(xml_node node) {
  if (!node) return std::nullopt;
  std::optional<Decimal> d = ParseDecimal(Text(node));
  if (!d) return std::nullopt;
  return FormatDecimal(*d, 2);
}

std::optional<std::string> Quantity(xml_node node) {
  if (!node) return std::nullopt;
  std::optional<Decimal> d = ParseDecimal(Text(node));
  if (!d) return std::nullopt;
  return FormatDecimal(*d, 0);
}

// Of the children of `parent` named `local`, the first whose currencyID is `currency`, else the
// first.
xml_node InCurrency(xml_node parent, std::string_view local, std::string_view currency) {
  std::vector<xml_node> candidates = Children(parent, local);
  if (candidates.empty()) return {};
  for (xml_node c : candidates) {
    if (!currency.empty() && EqualsIgnoringCase(Trim(Attribute(c, "currencyID")), currency)) {
      return c;
    }
  }
  return candidates.front();
}

// "YYYY", "MM", "DD" digits -> "YYYY-MM-DD" iff that day exists (the calendar check of
// NormalizeDate).
std::optional<std::string> IsoDate(std::string_view yyyy, std::string_view mm,
                                   std::string_view dd) {
  std::string iso = std::string(yyyy) + "-" + std::string(mm) + "-" + std::string(dd);
  std::optional<std::string> checked = NormalizeDate(iso, DateOrder::kYearFirst);
  if (!checked || *checked != iso) return std::nullopt;
  return checked;
}

// A CII date-time element (IssueDateTime, DueDateDateTime) holding a udt:DateTimeString in
// format 102 (YYYYMMDD; the format is assumed when the attribute is missing). Other formats
// (610 month, 616 week) name no single day.
std::optional<std::string> CiiDate(xml_node date_time) {
  xml_node s = Child(date_time, "DateTimeString");
  if (!s) return std::nullopt;
  std::string_view format = Trim(Attribute(s, "format"));
  if (!format.empty() && format != "102") return std::nullopt;
  std::string text = Text(s);
  std::string_view v = Trim(text);
  if (v.size() != 8 || !AllDigits(v)) return std::nullopt;
  return IsoDate(v.substr(0, 4), v.substr(4, 2), v.substr(6, 2));
}

// An xs:date ("2018-03-05", optionally followed by a time zone).
std::optional<std::string> UblDate(xml_node node) {
  std::string text = Text(node);
  std::string_view v = Trim(text);
  if (v.size() < 10 || v[4] != '-' || v[7] != '-' || !AllDigits(v.substr(0, 4)) ||
      !AllDigits(v.substr(5, 2)) || !AllDigits(v.substr(8, 2))) {
    return std::nullopt;
  }
  return IsoDate(v.substr(0, 4), v.substr(5, 2), v.substr(8, 2));
}

std::optional<std::string> Currency(xml_node node) {
  std::string code = Compact(Text(node), "");
  if (code.size() != 3 ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return std::nullopt;
  }
  return code;
}

// The parts of an address, joined in the documented order.
std::string JoinAddress(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += ", ";
    out += part;
  }
  return out;
}

void Put(std::map<std::string, std::string>& into, const std::string& key,
         const std::optional<std::string>& value) {
  if (value && !value->empty()) into[key] = *value;
}

void Put(std::map<std::string, std::string>& into, const std::string& key, std::string value) {
  if (!value.empty()) into[key] = std::move(value);
}

// ---------------------------------------------------------------------------------------------
// CII (ZUGFeRD 2.x, Factur-X, XRechnung CII) and ZUGFeRD 1.0: the same tree under other names.

struct CiiNames {
  std::string_view document;
  std::string_view transaction;
  std::string_view agreement;
  std::string_view settlement;
  std::string_view summation;
  std::string_view line_agreement;
  std::string_view line_delivery;
  std::string_view line_settlement;
  std::string_view line_summation;
};

constexpr CiiNames kCii = {
    "ExchangedDocument",
    "SupplyChainTradeTransaction",
    "ApplicableHeaderTradeAgreement",
    "ApplicableHeaderTradeSettlement",
    "SpecifiedTradeSettlementHeaderMonetarySummation",
    "SpecifiedLineTradeAgreement",
    "SpecifiedLineTradeDelivery",
    "SpecifiedLineTradeSettlement",
    "SpecifiedTradeSettlementLineMonetarySummation",
};

constexpr CiiNames kZugferd1 = {
    "HeaderExchangedDocument",
    "SpecifiedSupplyChainTradeTransaction",
    "ApplicableSupplyChainTradeAgreement",
    "ApplicableSupplyChainTradeSettlement",
    "SpecifiedTradeSettlementMonetarySummation",
    "SpecifiedSupplyChainTradeAgreement",
    "SpecifiedSupplyChainTradeDelivery",
    "SpecifiedSupplyChainTradeSettlement",
    "SpecifiedTradeSettlementMonetarySummation",
};

void ReadCiiParty(xml_node party, const std::string& role, EInvoice& out) {
  if (!party) return;
  Put(out.fields, role + "_name", Collapse(Text(Child(party, "Name"))));
  xml_node a = Child(party, "PostalTradeAddress");
  Put(out.fields, role + "_address",
      JoinAddress({Collapse(Text(Child(a, "PostcodeCode"))), Collapse(Text(Child(a, "CityName"))),
                   Collapse(Text(Child(a, "LineOne"))), Collapse(Text(Child(a, "LineTwo"))),
                   Collapse(Text(Child(a, "LineThree"))), Collapse(Text(Child(a, "CountryID")))}));
  if (role != "seller") return;
  for (xml_node registration : Children(party, "SpecifiedTaxRegistration")) {
    xml_node id = Child(registration, "ID");
    if (Trim(Attribute(id, "schemeID")) != "VA") continue;
    std::string vat = Compact(Text(id), ".-");
    if (vat.empty()) continue;
    out.fields["seller_vat_id"] = vat;
    break;
  }
}

EInvoice ReadCii(xml_node root, const CiiNames& n, std::string syntax) {
  EInvoice out;
  out.syntax = std::move(syntax);
  xml_node document = Child(root, n.document);
  out.type_code = std::string(Trim(Text(Child(document, "TypeCode"))));
  Put(out.fields, "invoice_number", std::string(Trim(Text(Child(document, "ID")))));
  Put(out.fields, "invoice_date", CiiDate(Child(document, "IssueDateTime")));

  xml_node transaction = Child(root, n.transaction);
  xml_node agreement = Child(transaction, n.agreement);
  ReadCiiParty(Child(agreement, "SellerTradeParty"), "seller", out);
  ReadCiiParty(Child(agreement, "BuyerTradeParty"), "buyer", out);

  xml_node settlement = Child(transaction, n.settlement);
  std::optional<std::string> currency = Currency(Child(settlement, "InvoiceCurrencyCode"));
  Put(out.fields, "currency", currency);
  const std::string_view in = currency ? std::string_view(*currency) : std::string_view();
  for (xml_node terms : Children(settlement, "SpecifiedTradePaymentTerms")) {
    std::optional<std::string> due = CiiDate(Child(terms, "DueDateDateTime"));
    if (!due) continue;
    out.fields["due_date"] = *due;
    break;
  }
  for (xml_node means : Children(settlement, "SpecifiedTradeSettlementPaymentMeans")) {
    std::string iban =
        Compact(Text(Find(means, {"PayeePartyCreditorFinancialAccount", "IBANID"})), "");
    if (iban.empty()) continue;
    out.fields["iban"] = iban;
    break;
  }
  xml_node summation = Child(settlement, n.summation);
  Put(out.fields, "subtotal", Amount(InCurrency(summation, "TaxBasisTotalAmount", in)));
  Put(out.fields, "tax", Amount(InCurrency(summation, "TaxTotalAmount", in)));
  Put(out.fields, "total", Amount(InCurrency(summation, "GrandTotalAmount", in)));

  for (xml_node line : Children(transaction, "IncludedSupplyChainTradeLineItem")) {
    std::map<std::string, std::string> item;
    Put(item, "description", Collapse(Text(Find(line, {"SpecifiedTradeProduct", "Name"}))));
    Put(item, "quantity", Quantity(Find(line, {n.line_delivery, "BilledQuantity"})));
    Put(item, "unit_price",
        Amount(InCurrency(Find(line, {n.line_agreement, "NetPriceProductTradePrice"}),
                          "ChargeAmount", in)));
    Put(item, "amount",
        Amount(
            InCurrency(Find(line, {n.line_settlement, n.line_summation}), "LineTotalAmount", in)));
    if (!item.empty()) out.line_items.push_back(std::move(item));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// UBL 2.x Invoice and CreditNote (XRechnung UBL)

void ReadUblParty(xml_node party, const std::string& role, EInvoice& out) {
  if (!party) return;
  std::string name = Collapse(Text(Find(party, {"PartyLegalEntity", "RegistrationName"})));
  if (name.empty()) name = Collapse(Text(Find(party, {"PartyName", "Name"})));
  Put(out.fields, role + "_name", std::move(name));
  xml_node a = Child(party, "PostalAddress");
  std::vector<std::string> parts = {
      Collapse(Text(Child(a, "PostalZone"))), Collapse(Text(Child(a, "CityName"))),
      Collapse(Text(Child(a, "StreetName"))), Collapse(Text(Child(a, "AdditionalStreetName")))};
  for (xml_node line : Children(a, "AddressLine"))
    parts.push_back(Collapse(Text(Child(line, "Line"))));
  parts.push_back(Collapse(Text(Find(a, {"Country", "IdentificationCode"}))));
  Put(out.fields, role + "_address", JoinAddress(parts));
  if (role != "seller") return;
  for (xml_node scheme : Children(party, "PartyTaxScheme")) {
    if (Trim(Text(Find(scheme, {"TaxScheme", "ID"}))) != "VAT") continue;
    std::string vat = Compact(Text(Child(scheme, "CompanyID")), ".-");
    if (vat.empty()) continue;
    out.fields["seller_vat_id"] = vat;
    break;
  }
}

EInvoice ReadUbl(xml_node root, bool credit_note) {
  EInvoice out;
  out.syntax = "ubl";
  out.type_code =
      std::string(Trim(Text(Child(root, credit_note ? "CreditNoteTypeCode" : "InvoiceTypeCode"))));
  Put(out.fields, "invoice_number", std::string(Trim(Text(Child(root, "ID")))));
  Put(out.fields, "invoice_date", UblDate(Child(root, "IssueDate")));
  std::optional<std::string> currency = Currency(Child(root, "DocumentCurrencyCode"));
  Put(out.fields, "currency", currency);
  const std::string_view in = currency ? std::string_view(*currency) : std::string_view();

  ReadUblParty(Find(root, {"AccountingSupplierParty", "Party"}), "seller", out);
  ReadUblParty(Find(root, {"AccountingCustomerParty", "Party"}), "buyer", out);

  std::optional<std::string> due = UblDate(Child(root, "DueDate"));
  std::vector<xml_node> means = Children(root, "PaymentMeans");
  for (xml_node m : means) {
    if (due) break;
    due = UblDate(Child(m, "PaymentDueDate"));
  }
  Put(out.fields, "due_date", due);
  for (xml_node m : means) {
    std::string iban = Compact(Text(Find(m, {"PayeeFinancialAccount", "ID"})), "");
    if (iban.empty()) continue;
    out.fields["iban"] = iban;
    break;
  }

  // One TaxTotal per currency: take the one whose TaxAmount is in the document currency.
  std::vector<xml_node> tax_totals = Children(root, "TaxTotal");
  xml_node tax;
  for (xml_node t : tax_totals) {
    xml_node amount = Child(t, "TaxAmount");
    if (!tax) tax = amount;
    if (!in.empty() && EqualsIgnoringCase(Trim(Attribute(amount, "currencyID")), in)) {
      tax = amount;
      break;
    }
  }
  Put(out.fields, "tax", Amount(tax));
  xml_node totals = Child(root, "LegalMonetaryTotal");
  Put(out.fields, "subtotal", Amount(Child(totals, "TaxExclusiveAmount")));
  Put(out.fields, "total", Amount(Child(totals, "TaxInclusiveAmount")));

  for (xml_node line : Children(root, credit_note ? "CreditNoteLine" : "InvoiceLine")) {
    std::map<std::string, std::string> item;
    Put(item, "description", Collapse(Text(Find(line, {"Item", "Name"}))));
    Put(item, "quantity",
        Quantity(Child(line, credit_note ? "CreditedQuantity" : "InvoicedQuantity")));
    Put(item, "unit_price", Amount(Find(line, {"Price", "PriceAmount"})));
    Put(item, "amount", Amount(Child(line, "LineExtensionAmount")));
    if (!item.empty()) out.line_items.push_back(std::move(item));
  }
  return out;
}

}  // namespace

Result<EInvoice> ParseEInvoiceXml(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed;
  try {
    parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_auto);
  } catch (const std::exception& e) {  // only std::bad_alloc is possible
    return Status(ErrorCode::kInvalidArgument, std::string("cannot parse the XML: ") + e.what());
  }
  if (!parsed) {
    return Status(
        ErrorCode::kInvalidArgument,
        "malformed XML at byte " + std::to_string(parsed.offset) + ": " + parsed.description());
  }
  xml_node root = doc.document_element();
  const std::string_view name = LocalName(root.name());
  if (name == "CrossIndustryInvoice") return ReadCii(root, kCii, "cii");
  if (name == "CrossIndustryDocument") return ReadCii(root, kZugferd1, "cii-zugferd1");
  if (name == "Invoice") return ReadUbl(root, /*credit_note=*/false);
  if (name == "CreditNote") return ReadUbl(root, /*credit_note=*/true);
  std::string shown(root.name());
  if (shown.size() > 80) shown = shown.substr(0, 80) + "...";
  return Status(ErrorCode::kInvalidArgument,
                "unknown root element <" + shown + ">: not a CII, ZUGFeRD 1.0 or UBL invoice");
}

bool LooksLikeEInvoiceAttachment(std::string_view name) {
  for (std::string_view known : {"factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"}) {
    if (EqualsIgnoringCase(name, known)) return true;
  }
  return false;
}

std::optional<std::size_t> ChooseEInvoiceAttachment(std::span<const AttachmentView> attachments) {
  std::vector<bool> is_invoice(attachments.size(), false);
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    is_invoice[i] = ParseEInvoiceXml(attachments[i].data).ok();
  }
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    if (is_invoice[i] && LooksLikeEInvoiceAttachment(attachments[i].name)) return i;
  }
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    if (is_invoice[i]) return i;
  }
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    if (LooksLikeEInvoiceAttachment(attachments[i].name)) return i;
  }
  return std::nullopt;
}

}  // namespace sheaf::extract
