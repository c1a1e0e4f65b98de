// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/json_depth.h"

#include <string>

#include <gtest/gtest.h>

namespace sheaf {
namespace {

std::string Nested(int levels) { return std::string(levels, '[') + std::string(levels, ']'); }

TEST(JsonDepth, NestingUpToTheLimitPassesAndOneLevelMoreIsRefused) {
  EXPECT_TRUE(CheckJsonDepth(Nested(8), 8).ok());
  EXPECT_TRUE(CheckJsonDepth(R"({"a": {"b": [1, {"c": 2}]}})", 4).ok());
  const Status s = CheckJsonDepth(R"({"a": {"b": [1, {"c": 2}]}})", 3);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("deeper than 3 levels"), std::string::npos) << s.message();
}

TEST(JsonDepth, AMillionOpenBracketsAreRefusedWithoutReadingThemAll) {
  EXPECT_EQ(CheckJsonDepth(std::string(1000000, '['), 32).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckJsonDepth(std::string(1000000, '{') , 32).code(), ErrorCode::kOk)
      << "'{{' is malformed at level 1: left to the caller's parse";
}

TEST(JsonDepth, BracketsInsideStringsDoNotCount) {
  EXPECT_TRUE(CheckJsonDepth(R"({"a": "[[[[[[[[[[{{{{{{{{"})", 2).ok());
}

TEST(JsonDepth, MalformedJsonIsLeftToTheCallersParse) {
  EXPECT_TRUE(CheckJsonDepth("{oops", 4).ok());
  EXPECT_TRUE(CheckJsonDepth("", 4).ok());
}

}  // namespace
}  // namespace sheaf
