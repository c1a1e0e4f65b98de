// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/kafka/kafka_options.h"

#include <gtest/gtest.h>

namespace sheaf {
namespace {

TEST(KafkaOptions, AUriGivesServersNamespaceAndGroupPrefix) {
  Result<KafkaOptions> o =
      ParseKafkaUri("kafka://127.0.0.1:29092,127.0.0.1:29094?namespace=abc&group_prefix=x.");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->bootstrap_servers, "127.0.0.1:29092,127.0.0.1:29094");
  EXPECT_EQ(o->ns, "abc");
  EXPECT_EQ(o->group_prefix, "x.");
  EXPECT_EQ(ClusterTopic(*o, "ocr.tasks"), "abc.ocr.tasks");
}

TEST(KafkaOptions, WithoutANamespaceTopicsKeepTheirNames) {
  Result<KafkaOptions> o = ParseKafkaUri("kafka://127.0.0.1:29092");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(ClusterTopic(*o, "ocr.tasks"), "ocr.tasks");
  EXPECT_EQ(GroupName(*o, {"ocr.tasks"}), "sheaf.ocr.tasks");
}

TEST(KafkaOptions, BadUrisAreRefusedNamingTheProblem) {
  EXPECT_EQ(ParseKafkaUri("http://x:1").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseKafkaUri("kafka://").status().code(), ErrorCode::kInvalidArgument);
  Result<KafkaOptions> unknown = ParseKafkaUri("kafka://h:1?colour=red");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("colour"), std::string::npos);
  EXPECT_EQ(ParseKafkaUri("kafka://h:1?namespace=a/b").status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(KafkaOptions, TheThreeLanesShareOneGroupWhateverTheirOrder) {
  KafkaOptions o;
  o.ns = "n";
  EXPECT_EQ(GroupName(o, {"documents.normal", "documents.urgent", "documents.high"}),
            "n.sheaf.documents.lanes");
  EXPECT_EQ(LagGroupName(o, "documents.high"), "n.sheaf.documents.lanes");
  EXPECT_EQ(LagGroupName(o, "ocr.tasks"), "n.sheaf.ocr.tasks");
  EXPECT_EQ(GroupName(o, {"review.tasks", "export.tasks", "review.tasks"}),
            "n.sheaf.export.tasks+review.tasks");
}

}  // namespace
}  // namespace sheaf
