// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/datasets.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <fstream>
#include <set>
#include <string>

#include "extract/schema.h"

namespace sheaf::eval {
namespace {

namespace fs = std::filesystem;
using extract::FieldType;

// The shared datasets, when this checkout has them: $SHEAF_DATASETS, else ../shared/datasets
// beside the source tree.
std::string DatasetsRoot() {
  const char* env = std::getenv("SHEAF_DATASETS");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string(SHEAF_SOURCE_DIR) + "/../shared/datasets";
}

#define REQUIRE_DATASET(name)                                       \
  if (!fs::is_directory(fs::path(DatasetsRoot()) / (name))) {       \
    GTEST_SKIP() << "no " << (name) << " under " << DatasetsRoot(); \
  }

const LabelledDocument* Find(const std::vector<LabelledDocument>& docs, const std::string& id) {
  for (const LabelledDocument& d : docs) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

TEST(LoadDatasets, JoinsPartsInOrderWithPrefixedIdsAndNamesABadPart) {
  REQUIRE_DATASET("sroie");
  REQUIRE_DATASET("invoice2data");
  Result<DatasetList> both = LoadDatasets("invoice2data,sroie", DatasetsRoot(), 2);
  ASSERT_TRUE(both.ok()) << both.status().message();
  ASSERT_EQ(both->docs.size(), 4u);
  EXPECT_EQ(both->parts, (std::vector<std::string>{"invoice2data", "sroie"}));
  EXPECT_EQ(both->part_of, (std::vector<std::size_t>{0, 0, 1, 1}));
  EXPECT_EQ(both->docs[2].id.rfind("sroie:", 0), 0u) << both->docs[2].id;
  Result<DatasetList> one = LoadDatasets("sroie", DatasetsRoot(), 1);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->docs.size(), 1u);
  EXPECT_EQ(one->docs[0].id.find(':'), std::string::npos);  // one part: ids as the dataset has them
  Result<DatasetList> bad = LoadDatasets("sroie,no-such-set", DatasetsRoot(), 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("no-such-set"), std::string::npos) << bad.status().message();
}

TEST(LoadDataset, ReadsTheSroieReceiptsWithTheirFourFields) {
  REQUIRE_DATASET("sroie");
  Result<std::vector<LabelledDocument>> docs = LoadDataset("sroie", DatasetsRoot());
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 126u);
  const LabelledDocument& first = docs->front();
  EXPECT_EQ(first.id, "img/000.jpg");
  EXPECT_EQ(first.file, (fs::path(DatasetsRoot()) / "sroie" / "img/000.jpg").string());
  EXPECT_EQ(first.type, "receipt");
  EXPECT_EQ(first.fields.at("merchant_name"), "BOOK TA .K (TAMAN DAYA) SDN BHD");
  EXPECT_EQ(first.fields.at("date"), "25/12/2018");
  EXPECT_EQ(first.fields.at("total"), "9.00");
  EXPECT_EQ(first.extra.at("sroie_id"), "X00016469612");
  EXPECT_EQ(first.ocr_languages, "msa+eng");  // Malaysian receipts: Malay and English
  EXPECT_EQ(first.sender, "booktak");
  std::set<std::string> senders;
  for (const LabelledDocument& d : *docs) senders.insert(d.sender);
  // 73 company names as printed; the branches of one chain ("MR. D.I.Y. (M) SDN BHD", "MR.
  // D.I.Y. (KUCHAI) SDN BHD") are one sender.
  EXPECT_LT(senders.size(), 73u);
  EXPECT_GT(senders.size(), 60u);
  EXPECT_EQ(senders.count(""), 0u);
  for (const LabelledDocument& d : *docs) {
    EXPECT_EQ(d.fields.size(), 4u) << d.id;  // this dev part has no empty value
    // Every printed date and total can be compared by value.
    EXPECT_EQ(NormalizeForCompare(FieldType::kDate, d.fields.at("date")).size(), 10u) << d.id;
    EXPECT_TRUE(ValuesMatch(FieldType::kMoney, d.fields.at("total"),
                            NormalizeForCompare(FieldType::kMoney, d.fields.at("total"))))
        << d.id;
  }
}

TEST(LoadDataset, ReadsTheZugferdInvoicesWithIsoDates) {
  REQUIRE_DATASET("zugferd_corpus");
  Result<std::vector<LabelledDocument>> docs = LoadDataset("zugferd", DatasetsRoot());
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 67u);
  const LabelledDocument* d = Find(*docs, "XML-Rechnung/FX/EN16931_1_Teilrechnung.pdf");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->type, "invoice");
  EXPECT_EQ(d->fields.at("invoice_number"), "471102");
  EXPECT_EQ(d->fields.at("invoice_date"), "2018-06-05");
  EXPECT_EQ(d->fields.at("subtotal"), "177.49");
  EXPECT_EQ(d->fields.at("tax"), "20.16");
  EXPECT_EQ(d->fields.at("total"), "197.65");
  EXPECT_EQ(d->fields.at("seller_vat_id"), "DE123456789");
  EXPECT_EQ(d->fields.count("iban"), 0u);  // null in the manifest
  EXPECT_EQ(d->fields.count("due_date"), 0u);
  EXPECT_EQ(d->extra.at("type_code"), "380");
  EXPECT_EQ(d->sender, "lieferant");
  int with_iban = 0, with_due_date = 0, with_vat_id = 0;
  for (const LabelledDocument& doc : *docs) {
    with_iban += doc.fields.count("iban") ? 1 : 0;
    with_due_date += doc.fields.count("due_date") ? 1 : 0;
    with_vat_id += doc.fields.count("seller_vat_id") ? 1 : 0;
    EXPECT_EQ(doc.fields.at("invoice_date").size(), 10u) << doc.id;
  }
  EXPECT_EQ(with_iban, 22);
  EXPECT_EQ(with_due_date, 20);
  EXPECT_EQ(with_vat_id, 62);
  std::set<std::string> senders;
  for (const LabelledDocument& doc : *docs) senders.insert(doc.sender);
  // 12 seller names in the XML; "GLN ...\nLief-Nr: ...\nMUSTERLIEFERANT GMBH" is the same
  // seller as "MUSTERLIEFERANT GMBH".
  EXPECT_EQ(senders.size(), 11u);
  EXPECT_EQ(senders.count("musterlieferant"), 1u);
}

TEST(LoadDataset, ReadsInvoice2dataWithOneDocumentPerInput) {
  REQUIRE_DATASET("invoice2data");
  Result<std::vector<LabelledDocument>> docs = LoadDataset("invoice2data", DatasetsRoot());
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 8u);  // 6 PDFs + 2 PNG renderings
  const LabelledDocument* png = Find(*docs, "compare/FlipkartInvoice.png");
  ASSERT_NE(png, nullptr);
  EXPECT_EQ(png->fields.at("total"), "319.00");
  EXPECT_EQ(png->fields.at("invoice_number"), "#BLR_WFLD20151000982590");
  EXPECT_EQ(png->fields.at("currency"), "INR");
  const LabelledDocument* azure = Find(*docs, "compare/AzureInterior.pdf");
  ASSERT_NE(azure, nullptr);
  EXPECT_EQ(azure->fields.at("invoice_date"), "2023-03-20");
  EXPECT_EQ(azure->fields.at("due_date"), "2023-04-04");
  EXPECT_EQ(azure->fields.at("subtotal"), "262.90");
  EXPECT_EQ(azure->fields.at("tax"), "16.94");
  EXPECT_EQ(azure->fields.at("total"), "279.84");
  const LabelledDocument* qh = Find(*docs, "compare/QualityHosting.pdf");
  ASSERT_NE(qh, nullptr);
  EXPECT_EQ(qh->fields.at("seller_vat_id"), "DE 232 446 240");
  EXPECT_EQ(Find(*docs, "compare/FlipkartInvoice.pdf")->sender, png->sender);
  EXPECT_FALSE(png->sender.empty());
  for (const LabelledDocument& d : *docs) {
    EXPECT_EQ(d.fields.count("issuer"), 0u);
    EXPECT_EQ(d.fields.count("desc"), 0u);
  }
}

TEST(LoadDataset, ReadsFunsdQuestionAnswerPairs) {
  REQUIRE_DATASET("funsd");
  Result<std::vector<LabelledDocument>> docs = LoadDataset("funsd", DatasetsRoot());
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 149u);
  std::size_t pairs = 0, with_pairs = 0;
  for (const LabelledDocument& d : *docs) {
    EXPECT_EQ(d.type, "form");
    pairs += d.pairs.size();
    with_pairs += d.pairs.empty() ? 0 : 1;
    for (const KvPair& p : d.pairs) {
      EXPECT_FALSE(p.key.empty()) << d.id;
      EXPECT_FALSE(p.value.empty()) << d.id;
    }
  }
  EXPECT_EQ(pairs, 2047u);
  EXPECT_EQ(with_pairs, 147u);  // two forms link no answer to a question
  // The first document is the manifest's first line; its expected id and texts are read from
  // the dataset itself (FUNSD's data, its names included, may not be copied into the tree):
  // every pair is a question linked to its answers, and the last question has two answers,
  // joined in id order.
  const std::filesystem::path funsd = std::filesystem::path(DatasetsRoot()) / "funsd";
  std::ifstream manifest(funsd / "manifest.jsonl");
  std::string line;
  ASSERT_TRUE(std::getline(manifest, line)) << "funsd/manifest.jsonl has no first line";
  const nlohmann::json entry = nlohmann::json::parse(line);
  const LabelledDocument& first = docs->front();
  EXPECT_EQ(first.id, entry["image"].get<std::string>());
  ASSERT_EQ(first.pairs.size(), 7u);
  std::ifstream in(funsd / entry["annotation"].get<std::string>());
  ASSERT_TRUE(in) << "the annotation of " << first.id;
  const nlohmann::json form = nlohmann::json::parse(in)["form"];
  std::map<std::int64_t, nlohmann::json> by_id;
  for (const nlohmann::json& e : form) by_id[e["id"].get<std::int64_t>()] = e;
  auto answers_of = [&](const std::string& question) {
    std::vector<std::string> texts;
    for (const auto& [id, e] : by_id) {
      if (e["label"] != "question" || e["text"] != question) continue;
      std::set<std::int64_t> linked;
      for (const nlohmann::json& l : e["linking"]) {
        if (l[0] == id && by_id.at(l[1].get<std::int64_t>())["label"] == "answer") linked.insert(l[1].get<std::int64_t>());
      }
      for (std::int64_t a : linked) texts.push_back(by_id.at(a)["text"].get<std::string>());
    }
    return texts;
  };
  const std::vector<std::string> second = answers_of(first.pairs[1].key);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first.pairs[1].value, second[0]);
  const std::vector<std::string> last = answers_of(first.pairs.back().key);
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(first.pairs.back().value, last[0] + " " + last[1]);
}

TEST(NormalizeSender, KeepsTheNameWithoutLegalFormBranchOrIdLines) {
  EXPECT_EQ(NormalizeSender("MR. D.I.Y. (M) SDN BHD"), "mrdiy");
  EXPECT_EQ(NormalizeSender("MR. D.I.Y. (KUCHAI) SDN BHD"), "mrdiy");
  EXPECT_EQ(NormalizeSender("99 SPEED MART S/B"), "99speedmart");
  EXPECT_EQ(NormalizeSender("AEON CO. (M) BHD"), "aeon");
  EXPECT_EQ(NormalizeSender("GLN 4333741000005 \nLief-Nr: 549910\nMUSTERLIEFERANT GMBH"),
            "musterlieferant");
  EXPECT_EQ(NormalizeSender("MUSTERLIEFERANT GMBH"), "musterlieferant");
  EXPECT_EQ(NormalizeSender("Grundbesitz GmbH & Co."), "grundbesitz");
  EXPECT_EQ(NormalizeSender("Müller Bürobedarf GmbH"), "müllerbürobedarf");
  EXPECT_NE(NormalizeSender("SANYU STATIONERY SHOP"), NormalizeSender("LIAN HING STATIONERY SDN BHD"));
  EXPECT_EQ(NormalizeSender("(unclosed"), "");
  EXPECT_EQ(NormalizeSender(""), "");
}

TEST(LoadDataset, ReportsAnUnknownNameOrFolderAsNotFound) {
  Result<std::vector<LabelledDocument>> docs = LoadDataset("no_such_dataset", "/nonexistent");
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), ErrorCode::kNotFound);
  docs = LoadDataset("sroie", "/nonexistent");
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(docs.status().message().find("/nonexistent/sroie"), std::string::npos);
}

// A dataset folder of its own under the system temp dir, removed afterwards.
class LoadDatasetFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() /
            ("sheaf_datasets_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Writes `text` to root_/rel, creating folders, and returns the path.
  std::string Write(const std::string& rel, const std::string& text) {
    fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }

  fs::path root_;
};

TEST_F(LoadDatasetFiles, AReceiptFolderFoundByItsKeysSaysItsLanguages) {
  Write("receipts/img/000.jpg", "x");
  Write("receipts/manifest.jsonl",
        "{\"image\": \"img/000.jpg\", \"box\": \"box/000.csv\", \"key\": \"key/000.json\", "
        "\"company\": \"ABC HO TRADING\", \"total\": \"31.00\"}\n");
  Result<std::vector<LabelledDocument>> docs = LoadDataset((root_ / "receipts").string(), root_.string());
  ASSERT_TRUE(docs.ok()) << docs.status().message();
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ(docs->front().ocr_languages, "msa+eng");
  EXPECT_EQ(docs->front().fields.at("merchant_name"), "ABC HO TRADING");
}

TEST_F(LoadDatasetFiles, NamesTheManifestLineThatIsNotJson) {
  Write("sroie/img/000.jpg", "x");
  std::string manifest = Write("sroie/manifest.jsonl",
                               "{\"image\": \"img/000.jpg\", \"total\": \"9.00\"}\n"
                               "\n"
                               "{\"image\": \"img/005.jpg\", \"total\": \n");
  Result<std::vector<LabelledDocument>> docs = LoadDataset("sroie", root_.string());
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(docs.status().message().rfind(manifest + ":3: not valid JSON", 0), 0u)
      << docs.status().message();
}

TEST_F(LoadDatasetFiles, NamesTheManifestLineWithAValueOfTheWrongKind) {
  Write("sroie/img/000.jpg", "x");
  std::string manifest = Write("sroie/manifest.jsonl",
                               "{\"image\": \"img/000.jpg\", \"total\": \"9.00\"}\n"
                               "{\"image\": \"img/000.jpg\", \"total\": [9]}\n");
  Result<std::vector<LabelledDocument>> docs = LoadDataset("sroie", root_.string());
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().message(), manifest + ":2: \"total\" is not a string or number");
}

TEST_F(LoadDatasetFiles, NamesTheManifestLineWhoseInputIsMissing) {
  std::string manifest = Write("sroie/manifest.jsonl", "{\"image\": \"img/000.jpg\"}\n");
  Result<std::vector<LabelledDocument>> docs = LoadDataset("sroie", root_.string());
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(docs.status().message().rfind(manifest + ":1: ", 0), 0u) << docs.status().message();
}

TEST_F(LoadDatasetFiles, ReportsAMissingManifest) {
  fs::create_directories(root_ / "funsd");
  Result<std::vector<LabelledDocument>> docs = LoadDataset("funsd", root_.string());
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(docs.status().message().find("funsd/manifest.jsonl"), std::string::npos);
}

TEST_F(LoadDatasetFiles, NamesTheLineOfABrokenAnnotationFile) {
  Write("funsd/training_data/images/1.png", "x");
  std::string annotation =
      Write("funsd/training_data/annotations/1.json", "{\"form\": [\n{\"id\": 0,\n\"text\": }\n");
  Write("funsd/manifest.jsonl",
        "{\"image\": \"training_data/images/1.png\", "
        "\"annotation\": \"training_data/annotations/1.json\"}\n");
  Result<std::vector<LabelledDocument>> docs = LoadDataset("funsd", root_.string());
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().message().rfind(annotation + ":3: not valid JSON", 0), 0u)
      << docs.status().message();
}

TEST_F(LoadDatasetFiles, TellsAFolderWithAnotherNameByItsManifest) {
  Write("my_forms/a.png", "x");
  Write("my_forms/a.json",
        R"({"form": [{"id": 0, "text": "Date:", "label": "question", "linking": [[0, 1]]},
                     {"id": 2, "text": "1998", "label": "answer", "linking": [[0, 2]]},
                     {"id": 1, "text": " 12/10/ ", "label": "answer", "linking": [[0, 1]]},
                     {"id": 3, "text": "", "label": "question", "linking": [[3, 2]]}]})");
  Write("my_forms/manifest.jsonl", R"({"image": "a.png", "annotation": "a.json"})");
  Result<std::vector<LabelledDocument>> docs =
      LoadDataset((root_ / "my_forms").string() + "/", "/nonexistent");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 1u);
  ASSERT_EQ(docs->front().pairs.size(), 1u);
  EXPECT_EQ(docs->front().pairs[0].key, "Date:");
  EXPECT_EQ(docs->front().pairs[0].value, "12/10/ 1998");  // answers in id order, trimmed
}

TEST_F(LoadDatasetFiles, ConvertsInvoice2dataNumbersToTwoDecimals) {
  Write("invoice2data/compare/x.pdf", "x");
  Write("invoice2data/compare/x.json",
        R"([{"issuer": "X", "amount": 56.0, "amount_tax": 9.335, "invoice_number": 2022089083,
             "date": "2022-11-28", "desc": "Invoice from X"}])");
  Write("invoice2data/manifest.jsonl",
        R"({"inputs": ["compare/x.pdf"], "expected": "compare/x.json"})");
  Result<std::vector<LabelledDocument>> docs = LoadDataset("invoice2data", root_.string());
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  const LabelledDocument& d = docs->front();
  EXPECT_EQ(d.fields.at("total"), "56.00");
  EXPECT_EQ(d.fields.at("tax").size(), 4u);  // "9.34" or "9.33": binary 9.335 rounds either way
  EXPECT_EQ(d.fields.at("invoice_number"), "2022089083");
  EXPECT_EQ(d.fields.at("invoice_date"), "2022-11-28");
  EXPECT_EQ(d.fields.size(), 4u);
  EXPECT_EQ(d.extra.at("issuer"), "X");
}

TEST_F(LoadDatasetFiles, ReadsAGeneratedCorpusWithItsPrintedFieldsAndSender) {
  Write("gen/docs/000000.pdf", "x");
  Write("gen/docs/000000.json",
        R"({"file": "000000.pdf", "label": "invoice", "type": "invoice",
            "sender": "Muster Technik GmbH",
            "fields": {"invoice_number": "RE-2016/311", "total": "1.234,50 €", "tax": ""},
            "extra": {"language": "de"}})");
  Write("gen/docs/000001.png", "x");
  Write("gen/docs/000001.json", R"({"file": "000001.png", "label": "letter", "fields": {}})");
  Write("gen/manifest.jsonl",
        "{\"file\": \"docs/000000.pdf\", \"label\": \"invoice\", \"truth\": \"docs/000000.json\"}\n"
        "{\"file\": \"docs/000001.png\", \"label\": \"letter\", \"truth\": \"docs/000001.json\"}\n");
  Result<std::vector<LabelledDocument>> docs = LoadDataset((root_ / "gen").string());
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 2u);
  const LabelledDocument& d = docs->front();
  EXPECT_EQ(d.type, "invoice");
  EXPECT_EQ(d.id, "docs/000000.pdf");
  EXPECT_EQ(d.fields.at("invoice_number"), "RE-2016/311");
  EXPECT_EQ(d.fields.at("total"), "1.234,50 €");
  EXPECT_EQ(d.fields.count("tax"), 0u);  // empty values are left out
  EXPECT_EQ(d.sender, NormalizeSender("Muster Technik GmbH"));
  EXPECT_TRUE(d.fields_per_document);
  EXPECT_EQ((*docs)[1].type, "letter");  // no "type": the label
  EXPECT_TRUE((*docs)[1].fields.empty());
  EXPECT_TRUE((*docs)[1].sender.empty());
}

TEST_F(LoadDatasetFiles, NamesTheGeneratedTruthFileThatIsMissingOrBroken) {
  Write("gen/docs/a.pdf", "x");
  Write("gen/manifest.jsonl",
        "{\"file\": \"docs/a.pdf\", \"label\": \"invoice\", \"truth\": \"docs/a.json\"}\n");
  Result<std::vector<LabelledDocument>> missing = LoadDataset((root_ / "gen").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("manifest.jsonl:1: "), std::string::npos)
      << missing.status().message();
  Write("gen/docs/a.json", R"({"fields": ["not", "an", "object"]})");
  Result<std::vector<LabelledDocument>> broken = LoadDataset((root_ / "gen").string());
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(broken.status().message().find("a.json: \"fields\" must be an object"),
            std::string::npos)
      << broken.status().message();
}

}  // namespace

}  // namespace sheaf::eval
