#include "framework/state/state_directory.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace brook::framework::state {
namespace {

namespace fs = std::filesystem;
using streams::TaskId;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class StateDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "state-dir-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
};

TEST_F(StateDirectoryTest, TaskDirectoriesAreUnderTheApplicationId) {
  StateDirectory directory(root_, "app");
  EXPECT_EQ(directory.TaskDir(TaskId{1, 3}), root_ / "app" / "1_3");
  auto lock = directory.Lock(TaskId{1, 3});
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  EXPECT_TRUE(fs::is_directory(root_ / "app" / "1_3"));
  EXPECT_TRUE(fs::exists(root_ / "app" / "1_3" / ".lock"));
}

TEST_F(StateDirectoryTest, ATaskLockedByAnotherThreadCannotBeLockedUntilReleased) {
  StateDirectory directory(root_, "app");
  auto first = directory.Lock(TaskId{0, 0});
  ASSERT_TRUE(first.ok());
  auto second = directory.Lock(TaskId{0, 0});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("0_0"), std::string::npos);
  first->reset();
  EXPECT_TRUE(directory.Lock(TaskId{0, 0}).ok());
}

TEST_F(StateDirectoryTest, ATaskLockedByAnotherProcessGivesAClearError) {
  StateDirectory directory(root_, "app");
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    StateDirectory other(root_, "app");
    auto lock = other.Lock(TaskId{0, 1});
    char byte = lock.ok() ? 'y' : 'n';
    (void)!::write(ready[1], &byte, 1);
    ::sleep(3);
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'y');
  auto lock = directory.Lock(TaskId{0, 1});
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.status().message().find("locked by another running process"), std::string::npos)
      << lock.status().ToString();
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_TRUE(directory.Lock(TaskId{0, 1}).ok());  // the lock died with the process
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_F(StateDirectoryTest, ObsoleteUnlockedTaskDirectoriesAreCleanedAfterTheDelay) {
  StateDirectory directory(root_, "app");
  { auto used = directory.Lock(TaskId{0, 0}); }
  auto held = directory.Lock(TaskId{0, 1});
  ASSERT_TRUE(held.ok());
  fs::create_directories(root_ / "app" / "not-a-task");
  // Not yet obsolete: touched just now.
  EXPECT_TRUE(directory.CleanObsolete(600'000, NowMs()).empty());
  // Ten minutes later: 0_0 goes, the locked 0_1 and the foreign directory stay.
  const auto removed = directory.CleanObsolete(600'000, NowMs() + 601'000);
  EXPECT_EQ(removed, std::vector<std::string>{"0_0"});
  EXPECT_FALSE(fs::exists(root_ / "app" / "0_0"));
  EXPECT_TRUE(fs::exists(root_ / "app" / "0_1"));
  EXPECT_TRUE(fs::exists(root_ / "app" / "not-a-task"));
}

TEST_F(StateDirectoryTest, WipeKeepsOnlyTheLockFile) {
  StateDirectory directory(root_, "app");
  auto lock = directory.Lock(TaskId{2, 0});
  ASSERT_TRUE(lock.ok());
  fs::create_directories(root_ / "app" / "2_0" / "rocksdb" / "counts");
  std::ofstream(root_ / "app" / "2_0" / ".checkpoint") << "0\n0\n";
  ASSERT_TRUE(StateDirectory::Wipe(**lock).ok());
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(root_ / "app" / "2_0")) {
    left.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(left, std::vector<std::string>{".lock"});
}

TEST_F(StateDirectoryTest, TaskDirectoryNamesAreSubtopologyUnderscorePartition) {
  EXPECT_TRUE(StateDirectory::IsTaskDirName("0_0"));
  EXPECT_TRUE(StateDirectory::IsTaskDirName("12_345"));
  EXPECT_FALSE(StateDirectory::IsTaskDirName("0_"));
  EXPECT_FALSE(StateDirectory::IsTaskDirName("_1"));
  EXPECT_FALSE(StateDirectory::IsTaskDirName("a_1"));
  EXPECT_FALSE(StateDirectory::IsTaskDirName(".lock"));
}

}  // namespace
}  // namespace brook::framework::state
