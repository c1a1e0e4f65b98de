// SPDX-License-Identifier: GPL-3.0-or-later
// SenderLearner on a real SQLite MetadataStore: a correction learned for one sender is recalled
// for the same sender's next document even when OCR read its name differently, and never for
// another tenant's.
#include "learn/learner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "learn/learner_store_test.h"
#include "learn/printed_page_test.h"
#include "learn/sender_memory.h"

namespace sheaf::learn {
namespace {

// A receipt: the merchant's name on top (as extraction read it), a total beside "TOTAL".
Document Receipt(const std::string& name_as_read, const std::string& total) {
  Document d = testing::PageOf({{"TOTAL", 500, 1000}, {total, 800, 1000}});
  Field name;
  name.value = name_as_read;
  d.fields["merchant_name"] = name;
  Field wrong;
  wrong.value = "1.00";
  d.fields["total"] = wrong;
  return d;
}

class SenderLearnerTest : public LearnerStoreTest {};

TEST_F(SenderLearnerTest, AMisreadNameIsTheSameSenderAndAnotherTenantLearnsNothing) {
  const Tenant a = *store_->CreateTenant("a", "test");
  const Tenant b = *store_->CreateTenant("b", "test");
  const SenderLearner learner(store_.get());
  auto learned = learner.Learn(a.id, "d1", Receipt("SANYO STATIONERY SHOP", "12.50"),
                               {{"total", "12.50"}}, "test");
  ASSERT_TRUE(learned.ok());
  ASSERT_EQ(*learned, std::vector<std::string>{"total"});

  // The next receipt: the name read as "SANYU ...", the total beside the learned label.
  Document next = Receipt("SANYU STATIONERY SHOP", "30.10");
  auto r = learner.Recall(a.id, &next);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sender.key, "name:sanyu stationery shop");
  EXPECT_EQ(r->remembered, "name:sanyo stationery shop");
  EXPECT_EQ(r->fields, std::vector<std::string>{"total"});
  EXPECT_EQ(next.fields["total"].value, "30.10");
  EXPECT_EQ(next.fields["total"].source, kSenderMemorySource);

  // A different shop is not that sender; tenant b has learned nothing.
  Document other = Receipt("SANYU BAKERY", "30.10");
  EXPECT_TRUE(learner.Recall(a.id, &other)->fields.empty());
  Document of_b = Receipt("SANYO STATIONERY SHOP", "30.10");
  auto rb = learner.Recall(b.id, &of_b);
  ASSERT_TRUE(rb.ok());
  EXPECT_TRUE(rb->fields.empty());
  EXPECT_TRUE(rb->remembered.empty());
  EXPECT_EQ(of_b.fields["total"].value, "1.00");
}

TEST_F(SenderLearnerTest, ATotalOcrMisreadIsLearnedFromTheWordsTheReviewerPointedAt) {
  const Tenant a = *store_->CreateTenant("a", "test");
  const SenderLearner learner(store_.get());
  // The total printed 12.50, read "12.58": typed alone, the value is not on the page.
  const Document first = Receipt("SANYO STATIONERY SHOP", "12.58");
  auto typed = learner.Learn(a.id, "d1", first, {{"total", "12.50"}}, "test");
  ASSERT_TRUE(typed.ok());
  EXPECT_TRUE(typed->empty());
  // Pointed at the words read "12.58" (x 800..890, y 1000..1024 in Receipt): learned.
  auto pointed = learner.Learn(a.id, "d1", first, {{"total", "12.50"}}, "test",
                               {{"total", PointedWords{1, Box{795, 995, 900, 1030}}}});
  ASSERT_TRUE(pointed.ok());
  ASSERT_EQ(*pointed, std::vector<std::string>{"total"});
  Document next = Receipt("SANYO STATIONERY SHOP", "30.10");
  ASSERT_EQ(learner.Recall(a.id, &next)->fields, std::vector<std::string>{"total"});
  EXPECT_EQ(next.fields["total"].value, "30.10");
  EXPECT_DOUBLE_EQ(next.fields["total"].confidence, kMisreadConfidence);
}

}  // namespace
}  // namespace sheaf::learn
