// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/learn_eval.h"

#include <gtest/gtest.h>

#include "learn/printed_page_test.h"
#include "sheaf/document.h"

namespace sheaf::app {
namespace {

using learn::testing::PageOf;
using learn::testing::Printed;

// A processed document: its words, and the seller's name as extraction read it.
Document Processed(const std::vector<Printed>& words, const std::string& extracted_seller) {
  Document d = PageOf(words);
  Field f;
  f.value = extracted_seller;
  f.confidence = 0.7;
  f.source = "layout";
  d.fields["seller_name"] = f;
  return d;
}

// One sender's first invoice (its name on two lines beside "Seller", read as its first line
// only) and three later ones in another layout: the name elsewhere, without the label; the
// second is from the sender's other branch, whose second line differs; on the third OCR misread
// the name's second line beyond recognition.
TEST(RunLearnFromFirst, ReportsTheLaterDocumentsThatNeedNoReviewAndWhyTheOthersStillDo) {
  const std::string name = "Harbour Insurance\nMutual Society";
  std::vector<eval::LabelledDocument> truth(4);
  const std::vector<Document> results = {
      Processed({{"Seller", 40, 300}, {"Harbour", 300, 300}, {"Insurance", 450, 300}, {"Mutual", 300, 330},
                 {"Society", 420, 330}},
                "Harbour Insurance"),
      Processed({{"From:", 40, 100}, {"Harbour", 600, 140}, {"Insurance", 750, 140}, {"Mutual", 600, 170},
                 {"Society", 720, 170}},
                "Harbour Insurance"),
      Processed({{"From:", 40, 100}, {"Harbour", 600, 140}, {"Insurance", 750, 140}, {"Port", 600, 170},
                 {"Branch", 700, 170}},
                "Harbour Insurance"),
      Processed({{"From:", 40, 100}, {"Harbour", 600, 140}, {"Insurance", 750, 140}, {"Nlvtu.l", 600, 170},
                 {"5o-c;", 720, 170}},
                "Harbour Insurance")};
  std::vector<LearnEvalDocument> docs(4);
  for (int i = 0; i < 4; ++i) {
    truth[i].id = "doc" + std::to_string(i);
    truth[i].type = "invoice";
    truth[i].fields["seller_name"] = i == 2 ? "Harbour Insurance\nPort Branch" : name;
    docs[i].truth = &truth[i];
    docs[i].group = "harbour";
    docs[i].result = results[i];
    docs[i].scored["seller_name"] = extract::FieldType::kString;
  }
  Result<LearnEvalReport> r = RunLearnFromFirst(docs, testing::TempDir() + "/learn-eval");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->senders, 1);
  EXPECT_EQ(r->later_documents, 3);
  EXPECT_EQ(r->corrected_fields, 1);
  EXPECT_EQ(r->learned_fields, 1);
  EXPECT_EQ(r->no_review_eligible, 3);
  // The same name on another layout is found by its value; the other branch's is not taken
  // for it, and stays as extracted: that document still needs review, and the report says why.
  // Neither is the misread one's.
  EXPECT_EQ(r->no_review, 1);
  EXPECT_EQ(r->right_before, 0);
  EXPECT_EQ(r->right_after, 1);
  ASSERT_EQ(r->still_reviewed.size(), 2u) << r->still_reviewed.dump();
  const auto& still = r->still_reviewed[0];
  EXPECT_EQ(still["document"], "doc2");
  ASSERT_EQ(still["fields"].size(), 1u);
  EXPECT_EQ(still["fields"][0]["field"], "seller_name");
  EXPECT_EQ(still["fields"][0]["got"], "Harbour Insurance");
  EXPECT_EQ(still["fields"][0]["source"], "layout");
  EXPECT_EQ(still["fields"][0]["learned"], true);
  // The branch's page prints its own name as read; the misread page does not print the value
  // at all, so the target is split by it: of the two documents printing their value, one needs
  // no review; the third is out of any memory's reach.
  EXPECT_EQ(still["fields"][0]["read_on_page"], true);
  EXPECT_EQ(r->still_reviewed[1]["document"], "doc3");
  EXPECT_EQ(r->still_reviewed[1]["fields"][0]["read_on_page"], false);
  EXPECT_EQ(r->no_review_eligible_read, 2);
  EXPECT_EQ(r->no_review_read, 1);
  // Confident fields of later documents: none before (the rules' 0.7), one after, right.
  EXPECT_EQ(r->confident_before, 0);
  EXPECT_EQ(r->confident_after_all, 1);
  EXPECT_EQ(r->confident_wrong_after, 0);
  // The name was printed as read: the simulated reviewer pointed at nothing.
  EXPECT_EQ(r->pointed, 0);
  // No schema given: no tenant ranker, and the figures with it are the memory's.
  EXPECT_TRUE(r->ranker_fields.empty());
  EXPECT_EQ(r->ranked_no_review, r->no_review);
  EXPECT_DOUBLE_EQ(r->ranked_micro_f1, r->micro_f1.second);
}

// The simulated reviewer points at the words a person would click for a value OCR misread.
TEST(PickWords, PointsAtTheNearestWordsOfTheValuesShapeOrAtNothing) {
  const Document page = PageOf({{"Total", 100, 900},
                                {"141.58", 600, 900},
                                {"Cash", 100, 950},
                                {"200.00", 600, 950},
                                {"Date:", 100, 100},
                                {"05", 300, 100},
                                {"02-16", 360, 100},
                                {"NO.12", 300, 300},
                                {"JALAN", 420, 300},
                                {"554C/5", 540, 300},
                                {"PETALING", 300, 330},
                                {"JAYA", 460, 330}});
  // Money: one digit off, the same number of digits.
  std::optional<learn::PointedWords> total = PickWords(page, "141.50", extract::FieldType::kMoney);
  ASSERT_TRUE(total.has_value());
  EXPECT_EQ(total->page, 1);
  EXPECT_EQ(total->box, (Box{600, 900, 708, 924}));
  // Nothing that near: no pick (and never the total for a far amount).
  EXPECT_FALSE(PickWords(page, "999.99", extract::FieldType::kMoney).has_value());
  EXPECT_FALSE(PickWords(page, "14.50", extract::FieldType::kMoney).has_value());
  // A date as printed, over two words.
  std::optional<learn::PointedWords> date = PickWords(page, "05-02-18", extract::FieldType::kDate);
  ASSERT_TRUE(date.has_value());
  EXPECT_EQ(date->box, (Box{300, 100, 450, 124}));
  // An address over two rows, misread: a lasso over both.
  std::optional<learn::PointedWords> address =
      PickWords(page, "NO.12, JALAN SS4C/5, PETALING JAYA", extract::FieldType::kString);
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->box, (Box{300, 300, 648, 354}));
}

}  // namespace
}  // namespace sheaf::app
