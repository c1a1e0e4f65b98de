// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/static_assets.h"

#include <gtest/gtest.h>

namespace sheaf {
namespace {

const EmbeddedAsset kTable[] = {
    {"/index.html", "<!doctype html><p>hi", 20},
    {"/assets/app.js", "console.log(1)", 14},
    {"/assets/app.css", "p{}", 3},
    {nullptr, nullptr, 0},
};
const EmbeddedAsset kEmpty[] = {{nullptr, nullptr, 0}};

std::string HeaderOf(const HttpReply& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(StaticAssets, RootServesIndexAsHtmlWithPolicyAndRevalidation) {
  HttpReply r = ServeWebAsset("/", "", kTable);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.body, "<!doctype html><p>hi");
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_NE(HeaderOf(r, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
}

TEST(StaticAssets, ThePolicyNamesNoOtherOrigin) {
  const std::string csp = kPageSecurityPolicy;
  EXPECT_EQ(csp.find("http"), std::string::npos) << csp;
  EXPECT_EQ(csp.find('*'), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
}

TEST(StaticAssets, AssetsGetTheirContentTypes) {
  EXPECT_EQ(ServeWebAsset("/assets/app.js", "", kTable).content_type,
            "text/javascript; charset=utf-8");
  EXPECT_EQ(ServeWebAsset("/assets/app.css", "", kTable).content_type, "text/css; charset=utf-8");
  EXPECT_EQ(ServeWebAsset("/assets/app.js", "", kTable).body, "console.log(1)");
  EXPECT_EQ(ContentTypeFor("x.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("x.unknown"), "application/octet-stream");
}

TEST(StaticAssets, AMatchingETagAnswers304WithoutBody) {
  HttpReply first = ServeWebAsset("/assets/app.js", "", kTable);
  const std::string etag = HeaderOf(first, "ETag");
  ASSERT_FALSE(etag.empty());
  HttpReply again = ServeWebAsset("/assets/app.js", etag, kTable);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_NE(HeaderOf(ServeWebAsset("/assets/app.css", "", kTable), "ETag"), etag);
  EXPECT_EQ(ServeWebAsset("/assets/app.js", "\"other\"", kTable).status, 200);
}

TEST(StaticAssets, AnUnknownFileIs404) {
  HttpReply r = ServeWebAsset("/assets/nope.js", "", kTable);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("/assets/nope.js"), std::string::npos);
  EXPECT_EQ(ServeWebAsset("/assets/../index.html", "", kTable).status, 404);
}

TEST(StaticAssets, ABinaryWithoutThePageSaysSo) {
  HttpReply r = ServeWebAsset("/", "", kEmpty);
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("page not built"), std::string::npos);
  EXPECT_EQ(ServeWebAsset("/assets/app.js", "", kEmpty).status, 404);
}

}  // namespace
}  // namespace sheaf
