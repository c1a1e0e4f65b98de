// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/understand.h"

#include <chrono>
#include <iterator>
#include <string_view>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "extract/extractor.h"
#include "validate/validator.h"

namespace sheaf {

namespace {

double MsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// Design, "Cache Layers": L4, classification results live 1 h. The key carries the model
// version (a hash of its weights), so a retrained model never reads an older model's entries.
constexpr std::chrono::seconds kClassificationTtl{3600};

// The rule validate::CrossCheck reports under: ExtractStep leaves its results in
// doc->validation, ValidateStep keeps them.
constexpr std::string_view kCrossCheckRule = "einvoice_match";
// The rules an ExtractionAssist reports under start so; ValidateStep keeps them too.
constexpr std::string_view kAssistRulePrefix = "foundation_model";

}  // namespace

classify::DocumentText ToDocumentText(const Document& doc) {
  classify::DocumentText t;
  int from_text = 0;
  for (const Page& p : doc.pages) {
    if (!t.text.empty()) t.text += '\n';
    t.text += p.Text();
    from_text += p.source != PageSource::kOcr ? 1 : 0;
  }
  t.page_count = static_cast<int>(doc.pages.size());
  t.text_layer_fraction =
      doc.pages.empty() ? 0 : static_cast<double>(from_text) / static_cast<double>(doc.pages.size());
  return t;
}

Understander::Understander(std::shared_ptr<const classify::TextClassifier> model,
                           std::map<std::string, extract::Schema> schemas, std::shared_ptr<Cache> cache,
                           EmbeddedInvoiceReader einvoice, UnderstandOptions options,
                           std::shared_ptr<const ExtractionAssist> assist)
    : model_(std::move(model)),
      schemas_(std::move(schemas)),
      cache_(std::move(cache)),
      einvoice_(std::move(einvoice)),
      options_(std::move(options)),
      assist_(std::move(assist)) {}

DocumentType Understander::Classify(const Document& doc) const {
  if (!model_) return {"other", 0.0};
  std::string key;
  if (cache_ && !doc.sha256.empty()) {
    key = "classify/" + model_->Version() + "/" + doc.sha256;
    Result<std::optional<std::string>> got = cache_->Get(key);
    if (got.ok() && got->has_value()) {
      nlohmann::json j = nlohmann::json::parse(**got, nullptr, false);
      if (j.is_object() && j.contains("label") && j["label"].is_string() && j.contains("confidence") &&
          j["confidence"].is_number()) {
        ++hits_;
        return {j["label"].get<std::string>(), j["confidence"].get<double>()};
      }
    }
    ++misses_;
  }
  classify::Prediction p = model_->Predict(ToDocumentText(doc));
  DocumentType t{p.label, p.confidence};
  if (!key.empty()) {
    nlohmann::json j{{"label", t.label}, {"confidence", t.confidence}};
    if (Status s = cache_->Put(key, j.dump(), kClassificationTtl); !s.ok()) {
      spdlog::warn("classification cache: {}", s.message());
    }
  }
  return t;
}

const extract::Schema* Understander::SchemaFor(const Document& doc) const {
  auto it = schemas_.find(doc.document_type.label);
  if (it == schemas_.end()) it = schemas_.find("other");
  return it == schemas_.end() ? nullptr : &it->second;
}

bool Understander::hinted() const {
  return !options_.type_hint.empty() && options_.type_hint != "auto";
}

void Understander::Run(Document* doc, DocumentReader* reader) const {
  ClassifyStep(doc);
  ExtractStep(doc, reader);
  ValidateStep(doc);
}

void Understander::ClassifyStep(Document* doc) const {
  if (doc->status == DocumentStatus::kFailed) return;
  auto t0 = std::chrono::steady_clock::now();
  if (hinted()) {
    doc->document_type = {options_.type_hint, 1.0};
  } else {
    doc->document_type = Classify(*doc);
    doc->timings_ms["classify"] += MsSince(t0);
  }
}

void Understander::ExtractStep(Document* doc, DocumentReader* reader) const {
  if (doc->status == DocumentStatus::kFailed) return;
  const extract::Schema* schema = SchemaFor(*doc);
  if (schema == nullptr) return;

  auto t1 = std::chrono::steady_clock::now();
  extract::Extraction ex = extract::Extract(*doc, *schema);
  if (options_.ranker) options_.ranker->Apply(*doc, *schema, &ex);
  doc->fields = std::move(ex.fields);
  doc->line_items = std::move(ex.line_items);
  doc->validation.clear();
  std::optional<EmbeddedInvoice> xml;
  // Only invoices carry e-invoice XML; without the open reader, reading attachments means
  // parsing the PDF again.
  if (einvoice_ && doc->format == "pdf" && schema->type == "invoice") xml = einvoice_(*doc, reader);
  if (xml) {
    // The XML is the source of truth; the page is checked against it. The check is kept in
    // doc->validation for ValidateStep to report.
    doc->validation = validate::CrossCheck(doc->fields, xml->fields);
    for (const auto& [name, value] : xml->fields) {
      Field f;
      auto seen = doc->fields.find(name);
      if (seen != doc->fields.end()) f = seen->second;
      f.value = value;
      if (f.raw.empty()) f.raw = value;
      f.confidence = 1.0;
      f.source = "embedded_xml";
      doc->fields[name] = f;
    }
    if (!xml->line_items.empty()) {
      doc->line_items.clear();
      for (const auto& li : xml->line_items) {
        LineItem item;
        for (const auto& [k, v] : li) {
          Field f;
          f.value = v;
          f.raw = v;
          f.confidence = 1.0;
          f.source = "embedded_xml";
          item[k] = f;
        }
        doc->line_items.push_back(std::move(item));
      }
    }
  }
  if (assist_) {
    const std::string& label = doc->document_type.label;
    const bool novel = label == "other" || label == "unknown" ||
                       (!hinted() && doc->document_type.confidence < options_.min_type_confidence);
    assist_->Assist(*schema, novel, doc);
  }
  doc->timings_ms["extract"] += MsSince(t1);
}

void Understander::ValidateStep(Document* doc) const {
  if (doc->status == DocumentStatus::kFailed) return;
  const extract::Schema* schema = SchemaFor(*doc);
  if (schema == nullptr) return;

  auto t2 = std::chrono::steady_clock::now();
  std::vector<RuleResult> cross;
  for (RuleResult& r : doc->validation) {
    if (r.rule == kCrossCheckRule || r.rule.rfind(kAssistRulePrefix, 0) == 0) cross.push_back(std::move(r));
  }
  doc->validation = validate::Validate(*schema, doc->fields, doc->line_items);
  doc->validation.insert(doc->validation.end(), std::make_move_iterator(cross.begin()),
                         std::make_move_iterator(cross.end()));
  validate::DecideStatus(*schema, doc);
  if (!hinted() && doc->document_type.confidence < options_.min_type_confidence) {
    doc->status = DocumentStatus::kNeedsReview;
    doc->review_reasons.push_back("document_type: " + doc->document_type.label + " with confidence " +
                                  std::to_string(doc->document_type.confidence).substr(0, 4));
  }
  doc->timings_ms["validate"] += MsSince(t2);
}

}  // namespace sheaf
