// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/hitl_fallback.h"

#include <gtest/gtest.h>

namespace sheaf {
namespace {

Field WithConfidence(double c) {
  Field f;
  f.value = "x";
  f.confidence = c;
  return f;
}

TEST(DecideAutoApproval, ApprovesWhenEveryFieldIsAtLeastTheThreshold) {
  Document d;
  d.fields["total"] = WithConfidence(0.85);
  d.fields["date"] = WithConfidence(0.99);
  AutoApproval a = DecideAutoApproval(d);
  EXPECT_TRUE(a.approve);
  EXPECT_EQ(a.reason, "every field's confidence >= 0.85, lowest 0.85 (total)");
}

TEST(DecideAutoApproval, OneFieldBelowTheThresholdKeepsTheDocumentForReview) {
  Document d;
  d.fields["total"] = WithConfidence(0.84);
  d.fields["date"] = WithConfidence(0.99);
  AutoApproval a = DecideAutoApproval(d);
  EXPECT_FALSE(a.approve);
  EXPECT_EQ(a.reason, "field total has confidence 0.84 < 0.85");
}

TEST(DecideAutoApproval, LineItemFieldsCountToo) {
  Document d;
  d.fields["total"] = WithConfidence(0.95);
  d.line_items.push_back({{"amount", WithConfidence(0.5)}});
  AutoApproval a = DecideAutoApproval(d);
  EXPECT_FALSE(a.approve);
  EXPECT_EQ(a.reason, "field line_items[0].amount has confidence 0.50 < 0.85");
}

TEST(DecideAutoApproval, ADocumentWithoutFieldsIsNeverApprovedAutomatically) {
  AutoApproval a = DecideAutoApproval(Document{});
  EXPECT_FALSE(a.approve);
  EXPECT_EQ(a.reason, "no fields");
}

}  // namespace
}  // namespace sheaf
