// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/local_blob_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "fixtures.h"

namespace sheaf {
namespace {

namespace fs = std::filesystem;

class LocalBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir() + "sheaf-blobs-XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    store_ = OpenStore();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::unique_ptr<LocalBlobStore> OpenStore() {
    auto s = LocalBlobStore::Open(dir_ + "/blobs");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) std::abort();
    return std::move(s).value();
  }
  std::size_t TempFiles() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(store_->temp_dir())) {
      (void)e;
      ++n;
    }
    return n;
  }

  std::string dir_;
  std::unique_ptr<LocalBlobStore> store_;
};

const std::string kKey = "tenants/t1/documents/0123abcd/original";

// The contract every blob store keeps is tested in tests/contract/blob_store_contract_test.cc;
// here, what only the local store promises (files, folders, temporary files, crash safety).

TEST_F(LocalBlobStoreTest, ABlobIsAPlainFileAtThePathItsKeyNames) {
  ASSERT_TRUE(store_->Put(kKey, "bytes").ok());
  EXPECT_TRUE(fs::is_regular_file(dir_ + "/blobs/" + kKey));
  EXPECT_EQ(testing::ReadFile(dir_ + "/blobs/" + kKey), "bytes");
}

TEST_F(LocalBlobStoreTest, ReplacingABlobLeavesNoTemporaryFile) {
  ASSERT_TRUE(store_->Put(kKey, "first version").ok());
  ASSERT_TRUE(store_->Put(kKey, "second").ok());
  EXPECT_EQ(*store_->Get(kKey), "second");
  EXPECT_EQ(TempFiles(), 0u);
}

TEST_F(LocalBlobStoreTest, KeysThatCouldEscapeTheFolderWriteNothingOutsideIt) {
  for (const std::string key : {"../outside", "a/../../outside", "/outside"}) {
    EXPECT_EQ(store_->Put(key, "x").code(), ErrorCode::kInvalidArgument) << key;
  }
  EXPECT_FALSE(fs::exists(dir_ + "/outside"));
  EXPECT_FALSE(fs::exists("/outside"));
}

TEST_F(LocalBlobStoreTest, ASegmentOfTheLongestValidLengthIsAccepted) {
  const std::string key = "a/" + std::string(255, 's');
  ASSERT_TRUE(store_->Put(key, "x").ok());
  EXPECT_EQ(*store_->Get(key), "x");
}

TEST_F(LocalBlobStoreTest, AKeyCannotBeBothABlobAndAFolder) {
  ASSERT_TRUE(store_->Put("a/b", "blob").ok());
  EXPECT_EQ(store_->Put("a/b/c", "x").code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(store_->Put("x/y/z", "blob").ok());
  EXPECT_EQ(store_->Put("x/y", "x").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(*store_->Get("a/b"), "blob");
  EXPECT_EQ(*store_->Get("x/y/z"), "blob");
  EXPECT_EQ(TempFiles(), 0u);
}

TEST_F(LocalBlobStoreTest, DeletePrefixRemovesTheDocumentsFolder) {
  const std::string doc = "tenants/t1/documents/d1";
  ASSERT_TRUE(store_->Put(doc + "/pages/1.png", "png").ok());
  ASSERT_TRUE(store_->Put("tenants/t1/documents/d10/original", "other").ok());
  ASSERT_TRUE(store_->DeletePrefix(doc).ok());
  EXPECT_FALSE(fs::exists(dir_ + "/blobs/" + doc));
  EXPECT_TRUE(fs::exists(dir_ + "/blobs/tenants/t1/documents/d10/original"));
}

TEST_F(LocalBlobStoreTest, BlobsSurviveReopening) {
  ASSERT_TRUE(store_->Put(kKey, "durable").ok());
  store_.reset();
  store_ = OpenStore();
  EXPECT_EQ(*store_->Get(kKey), "durable");
}

TEST_F(LocalBlobStoreTest, FilesArePrivateToTheServiceUser) {
  ASSERT_TRUE(store_->Put(kKey, "secret").ok());
  EXPECT_EQ(testing::FileMode(dir_ + "/blobs/" + kKey), 0600);
  EXPECT_EQ(testing::FileMode(dir_ + "/blobs/tenants/t1"), 0700);
}

TEST_F(LocalBlobStoreTest, OpenRemovesOnlyStaleTemporaryFiles) {
  const std::string stale = store_->temp_dir() + "/crashed-put";
  const std::string fresh = store_->temp_dir() + "/running-put";
  std::ofstream(stale) << "partial";
  std::ofstream(fresh) << "partial";
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(2));
  store_.reset();
  store_ = OpenStore();
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh));
}

TEST_F(LocalBlobStoreTest, PutRecreatesARemovedTemporaryFolder) {
  fs::remove_all(store_->temp_dir());
  EXPECT_TRUE(store_->Put(kKey, "x").ok());
  EXPECT_EQ(*store_->Get(kKey), "x");
}

TEST_F(LocalBlobStoreTest, ConflictingPutNamesTheConflictAndLeavesNothingBehind) {
  ASSERT_TRUE(store_->Put("t/d", "a blob where a folder should be").ok());
  Status s = store_->Put("t/d/original", "x");
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("conflicts"), std::string::npos) << s.message();
  EXPECT_EQ(TempFiles(), 0u);
}

TEST_F(LocalBlobStoreTest, StorageFailureIsAnIoErrorAndStoresNothing) {
  // Fault injection that works even for root. The key's folder is a link to a folder of /proc,
  // where files cannot be created (so the store falls back to its temporary folder), and the
  // temporary folder is replaced by a file, so no temporary file can be created either.
  const std::string folder = dir_ + "/blobs/tenants/t1/documents/0123abcd";
  fs::create_directories(dir_ + "/blobs/tenants/t1/documents");
  fs::create_directory_symlink("/proc/self/fdinfo", folder);
  fs::remove_all(store_->temp_dir());
  std::ofstream(store_->temp_dir()) << "in the way";
  Status s = store_->Put(kKey, "x");
  EXPECT_EQ(s.code(), ErrorCode::kIoError) << s.ToString();
  EXPECT_NE(s.message().find(".tmp"), std::string::npos) << s.message();
  fs::remove(folder);
  EXPECT_FALSE(*store_->Exists(kKey));
  fs::remove(store_->temp_dir());
  EXPECT_TRUE(store_->Put(kKey, "x").ok());
  EXPECT_EQ(*store_->Get(kKey), "x");
}

TEST_F(LocalBlobStoreTest, ReplacingABlobLeavesNoTemporaryFileBeside) {
  ASSERT_TRUE(store_->Put(kKey, "first").ok());
  ASSERT_TRUE(store_->Put(kKey, "second").ok());
  EXPECT_EQ(*store_->Get(kKey), "second");
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir_ + "/blobs/tenants/t1/documents/0123abcd")) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

}  // namespace
}  // namespace sheaf

namespace sheaf {
namespace {

TEST(LocalBlobStoreShared, ConcurrentPutsIntoOneFolderAreAllStoredAndReadBack) {
  const std::string root = ::testing::TempDir() + "/blobs-shared-" + std::to_string(::getpid());
  auto store = LocalBlobStore::Open(root);
  ASSERT_TRUE(store.ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const std::string key = "tenants/a/originals/" + std::to_string(t) + "-" + std::to_string(i);
        if (!(*store)->Put(key, key + " body").ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < 8; ++t) {
    for (int i = 0; i < 25; ++i) {
      const std::string key = "tenants/a/originals/" + std::to_string(t) + "-" + std::to_string(i);
      Result<std::string> got = (*store)->Get(key);
      ASSERT_TRUE(got.ok()) << key;
      EXPECT_EQ(*got, key + " body");
    }
  }
}

}  // namespace
}  // namespace sheaf
