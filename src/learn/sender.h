// SPDX-License-Identifier: GPL-3.0-or-later
//
// Who sent a document: the key under which corrections of one sender's documents are
// remembered (sender_memory.h) and found again for the next document from that sender.
//
// Contract: IdentifySender is a pure function of the document's extracted fields and its first
// page's words. It takes the strongest identity the document has, in this order:
//   "vat"    the seller's VAT id (field seller_vat_id), normalised:      "vat:DE123456789"
//   "iban"   the payee's IBAN (field iban), normalised:                  "iban:DE89370400440532013000"
//   "name"   the seller's or merchant's name (seller_name, merchant_name), lower-cased, letters
//            and digits only, legal-form words (gmbh, ltd, sdn bhd, inc, ...) left out:
//            "name:acme trading"
//   "layout" a fingerprint of the first page's letterhead: the first 6 words of three or more
//            letters in the page's top quarter, lower-cased, each with the third of the page
//            width it starts in, hashed: "layout:<16 hex digits>"
// and kind "" with key "" when it has none of them (an empty page). Keys are at most 256 bytes.
#ifndef SHEAF_LEARN_SENDER_H_
#define SHEAF_LEARN_SENDER_H_

#include <string>

#include "core/edit_distance.h"  // EditDistance, used with the keys below
#include "sheaf/document.h"

namespace sheaf::learn {

struct SenderIdentity {
  std::string kind;  // "vat" | "iban" | "name" | "layout" | ""
  std::string key;   // kind + ":" + the normalised identity; "" when kind is ""
};

SenderIdentity IdentifySender(const Document& doc);

// A company name as IdentifySender compares it ("ACME Trading GmbH." -> "acme trading"); ""
// when nothing but legal-form words and punctuation is left.
std::string NormalizeSenderName(std::string_view name);

// Whether two sender keys name the same sender as far as OCR lets one tell: equal, or both
// `name` keys whose letters and digits (spaces dropped) are at most one edit in six apart (at
// least 5 of them; "sanyo stationery shop" is "sanyu stationery shop", "mr diy" is not "mr dix"
// but is "mr diy m"). VAT ids, IBANs and layouts are compared exactly.
bool SameSender(std::string_view a, std::string_view b);

}  // namespace sheaf::learn

#endif  // SHEAF_LEARN_SENDER_H_
