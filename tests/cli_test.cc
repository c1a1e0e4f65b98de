// SPDX-License-Identifier: GPL-3.0-or-later
//
// The command line contract (docs/cli.md), exercised through the real binary with real
// Tesseract, Leptonica and Poppler.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "adapters/leptonica/leptonica.h"
#include "adapters/zlib/gzip.h"
#include "fixtures.h"

namespace sheaf {
namespace {

using testing::RunSheaf;
using testing::WriteFile;

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> docs;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) docs.push_back(nlohmann::json::parse(line));
  return docs;
}

std::string PageText(const nlohmann::json& page) { return page["text"].get<std::string>(); }

TEST(Cli, VersionNamesEveryEngine) {
  auto r = RunSheaf({"version"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* part : {"sheaf 0.", "tesseract 5.", "leptonica 1.", "poppler ", "eng"}) {
    EXPECT_NE(r.out.find(part), std::string::npos) << r.out;
  }
}

TEST(Cli, BadUsageExitsWithTwo) {
  EXPECT_EQ(RunSheaf({"process"}).exit_code, 2);
  EXPECT_EQ(RunSheaf({"process", "--bogus", "x"}).exit_code, 2);
  EXPECT_EQ(RunSheaf({"process", "--json", "--jsonl", "x"}).exit_code, 2);
  EXPECT_EQ(RunSheaf({"process", "--jobs", "0", "x"}).exit_code, 2);
  auto lines = RunSheaf({"process", "--second-opinion-lines", "2", "x"});
  EXPECT_EQ(lines.exit_code, 2);
  EXPECT_NE(lines.err.find("--second-opinion-lines"), std::string::npos) << lines.err;
  auto language = RunSheaf({"process", "--second-language-lines", "-0.5", "x"});
  EXPECT_EQ(language.exit_code, 2);
  EXPECT_NE(language.err.find("--second-language-lines"), std::string::npos) << language.err;
  EXPECT_EQ(RunSheaf({"nonsense"}).exit_code, 2);
}

TEST(Cli, JsonlFollowsInputOrderAndReadsEachKindOfPage) {
  std::string dir = testing::TempDir();
  std::vector<std::string> lines{"Invoice number INV-2024-0042", "Total due 1,234.50 EUR"};
  WriteFile(dir + "/b-born-digital.pdf", testing::MakeTextPdf({lines, {"Second page"}}));
  Image page = testing::RenderLines(lines, 200);
  WriteFile(dir + "/a-scan.png", *leptonica::EncodeImage(page, "png"));
  WriteFile(dir + "/c-note.txt", "Invoice number INV-2024-0042\n");
  // A PDF with only a scanned image page is OCR'd: make one by embedding nothing but the
  // rendered page is not possible with our tiny writer, so a text-free PDF page stands in.
  WriteFile(dir + "/d-blank.pdf", testing::MakeTextPdf({{}}));
  auto r = RunSheaf({"process", "--jsonl", "--type", "other", "--text", "--jobs", "2", "--data-dir", dir + "/data",
                     dir + "/c-note.txt", dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto docs = JsonLines(r.out);
  ASSERT_EQ(docs.size(), 5u);
  EXPECT_EQ(docs[0]["source"], dir + "/c-note.txt");
  EXPECT_EQ(docs[1]["source"], dir + "/a-scan.png");
  EXPECT_EQ(docs[2]["source"], dir + "/b-born-digital.pdf");
  EXPECT_EQ(docs[4]["source"], dir + "/d-blank.pdf");

  EXPECT_EQ(docs[0]["pages"][0]["source"], "text");
  EXPECT_EQ(docs[0]["format"], "text");

  const auto& scan = docs[1];
  EXPECT_EQ(scan["format"], "png");
  EXPECT_EQ(scan["pages"][0]["source"], "ocr");
  EXPECT_NE(PageText(scan["pages"][0]).find("INV-2024-0042"), std::string::npos)
      << PageText(scan["pages"][0]);
  EXPECT_NE(PageText(scan["pages"][0]).find("1,234.50"), std::string::npos);
  EXPECT_GT(scan["pages"][0]["ocr_confidence"].get<double>(), 0.8);
  EXPECT_TRUE(scan["timings_ms"].contains("ocr"));

  const auto& pdf = docs[2];
  ASSERT_EQ(pdf["pages"].size(), 2u);
  EXPECT_EQ(pdf["pages"][0]["source"], "text_layer");
  EXPECT_EQ(pdf["pages"][0]["dpi"], 300);
  EXPECT_EQ(pdf["pages"][0]["width"], 2550);  // 8.5 in at 300 DPI
  EXPECT_EQ(PageText(pdf["pages"][0]), lines[0] + "\n" + lines[1] + "\n");
  EXPECT_FALSE(pdf["timings_ms"].contains("ocr"));
  // The text layer's boxes are in page pixels: the first word starts 1 inch from the left.
  auto first = pdf["pages"][0]["words"][0];
  EXPECT_NEAR(first["bbox"][0].get<double>(), 300, 3);
  EXPECT_NEAR(first["bbox"][1].get<double>(), 300 - 12 * 300 / 72.0, 15);

  EXPECT_EQ(docs[4]["pages"][0]["source"], "ocr");  // no text layer: rendered and OCR'd
  for (const auto& d : docs) {
    EXPECT_EQ(d["status"], "completed");
    EXPECT_EQ(d["sha256"].get<std::string>().size(), 64u);
    EXPECT_TRUE(d["fields"].is_object());
    EXPECT_TRUE(d["line_items"].is_array());
    EXPECT_TRUE(d["validation"].is_array());
    EXPECT_TRUE(d["document_type"].contains("label"));
  }
}

TEST(Cli, TypeHintIsRecorded) {
  std::string dir = testing::TempDir();
  WriteFile(dir + "/r.txt", "TOTAL 9.00\n");
  auto r = RunSheaf({"process", "--json", "--type", "receipt", "--data-dir", dir, dir + "/r.txt"});
  ASSERT_EQ(r.exit_code, 0);
  auto all = nlohmann::json::parse(r.out);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["document_type"]["label"], "receipt");
}

TEST(Cli, TableIsTheDefaultAndReportsCacheUse) {
  std::string dir = testing::TempDir();
  WriteFile(dir + "/r.txt", "TOTAL 9.00\n");
  auto r = RunSheaf({"process", "--type", "other", "--data-dir", dir + "/d", dir + "/r.txt", dir + "/missing.pdf"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("completed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not_found"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OCR cache:"), std::string::npos);
  EXPECT_NE(r.err.find("missing.pdf"), std::string::npos) << r.err;
}

TEST(Cli, TheOcrCacheSkipsAPageSeenBefore) {
  std::string dir = testing::TempDir();
  Image page = testing::RenderLines({"Cached page 12345"}, 200);
  WriteFile(dir + "/in/one.png", *leptonica::EncodeImage(page, "png"));
  WriteFile(dir + "/in/same-pixels.tif", *leptonica::EncodeImage(page, "tiff"));
  auto first = RunSheaf({"process", "--jsonl", "--jobs", "1", "--data-dir", dir + "/data",
                         dir + "/in/one.png"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto a = nlohmann::json::parse(first.out);
  EXPECT_FALSE(a["pages"][0]["ocr_cache_hit"].get<bool>());
  EXPECT_TRUE(a["timings_ms"].contains("ocr"));
  // Same pixels in another file format, in a later run: served from the cache, not OCR'd.
  auto second = RunSheaf({"process", "--jsonl", "--jobs", "1", "--data-dir", dir + "/data",
                          dir + "/in/same-pixels.tif"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  auto b = nlohmann::json::parse(second.out);
  EXPECT_TRUE(b["pages"][0]["ocr_cache_hit"].get<bool>());
  EXPECT_FALSE(b["timings_ms"].contains("ocr"));
  EXPECT_EQ(b["pages"][0]["word_count"], a["pages"][0]["word_count"]);
}

TEST(Cli, TurnedPagesAreMadeUprightAndBoxesFollow) {
  std::string dir = testing::TempDir();
  std::vector<std::string> lines{"The quick brown fox jumps over the lazy dog",
                                 "Invoice number 4711 dated 12 March 2024",
                                 "Please pay the total of 99.95 within 30 days",
                                 "Thank you for your business and kind regards"};
  Image page = testing::RenderLines(lines, 200);
  for (int quads : {1, 2, 3}) {
    Image t = page;
    for (int q = 0; q < quads; ++q) t = testing::QuarterTurn(t);
    WriteFile(dir + "/turned" + std::to_string(quads) + ".png", *leptonica::EncodeImage(t, "png"));
  }
  auto r = RunSheaf({"process", "--jsonl", "--text", "--jobs", "2", "--data-dir", dir + "/d",
                     dir + "/turned1.png", dir + "/turned2.png", dir + "/turned3.png"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto docs = JsonLines(r.out);
  ASSERT_EQ(docs.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const auto& p = docs[i]["pages"][0];
    EXPECT_EQ(p["rotation"], (4 - (i + 1)) * 90 % 360);
    EXPECT_EQ(p["width"], page.width);  // the normalised page is upright
    EXPECT_NE(PageText(p).find("Invoice number 4711"), std::string::npos) << PageText(p);
  }
}

}  // namespace
}  // namespace sheaf

namespace sheaf {
namespace {

TEST(Cli, ScannedAndMixedPdfsAreOcrdPerPage) {
  std::string dir = testing::TempDir();
  std::vector<std::string> lines{"Scanned delivery note 5521", "Received in good order"};
  Image scan = testing::RenderLines(lines, 200);
  WriteFile(dir + "/scanned.pdf", testing::MakeImagePdf({scan, scan}, 200));
  WriteFile(dir + "/mixed.pdf", testing::MakeMixedPdf({"Cover letter from Acme Ltd"}, scan, 200));
  auto r = RunSheaf({"process", "--jsonl", "--text", "--jobs", "2", "--data-dir", dir + "/d",
                     dir + "/scanned.pdf", dir + "/mixed.pdf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto docs = JsonLines(r.out);
  ASSERT_EQ(docs.size(), 2u);
  ASSERT_EQ(docs[0]["pages"].size(), 2u);
  for (const auto& p : docs[0]["pages"]) {
    EXPECT_EQ(p["source"], "ocr");
    EXPECT_EQ(p["dpi"], 300);  // rendered at 300 DPI
    EXPECT_NE(PageText(p).find("delivery note 5521"), std::string::npos) << PageText(p);
  }
  // The same scan appears three times (twice here, once in mixed.pdf): recognised once,
  // whichever worker got there first; the others come from the OCR cache.
  int recognised = !docs[0]["pages"][0]["ocr_cache_hit"].get<bool>() +
                   !docs[0]["pages"][1]["ocr_cache_hit"].get<bool>() +
                   !docs[1]["pages"][1]["ocr_cache_hit"].get<bool>();
  EXPECT_EQ(recognised, 1);
  EXPECT_EQ(docs[1]["pages"][0]["source"], "text_layer");
  EXPECT_EQ(PageText(docs[1]["pages"][0]), "Cover letter from Acme Ltd\n");
  EXPECT_EQ(docs[1]["pages"][1]["source"], "ocr");
  EXPECT_NE(PageText(docs[1]["pages"][1]).find("Received in good order"), std::string::npos);
}

TEST(Cli, HugePdfPagesAreRenderedBelowThePixelLimit) {
  std::string dir = testing::TempDir();
  // 200 x 200 inches: 3.6 gigapixels at 300 DPI.
  WriteFile(dir + "/poster.pdf", testing::MakeTextPdf({{}}, 14400, 14400));
  auto r = RunSheaf({"process", "--jsonl", "--max-megapixels", "4", "--data-dir", dir + "/d",
                     dir + "/poster.pdf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto page = nlohmann::json::parse(r.out)["pages"][0];
  EXPECT_EQ(page["source"], "ocr");
  EXPECT_LT(page["dpi"].get<int>(), 300);
  EXPECT_LE(page["width"].get<double>() * page["height"].get<double>(), 4e6);
  EXPECT_GT(page["width"].get<int>(), 1900);
}

TEST(Cli, MultiPageTiffsGiveOnePagePerFrame) {
  std::string dir = testing::TempDir();
  Image a = testing::RenderLines({"First frame of the fax 0001"}, 200);
  Image b = testing::RenderLines({"Second frame of the fax 0002"}, 200);
  WriteFile(dir + "/fax.tif", *leptonica::EncodeMultipageTiff({a, b}));
  auto r = RunSheaf({"process", "--jsonl", "--text", "--data-dir", dir + "/d", dir + "/fax.tif"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["format"], "tiff");
  ASSERT_EQ(doc["pages"].size(), 2u);
  EXPECT_NE(PageText(doc["pages"][0]).find("0001"), std::string::npos);
  EXPECT_NE(PageText(doc["pages"][1]).find("0002"), std::string::npos);
}

}  // namespace
}  // namespace sheaf

namespace sheaf {
namespace {

TEST(Cli, TrainClassifierReportsHeldOutScoresAndWritesAModel) {
  std::string dir = testing::TempDir();
  std::string manifest;
  for (int i = 0; i < 12; ++i) {
    std::string n = std::to_string(i);
    WriteFile(dir + "/inv" + n + ".txt", "INVOICE no " + n + "0" + n +
                                             "\nInvoice date 1" + n + ".03.2024\nNet amount " +
                                             n + "0.00 VAT 19% total due EUR\nIBAN DE89\n");
    WriteFile(dir + "/rec" + n + ".txt", "SUPERMART SDN BHD\nCASH BILL " + n +
                                             "\nQTY 1 MILK " + n + ".50\nTOTAL RM " + n +
                                             ".50\nCHANGE 0.50\nTHANK YOU\n");
    WriteFile(dir + "/let" + n + ".txt", "Dear Ms Smith,\nthank you for your letter of " + n +
                                             " May. We are pleased to confirm the meeting.\n"
                                             "Yours sincerely,\nJohn\n");
    manifest += "{\"file\": \"inv" + n + ".txt\", \"label\": \"invoice\"}\n";
    manifest += "{\"file\": \"rec" + n + ".txt\", \"label\": \"receipt\"}\n";
    manifest += "{\"file\": \"let" + n + ".txt\", \"label\": \"letter\"}\n";
  }
  WriteFile(dir + "/train.jsonl", manifest);
  auto r = RunSheaf({"train-classifier", "--manifest", dir + "/train.jsonl", "--out",
                     dir + "/model.json", "--report", dir + "/report.json", "--data-dir",
                     dir + "/d"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("macro-F1"), std::string::npos) << r.out;
  auto report = nlohmann::json::parse(testing::ReadFile(dir + "/report.json"));
  EXPECT_EQ(report["documents"], 36);
  EXPECT_EQ(report["held_out"]["documents"], 6);  // 20% of 12 per label is 2.4, rounded to 2
  EXPECT_GE(report["held_out"]["macro_f1"].get<double>(), 0.9);
  EXPECT_EQ(report["held_out"]["reliability"]["total"], 6);
  auto model = nlohmann::json::parse(testing::ReadFile(dir + "/model.json"));
  EXPECT_EQ(model["labels"].size(), 3u);

  // A model written with ".gz" is gzip-compressed and loads the same.
  auto gz = RunSheaf({"train-classifier", "--manifest", dir + "/train.jsonl", "--out",
                      dir + "/model.json.gz", "--holdout", "0", "--data-dir", dir + "/d"});
  ASSERT_EQ(gz.exit_code, 0) << gz.err;
  std::string packed = testing::ReadFile(dir + "/model.json.gz");
  ASSERT_GE(packed.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);

  // Any other name gets the binary form (what models/doctype.bin.gz is), and convert-model turns
  // one form into the other without changing the model.
  auto bin = RunSheaf({"train-classifier", "--manifest", dir + "/train.jsonl", "--out",
                       dir + "/model.bin", "--holdout", "0", "--data-dir", dir + "/d"});
  ASSERT_EQ(bin.exit_code, 0) << bin.err;
  EXPECT_EQ(testing::ReadFile(dir + "/model.bin").substr(0, 7), "SHEAFTC");
  auto back = RunSheaf({"convert-model", dir + "/model.bin", dir + "/back.json"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  auto gz_json = RunSheaf({"convert-model", dir + "/model.json.gz", dir + "/gz.json"});
  ASSERT_EQ(gz_json.exit_code, 0) << gz_json.err;
  EXPECT_EQ(testing::ReadFile(dir + "/back.json"), testing::ReadFile(dir + "/gz.json"));
  auto missing = RunSheaf({"convert-model", dir + "/no-such-model.bin", dir + "/x.json"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no-such-model.bin"), std::string::npos) << missing.err;

  // The model classifies new documents in `process`, and the type picks the schema.
  WriteFile(dir + "/new.txt", "SUPERMART SDN BHD\nCASH BILL 77\nQTY 1 BREAD 3.20\nTOTAL RM 3.20\n"
                              "CHANGE 0.80\nTHANK YOU\n");
  auto p = RunSheaf({"process", "--json", "--model", dir + "/model.bin", "--data-dir", dir + "/d",
                     dir + "/new.txt"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  auto doc = nlohmann::json::parse(p.out).at(0);
  EXPECT_EQ(doc["document_type"]["label"], "receipt");
  EXPECT_EQ(doc["fields"]["total"]["value"], "3.20");

  // --eval-manifest scores the final model on other documents.
  WriteFile(dir + "/eval.jsonl", "{\"file\": \"new.txt\", \"label\": \"receipt\"}\n");
  auto e = RunSheaf({"train-classifier", "--manifest", dir + "/train.jsonl", "--out",
                     dir + "/model2.json", "--holdout", "0", "--eval-manifest", dir + "/eval.jsonl",
                     "--report", dir + "/report2.json", "--data-dir", dir + "/d"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  auto report2 = nlohmann::json::parse(testing::ReadFile(dir + "/report2.json"));
  EXPECT_EQ(report2["eval"]["documents"], 1);
  EXPECT_EQ(report2["eval"]["accuracy"], 1.0);
  EXPECT_FALSE(report2.contains("held_out"));
}

TEST(Cli, AnUnusableDataDirFailsBeforeAnyDocument) {
  std::string dir = testing::TempDir();
  WriteFile(dir + "/not-a-folder", "x");
  WriteFile(dir + "/a.txt", "hello");
  auto r = RunSheaf({"process", "--jsonl", "--data-dir", dir + "/not-a-folder", dir + "/a.txt"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  // The first cache opened (classification or OCR) names its folder.
  EXPECT_NE(r.err.find("not-a-folder/cache/"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot create cache folder"), std::string::npos) << r.err;
}

TEST(Cli, TrainClassifierNeedsACsvHeaderWithFileAndLabel) {
  std::string dir = testing::TempDir();
  WriteFile(dir + "/m.csv", "path,kind\na.txt,x\n");
  auto r = RunSheaf({"train-classifier", "--manifest", dir + "/m.csv", "--out", dir + "/o"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("m.csv:1: the CSV header needs a file (or text_file) and a label column"),
            std::string::npos)
      << r.err;
}

TEST(Cli, TrainClassifierWithOneLabelFailsWithTheReason) {
  std::string dir = testing::TempDir();
  WriteFile(dir + "/a.txt", "one document");
  WriteFile(dir + "/b.txt", "another document");
  WriteFile(dir + "/m.csv", "file,label\na.txt,memo\nb.txt,memo\n");
  auto r = RunSheaf({"train-classifier", "--manifest", dir + "/m.csv", "--out", dir + "/o",
                     "--holdout", "0", "--data-dir", dir + "/d"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("need documents of at least two labels"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/o"));
}

TEST(Cli, TrainClassifierNamesTheBadManifestLine) {
  std::string dir = testing::TempDir();
  WriteFile(dir + "/m.jsonl", "{\"file\": \"a.txt\", \"label\": \"x\"}\n{\"file\": 3}\n");
  auto r = RunSheaf({"train-classifier", "--manifest", dir + "/m.jsonl", "--out", dir + "/o"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("m.jsonl:2:"), std::string::npos) << r.err;
}

}  // namespace
// `sheaf eval` on the first receipts of the SROIE dataset, when it is present.
TEST(Cli, EvalScoresFieldsAndWritesAReport) {
  std::string root = std::string(SHEAF_SOURCE_DIR) + "/../shared/datasets";
  if (!std::filesystem::exists(root + "/sroie/manifest.jsonl")) GTEST_SKIP() << "no SROIE data at " << root;
  std::string dir = testing::TempDir();
  auto r = RunSheaf({"eval", "--dataset", "sroie", "--datasets-root", root, "--type", "receipt",
                     "--limit", "3", "--jobs", "2", "--data-dir", dir + "/d", "--out", dir + "/e.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("merchant_name"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reliability"), std::string::npos) << r.out;
  auto report = nlohmann::json::parse(testing::ReadFile(dir + "/e.json"));
  EXPECT_EQ(report["documents"], 3);
  EXPECT_EQ(report["fields"]["fields"]["total"]["support"], 3);
  EXPECT_EQ(report["fields"]["reliability"]["bins"].size(), 10u);
  // Malaysian receipts are read in the languages they are printed in, unless --lang says otherwise.
  EXPECT_EQ(report["ocr_languages"], "msa+eng");
  EXPECT_NE(r.err.find("OCR languages: msa+eng"), std::string::npos) << r.err;
  auto eng = RunSheaf({"eval", "--dataset", "sroie", "--datasets-root", root, "--type", "receipt", "--limit", "1",
                       "--lang", "eng", "--data-dir", dir + "/d", "--out", dir + "/e1.json"});
  ASSERT_EQ(eng.exit_code, 0) << eng.err;
  EXPECT_EQ(nlohmann::json::parse(testing::ReadFile(dir + "/e1.json"))["ocr_languages"], "eng");
  // An unknown dataset is a usage error naming it.
  auto bad = RunSheaf({"eval", "--dataset", "nope", "--datasets-root", root});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("nope"), std::string::npos) << bad.err;
}

// Configuration errors of the understanding stages stop before any document, naming the cause.
TEST(Cli, BadTypeSchemasOrModelAreReportedBeforeAnyDocument) {
  std::string dir = testing::TempDir();
  WriteFile(dir + "/a.txt", "hello");
  auto type = RunSheaf({"process", "--jsonl", "--type", "banana", "--data-dir", dir + "/d", dir + "/a.txt"});
  EXPECT_EQ(type.exit_code, 2);
  EXPECT_TRUE(type.out.empty()) << type.out;
  EXPECT_NE(type.err.find("--type banana: no such schema"), std::string::npos) << type.err;
  EXPECT_NE(type.err.find("receipt"), std::string::npos) << type.err;  // lists the schemas

  std::filesystem::create_directories(dir + "/schemas");
  WriteFile(dir + "/schemas/other.yaml", "type: other\ndescription: x\nreview_threshold: 2\nfields: []\n");
  auto schema = RunSheaf({"process", "--jsonl", "--schemas", dir + "/schemas", "--data-dir", dir + "/d",
                          dir + "/a.txt"});
  EXPECT_EQ(schema.exit_code, 2);
  EXPECT_NE(schema.err.find("other.yaml:3:"), std::string::npos) << schema.err;

  auto missing = RunSheaf({"process", "--jsonl", "--model", dir + "/none.json", "--data-dir", dir + "/d",
                           dir + "/a.txt"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find(dir + "/none.json"), std::string::npos) << missing.err;

  WriteFile(dir + "/bad.json", "{\"format\": 1}");
  auto corrupt = RunSheaf({"process", "--jsonl", "--model", dir + "/bad.json", "--data-dir", dir + "/d",
                           dir + "/a.txt"});
  EXPECT_EQ(corrupt.exit_code, 2);
  EXPECT_NE(corrupt.err.find(dir + "/bad.json"), std::string::npos) << corrupt.err;
}

// The type model loads while the first documents are read (docs/cli.md): a model that turns out
// bad still gives its error alone - no result, no document's warning - whatever the documents
// are (text, a text PDF, a scan that would need OCR) and however many.
TEST(Cli, AModelFoundBadWhileTheFirstDocumentsAreReadStillGivesOnlyItsError) {
  std::string dir = testing::TempDir();
  std::vector<std::string> docs;
  for (int i = 0; i < 6; ++i) {
    docs.push_back(dir + "/t" + std::to_string(i) + ".txt");
    WriteFile(docs.back(), "Invoice number " + std::to_string(i) + "\nTotal 12.50\n");
  }
  docs.push_back(dir + "/p.pdf");
  WriteFile(docs.back(), testing::MakeTextPdf({{"INVOICE 17", "Total 99.00"}}));
  docs.push_back(dir + "/scan.png");
  WriteFile(docs.back(), *leptonica::EncodeImage(testing::RenderLines({"RECEIPT", "TOTAL 4.20"}, 200), "png"));
  docs.push_back(dir + "/broken.pdf");  // a damaged PDF: would be a failed document with a warning
  WriteFile(docs.back(), "%PDF-1.4\n1 0 obj garbage\n");
  // A binary model cut short in the middle of its weights, plain and gzipped (the gzip's CRC is
  // good: the damage is found by the model's own reader).
  const std::string model = testing::ReadFile(testing::SourceDir() + "/models/doctype.bin.gz");
  Result<std::string> raw = zlib_adapter::Gunzip(model, 1u << 30, "doctype.bin.gz");
  ASSERT_TRUE(raw.ok()) << raw.status().message();
  WriteFile(dir + "/cut.bin", raw->substr(0, raw->size() / 2));
  Result<std::string> cut_gz = zlib_adapter::Gzip(raw->substr(0, raw->size() / 2));
  ASSERT_TRUE(cut_gz.ok());
  WriteFile(dir + "/cut.bin.gz", *cut_gz);
  for (const std::string name : {"cut.bin", "cut.bin.gz"}) {
    for (const std::string mode : {"--jsonl", "--json", "--table"}) {
      std::vector<std::string> args = {"process", mode, "--jobs", "2", "--model", dir + "/" + name,
                                       "--data-dir", dir + "/d"};
      args.insert(args.end(), docs.begin(), docs.end());
      auto r = RunSheaf(args);
      EXPECT_EQ(r.exit_code, 2) << name << " " << mode << "\n" << r.err;
      EXPECT_TRUE(r.out.empty()) << name << " " << mode << "\n" << r.out;
      EXPECT_EQ(r.err.rfind("sheaf: " + dir + "/" + name +
                                ": the binary classifier model ends early (in the weights; truncated or damaged)\n",
                            0),
                0u)
          << name << " " << mode << "\n" << r.err;
      EXPECT_EQ(r.err.find("broken.pdf"), std::string::npos) << r.err;  // no document's warning
    }
  }
  // The same documents with the shipped model: every one has its result, in order.
  std::vector<std::string> args = {"process", "--jsonl", "--jobs", "2", "--data-dir", dir + "/d2"};
  args.insert(args.end(), docs.begin(), docs.end());
  auto good = RunSheaf(args);
  std::vector<nlohmann::json> lines = JsonLines(good.out);
  ASSERT_EQ(lines.size(), docs.size()) << good.err;
  EXPECT_EQ(lines.front()["source"], docs.front());
  EXPECT_EQ(lines.back()["status"], "failed");
  EXPECT_NE(good.err.find("broken.pdf"), std::string::npos) << good.err;  // its warning, here
}

TEST(Cli, TrainClassifierRejectsABadEvalManifest) {
  std::string dir = testing::TempDir();
  WriteFile(dir + "/a.txt", "alpha");
  WriteFile(dir + "/b.txt", "beta");
  WriteFile(dir + "/m.jsonl", "{\"file\": \"a.txt\", \"label\": \"x\"}\n{\"file\": \"b.txt\", \"label\": \"y\"}\n");
  WriteFile(dir + "/e.jsonl", "not json\n");
  auto r = RunSheaf({"train-classifier", "--manifest", dir + "/m.jsonl", "--out", dir + "/o.json",
                     "--eval-manifest", dir + "/e.jsonl", "--data-dir", dir + "/d"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("e.jsonl:1"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/o.json"));
}

}  // namespace sheaf
