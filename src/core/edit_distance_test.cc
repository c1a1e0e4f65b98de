// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/edit_distance.h"

#include <gtest/gtest.h>

#include <string>

namespace sheaf {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("flaw", "lawn"), 2u);
  EXPECT_EQ(EditDistance("same", "same"), 0u);
}

TEST(EditDistance, SequencesOfCodePoints) {
  EXPECT_EQ(SequenceEditDistance(std::u32string(U"Grüße"), std::u32string(U"Grusse")), 3u);
  EXPECT_EQ(EditDistance("Grüße", "Grusse"), 4u);  // bytes: ü and ß are two each
}

TEST(BoundedEditDistance, AgreesUpToTheCapAndSaysCapPlusOneBeyondIt) {
  EXPECT_EQ(BoundedEditDistance("SDN", "SDN", 1), 0);
  EXPECT_EQ(BoundedEditDistance("5DN", "SDN", 1), 1);
  EXPECT_EQ(BoundedEditDistance("kitten", "sitting", 3), 3);
  EXPECT_EQ(BoundedEditDistance("kitten", "sitting", 2), 3);
  EXPECT_EQ(BoundedEditDistance("a", "abcdef", 2), 3);  // lengths alone exceed the cap
}

}  // namespace
}  // namespace sheaf
