// SPDX-License-Identifier: GPL-3.0-or-later
#include "resilience/retry.h"

#include <gtest/gtest.h>

#include "resilience/manual_clock.h"

namespace sheaf {
namespace {

using std::chrono::milliseconds;

struct RetryCase {
  std::string name;
  int max_attempts;
  std::vector<ErrorCode> answers;  // what each call returns, in order
  ErrorCode want;
  int want_calls;
};

TEST(Retry, StopsAtSuccessAtANonRetryableErrorOrAfterMaxAttempts) {
  const std::vector<RetryCase> cases = {
      {"success at once", 3, {ErrorCode::kOk}, ErrorCode::kOk, 1},
      {"success on the third", 3,
       {ErrorCode::kUnavailable, ErrorCode::kIoError, ErrorCode::kOk}, ErrorCode::kOk, 3},
      {"gives up after max attempts", 3,
       {ErrorCode::kUnavailable, ErrorCode::kUnavailable, ErrorCode::kUnavailable,
        ErrorCode::kOk},
       ErrorCode::kUnavailable, 3},
      {"a non-retryable error ends it", 5,
       {ErrorCode::kUnavailable, ErrorCode::kInvalidArgument, ErrorCode::kOk},
       ErrorCode::kInvalidArgument, 2},
      {"one attempt means no retry", 1, {ErrorCode::kUnavailable, ErrorCode::kOk},
       ErrorCode::kUnavailable, 1},
  };
  for (const RetryCase& c : cases) {
    SCOPED_TRACE(c.name);
    ManualClock clock;
    RetryConfig config;
    config.max_attempts = c.max_attempts;
    Retry retry("textract", config, &clock, 42);
    int calls = 0;
    Status s = retry.Run([&]() -> Status {
      const ErrorCode code = c.answers.at(calls++);
      return code == ErrorCode::kOk ? Status::Ok() : Status(code, "call " + std::to_string(calls));
    });
    EXPECT_EQ(s.code(), c.want);
    EXPECT_EQ(calls, c.want_calls);
    // One sleep between consecutive attempts, none after the last.
    EXPECT_EQ(static_cast<int>(clock.sleeps().size()), c.want_calls - 1);
  }
}

TEST(Retry, SleepsAFullJitterExponentialBackoffOnTheClock) {
  ManualClock clock;
  RetryConfig config;
  config.max_attempts = 6;
  config.backoff = {milliseconds(2000), 2.0, milliseconds(10000)};
  // Many runs: every delay lies within its ceiling (2, 4, 8, 10, 10 s) and they are not all the
  // same (jitter), nor all at the ceiling.
  std::vector<std::vector<std::chrono::nanoseconds>> runs;
  for (int run = 0; run < 50; ++run) {
    ManualClock c;
    Retry r("r", config, &c, 1000 + run);
    Status s = r.Run([] { return Status(ErrorCode::kUnavailable, "down"); });
    EXPECT_EQ(s.message(), "down (after 6 attempts)");
    runs.push_back(c.sleeps());
  }
  const long long ceilings[] = {2000, 4000, 8000, 10000, 10000};
  bool varied = false;
  for (const auto& sleeps : runs) {
    ASSERT_EQ(sleeps.size(), 5u);
    for (int i = 0; i < 5; ++i) {
      const auto ms = std::chrono::duration_cast<milliseconds>(sleeps[i]).count();
      EXPECT_GE(ms, 0);
      EXPECT_LE(ms, ceilings[i]);
    }
    if (sleeps != runs[0]) varied = true;
  }
  EXPECT_TRUE(varied);
}

TEST(Retry, TypedResultsCarryTheValue) {
  ManualClock clock;
  Retry retry("r", RetryConfig{}, &clock, 1);
  int calls = 0;
  Result<int> r = retry.Run<int>([&]() -> Result<int> {
    if (++calls < 2) return Status(ErrorCode::kIoError, "eof");
    return 41 + calls - 1;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 42);
}

TEST(RetryConfig, RejectsNoAttemptsAndShrinkingBackoff) {
  RetryConfig c;
  EXPECT_TRUE(c.Validate().ok());
  c.max_attempts = 0;
  EXPECT_EQ(c.Validate().code(), ErrorCode::kInvalidArgument);
  c = {};
  c.backoff.multiplier = 0.5;
  EXPECT_FALSE(c.Validate().ok());
}

}  // namespace
}  // namespace sheaf
