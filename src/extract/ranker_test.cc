// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/ranker.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace sheaf::extract {
namespace {

const Schema& Receipt() {
  static const std::map<std::string, Schema> schemas = [] {
    auto loaded = LoadSchemaDir(std::string(SHEAF_SOURCE_DIR) + "/schemas");
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? *loaded : std::map<std::string, Schema>{};
  }();
  return schemas.at("receipt");
}

// A one-page OCR'd document, one row per line of `text`, 10 x 20 pixels per character.
Document Page1(const std::string& text) {
  Document doc;
  doc.format = "png";
  Page page;
  page.number = 1;
  page.width = 600;
  page.source = PageSource::kOcr;
  std::istringstream in(text);
  std::string line;
  int y = 0;
  Block block;
  while (std::getline(in, line)) {
    Line l;
    for (std::size_t i = 0; i < line.size();) {
      if (line[i] == ' ') {
        ++i;
        continue;
      }
      std::size_t j = line.find(' ', i);
      if (j == std::string::npos) j = line.size();
      Word w;
      w.text = line.substr(i, j - i);
      w.bbox = {static_cast<int>(i) * 10, y * 20 + 2, static_cast<int>(j) * 10, y * 20 + 18};
      w.confidence = 0.95;
      l.bbox = l.bbox.Union(w.bbox);
      l.words.push_back(w);
      i = j;
    }
    if (!l.words.empty()) block.lines.push_back(l);
    ++y;
  }
  page.height = y * 20;
  page.blocks.push_back(block);
  doc.pages.push_back(page);
  return doc;
}

int HashOf(const std::string& feature) {
  return static_cast<int>(classify::Fnv1a64(feature) % (uint64_t{1} << kRankerHashBits));
}

bool Has(const RankCandidate& c, const std::string& feature) {
  int h = HashOf(feature);
  return std::find(c.features.indices.begin(), c.features.indices.end(), h) != c.features.indices.end();
}

const RankCandidate* Find(const std::vector<RankCandidate>& cs, const std::string& value) {
  for (const RankCandidate& c : cs) {
    if (c.field.value == value) return &c;
  }
  return nullptr;
}

// A receipt whose shop name is printed under a greeting, above its address; a "slogan" line
// comes first and is what a top-row rule would take.
std::string Receipt(const std::string& slogan, const std::string& name, const std::string& street) {
  return slogan + "\nSELAMAT DATANG\n" + name + "\n" + street + "\nTEL 03-1234567\nTOTAL 12.50\n";
}

const char* kWords[] = {"MAJU", "JAYA", "SINAR", "BINTANG", "MEGA", "INDAH", "CAHAYA", "PERMATA",
                        "SENTOSA", "RIA", "MUTIARA", "SURIA", "PURNAMA", "KENCANA", "DAMAI", "MURNI"};

TEST(RankCandidatesTest, RowsCellsPairsWithTheirNeighbourhood) {
  Document doc = Page1(Receipt("BEST DEALS", "MAJU JAYA SDN BHD", "12 JALAN AMAN"));
  Field rule;
  rule.value = "BEST DEALS";
  std::vector<RankCandidate> cs = RankCandidates(doc, Receipt(), "merchant_name", &rule);
  const RankCandidate* name = Find(cs, "MAJU JAYA SDN BHD");
  ASSERT_NE(name, nullptr);
  EXPECT_FALSE(name->rule_pick);
  EXPECT_TRUE(Has(*name, "kind=row"));
  EXPECT_TRUE(Has(*name, "t:sdn"));
  EXPECT_TRUE(Has(*name, "a:selamat"));  // the row above
  EXPECT_TRUE(Has(*name, "b:jalan"));    // the row below
  EXPECT_TRUE(Has(*name, "row=2"));
  EXPECT_FALSE(Has(*name, "rule"));
  const RankCandidate* slogan = Find(cs, "BEST DEALS");
  ASSERT_NE(slogan, nullptr);
  EXPECT_TRUE(slogan->rule_pick);
  EXPECT_TRUE(Has(*slogan, "rule"));
  EXPECT_TRUE(Has(*slogan, "a:none"));
  EXPECT_NE(Find(cs, "SELAMAT DATANG MAJU JAYA SDN BHD"), nullptr);  // two rows together
  EXPECT_TRUE(RankCandidates(doc, Receipt(), "total", &rule).empty());  // not a ranked field
}

TEST(RankCandidatesTest, RulesValueFoundNowhereOnTopIsACandidateOfItsOwn) {
  Document doc = Page1(Receipt("BEST DEALS", "MAJU JAYA SDN BHD", "12 JALAN AMAN"));
  Field rule;
  rule.value = "SOMEWHERE ELSE TRADING";
  std::vector<RankCandidate> cs = RankCandidates(doc, Receipt(), "merchant_name", &rule);
  const RankCandidate* r = Find(cs, "SOMEWHERE ELSE TRADING");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->rule_pick);
  EXPECT_TRUE(Has(*r, "kind=rule-only"));
}

// A name printed again at the foot and heading an address is told from a slogan above it.
TEST(RankCandidatesTest, NameRepeatedBelowAndHeadingAnAddress) {
  Document doc = Page1("BEST DEALS\nMAJU JAYA SDN BHD\nNO 12 JALAN AMAN\n47000 PETALING JAYA\n"
                       "TEL 03-1234567\nTOTAL 12.50\nTHANK YOU FOR SHOPPING AT MAJU JAYA SDN BHD\n");
  std::vector<RankCandidate> cs = RankCandidates(doc, Receipt(), "merchant_name", nullptr);
  const RankCandidate* name = Find(cs, "MAJU JAYA SDN BHD");
  ASSERT_NE(name, nullptr);
  EXPECT_TRUE(Has(*name, "repeated"));
  EXPECT_TRUE(Has(*name, "address-under"));
  EXPECT_FALSE(Has(*name, "no-address-under"));
  const RankCandidate* slogan = Find(cs, "BEST DEALS");
  ASSERT_NE(slogan, nullptr);
  EXPECT_FALSE(Has(*slogan, "repeated"));
  EXPECT_TRUE(Has(*slogan, "no-address-under"));  // a name comes under it, not an address
}

// Training on receipts where the name is always under the greeting learns that, and picks the
// name of an unseen shop over the rules' (wrong) top row.
// Rows OCR doubts (a logo read as "Aogos7 OMensher") are no candidates, unless the rules chose them.
TEST(RankCandidatesTest, RowsOcrDoubtsAreNoCandidatesUnlessTheRulesChoseThem) {
  Document doc = Page1(Receipt("AOGOS7 OMENSHER", "MAJU JAYA SDN BHD", "12 JALAN AMAN"));
  for (Word& w : doc.pages[0].blocks[0].lines[0].words) w.confidence = 0.4;
  Field rule;
  rule.value = "MAJU JAYA SDN BHD";
  std::vector<RankCandidate> cs = RankCandidates(doc, Receipt(), "merchant_name", &rule);
  EXPECT_EQ(Find(cs, "AOGOS7 OMENSHER"), nullptr);
  EXPECT_NE(Find(cs, "MAJU JAYA SDN BHD"), nullptr);
  rule.value = "AOGOS7 OMENSHER";
  cs = RankCandidates(doc, Receipt(), "merchant_name", &rule);
  const RankCandidate* doubted = Find(cs, "AOGOS7 OMENSHER");
  ASSERT_NE(doubted, nullptr);
  EXPECT_TRUE(doubted->rule_pick);
}

// A name word OCR misread in the header and printed right in the footer is repaired in the
// candidates as the rules repair it, so the repaired row is the rules' pick and its raw spelling
// is no candidate an override could bring back.
TEST(RankCandidatesTest, CandidatesTakeTheRulesRepairFromThePage) {
  Document doc = Page1("SANYO STATIONERY SHOP\nNO 31 JALAN AMAN\n47000 PETALING JAYA\nTOTAL 12.50\n"
                       "THANK YOU PLEASE COME AGAIN SANYU\n");
  Field rule;
  rule.value = "SANYU STATIONERY SHOP";
  std::vector<RankCandidate> cs = RankCandidates(doc, Receipt(), "merchant_name", &rule);
  EXPECT_EQ(Find(cs, "SANYO STATIONERY SHOP"), nullptr);
  const RankCandidate* name = Find(cs, "SANYU STATIONERY SHOP");
  ASSERT_NE(name, nullptr);
  EXPECT_TRUE(name->rule_pick);
  EXPECT_TRUE(Has(*name, "kind=row"));  // the row itself, not the rules' value added on its own
  EXPECT_FALSE(Has(*name, "kind=rule-only"));
  // A text layer is not repaired (the rules do not repair it either).
  doc.pages[0].source = PageSource::kTextLayer;
  cs = RankCandidates(doc, Receipt(), "merchant_name", nullptr);
  EXPECT_NE(Find(cs, "SANYO STATIONERY SHOP"), nullptr);
  EXPECT_EQ(Find(cs, "SANYU STATIONERY SHOP"), nullptr);
}

TEST(RankerTest, LearnsASeparableLayoutAndOverridesTheRules) {
  std::map<std::string, std::vector<RankExample>> examples;
  for (int i = 0; i < 16; ++i) {
    std::string name = std::string(kWords[i]) + " " + kWords[(i + 5) % 16] + " SDN BHD";
    if (i % 2) name = std::string(kWords[(i + 3) % 16]) + " ENTERPRISE";
    Document doc = Page1(Receipt(std::string("PROMO ") + kWords[(i + 7) % 16], name, std::to_string(i + 1) + " JALAN " + kWords[i]));
    Field rule;
    rule.value = std::string("PROMO ") + kWords[(i + 7) % 16];
    RankExample e;
    e.candidates = RankCandidates(doc, Receipt(), "merchant_name", &rule);
    for (const RankCandidate& c : e.candidates) e.right.push_back(c.field.value == name);
    ASSERT_EQ(std::count(e.right.begin(), e.right.end(), true), 1);
    examples["merchant_name"].push_back(std::move(e));
  }
  Ranker ranker = Ranker::Train(examples);
  ASSERT_TRUE(ranker.HasField("merchant_name"));

  Document unseen = Page1(Receipt("PROMO HEBAT", "KEDAI RUNCIT ZAINAB", "7 LORONG PINANG"));
  Extraction ex;
  ex.fields["merchant_name"].value = "PROMO HEBAT";
  ex.fields["merchant_name"].confidence = 0.7;
  ranker.Apply(unseen, Receipt(), &ex);
  EXPECT_EQ(ex.fields["merchant_name"].value, "KEDAI RUNCIT ZAINAB");
  EXPECT_LE(ex.fields["merchant_name"].confidence, kOverrideConfidenceCap);
}

TEST(RankerTest, NoModelWithoutBothRightAndWrongCandidates) {
  RankExample e;
  e.candidates.resize(2);
  e.right = {true, true};
  Ranker r = Ranker::Train({{"merchant_name", {e}}});
  EXPECT_FALSE(r.HasField("merchant_name"));
  Extraction ex;
  ex.fields["merchant_name"].value = "X";
  r.Apply(Page1("A SHOP\n"), Receipt(), &ex);
  EXPECT_EQ(ex.fields["merchant_name"].value, "X");  // no model: the rules stand
}

TEST(RankerTest, SaveLoadRoundTripScoresTheSame) {
  std::map<std::string, std::vector<RankExample>> examples;
  for (int i = 0; i < 8; ++i) {
    Document doc = Page1(Receipt("HELLO", std::string(kWords[i]) + " MART", "1 JALAN SATU"));
    RankExample e;
    e.candidates = RankCandidates(doc, Receipt(), "merchant_name", nullptr);
    for (const RankCandidate& c : e.candidates) e.right.push_back(c.field.value == std::string(kWords[i]) + " MART");
    examples["merchant_name"].push_back(std::move(e));
  }
  Ranker a = Ranker::Train(examples);
  Result<Ranker> b = Ranker::FromJson(a.ToJson(), "model.json");
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->Fields(), a.Fields());
  for (const RankExample& e : examples["merchant_name"]) {
    for (const RankCandidate& c : e.candidates) {
      EXPECT_NEAR(a.Score("merchant_name", c), b->Score("merchant_name", c), 1e-3);
    }
  }
}

TEST(RankerTest, BadModelFilesAreClearErrors) {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"not json", "not a JSON object"},
      {R"({"format": "other", "hash_bits": 16, "fields": {}})", "\"format\""},
      {R"({"format": "sheaf-extractor-ranker/1", "hash_bits": 12, "fields": {}})", "hash_bits"},
      {R"({"format": "sheaf-extractor-ranker/1", "hash_bits": 16})", "no \"fields\""},
      {R"({"format": "sheaf-extractor-ranker/1", "hash_bits": 16, "fields": {"total": {"i": [], "w": [], "bias": 0}}})",
       "\"total\" has no candidates"},
      {R"({"format": "sheaf-extractor-ranker/1", "hash_bits": 16, "fields": {"merchant_name": {"i": [1], "w": [], "bias": 0}}})",
       "of one length"},
      {R"({"format": "sheaf-extractor-ranker/1", "hash_bits": 16, "fields": {"merchant_name": {"i": [70000], "w": [1], "bias": 0}}})",
       "out of range"},
      {R"({"format": "sheaf-extractor-ranker/1", "hash_bits": 16, "fields": {"merchant_name": {"i": ["a"], "w": [1], "bias": 0}}})",
       "non-numeric"},
  };
  for (const Case& c : cases) {
    Result<Ranker> r = Ranker::FromJson(c.text, "models/x.json");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.status().message().find("models/x.json"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(c.says), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace sheaf::extract
