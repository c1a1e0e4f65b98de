// SPDX-License-Identifier: GPL-3.0-or-later
//
// The command-line paths of the distributed roles that refuse bad input: `sheaf worker`'s
// stages, `--simulate-work`, `--stage` outside role workers, `sheaf kafka create-topics` and
// `sheaf migrate` with a backend they do not serve, and a second process on the embedded broker.
// Each runs the real binary and needs no server.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "adapters/sqlite/sqlite_broker.h"
#include "fixtures.h"

namespace sheaf {
namespace {

using testing::RunResult;
using testing::RunSheaf;

std::string FreshDir(const std::string& name) {
  const std::string dir = testing::TempDir() + "/backend-cli-" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(BackendCli, AnUnknownWorkerStageIsAUsageErrorNamingIt) {
  RunResult r = RunSheaf({"worker", "--stage", "ocr,teleport", "--data-dir", FreshDir("stage")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("teleport"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("stage"), std::string::npos) << r.err;
}

TEST(BackendCli, StageIsOnlyForRoleWorkers) {
  RunResult r = RunSheaf({"serve", "--role", "api", "--stage", "ocr", "--data-dir", FreshDir("role"),
                          "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--stage is for role workers"), std::string::npos) << r.err;
}

TEST(BackendCli, MalformedSimulatedWorkIsAUsageError) {
  for (const char* bad : {"ocr", "ocr=fast", "teleport=10", "ocr=-5"}) {
    RunResult r = RunSheaf({"serve", "--simulate-work", bad, "--data-dir", FreshDir("sim"),
                            "--listen", "127.0.0.1:0"});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("simulate-work"), std::string::npos) << r.err;
  }
}

TEST(BackendCli, CreateTopicsNeedsAKafkaBroker) {
  RunResult none = RunSheaf({"kafka", "create-topics"});
  EXPECT_EQ(none.exit_code, 2) << none.err;
  EXPECT_NE(none.err.find("SHEAF_BROKER"), std::string::npos) << none.err;
  RunResult embedded = RunSheaf({"kafka", "create-topics", "--broker", "embedded"});
  EXPECT_EQ(embedded.exit_code, 2) << embedded.err;
  EXPECT_NE(embedded.err.find("expected kafka://"), std::string::npos) << embedded.err;
}

TEST(BackendCli, MigrateServesPostgresAndSaysSqliteNeedsNothing) {
  RunResult other = RunSheaf({"migrate", "--metadata", "mysql://root:hunter2@127.0.0.1/x"});
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_NE(other.err.find("postgres://"), std::string::npos) << other.err;
  EXPECT_EQ(other.err.find("hunter2"), std::string::npos) << "the password is shown: " << other.err;
  RunResult sqlite =
      RunSheaf({"migrate", "--metadata", "sqlite:" + FreshDir("migrate") + "/metadata.sqlite"});
  EXPECT_EQ(sqlite.exit_code, 0) << sqlite.err;
  EXPECT_NE(sqlite.out.find("nothing to do"), std::string::npos) << sqlite.out;
}

// The embedded broker belongs to one process: a worker started beside it is refused with the
// way out (a kafka:// broker), not just "locked".
TEST(BackendCli, ASecondProcessOnTheEmbeddedBrokerIsToldToUseKafka) {
  const std::string dir = FreshDir("locked");
  auto held = SqliteBroker::Open(dir + "/queue.sqlite", {});
  ASSERT_TRUE(held.ok()) << held.status().message();
  RunResult r = RunSheaf({"worker", "--stage", "ocr", "--data-dir", dir, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("kafka://"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("SHEAF_BROKER"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sheaf
