#include "framework/state/processor_state_manager.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "framework/api/errors.h"
#include "framework/state/checkpoint_format.h"
#include "framework/api/serdes.h"
#include "statestore/memory/in_memory_key_value_store.h"
#include "tests/framework/test_store_builder.h"

namespace brook::framework::state {
namespace {

namespace fs = std::filesystem;
using framework::testing::TestKeyValueStore;
using framework::testing::TestKeyValueStoreBuilder;
using streams::ChangelogRecord;
using streams::Serdes;
using streams::TaskId;
using S = std::string;

// Keeps what the stores log; offsets are per partition, as a broker would give.
class FakeCollector : public client::RecordCollector {
 public:
  void Send(const TaskId&, const streams::detail::OutgoingRecord& record) override {
    const TopicPartition partition{std::string(record.topic), record.partition};
    sent.push_back({partition, record.key ? std::string(*record.key) : "",
                    record.value ? std::optional<S>(std::string(*record.value)) : std::nullopt});
    if (record.track_offset) acked[partition] = next[partition]++;
  }
  std::map<TopicPartition, int64_t> offsets() const override { return acked; }

  struct Sent {
    TopicPartition partition;
    S key;
    std::optional<S> value;
  };
  std::vector<Sent> sent;
  std::map<TopicPartition, int64_t> next;
  std::map<TopicPartition, int64_t> acked;
};

// An in-memory bytes store as a builder (the statestore backend, no layers).
class InMemoryBuilder : public streams::StoreBuilder<streams::KeyValueBytesStore> {
 public:
  explicit InMemoryBuilder(S name) : StoreBuilder(std::move(name)) {}
  std::unique_ptr<streams::KeyValueBytesStore> build() const override {
    return std::make_unique<statestore::InMemoryKeyValueStore>(name_);
  }
  std::shared_ptr<AbstractStoreBuilder> withSerdes(
      const streams::detail::SerdeDefaults&) const override {
    return clone();
  }
  std::shared_ptr<AbstractStoreBuilder> clone() const override {
    return std::make_shared<InMemoryBuilder>(*this);
  }
};

class ProcessorStateManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "state-manager-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    directory_ = std::make_unique<StateDirectory>(root_, "app");
    persistent_.builder = std::make_shared<TestKeyValueStoreBuilder<S, S>>(
        "counts", Serdes::String(), Serdes::String(), /*persistent=*/true);
    persistent_.changelog_topic = "app-counts-changelog";
    memory_.builder = std::make_shared<InMemoryBuilder>("cache");
    memory_.changelog_topic = "app-cache-changelog";
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<ProcessorStateManager> Make(bool exactly_once) {
    auto lock = directory_->Lock(task_);
    EXPECT_TRUE(lock.ok()) << lock.status().ToString();
    StateManagerOptions options;
    options.application_id = "app";
    options.task_id = task_;
    options.exactly_once = exactly_once;
    options.collector = &collector_;
    options.timestamp = [] { return 77; };
    return std::make_unique<ProcessorStateManager>(
        std::move(options), std::move(lock).value(),
        std::vector<const topology::StoreInfo*>{&persistent_, &memory_});
  }
  TestKeyValueStore<S, S>& Counts(ProcessorStateManager& manager) {
    return *dynamic_cast<TestKeyValueStore<S, S>*>(manager.GetStore("counts"));
  }
  fs::path TaskDir() const { return root_ / "app" / "0_2"; }

  fs::path root_;
  std::unique_ptr<StateDirectory> directory_;
  topology::StoreInfo persistent_;
  topology::StoreInfo memory_;
  FakeCollector collector_;
  TaskId task_{0, 2};
};

TEST_F(ProcessorStateManagerTest, LogChangeGoesToTheChangelogPartitionOfTheTask) {
  auto manager = Make(false);
  manager->InitializeStores();
  Counts(*manager).put("a", "1");
  Counts(*manager).remove("a");
  ASSERT_EQ(collector_.sent.size(), 2u);
  EXPECT_EQ(collector_.sent[0].partition, (TopicPartition{"app-counts-changelog", 2}));
  EXPECT_EQ(collector_.sent[0].value, "1");
  EXPECT_EQ(collector_.sent[1].value, std::nullopt);  // a tombstone
}

TEST_F(ProcessorStateManagerTest, FreshTaskRestoresEveryChangelogFromTheBeginning) {
  auto manager = Make(false);
  manager->InitializeStores();
  const auto changelogs = manager->Changelogs();
  ASSERT_EQ(changelogs.size(), 2u);
  for (const auto& changelog : changelogs) EXPECT_EQ(changelog.start_offset, kOffsetUnknown);
}

TEST_F(ProcessorStateManagerTest, CleanCloseCheckpointsPersistentStoresOnly) {
  auto manager = Make(false);
  manager->InitializeStores();
  Counts(*manager).put("a", "1");
  Counts(*manager).put("b", "1");
  manager->Close(true, collector_.offsets());
  auto read = OffsetCheckpoint(TaskDir() / ".checkpoint").Read();
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, (std::map<TopicPartition, int64_t>{{{"app-counts-changelog", 2}, 1}}));

  // Reopened: the persistent store resumes after the checkpoint, the in-memory one from 0.
  auto reopened = Make(false);
  reopened->InitializeStores();
  EXPECT_EQ(Counts(*reopened).get("a"), "1");
  for (const auto& changelog : reopened->Changelogs()) {
    EXPECT_EQ(changelog.start_offset, changelog.store == "counts" ? 2 : kOffsetUnknown);
  }
}

TEST_F(ProcessorStateManagerTest, RestoreAppliesBatchesAndTracksTheOffset) {
  auto manager = Make(false);
  manager->InitializeStores();
  const std::vector<ChangelogRecord> batch{{"a", "1", 0, 10}, {"b", "2", 0, 11}, {"a", {}, 0, 12}};
  manager->Restore(TopicPartition{"app-counts-changelog", 2}, batch);
  EXPECT_EQ(Counts(*manager).get("a"), std::nullopt);
  EXPECT_EQ(Counts(*manager).get("b"), "2");
  EXPECT_EQ(manager->offsets().at(TopicPartition{"app-counts-changelog", 2}), 12);
  manager->Close(true, {});
  auto read = OffsetCheckpoint(TaskDir() / ".checkpoint").Read();
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->at(TopicPartition{"app-counts-changelog", 2}), 12);
}

TEST_F(ProcessorStateManagerTest, CommitCheckpointsOnceTheChangelogMovedTenThousandRecords) {
  auto manager = Make(false);
  manager->InitializeStores();
  Counts(*manager).put("a", "1");
  manager->Checkpoint(collector_.offsets());
  EXPECT_FALSE(fs::exists(TaskDir() / ".checkpoint"));  // 1 record: not worth a flush
  for (int i = 0; i <= ProcessorStateManager::kOffsetDeltaThresholdForCheckpoint; ++i) {
    Counts(*manager).put("k" + std::to_string(i), "v");
  }
  manager->Checkpoint(collector_.offsets());
  auto read = OffsetCheckpoint(TaskDir() / ".checkpoint").Read();
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->at(TopicPartition{"app-counts-changelog", 2}), 10001);
}

TEST_F(ProcessorStateManagerTest, AnEnforcedCheckpointIsWrittenWhateverTheDelta) {
  auto manager = Make(false);
  manager->InitializeStores();
  Counts(*manager).put("a", "1");
  manager->Checkpoint(collector_.offsets(), /*enforce=*/true);
  auto read = OffsetCheckpoint(TaskDir() / ".checkpoint").Read();
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->at(TopicPartition{"app-counts-changelog", 2}), 0);
}

TEST_F(ProcessorStateManagerTest, ExactlyOnceDeletesTheCheckpointOnceStoresAreOpen) {
  {
    auto manager = Make(true);
    manager->InitializeStores();
    Counts(*manager).put("a", "1");
    manager->Close(true, collector_.offsets());
  }
  ASSERT_TRUE(fs::exists(TaskDir() / ".checkpoint"));
  auto manager = Make(true);
  manager->InitializeStores();
  EXPECT_FALSE(fs::exists(TaskDir() / ".checkpoint"));
  EXPECT_EQ(Counts(*manager).get("a"), "1");  // a clean close: the local state is kept
}

TEST_F(ProcessorStateManagerTest, ExactlyOnceCrashWithoutCheckpointWipesAndRestoresFromScratch) {
  {
    auto manager = Make(true);
    manager->InitializeStores();
    Counts(*manager).put("uncommitted", "1");
    manager->Flush();  // on disk, but never committed
    manager->Close(false, {});
  }
  EXPECT_TRUE(fs::exists(TaskDir() / "test-stores" / "counts"));
  auto manager = Make(true);
  manager->InitializeStores();
  EXPECT_EQ(Counts(*manager).get("uncommitted"), std::nullopt);
  for (const auto& changelog : manager->Changelogs()) {
    EXPECT_EQ(changelog.start_offset, kOffsetUnknown);
  }
}

TEST_F(ProcessorStateManagerTest, CorruptCheckpointIsLoggedWipedAndRestoredNotACrash) {
  {
    auto manager = Make(false);
    manager->InitializeStores();
    Counts(*manager).put("a", "1");
    manager->Close(true, collector_.offsets());
  }
  std::ofstream(TaskDir() / ".checkpoint", std::ios::trunc) << "0\n1\napp-counts-chan";
  auto manager = Make(false);
  manager->InitializeStores();
  EXPECT_EQ(Counts(*manager).get("a"), std::nullopt);
  for (const auto& changelog : manager->Changelogs()) {
    EXPECT_EQ(changelog.start_offset, kOffsetUnknown);
  }
}

TEST_F(ProcessorStateManagerTest, DirtyCloseUnderAtLeastOnceKeepsTheLastCommittedCheckpoint) {
  {
    auto manager = Make(false);
    manager->InitializeStores();
    Counts(*manager).put("a", "1");
    manager->Checkpoint(collector_.offsets(), /*enforce=*/true);
    Counts(*manager).put("a", "2");
    manager->Close(false, collector_.offsets());
  }
  auto read = OffsetCheckpoint(TaskDir() / ".checkpoint").Read();
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->at(TopicPartition{"app-counts-changelog", 2}), 0);
}

TEST_F(ProcessorStateManagerTest, TheTaskDirectoryStaysLockedUntilClose) {
  auto manager = Make(false);
  manager->InitializeStores();
  EXPECT_FALSE(directory_->Lock(task_).ok());
  manager->Close(true, {});
  EXPECT_TRUE(directory_->Lock(task_).ok());
}

TEST_F(ProcessorStateManagerTest, ContextTellsTheTaskItsDirectoryAndTimestamp) {
  auto manager = Make(false);
  EXPECT_EQ(manager->stateDir(), TaskDir());
  EXPECT_EQ(manager->applicationId(), "app");
  EXPECT_EQ(manager->taskId(), task_);
  EXPECT_EQ(manager->timestamp(), 77);
  EXPECT_EQ(manager->threadCache(), nullptr);
}

TEST_F(ProcessorStateManagerTest, RestoreHooksFrameARestorationThatEnds) {
  auto manager = Make(false);
  manager->InitializeStores();
  const TopicPartition changelog{"app-counts-changelog", 2};
  manager->RestoreStarted(changelog, 3);
  EXPECT_TRUE(Counts(*manager).restoring);
  manager->Restore(changelog, std::vector<ChangelogRecord>{{"a", "1", 0, 0}});
  manager->RestoreEnded(changelog);
  manager->RestoreEnded(changelog);  // only the first end reaches the store
  EXPECT_EQ(Counts(*manager).restore_starts, std::vector<int64_t>{3});
  EXPECT_EQ(Counts(*manager).restore_ends, 1);
  EXPECT_FALSE(Counts(*manager).restoring);
  EXPECT_EQ(Counts(*manager).get("a"), "1");
}

TEST_F(ProcessorStateManagerTest, AFailedRestoreBatchEndsTheRestoration) {
  auto manager = Make(false);
  manager->InitializeStores();
  const TopicPartition changelog{"app-counts-changelog", 2};
  manager->RestoreStarted(changelog, 100);
  Counts(*manager).fail_restore = true;
  EXPECT_THROW(manager->Restore(changelog, std::vector<ChangelogRecord>{{"a", "1", 0, 0}}),
               streams::ProcessorStateException);
  EXPECT_FALSE(Counts(*manager).restoring);
  EXPECT_EQ(Counts(*manager).restore_ends, 1);
  EXPECT_EQ(manager->offsets().count(changelog), 0u);  // the failed batch is not restored
}

TEST_F(ProcessorStateManagerTest, ClosingMidRestorationEndsTheRestorationBeforeTheStoreCloses) {
  auto manager = Make(false);
  manager->InitializeStores();
  auto& counts = Counts(*manager);
  int ends = 0;
  bool open_at_end = false;
  streams::RestoreHooks hooks;  // in place of the store's own, to outlive it
  hooks.on_end = [&] {
    ++ends;
    open_at_end = counts.isOpen();
  };
  manager->registerRestoreHooks(counts, std::move(hooks));
  manager->RestoreStarted(TopicPartition{"app-counts-changelog", 2}, 100);
  manager->Close(false, {});
  EXPECT_EQ(ends, 1);
  EXPECT_TRUE(open_at_end);
}

}  // namespace
}  // namespace brook::framework::state
