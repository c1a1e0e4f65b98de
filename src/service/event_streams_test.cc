// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/event_streams.h"

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/sqlite/sqlite_metadata_store.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;

// What a stream wrote, read by the test while the stream runs.
class Sink {
 public:
  bool Write(std::string_view chunk) {
    std::lock_guard<std::mutex> lock(mu_);
    text_.append(chunk);
    return !gone_;
  }
  std::string text() {
    std::lock_guard<std::mutex> lock(mu_);
    return text_;
  }
  void Leave() {
    std::lock_guard<std::mutex> lock(mu_);
    gone_ = true;
  }
  // Waits (up to a minute: a liveness bound, not a speed check) until the text has `s`.
  bool WaitFor(const std::string& s) {
    for (int i = 0; i < 6000; ++i) {
      if (text().find(s) != std::string::npos) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

 private:
  std::mutex mu_;
  std::string text_;
  bool gone_ = false;
};

class EventStreamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/event_streams_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = OpenSqliteMetadataStore(dir_ + "/metadata.sqlite");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    auto a = store_->CreateTenant("acme", "cli:test");
    auto b = store_->CreateTenant("other", "cli:test");
    ASSERT_TRUE(a.ok() && b.ok());
    acme_ = a->id;
    other_ = b->id;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Create(const std::string& tenant, const std::string& name) {
    DocumentRecord d;
    d.id = NewDocumentId();
    d.source_name = name;
    d.sha256 = std::string(64, 'a');
    auto created = store_->CreateDocument(tenant, d, 0, "key:test");
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return d.id;
  }

  void SetStatus(const std::string& tenant, const std::string& id, ProcessingStatus s) {
    DocumentUpdate u;
    u.status = s;
    ASSERT_TRUE(store_->UpdateDocument(tenant, id, u, "key:test").ok());
  }

  EventStreamOptions Fast() {
    EventStreamOptions o;
    o.poll = 10ms;
    o.heartbeat = 50ms;
    return o;
  }

  std::string dir_;
  std::unique_ptr<MetadataStore> store_;
  std::string acme_;
  std::string other_;
};

TEST_F(EventStreamsTest, ReportsTheTenantsChangesOnlyAndTheReviewQueue) {
  const std::string before = Create(acme_, "old.pdf");
  EventStreams streams(store_.get(), Fast());
  HttpReply r = streams.Open(acme_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/event-stream");
  ASSERT_TRUE(r.stream);
  Sink sink;
  std::thread t([&] { r.stream([&](std::string_view c) { return sink.Write(c); }); });
  ASSERT_TRUE(sink.WaitFor(": connected"));

  const std::string mine = Create(acme_, "new.pdf");
  const std::string theirs = Create(other_, "secret.pdf");
  ASSERT_TRUE(sink.WaitFor("\"id\":\"" + mine + "\""));
  SetStatus(acme_, mine, ProcessingStatus::kNeedsReview);
  ASSERT_TRUE(sink.WaitFor("event: review\ndata: {\"id\":\"" + mine + "\",\"status\":\"needs_review\"}"));
  SetStatus(acme_, mine, ProcessingStatus::kCompleted);
  ASSERT_TRUE(sink.WaitFor("\"id\":\"" + mine + "\",\"status\":\"completed\"}"));
  ASSERT_TRUE(sink.WaitFor(": heartbeat"));

  streams.Close();
  t.join();
  const std::string text = sink.text();
  EXPECT_EQ(text.find(theirs), std::string::npos) << "another tenant's document leaked";
  EXPECT_EQ(text.find("secret.pdf"), std::string::npos);
  EXPECT_EQ(text.find(before), std::string::npos) << "the baseline is not an event";
  EXPECT_NE(text.find("event: document\ndata: {\"id\":\"" + mine), std::string::npos);
}

TEST_F(EventStreamsTest, AStreamEndsWhenTheClientGoes) {
  EventStreams streams(store_.get(), Fast());
  HttpReply r = streams.Open(acme_);
  Sink sink;
  std::thread t([&] { r.stream([&](std::string_view c) { return sink.Write(c); }); });
  ASSERT_TRUE(sink.WaitFor(": connected"));
  sink.Leave();
  t.join();  // returns once a write fails (the next heartbeat)
  r = HttpReply();
  EXPECT_EQ(streams.open_streams(), 0);
}

TEST_F(EventStreamsTest, BeyondTheLimitOpenAnswers503AndASlotIsGivenBack) {
  EventStreamOptions o = Fast();
  o.max_streams = 1;
  EventStreams streams(store_.get(), o);
  HttpReply first = streams.Open(acme_);
  ASSERT_EQ(first.status, 200);
  HttpReply second = streams.Open(acme_);
  EXPECT_EQ(second.status, 503);
  EXPECT_FALSE(second.stream);
  EXPECT_NE(second.body.find("limit is 1"), std::string::npos) << second.body;
  first = HttpReply();  // dropped unsent: the slot comes back
  EXPECT_EQ(streams.open_streams(), 0);
  EXPECT_EQ(streams.Open(acme_).status, 200);
}

TEST_F(EventStreamsTest, AfterCloseOpenAnswers503) {
  EventStreams streams(store_.get(), Fast());
  streams.Close();
  HttpReply r = streams.Open(acme_);
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("stopping"), std::string::npos);
}

}  // namespace
}  // namespace sheaf
