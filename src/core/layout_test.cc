// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/layout.h"

#include <gtest/gtest.h>

namespace sheaf {
namespace {

Word W(const char* t, int x0, int y0, int x1, int y1) { return Word{t, {x0, y0, x1, y1}, 1.0}; }

TEST(GroupWords, WordsOnOneBaselineFormALine) {
  auto blocks = GroupWords({W("Total", 10, 100, 60, 120), W("12.50", 70, 101, 120, 121)});
  ASSERT_EQ(blocks.size(), 1u);
  ASSERT_EQ(blocks[0].lines.size(), 1u);
  EXPECT_EQ(blocks[0].lines[0].Text(), "Total 12.50");
  EXPECT_EQ(blocks[0].lines[0].bbox, (Box{10, 100, 120, 121}));
}

TEST(GroupWords, ALargeVerticalGapStartsANewBlock) {
  auto blocks = GroupWords({W("Dear", 10, 100, 50, 120), W("Sir", 10, 124, 40, 144),
                            W("Regards", 10, 300, 80, 320)});
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].lines.size(), 2u);
  EXPECT_EQ(blocks[1].lines[0].Text(), "Regards");
}

TEST(GroupWords, MovingBackLeftStartsANewLine) {
  auto blocks = GroupWords({W("a", 100, 10, 110, 20), W("b", 10, 10, 20, 20)});
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].lines.size(), 2u);
}

TEST(ToSourceBox, UndoesAQuarterTurn) {
  // Source 100 wide x 50 high, turned 90 degrees clockwise: normalised page is 50 x 100.
  PreprocessRecord r;
  r.rotation = 90;
  // The source's top-left corner region (0..10, 0..5) lands at the top right of the turned page.
  Box turned{45, 0, 50, 10};
  EXPECT_EQ(ToSourceBox(r, 50, 100, turned), (Box{0, 0, 10, 5}));
}

TEST(ToSourceBox, UndoesAHalfTurn) {
  PreprocessRecord r;
  r.rotation = 180;
  EXPECT_EQ(ToSourceBox(r, 100, 50, Box{0, 0, 10, 5}), (Box{90, 45, 100, 50}));
}

TEST(ToSourceBox, UndoesADeskewAboutTheCentre) {
  PreprocessRecord r;
  r.skew_degrees = 90;
  // Page 100 x 100, centre (50, 50). A box right of the centre, after a clockwise quarter turn
  // about the centre, came from above the centre.
  Box b = ToSourceBox(r, 100, 100, Box{80, 48, 90, 52});
  EXPECT_NEAR(b.x0, 48, 1);
  EXPECT_NEAR(b.x1, 52, 1);
  EXPECT_NEAR(b.y0, 10, 1);
  EXPECT_NEAR(b.y1, 20, 1);
}

TEST(ToSourceBox, IdentityWithoutRotationOrSkew) {
  PreprocessRecord r;
  EXPECT_EQ(ToSourceBox(r, 100, 50, Box{1, 2, 3, 4}), (Box{1, 2, 3, 4}));
}

}  // namespace
}  // namespace sheaf
