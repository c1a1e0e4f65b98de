// SPDX-License-Identifier: GPL-3.0-or-later
//
// Structured e-invoices: the invoice XML that ZUGFeRD, Factur-X and XRechnung PDFs carry as an
// attachment (or that is sent on its own), read into the fields of Sheaf's invoice schema
// (schemas/invoice.yaml). Such XML is the issuer's own record of the invoice, so where it exists
// it is an exact source for the fields, with no OCR involved.
//
// Syntaxes read (EInvoice::syntax):
//   "cii"           UN/CEFACT Cross Industry Invoice, root CrossIndustryInvoice: ZUGFeRD 2.x,
//                   Factur-X, XRechnung in its CII syntax
//   "cii-zugferd1"  ZUGFeRD 1.0, root CrossIndustryDocument (HeaderExchangedDocument, ...)
//   "ubl"           OASIS UBL 2.x, root Invoice or CreditNote: XRechnung in its UBL syntax
//
// Contract:
// - Elements are matched on their local names: any namespace prefix ("rsm:", "ram:", "cbc:",
//   none) is accepted and namespace URIs are not checked.
// - Errors are Status values; nothing is thrown but std::bad_alloc. Hostile input cannot crash
//   ParseEInvoiceXml: it walks fixed paths from the root and loops over children (no recursion
//   of its own, so nesting depth does not matter), pugixml expands no entities beyond the
//   predefined ones and character references, and memory use is what pugixml needs for the
//   input (a few times its size). Bound the input size before calling.
// - A field is reported only when the XML holds a readable value for it; nothing is guessed.
//   A value that is present but unreadable (a date that is not YYYYMMDD, an amount that is not
//   a decimal number) is left out, not an error.
// - The functions are pure (no locale, no globals, no I/O) and safe to call from any thread.
#ifndef SHEAF_EXTRACT_EINVOICE_H_
#define SHEAF_EXTRACT_EINVOICE_H_

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sheaf/status.h"

namespace sheaf::extract {

// One invoice as read from its XML.
//
// `fields` holds, of the invoice schema's field names, only those the XML has a value for:
//   invoice_number  as written, blanks trimmed
//   invoice_date    ISO "YYYY-MM-DD" (CII DateTimeString format 102 "YYYYMMDD"; UBL IssueDate)
//   due_date        ISO; CII: the first SpecifiedTradePaymentTerms/DueDateDateTime; UBL: DueDate,
//                   else PaymentMeans/PaymentDueDate (credit notes)
//   seller_name     CII: SellerTradeParty/Name; UBL: PartyLegalEntity/RegistrationName, else
//   buyer_name      PartyName/Name. Runs of blanks and line breaks become one space.
//   seller_address  the non-empty parts, in this order, joined with ", ":
//   buyer_address     postcode, city, street lines (1 to 3), country code
//                     e.g. "80333, München, Lieferantenstraße 20, DE"
//   seller_vat_id   CII: SpecifiedTaxRegistration/ID with schemeID="VA"; UBL: PartyTaxScheme/
//                   CompanyID whose TaxScheme/ID is "VAT". Upper case, no blanks, dots or dashes.
//   currency        InvoiceCurrencyCode (UBL DocumentCurrencyCode), upper case, three letters
//   subtotal        net total: CII TaxBasisTotalAmount, UBL LegalMonetaryTotal/TaxExclusiveAmount
//   tax             CII TaxTotalAmount, UBL TaxTotal/TaxAmount
//   total           gross total: CII GrandTotalAmount, UBL LegalMonetaryTotal/TaxInclusiveAmount
//   iban            the first payee account: CII PayeePartyCreditorFinancialAccount/IBANID, UBL
//                   PaymentMeans/PayeeFinancialAccount/ID; upper case without blanks. The
//                   checksum is not checked here (see IbanChecksumValid in extract/normalize.h).
// Where an amount appears more than once with different currencyID attributes (an invoice with
// a separate tax currency), the one in the invoice currency is taken, else the first.
//
// Amounts are written with at least two decimal places, more only when the XML has more that are
// not zero ("197.6500" -> "197.65", "-5" -> "-5.00", "0.1234" -> "0.1234"); never rounded.
// Quantities are written without trailing zeros ("20.0000" -> "20", "1.50" -> "1.5").
struct EInvoice {
  std::string syntax;     // "cii" | "cii-zugferd1" | "ubl"
  std::string type_code;  // UNTDID 1001: 380 invoice, 381 credit note, 384 corrected, ...
  std::map<std::string, std::string> fields;
  // One map per invoice line, in document order, with those of the columns description
  // (the product name), quantity (billed / invoiced quantity), unit_price (net price) and
  // amount (net line total) that the line has a readable value for; a line with none of them
  // is left out. unit_price is the net price as written, per the line's BasisQuantity where the
  // XML gives one.
  std::vector<std::map<std::string, std::string>> line_items;
};

// Parses one invoice XML (UTF-8, or UTF-16/32 with a byte order mark, or Latin-1 as declared).
// Errors, both kInvalidArgument:
// - malformed XML: "malformed XML at byte <offset>: <pugixml's description>";
// - a root element other than CrossIndustryInvoice, CrossIndustryDocument, Invoice or
//   CreditNote: "unknown root element <name>: not a CII, ZUGFeRD 1.0 or UBL invoice".
Result<EInvoice> ParseEInvoiceXml(std::string_view xml);

// True iff `name` (a file name, compared without regard to ASCII case) is one the e-invoice
// standards give the invoice XML: factur-x.xml, zugferd-invoice.xml (also spelled
// ZUGFeRD-invoice.xml) or xrechnung.xml.
bool LooksLikeEInvoiceAttachment(std::string_view name);

// A file attached to a document, as ChooseEInvoiceAttachment sees it. The caller owns the bytes.
struct AttachmentView {
  std::string_view name;
  std::string_view data;
};

// Picks the invoice XML among a document's attachments and returns its index, taking the first
// attachment, in order, of the first of these kinds that exists:
//   1. a standard name (LooksLikeEInvoiceAttachment) whose content is an invoice, that is,
//      ParseEInvoiceXml accepts it;
//   2. any other attachment whose content is an invoice, whatever its name (another ".xml"
//      name, or a name the PDF reader could not decode and left empty);
//   3. a standard name whose content is not an invoice (so that the caller reports why the
//      invoice XML cannot be read instead of silently ignoring it).
// Returns std::nullopt iff there is none of these. Every attachment is parsed once.
std::optional<std::size_t> ChooseEInvoiceAttachment(std::span<const AttachmentView> attachments);

}  // namespace sheaf::extract

#endif  // SHEAF_EXTRACT_EINVOICE_H_
