// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/understand.h"

#include <gtest/gtest.h>

#include <mutex>

#include "core/result_json.h"
#include "core/state_json.h"

namespace sheaf {
namespace {

const std::string kSchemaDir = std::string(SHEAF_SOURCE_DIR) + "/schemas";

std::map<std::string, extract::Schema> Schemas() {
  auto loaded = extract::LoadSchemaDir(kSchemaDir);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? *loaded : std::map<std::string, extract::Schema>{};
}

// A map in memory, counting calls.
class MemoryCache : public Cache {
 public:
  Result<std::optional<std::string>> Get(const std::string& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++gets;
    auto it = data_.find(key);
    if (it == data_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Status Put(const std::string& key, std::string_view value, std::chrono::seconds) override {
    std::lock_guard<std::mutex> lock(mu_);
    data_[key] = std::string(value);
    return Status();
  }
  int gets = 0;

 private:
  std::mutex mu_;
  std::map<std::string, std::string> data_;
};

Document TextDoc(const std::string& text, const std::string& sha = "abc") {
  Document doc;
  doc.sha256 = sha;
  doc.format = "pdf";
  Page p;
  p.number = 1;
  p.width = 1000;
  p.height = 1000;
  p.source = PageSource::kTextLayer;
  Block b;
  int y = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    Line l;
    int x = 0;
    std::size_t i = 0;
    while (i < line.size()) {
      std::size_t j = line.find(' ', i);
      if (j == std::string::npos) j = line.size();
      if (j > i) {
        Word w{line.substr(i, j - i), {x + static_cast<int>(i) * 10, y, x + static_cast<int>(j) * 10, y + 16}, 1.0};
        l.words.push_back(w);
        l.bbox = l.bbox.Union(w.bbox);
      }
      i = j + 1;
    }
    if (!l.words.empty()) b.lines.push_back(l);
    y += 20;
    start = end + 1;
  }
  p.blocks.push_back(b);
  doc.pages.push_back(p);
  return doc;
}

std::shared_ptr<const classify::TextClassifier> TinyModel() {
  std::vector<classify::DocumentText> docs;
  std::vector<std::string> labels;
  for (int i = 0; i < 12; ++i) {
    docs.push_back({"TAX INVOICE total cash change receipt thank you " + std::to_string(i), 1, 0});
    labels.push_back("receipt");
    docs.push_back({"Dear Sir, we write to inform you. Sincerely yours " + std::to_string(i), 1, 1});
    labels.push_back("letter");
  }
  auto m = classify::TextClassifier::Train(docs, labels);
  EXPECT_TRUE(m.ok());
  return std::make_shared<const classify::TextClassifier>(std::move(m).value());
}

TEST(Understander, HintSkipsClassificationAndUsesTheSchema) {
  Understander u(nullptr, Schemas(), nullptr, {}, {"receipt", 0.5, nullptr});
  Document doc = TextDoc("SHOP SDN BHD\nTOTAL   12.50\nDate: 01/02/2024");
  u.Run(&doc);
  EXPECT_EQ(doc.document_type.label, "receipt");
  EXPECT_EQ(doc.document_type.confidence, 1.0);
  EXPECT_EQ(doc.fields.at("total").value, "12.50");
  EXPECT_EQ(doc.fields.at("date").value, "2024-02-01");
  EXPECT_FALSE(doc.validation.empty());
  EXPECT_EQ(doc.timings_ms.count("classify"), 0u);
  EXPECT_EQ(doc.timings_ms.count("extract"), 1u);
}

TEST(Understander, ClassifiesAndCachesByDocumentAndModel) {
  auto cache = std::make_shared<MemoryCache>();
  Understander u(TinyModel(), Schemas(), cache, {}, {});
  Document a = TextDoc("TAX INVOICE\ntotal 3.00 cash 5.00 change 2.00\nthank you", "hash-1");
  u.Run(&a);
  EXPECT_EQ(a.document_type.label, "receipt");
  EXPECT_EQ(u.cache_misses(), 1u);
  Document again = TextDoc("TAX INVOICE\ntotal 3.00 cash 5.00 change 2.00\nthank you", "hash-1");
  u.Run(&again);
  EXPECT_EQ(u.cache_hits(), 1u);
  EXPECT_EQ(again.document_type.label, a.document_type.label);
  EXPECT_DOUBLE_EQ(again.document_type.confidence, a.document_type.confidence);
  Document letter = TextDoc("Dear Sir,\nwe write to inform you.\nSincerely yours", "hash-2");
  u.Run(&letter);
  EXPECT_EQ(letter.document_type.label, "letter");
  EXPECT_EQ(u.cache_misses(), 2u);
}

TEST(Understander, UnsureTypeGoesToReview) {
  Understander u(TinyModel(), Schemas(), nullptr, {}, {"auto", 0.999, nullptr});
  Document doc = TextDoc("zzz qqq");
  u.Run(&doc);
  EXPECT_EQ(doc.status, DocumentStatus::kNeedsReview);
  ASSERT_FALSE(doc.review_reasons.empty());
  EXPECT_NE(doc.review_reasons.back().find("document_type"), std::string::npos);
}

// The processor's open reader reaches the e-invoice reader, so it need not parse the file again;
// without one (the service's staged extraction) it is null.
TEST(Understander, EmbeddedInvoiceReaderIsGivenTheOpenDocument) {
  std::vector<DocumentReader*> seen;
  EmbeddedInvoiceReader reader = [&seen](const Document&, DocumentReader* opened) {
    seen.push_back(opened);
    return std::optional<EmbeddedInvoice>();
  };
  Understander u(nullptr, Schemas(), nullptr, reader, {"invoice", 0.5, nullptr});
  class OneTextPage : public DocumentReader {
   public:
    int page_count() const override { return 1; }
    Result<RawPage> ReadPage(int) override { return RawPage{}; }
  } open;
  Document doc = TextDoc("Rechnungsnummer: RE-9\nGesamtbetrag   119,00 EUR");
  u.Run(&doc, &open);
  Document staged = TextDoc("Rechnungsnummer: RE-9\nGesamtbetrag   119,00 EUR");
  u.ClassifyStep(&staged);
  u.ExtractStep(&staged);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], &open);
  EXPECT_EQ(seen[1], nullptr);
  EXPECT_TRUE(open.EmbeddedFiles(1 << 20).empty());  // formats without attachments have none
}

TEST(Understander, EmbeddedInvoiceIsTheSourceOfTruthAndIsCrossChecked) {
  EmbeddedInvoiceReader reader = [](const Document&, DocumentReader*) -> std::optional<EmbeddedInvoice> {
    EmbeddedInvoice inv;
    inv.syntax = "cii";
    inv.fields = {{"invoice_number", "RE-1"}, {"total", "119.00"}, {"invoice_date", "2024-03-05"}};
    inv.line_items = {{{"description", "Widget"}, {"amount", "100.00"}}};
    return inv;
  };
  Understander u(nullptr, Schemas(), nullptr, reader, {"invoice", 0.5, nullptr});
  Document doc = TextDoc("Rechnungsnummer: RE-9\nGesamtbetrag   119,00 EUR");
  u.Run(&doc);
  EXPECT_EQ(doc.fields.at("invoice_number").value, "RE-1");
  EXPECT_EQ(doc.fields.at("invoice_number").source, "embedded_xml");
  EXPECT_EQ(doc.fields.at("invoice_number").confidence, 1.0);
  // The box of the visible value is kept.
  EXPECT_EQ(doc.fields.at("total").page, 1);
  ASSERT_EQ(doc.line_items.size(), 1u);
  const RuleResult* cross = nullptr;
  for (const RuleResult& r : doc.validation) {
    if (r.rule == "einvoice_match") cross = &r;
  }
  ASSERT_NE(cross, nullptr);
  EXPECT_EQ(cross->status, RuleStatus::kWarn);
  EXPECT_EQ(cross->fields, std::vector<std::string>{"invoice_number"});
  EXPECT_EQ(doc.status, DocumentStatus::kNeedsReview);
}

TEST(Understander, FailedDocumentsAreLeftAlone) {
  Understander u(nullptr, Schemas(), nullptr, {}, {"receipt", 0.5, nullptr});
  Document doc;
  doc.status = DocumentStatus::kFailed;
  doc.error = Status(ErrorCode::kInvalidDocument, "x: broken");
  u.Run(&doc);
  EXPECT_EQ(doc.status, DocumentStatus::kFailed);
  EXPECT_TRUE(doc.fields.empty());
  EXPECT_EQ(doc.document_type.label, "unknown");
}

// What a queue hop does to a document: state JSON, dumped to text and read back.
Document ThroughState(const Document& doc) {
  Result<Document> back =
      DocumentFromStateJson(nlohmann::json::parse(DocumentToStateJson(doc).dump()));
  EXPECT_TRUE(back.ok()) << back.status().ToString();
  return back.ok() ? *back : Document{};
}

// The result JSON with every word, timings reduced to the stages that ran (their values differ).
std::string Comparable(Document doc) {
  for (auto& [stage, ms] : doc.timings_ms) ms = 0;
  return DumpJson(DocumentToJson(doc, {.include_words = true}), 1);
}

void ExpectStepsThroughStateEqualRun(const Understander& u, const Document& input) {
  Document whole = input;
  u.Run(&whole);
  Document staged = ThroughState(input);
  u.ClassifyStep(&staged);
  staged = ThroughState(staged);
  u.ExtractStep(&staged);
  staged = ThroughState(staged);
  u.ValidateStep(&staged);
  EXPECT_EQ(Comparable(staged), Comparable(whole));
}

TEST(Understander, StepsWithStateJsonBetweenThemEqualRunForAnEmbeddedInvoice) {
  EmbeddedInvoiceReader reader = [](const Document&, DocumentReader*) -> std::optional<EmbeddedInvoice> {
    EmbeddedInvoice inv;
    inv.syntax = "cii";
    inv.fields = {{"invoice_number", "RE-1"}, {"total", "119.00"}, {"invoice_date", "2024-03-05"}};
    inv.line_items = {{{"description", "Widget"}, {"amount", "100.00"}}};
    return inv;
  };
  Understander u(nullptr, Schemas(), nullptr, reader, {"invoice", 0.5, nullptr});
  Document doc = TextDoc("Rechnungsnummer: RE-9\nGesamtbetrag   119,00 EUR");
  ExpectStepsThroughStateEqualRun(u, doc);

  // The cross-check found by ExtractStep survives the hop and is reported by ValidateStep.
  Document staged = doc;
  u.ClassifyStep(&staged);
  u.ExtractStep(&staged);
  ASSERT_EQ(staged.validation.size(), 1u);  // only the cross-check so far
  staged = ThroughState(staged);
  u.ValidateStep(&staged);
  ASSERT_FALSE(staged.validation.empty());
  EXPECT_EQ(staged.validation.back().rule, "einvoice_match");
  EXPECT_EQ(staged.validation.back().status, RuleStatus::kWarn);
  EXPECT_EQ(staged.status, DocumentStatus::kNeedsReview);
}

TEST(Understander, StepsWithStateJsonBetweenThemEqualRunWhenClassified) {
  Understander sure(TinyModel(), Schemas(), nullptr, {}, {});
  ExpectStepsThroughStateEqualRun(
      sure, TextDoc("TAX INVOICE\nTOTAL 3.00 cash 5.00 change 2.00\nDate: 01/02/2024\nthank you"));
  // An unsure type adds a review reason in ValidateStep, from the type ClassifyStep stored.
  Understander unsure(TinyModel(), Schemas(), nullptr, {}, {"auto", 0.999, nullptr});
  ExpectStepsThroughStateEqualRun(unsure, TextDoc("zzz qqq"));
}

TEST(Understander, StepsEachRecordTheirOwnTiming) {
  Understander u(TinyModel(), Schemas(), nullptr, {}, {});
  Document doc = TextDoc("Dear Sir,\nwe write to inform you.\nSincerely yours");
  u.ClassifyStep(&doc);
  EXPECT_EQ(doc.document_type.label, "letter");
  EXPECT_EQ(doc.timings_ms.count("classify"), 1u);
  EXPECT_EQ(doc.timings_ms.count("extract"), 0u);
  u.ExtractStep(&doc);
  EXPECT_EQ(doc.timings_ms.count("extract"), 1u);
  EXPECT_EQ(doc.timings_ms.count("validate"), 0u);
  u.ValidateStep(&doc);
  EXPECT_EQ(doc.timings_ms.count("validate"), 1u);
}

}  // namespace
}  // namespace sheaf
