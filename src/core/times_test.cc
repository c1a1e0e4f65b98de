// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/times.h"

#include <gtest/gtest.h>

namespace sheaf {
namespace {

TEST(FormatUtc, SecondsOrMillisecondsInUtc) {
  EXPECT_EQ(FormatUtc(0, false), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(1709294400250, false), "2024-03-01T12:00:00Z");
  EXPECT_EQ(FormatUtc(1709294400250, true), "2024-03-01T12:00:00.250Z");
  EXPECT_EQ(FormatUtc(-1, true), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace sheaf
