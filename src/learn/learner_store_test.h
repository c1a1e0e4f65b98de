// SPDX-License-Identifier: GPL-3.0-or-later
// The fixture of the SenderLearner tests: a real SQLite MetadataStore in a folder of its own,
// removed after each test.
#ifndef SHEAF_LEARN_LEARNER_STORE_TEST_H_
#define SHEAF_LEARN_LEARNER_STORE_TEST_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "adapters/sqlite/sqlite_metadata_store.h"

namespace sheaf::learn {

class LearnerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("sheaf-" + std::string(test->test_suite_name()) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    auto s = SqliteMetadataStore::Open((dir_ / "meta.db").string(), {});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path dir_;
  std::unique_ptr<SqliteMetadataStore> store_;
};

}  // namespace sheaf::learn

#endif  // SHEAF_LEARN_LEARNER_STORE_TEST_H_
