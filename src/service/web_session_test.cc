// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/web_session.h"

#include <set>

#include <gtest/gtest.h>

namespace sheaf {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

TEST(WebSessions, CreateGivesDistinctRandomIdsAndTokens) {
  WebSessions sessions;
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    Result<WebSession> s = sessions.Create("shf_key");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->id.size(), 64u);
    EXPECT_EQ(s->csrf_token.size(), 64u);
    EXPECT_NE(s->id, s->csrf_token);
    EXPECT_TRUE(seen.insert(s->id).second);
    EXPECT_TRUE(seen.insert(s->csrf_token).second);
  }
}

TEST(WebSessions, FindReturnsTheSessionWithItsKeyUntilItExpires) {
  steady_clock::time_point now{};
  WebSessionOptions o;
  o.ttl = seconds(60);
  o.now = [&] { return now; };
  WebSessions sessions(o);
  Result<WebSession> s = sessions.Create("shf_abc_secret");
  ASSERT_TRUE(s.ok());
  now += seconds(59);
  std::optional<WebSession> found = sessions.Find(s->id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->api_key, "shf_abc_secret");
  EXPECT_EQ(found->csrf_token, s->csrf_token);
  now += seconds(1);
  EXPECT_FALSE(sessions.Find(s->id).has_value());
  EXPECT_EQ(sessions.size(), 0u);
}

TEST(WebSessions, DeleteSignsOut) {
  WebSessions sessions;
  Result<WebSession> s = sessions.Create("k");
  ASSERT_TRUE(s.ok());
  sessions.Delete(s->id);
  EXPECT_FALSE(sessions.Find(s->id).has_value());
  EXPECT_FALSE(sessions.Find("unknown").has_value());
}

TEST(WebSessions, CreateRefusesBeyondTheLimitUntilSessionsExpire) {
  steady_clock::time_point now{};
  WebSessionOptions o;
  o.ttl = seconds(10);
  o.max_sessions = 2;
  o.now = [&] { return now; };
  WebSessions sessions(o);
  ASSERT_TRUE(sessions.Create("a").ok());
  ASSERT_TRUE(sessions.Create("b").ok());
  Result<WebSession> third = sessions.Create("c");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(third.status().message().find("limit is 2"), std::string::npos);
  now += seconds(10);
  EXPECT_TRUE(sessions.Create("c").ok());
  EXPECT_EQ(sessions.size(), 1u);
}

TEST(WebSessions, CookieValueFindsTheNamedCookieOnly) {
  EXPECT_EQ(WebSessions::CookieValue("a=1; sheaf_session=xyz; b=2", "sheaf_session"), "xyz");
  EXPECT_EQ(WebSessions::CookieValue("sheaf_session=abc", "sheaf_session"), "abc");
  EXPECT_EQ(WebSessions::CookieValue("xsheaf_session=abc; y=1", "sheaf_session"), "");
  EXPECT_EQ(WebSessions::CookieValue("", "sheaf_session"), "");
  EXPECT_EQ(WebSessions::CookieValue(";;; ;", "sheaf_session"), "");
}

TEST(WebSessions, SameTokenComparesWholeTokens) {
  EXPECT_TRUE(SameToken("abc", "abc"));
  EXPECT_FALSE(SameToken("abc", "abd"));
  EXPECT_FALSE(SameToken("abc", "ab"));
  EXPECT_FALSE(SameToken("", "a"));
}

}  // namespace
}  // namespace sheaf
