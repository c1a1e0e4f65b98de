// SPDX-License-Identifier: GPL-3.0-or-later
//
// The understanding stages that follow OCR, run on one document at a time:
//   classify  -> document_type (skipped when a type is given; cached by document hash + model)
//   extract   -> fields and line items per the type's schema; an embedded e-invoice XML, when the
//                document carries one, is the source of truth for the fields it has
//   validate  -> rule results, then the status (completed / needs_review)
//
// Each stage is also a public step, so a service can run them as separate queue consumers with
// the document handed between them as state JSON (core/state_json.h): a step reads nothing but
// the Document and the Understander's construction arguments, and leaves everything the next
// step needs in the Document. Run(doc) is ClassifyStep, ExtractStep, ValidateStep in order.
//
// Contract: the steps never throw and leave failed documents untouched. An Understander is
// immutable after construction and safe to use from many threads at once (the cache must be).
#ifndef SHEAF_PIPELINE_UNDERSTAND_H_
#define SHEAF_PIPELINE_UNDERSTAND_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "classify/classifier.h"
#include "extract/ranker.h"
#include "extract/schema.h"
#include "sheaf/cache.h"
#include "sheaf/document.h"
#include "sheaf/reader.h"

namespace sheaf {

// The fields of an e-invoice embedded in the document (empty when there is none).
struct EmbeddedInvoice {
  std::string syntax;  // "cii", "cii-zugferd1", "ubl"
  std::map<std::string, std::string> fields;
  std::vector<std::map<std::string, std::string>> line_items;
};
// Reads the e-invoice embedded in `doc`: from `reader`, the document as the processor opened it,
// when not null (no second parse), otherwise from the file doc.source.
using EmbeddedInvoiceReader =
    std::function<std::optional<EmbeddedInvoice>(const Document& doc, DocumentReader* reader)>;

// A second opinion on the fields the built-in extraction left empty or unsure (the foundation
// model, pipeline/model_assist.h). ExtractStep calls it last, with `novel` true when the
// document's type is unknown, "other" or unsure. It may change doc->fields and append rule
// results named "foundation_model_*" to doc->validation, which ValidateStep keeps (they send the
// document to review). Implementations never throw and are safe for concurrent use.
class ExtractionAssist {
 public:
  virtual ~ExtractionAssist() = default;
  virtual void Assist(const extract::Schema& schema, bool novel, Document* doc) const = 0;
};

struct UnderstandOptions {
  std::string type_hint;  // "" or "auto": classify; otherwise the schema to use
  // Below this classifier confidence the document goes to review (its type is unsure).
  double min_type_confidence = 0.5;
  // Re-chooses the fields it has a model for after the rules (extract/ranker.h); null: rules only.
  std::shared_ptr<const extract::Ranker> ranker;
};

class Understander {
 public:
  // `model` may be null (then every document is typed "other" unless hinted); `cache` may be
  // null; `einvoice` may be empty; `assist` may be null (no foundation model). `schemas` must
  // hold "other".
  Understander(std::shared_ptr<const classify::TextClassifier> model,
               std::map<std::string, extract::Schema> schemas, std::shared_ptr<Cache> cache,
               EmbeddedInvoiceReader einvoice, UnderstandOptions options,
               std::shared_ptr<const ExtractionAssist> assist = nullptr);

  // ClassifyStep, ExtractStep and ValidateStep, in that order. `reader`: see ExtractStep.
  void Run(Document* doc, DocumentReader* reader = nullptr) const;

  // Sets doc->document_type: the type hint with confidence 1, or the classifier's prediction
  // (cached by document hash and model version), timed as "classify" (not when hinted).
  void ClassifyStep(Document* doc) const;
  // Sets doc->fields and doc->line_items by the schema of doc->document_type ("other" when it
  // has none). When the document carries an embedded e-invoice, its values replace the visible
  // ones and doc->validation holds only the cross-check of the two (rule "einvoice_match");
  // otherwise doc->validation is emptied. Then the assist, when there is one, may fill fields
  // left empty or unsure (see ExtractionAssist). Timed as "extract". `reader`, when not null, is
  // the document still open (the processor's), which the e-invoice reader reads from.
  void ExtractStep(Document* doc, DocumentReader* reader = nullptr) const;
  // Replaces doc->validation by the schema's rules followed by the cross-check results
  // and the assist's results ExtractStep left there, then sets doc->status and doc->review_reasons (an unsure
  // classification goes to review). Timed as "validate".
  void ValidateStep(Document* doc) const;

  // The schemas in use, by document type.
  const std::map<std::string, extract::Schema>& schemas() const { return schemas_; }

  std::uint64_t cache_hits() const { return hits_; }
  std::uint64_t cache_misses() const { return misses_; }

 private:
  DocumentType Classify(const Document& doc) const;
  // The schema for doc's type, falling back to "other"; null when neither exists.
  const extract::Schema* SchemaFor(const Document& doc) const;
  bool hinted() const;

  std::shared_ptr<const classify::TextClassifier> model_;
  std::map<std::string, extract::Schema> schemas_;
  std::shared_ptr<Cache> cache_;
  EmbeddedInvoiceReader einvoice_;
  UnderstandOptions options_;
  std::shared_ptr<const ExtractionAssist> assist_;
  mutable std::atomic<std::uint64_t> hits_{0}, misses_{0};
};

// What the classifier reads of a processed document.
classify::DocumentText ToDocumentText(const Document& doc);

}  // namespace sheaf

#endif  // SHEAF_PIPELINE_UNDERSTAND_H_
