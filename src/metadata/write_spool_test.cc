// SPDX-License-Identifier: GPL-3.0-or-later
#include "metadata/write_spool.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "core/fault_injecting_fs.h"
#include "fixtures.h"

namespace sheaf {
namespace {

std::vector<std::string> Payloads(const WriteSpool& spool) {
  std::vector<std::string> out;
  for (const WriteSpool::Entry& e : spool.Pending()) out.push_back(e.payload);
  return out;
}

class WriteSpoolTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = testing::TempDir() + "/spool/writes.spool"; }
  std::unique_ptr<WriteSpool> Open(std::uint64_t max_bytes = 1 << 20) {
    auto s = WriteSpool::Open(&fs_, path_, max_bytes);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  FaultInjectingFs fs_{7};
  std::string path_;
};

TEST_F(WriteSpoolTest, RecordsComeBackInTheOrderTheyWereAppendedAfterAReopen) {
  {
    auto spool = Open();
    ASSERT_NE(spool, nullptr);
    for (const char* p : {"{\"n\":1}", "{\"n\":2}", "{\"n\":3}"}) {
      ASSERT_TRUE(spool->Append(p).ok());
    }
    EXPECT_EQ(spool->pending(), 3u);
  }
  auto again = Open();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Payloads(*again), (std::vector<std::string>{"{\"n\":1}", "{\"n\":2}", "{\"n\":3}"}));
  EXPECT_EQ(again->Front()->payload, "{\"n\":1}");
}

TEST_F(WriteSpoolTest, MarkDoneTakesOnlyTheOldestAndAnEmptySpoolEmptiesItsFile) {
  auto spool = Open();
  ASSERT_NE(spool, nullptr);
  const auto a = spool->Append("a");
  const auto b = spool->Append("b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(spool->MarkDone(*b).code(), ErrorCode::kInvalidArgument);  // not the oldest
  ASSERT_TRUE(spool->MarkDone(*a).ok());
  spool.reset();
  spool = Open();
  ASSERT_NE(spool, nullptr);
  EXPECT_EQ(Payloads(*spool), std::vector<std::string>{"b"});
  ASSERT_TRUE(spool->MarkDone(spool->Front()->seq).ok());
  EXPECT_EQ(spool->pending(), 0u);
  EXPECT_EQ(spool->bytes(), 0u);
  EXPECT_EQ(testing::ReadFile(path_), "");
}

TEST_F(WriteSpoolTest, ATornLastRecordIsDroppedAndTheNextAppendFollowsTheGoodOnes) {
  std::filesystem::create_directories(path_.substr(0, path_.rfind('/')));
  const std::string good = WriteSpoolLine(1, 'A', "kept");
  const std::string torn = WriteSpoolLine(2, 'A', "never acknowledged");
  testing::WriteFile(path_, good + torn.substr(0, torn.size() / 2));
  auto spool = Open();
  ASSERT_NE(spool, nullptr);
  EXPECT_EQ(Payloads(*spool), std::vector<std::string>{"kept"});
  ASSERT_TRUE(spool->Append("next").ok());
  spool.reset();
  spool = Open();
  ASSERT_NE(spool, nullptr);
  EXPECT_EQ(Payloads(*spool), (std::vector<std::string>{"kept", "next"}));
}

TEST_F(WriteSpoolTest, ALastRecordWithABadChecksumIsDroppedToo) {
  std::filesystem::create_directories(path_.substr(0, path_.rfind('/')));
  std::string bad = WriteSpoolLine(2, 'A', "flipped");
  bad[bad.size() - 3] ^= 1;
  testing::WriteFile(path_, WriteSpoolLine(1, 'A', "kept") + bad);
  auto spool = Open();
  ASSERT_NE(spool, nullptr);
  EXPECT_EQ(Payloads(*spool), std::vector<std::string>{"kept"});
}

TEST_F(WriteSpoolTest, ADamagedRecordBeforeGoodOnesIsCorruptionNamingTheFileAndByte) {
  std::filesystem::create_directories(path_.substr(0, path_.rfind('/')));
  std::string bad = WriteSpoolLine(1, 'A', "flipped");
  bad[bad.size() - 3] ^= 1;
  testing::WriteFile(path_, bad + WriteSpoolLine(2, 'A', "good"));
  auto s = WriteSpool::Open(&fs_, path_, 1 << 20);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kIoError);
  EXPECT_NE(s.status().message().find(path_), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("byte 0"), std::string::npos) << s.status().message();
}

TEST_F(WriteSpoolTest, AFullSpoolRefusesWithTheLimitAndTakesMoreOnceReplayed) {
  const std::string payload(100, 'x');
  const std::uint64_t line = WriteSpoolLine(1, 'A', payload).size();
  auto spool = Open(line * 2);
  ASSERT_NE(spool, nullptr);
  ASSERT_TRUE(spool->Append(payload).ok());
  ASSERT_TRUE(spool->Append(payload).ok());
  Result<std::uint64_t> full = spool->Append(payload);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(full.status().message().find(path_), std::string::npos);
  EXPECT_NE(full.status().message().find(std::to_string(line * 2)), std::string::npos)
      << full.status().message();
  EXPECT_EQ(spool->pending(), 2u);
  ASSERT_TRUE(spool->MarkDone(spool->Front()->seq).ok());
  ASSERT_TRUE(spool->MarkDone(spool->Front()->seq).ok());
  EXPECT_TRUE(spool->Append(payload).ok());
}

TEST_F(WriteSpoolTest, AFailedSyncIsAnErrorAndTheRecordIsNotInTheSpool) {
  auto spool = Open();
  ASSERT_NE(spool, nullptr);
  ASSERT_TRUE(spool->Append("before").ok());
  FsFault f;
  f.op = FsOp::kSync;
  f.error = EIO;
  f.path_contains = "writes.spool";
  fs_.Inject(f);
  Result<std::uint64_t> failed = spool->Append("failed");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), ErrorCode::kIoError);
  ASSERT_TRUE(spool->Append("after").ok());
  spool.reset();
  spool = Open();
  ASSERT_NE(spool, nullptr);
  EXPECT_EQ(Payloads(*spool), (std::vector<std::string>{"before", "after"}));
}

TEST_F(WriteSpoolTest, ATornWriteThenACrashKeepsEveryAcknowledgedRecordAndNothingElse) {
  for (CrashMode mode : {CrashMode::kDropUnsynced, CrashMode::kTearUnsynced}) {
    SCOPED_TRACE(static_cast<int>(mode));
    SetUp();
    std::vector<std::string> acked;
    {
      auto spool = Open();
      ASSERT_NE(spool, nullptr);
      for (int i = 0; i < 20; ++i) {
        if (i % 6 == 3) {
          FsFault f;
          f.op = FsOp::kWrite;
          f.error = ENOSPC;
          f.torn = true;
          f.path_contains = "writes.spool";
          fs_.Inject(f);
        }
        const std::string p = "{\"write\":" + std::to_string(i) + "}";
        if (spool->Append(p).ok()) acked.push_back(p);
        fs_.ClearFaults();
      }
      ASSERT_GT(acked.size(), 10u);
      ASSERT_LT(acked.size(), 20u);
    }
    std::string error;
    ASSERT_TRUE(fs_.SimulateCrash(mode, &error)) << error;
    auto spool = Open();
    ASSERT_NE(spool, nullptr);
    EXPECT_EQ(Payloads(*spool), acked);
  }
}

}  // namespace
}  // namespace sheaf
