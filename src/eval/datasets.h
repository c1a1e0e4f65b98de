// SPDX-License-Identifier: GPL-3.0-or-later
//
// Ground truth of the labelled evaluation datasets (../shared/datasets/<name>/, each described
// by its README.md), read into one shape: the input file of each document and the values Sheaf
// should extract from it, under Sheaf's schema field names (schemas/*.yaml).
//
// Contract:
// - LoadDataset never throws. Every problem is a Status whose message names the file and, for a
//   manifest line, the line: "<dir>/manifest.jsonl:7: ..." (lines count from 1). A missing
//   folder, manifest or listed file is kNotFound, an unreadable one kIoError, anything malformed
//   kInvalidArgument.
// - Expected values are as the dataset gives them (printed or canonical); compare them with
//   eval::ValuesMatch, which normalises both sides. Empty and null values are left out.
// - Documents come in manifest order. Reads files only; safe to call from any thread.
#ifndef SHEAF_EVAL_DATASETS_H_
#define SHEAF_EVAL_DATASETS_H_

#include <map>
#include <string>
#include <string_view>
#include <cstddef>
#include <vector>

#include "eval/field_eval.h"
#include "sheaf/status.h"

namespace sheaf::eval {

inline constexpr char kDefaultDatasetsRoot[] = "../shared/datasets";

struct LabelledDocument {
  // The input's path relative to the dataset folder ("img/000.jpg"); unique in the dataset.
  std::string id;
  // The input's path: the dataset folder as found (datasets_root/<name> or the folder given)
  // joined with `id`, so it opens from the current directory.
  std::string file;
  std::string type;  // the document type whose schema applies: receipt | invoice | form
  // Expected values by schema field name (merchant_name, invoice_date, total, ...).
  std::map<std::string, std::string> fields;
  // Expected key/value pairs of a form, in annotation order.
  std::vector<KvPair> pairs;
  // Dataset-specific facts that are not fields (sroie_id, type_code, annotation path, ...).
  std::map<std::string, std::string> extra;
  // Who issued the document, for sender-disjoint (grouped) evaluation: documents with the same
  // non-empty `sender` come from the same shop or issuer. Empty when the dataset does not say;
  // such a document is a sender of its own. See NormalizeSender and LoadDataset.
  std::string sender;
  // True when documents of this dataset annotate different fields (invoice2data's templates,
  // generated documents that print only some fields): score only this document's own fields,
  // not every field the dataset annotates somewhere.
  bool fields_per_document = false;
  // The Tesseract languages the document is printed in, as its dataset's README says ("msa+eng"
  // for SROIE's Malaysian receipts); empty when the dataset does not say.
  std::string ocr_languages;
};

// A sender's identity from the name it prints: the name's lines that are not ids or labels
// (a line with a colon or five digits in a row: "GLN 4333741000005", "Lief-Nr: 549910"), with
// parenthesised parts ("(M)", "(KL)") and legal forms (SDN BHD, S/B, BERHAD, GmbH, AG, Ltd,
// Co., SARL, ...) removed, folded to lower-case letters and digits. So "MR. D.I.Y. (M) SDN BHD"
// and "MR. D.I.Y. (KUCHAI) SDN BHD" are one sender ("mrdiy"), as are "MUSTERLIEFERANT GMBH"
// and "GLN 4333741000005\nLief-Nr: 549910\nMUSTERLIEFERANT GMBH". Returns "" for a name
// with no letters or digits left.
std::string NormalizeSender(std::string_view name);

// Reads the ground truth of one dataset. `name_or_dir` is a dataset name (sroie,
// zugferd_corpus or its alias zugferd, invoice2data, funsd), looked up under `datasets_root`,
// or a path to a dataset folder (anything with a "/", or a name that is not a dataset name).
// A folder's dataset is told by its base name, else by the keys of its manifest's first line.
//
// Per dataset (see each README.md):
//   sroie          type receipt; merchant_name <- company, merchant_address <- address,
//                  date <- date, total <- total (as printed: "RM8.60", "30 MAR 2018");
//                  ocr_languages "msa+eng" (Malaysian receipts, printed in Malay and English);
//                  sender <- NormalizeSender(company)
//   zugferd_corpus type invoice; invoice_number, invoice_date <- issue_date (YYYY-MM-DD),
//                  due_date (YYYY-MM-DD), seller_name, seller_vat_id, buyer_name, currency,
//                  subtotal <- tax_basis_total, tax <- tax_total, total <- grand_total, iban;
//                  sender <- NormalizeSender(seller_name) (not the VAT id: the samples share
//                  placeholder ids, DE123456789 among six different sellers)
//   invoice2data   type invoice, one document per input listed (PDF and PNG renderings);
//                  from compare/<name>.json: invoice_number, invoice_date <- date,
//                  due_date <- date_due, total <- amount, subtotal <- amount_untaxed,
//                  tax <- amount_tax (numbers with two decimals), currency, iban,
//                  seller_vat_id <- vat; sender <- NormalizeSender(issuer) (a template
//                  constant that names the issuer; both renderings of an invoice share it)
//   a generated corpus (tools/corpus; any folder whose manifest lines hold "file", "label" and
//                  "truth"): type <- the truth file's "type" (else the label), fields <- its
//                  "fields" as printed, sender <- NormalizeSender(its "sender");
//                  fields_per_document
//   funsd          type form; pairs: each question entity with the answer entities linked to
//                  it (values joined by a blank in id order); pairs with an empty key or value
//                  are left out; no sender (each form is its own)
Result<std::vector<LabelledDocument>> LoadDataset(
    const std::string& name_or_dir, const std::string& datasets_root = kDefaultDatasetsRoot);

// Several datasets as one mixed set, as `sheaf eval --dataset a,b` and `train-extractor` take
// them: each part loaded by LoadDataset (its first `limit` documents when limit > 0), in order.
// With more than one part, each id is prefixed "part:" so that ids stay unique.
struct DatasetList {
  std::vector<std::string> parts;    // the names or folders, as given
  std::vector<LabelledDocument> docs;
  std::vector<std::size_t> part_of;  // document -> index into `parts`
};
Result<DatasetList> LoadDatasets(std::string_view comma_separated, const std::string& datasets_root,
                                 int limit);

}  // namespace sheaf::eval

#endif  // SHEAF_EVAL_DATASETS_H_
