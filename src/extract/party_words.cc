// SPDX-License-Identifier: GPL-3.0-or-later
//
// The words and line shapes names and addresses at the top of a page are told by (party_words.h).
#include "extract/party_words.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extract_context.h"

namespace sheaf::extract::internal {

const std::initializer_list<std::string_view> kCompanySuffixes = {
    "bhd", "sdn", "enterprise", "enterprises", "trading", "restaurant", "restoran", "ltd",
    "limited", "gmbh", "ag", "kg", "ohg", "ug", "inc", "llc", "corp", "corporation", "company",
    "sarl", "sas", "sa", "bv", "nv", "plc", "pte", "co", "mart", "market", "supermarket",
    "store", "stores", "cafe", "café", "bakery", "hardware", "pharmacy", "kedai", "station",
    "hotel", "shop", "gbr", "kgaa", "se", "eurl", "srl", "spa", "oy", "ab", "as", "aps", "sasu"};

const std::initializer_list<std::string_view> kNotANameWords = {
    "invoice", "receipt", "tax", "cash", "bill", "welcome", "tel", "telephone", "fax", "phone",
    "gst", "reg", "date", "cashier", "table", "official", "simplified", "rechnung", "facture",
    "quittung", "beleg", "kassenbon", "copy", "customer", "page", "seite", "no", "order",
    "stylesheet", "www", "http", "https", "email", "mail", "member", "thank", "thanks",
    // what stamps print over a slip's head
    "approved", "paid", "lunas", "received", "duplicate", "void", "cancelled", "canceled", "posted"};

const std::initializer_list<std::string_view> kAddressStopWords = {
    "tel", "telephone", "phone", "fax", "email", "mail", "www", "http", "https", "gst", "tax",
    "invoice", "receipt", "cashier", "date", "time", "table", "bill", "counter", "hp", "mobile",
    "website", "reg", "registration", "company", "roc", "sst", "vat", "ust", "steuernummer", "abn",
    "acn", "uen", "gstin", "kvk", "siret", "siren", "btw", "copy",
    "rechnung", "facture", "member", "order", "cash", "doc", "no:", "slip", "pos", "terminal"};

const std::initializer_list<std::string_view> kAddressWords = {
    "jalan", "jln", "taman", "lorong", "street", "st", "road", "rd", "avenue", "ave", "lane",
    "blvd", "drive", "strasse", "straße", "str", "weg", "platz", "allee", "gasse", "rue", "avenue",
    "boulevard", "chemin", "place", "bandar", "kampung", "kg", "lot", "ptd", "plot", "unit", "blk",
    "blok", "level", "floor", "suite",
    "building", "plaza", "park", "johor", "selangor", "kuala", "lumpur", "malaysia", "germany",
    "deutschland", "france", "usa", "uk", "singapore", "cedex", "postfach", "box"};

// The longest run of digits in `text`.
int LongestDigitRun(std::string_view text) {
  int best = 0, run = 0;
  for (char ch : text) {
    run = std::isdigit(static_cast<unsigned char>(ch)) ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

bool LooksLikeRegistration(const std::string& text) {
  // "(867388-U)", "002043319-W", "CO. REG NO: 123", "ROC NO. 12345-X", "Company No."
  std::vector<std::string> t = Tokens(text);
  if (HasWord(t, {"reg", "roc", "registration", "company", "co"}) && CountDigits(text) > 0) return true;
  // Its label alone ("Company Reg No.", the number cut off or on the next line), whatever
  // "Company" suggests.
  if (HasWord(t, {"reg", "roc", "registration"}) && HasWord(t, {"no", "number", "nr"})) return true;
  if (CountDigits(text) >= 4 && CountLetters(text) <= 3 && t.size() <= 3) {
    // A registration number is digits with at most a check letter after them ("1000131-K",
    // "002043319W"); a token with letters before its digits is a street or unit ("SS21/1A",
    // "L4-17").
    for (const std::string& tok : t) {
      std::size_t first_digit = tok.find_first_of("0123456789");
      if (first_digit == std::string::npos) continue;
      int ascii_letters = 0;
      for (std::size_t k = 0; k < tok.size(); ++k) {
        if (std::isalpha(static_cast<unsigned char>(tok[k]))) {
          if (k < first_digit) return false;
          ++ascii_letters;
        }
      }
      if (ascii_letters > 1) return false;
    }
    return true;
  }
  return false;
}

bool IsPostcodeToken(const std::string& t) {
  return (t.size() == 5 || t.size() == 4) && CountDigits(t) == static_cast<int>(t.size());
}

// True iff `text` is a buyer's heading: "Bill To:", "Kunde", "Rechnungsadresse", "Facturé à"
// (not "CUSTOMER COPY" nor "Customer No.").
bool IsBuyerHeading(const std::string& text) {
  std::vector<std::string> toks = Tokens(text);
  if (toks.empty() || toks.size() > 4 || HasWord(toks, {"copy", "receipt", "no", "nr", "id"})) return false;
  return (HasWord(toks, {"to"}) && HasWord(toks, {"bill", "billed", "invoice", "invoiced", "sold", "ship", "deliver"})) ||
         HasWord(toks, {"customer", "client", "kunde", "rechnungsempfänger", "rechnungsadresse", "facturé",
                        "destinataire", "kepada", "pelanggan", "factuuradres", "aan", "buyer", "käufer",
                        "lieferadresse", "lieferanschrift", "livré"});
}

// A branch's line before an address: "Filiale Pebble", "Niederlassung Vista", "CAWANGAN ORION",
// "Branch: Pioneer", "Outlet Bangsar", "Agence de Lyon", "Vestiging Centrum".
bool BranchLine(const std::vector<std::string>& toks) {
  return !toks.empty() && HasWord({toks[0]}, {"filiale", "niederlassung", "cawangan", "branch", "outlet", "agence",
                                              "vestiging", "filiaal", "succursale"});
}

}  // namespace sheaf::extract::internal
