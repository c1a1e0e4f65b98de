// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/poppler/poppler.h"
#include "extract/einvoice.h"
#include "fixtures.h"

namespace sheaf::poppler_adapter {
namespace {

constexpr std::uint64_t kNoLimit = std::uint64_t{1} << 40;

std::filesystem::path CorpusDir() {
  const char* env = std::getenv("SHEAF_DATASETS");
  return std::filesystem::absolute(env != nullptr && *env != '\0'
                                       ? std::string(env)
                                       : std::string(SHEAF_SOURCE_DIR) + "/../shared/datasets") /
         "zugferd_corpus";
}

// Runs qpdf (a test-time tool, not a dependency of Sheaf); false if it is missing or fails.
bool Qpdf(const std::string& args) {
  return std::system(("qpdf " + args + " >/dev/null 2>&1").c_str()) == 0;
}

TEST(ReadPdfAttachments, PdfWithoutAttachmentsGivesNone) {
  const std::string path = testing::TempDir() + "/plain.pdf";
  testing::WriteFile(path, testing::MakeTextPdf({{"Rechnung 2024-17"}}));
  Result<std::vector<PdfAttachment>> attachments = ReadPdfAttachments(path, kNoLimit);
  ASSERT_TRUE(attachments.ok()) << attachments.status().message();
  EXPECT_TRUE(attachments->empty());
}

TEST(ReadPdfAttachments, AttachedFileComesBackByteForByteAndOverTheLimitIsSkipped) {
  const std::string dir = testing::TempDir();
  testing::WriteFile(dir + "/plain.pdf", testing::MakeTextPdf({{"Rechnung 2024-17"}}));
  const std::string xml =
      "<rsm:CrossIndustryInvoice xmlns:rsm=\"x\">\xC3\xA4</rsm:CrossIndustryInvoice>";
  testing::WriteFile(dir + "/factur-x.xml", xml);
  testing::WriteFile(dir + "/notes.txt", std::string(5000, 'n'));
  if (!Qpdf(dir + "/plain.pdf --add-attachment " + dir + "/factur-x.xml --key=factur-x.xml -- " +
            "--add-attachment " + dir + "/notes.txt --key=notes.txt -- " + dir + "/with.pdf")) {
    GTEST_SKIP() << "qpdf is not available";
  }
  Result<std::vector<PdfAttachment>> all = ReadPdfAttachments(dir + "/with.pdf", kNoLimit);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  auto xml_it = std::find_if(all->begin(), all->end(),
                             [](const PdfAttachment& a) { return a.name == "factur-x.xml"; });
  ASSERT_NE(xml_it, all->end());
  EXPECT_EQ(xml_it->data, xml);

  Result<std::vector<PdfAttachment>> small = ReadPdfAttachments(dir + "/with.pdf", 4999);
  ASSERT_TRUE(small.ok());
  ASSERT_EQ(small->size(), 1u);
  EXPECT_EQ(small->front().name, "factur-x.xml");

  Result<std::vector<PdfAttachment>> none = ReadPdfAttachments(dir + "/with.pdf", xml.size() - 1);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(ReadPdfAttachments, MissingDamagedAndEncryptedFilesAreErrorsNamingThePath) {
  const std::string dir = testing::TempDir();
  Result<std::vector<PdfAttachment>> missing = ReadPdfAttachments(dir + "/none.pdf", kNoLimit);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.status().message().rfind(dir + "/none.pdf: ", 0), 0u);

  testing::WriteFile(dir + "/garbage.pdf", "%PDF-1.7\nnothing here\n%%EOF\n");
  Result<std::vector<PdfAttachment>> garbage = ReadPdfAttachments(dir + "/garbage.pdf", kNoLimit);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), ErrorCode::kInvalidDocument);
  EXPECT_EQ(garbage.status().message().rfind(dir + "/garbage.pdf: ", 0), 0u);

  testing::WriteFile(dir + "/plain.pdf", testing::MakeTextPdf({{"Rechnung 2024-17"}}));
  if (!Qpdf("--encrypt secret owner 256 -- " + dir + "/plain.pdf " + dir + "/locked.pdf")) {
    GTEST_SKIP() << "qpdf is not available";
  }
  Result<std::vector<PdfAttachment>> locked = ReadPdfAttachments(dir + "/locked.pdf", kNoLimit);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.status().code(), ErrorCode::kEncryptedDocument);
  EXPECT_EQ(locked.status().message().rfind(dir + "/locked.pdf: ", 0), 0u);
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Result<std::unique_ptr<DocumentReader>> OpenReader(const std::string& path) {
  return MakePdfOpener()->Open(std::make_shared<const std::string>(ReadAll(path)), path, Limits{});
}

// Every corpus PDF: all its attachments are read, and the one ChooseEInvoiceAttachment picks is
// byte for byte the XML that pdfdetach extracted.
TEST(ReadPdfAttachments, CorpusPdfsYieldTheirInvoiceXml) {
  const std::filesystem::path corpus = CorpusDir();
  if (!std::filesystem::exists(corpus / "manifest.jsonl")) {
    GTEST_SKIP() << "no corpus at " << corpus << " (set SHEAF_DATASETS)";
  }
  std::ifstream manifest(corpus / "manifest.jsonl");
  std::string line;
  int pdfs = 0;
  while (std::getline(manifest, line)) {
    if (line.empty()) continue;
    const nlohmann::json m = nlohmann::json::parse(line);
    const std::string pdf = (corpus / m.at("pdf").get<std::string>()).string();
    SCOPED_TRACE(pdf);
    ++pdfs;
    Result<std::vector<PdfAttachment>> attachments = ReadPdfAttachments(pdf, kNoLimit);
    ASSERT_TRUE(attachments.ok()) << attachments.status().message();
    EXPECT_EQ(attachments->size(), 1 + m.at("other_attachments").size());
    // The opener's reader finds the same files in the document it parsed.
    auto reader = OpenReader(pdf);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    std::vector<EmbeddedFile> from_reader = (*reader)->EmbeddedFiles(kNoLimit);
    ASSERT_EQ(from_reader.size(), attachments->size());
    for (std::size_t i = 0; i < from_reader.size(); ++i) {
      EXPECT_EQ(from_reader[i].name, (*attachments)[i].name);
      EXPECT_EQ(from_reader[i].data, (*attachments)[i].data);
    }
    std::vector<extract::AttachmentView> views;
    for (const PdfAttachment& a : *attachments) views.push_back({a.name, a.data});
    std::optional<std::size_t> chosen = extract::ChooseEInvoiceAttachment(views);
    ASSERT_TRUE(chosen.has_value());
    EXPECT_EQ((*attachments)[*chosen].data,
              ReadAll(corpus / m.at("embedded_xml").get<std::string>()));
  }
  EXPECT_GT(pdfs, 0);
}

// The PDF opener's reader gives what ReadPdfAttachments gives, from the document it already
// parsed, before or after its pages are read, and leaves out what is over the limit alike.
TEST(PdfReaderEmbeddedFiles, SameFilesAsReadPdfAttachmentsWithoutASecondParse) {
  const std::string dir = testing::TempDir();
  testing::WriteFile(dir + "/plain.pdf", testing::MakeTextPdf({{"Rechnung 2024-17 Summe 12,50"}}));
  auto plain = OpenReader(dir + "/plain.pdf");
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_TRUE((*plain)->EmbeddedFiles(kNoLimit).empty());

  const std::filesystem::path pdf = CorpusDir() / "XML-Rechnung/FX/EN16931_Elektron.pdf";
  if (!std::filesystem::exists(pdf)) GTEST_SKIP() << "no corpus PDF " << pdf;
  Result<std::vector<PdfAttachment>> expected = ReadPdfAttachments(pdf.string(), kNoLimit);
  ASSERT_TRUE(expected.ok()) << expected.status().message();
  ASSERT_EQ(expected->size(), 3u);
  auto reader = OpenReader(pdf.string());
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  const auto same = [](const std::vector<EmbeddedFile>& a, const std::vector<EmbeddedFile>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
      return x.name == y.name && x.data == y.data;
    });
  };
  EXPECT_TRUE(same((*reader)->EmbeddedFiles(kNoLimit), *expected));
  for (int p = 0; p < (*reader)->page_count(); ++p) ASSERT_TRUE((*reader)->ReadPage(p).ok());
  EXPECT_TRUE(same((*reader)->EmbeddedFiles(kNoLimit), *expected));  // again, after the pages
  std::size_t smallest = kNoLimit;
  for (const PdfAttachment& a : *expected) smallest = std::min(smallest, a.data.size());
  std::vector<EmbeddedFile> small = (*reader)->EmbeddedFiles(smallest);
  ASSERT_EQ(small.size(), 1u);
  EXPECT_EQ(small.front().data.size(), smallest);
}

TEST(ReadPdfAttachments, CorpusAttachmentsOverTheLimitAreSkipped) {
  const std::filesystem::path pdf = CorpusDir() / "XML-Rechnung/FX/EN16931_Elektron.pdf";
  if (!std::filesystem::exists(pdf)) GTEST_SKIP() << "no corpus PDF " << pdf;
  Result<std::vector<PdfAttachment>> all = ReadPdfAttachments(pdf.string(), kNoLimit);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 3u);  // a PNG, a PDF and the invoice XML
  std::size_t smallest = kNoLimit;
  for (const PdfAttachment& a : *all) smallest = std::min(smallest, a.data.size());
  Result<std::vector<PdfAttachment>> small = ReadPdfAttachments(pdf.string(), smallest);
  ASSERT_TRUE(small.ok());
  ASSERT_EQ(small->size(), 1u);
  EXPECT_EQ(small->front().data.size(), smallest);
}

}  // namespace
}  // namespace sheaf::poppler_adapter
