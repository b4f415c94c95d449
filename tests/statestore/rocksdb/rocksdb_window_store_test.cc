#include "statestore/rocksdb/rocksdb_window_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "framework/api/errors.h"
#include "statestore/rocksdb/window_key_format.h"
#include "tests/statestore/memory/store_models.h"
#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

namespace fs = std::filesystem;
using streams::Window;
using streams::Windowed;
using testing::Drain;

// The segment directories of store `name` (names "<name>.<segment start>").
std::set<std::string> SegmentDirs(const TestStoreContext& context, const std::string& name) {
  std::set<std::string> dirs;
  fs::path store_dir = context.stateDir() / "rocksdb" / name;
  if (!fs::exists(store_dir)) return dirs;
  for (const auto& entry : fs::directory_iterator(store_dir)) {
    dirs.insert(entry.path().filename().string());
  }
  return dirs;
}

std::unique_ptr<RocksDBWindowStore> OpenStore(TestStoreContext& context, int64_t retention,
                                              int64_t interval, int64_t size, bool duplicates,
                                              const std::string& name = "windows") {
  auto store = std::make_unique<RocksDBWindowStore>(name, retention, interval, size, duplicates);
  store->init(context, *store);
  return store;
}

void RunModel(uint64_t seed, bool duplicates) {
  TestStoreContext context;
  // Retention 100 s in segments of 30 s: the random times span many segments, most dropped.
  auto store = OpenStore(context, 100'000, 30'000, 10'000, duplicates);
  testing::WindowModel model{100'000, 10'000, duplicates};
  testing::RunWindowModel(store.get(), model, seed, 3000, [&](int) {
    store->close();
    store = OpenStore(context, 100'000, 30'000, 10'000, duplicates);
    return store.get();
  });
  EXPECT_LE(store->segmentCount(), 5u);  // (100 s / 30 s) + 1 live segments at most, + 1
}

TEST(RocksDBWindowStoreTest, MatchesTheModelUnderRandomOperationsAcrossReopens) {
  for (uint64_t seed : {21, 22}) RunModel(seed, false);
}

TEST(RocksDBWindowStoreTest, WithDuplicatesMatchesTheModelAcrossReopens) {
  for (uint64_t seed : {23, 24}) RunModel(seed, true);
}

TEST(RocksDBWindowStoreTest, ExpiredSegmentsAreDeletedFromDisk) {
  TestStoreContext context;
  auto store = OpenStore(context, 120'000, 60'000, 1000, false);
  store->put("k", "0", 0);
  store->put("k", "1", 60'000);
  store->put("k", "2", 120'000);
  EXPECT_EQ(SegmentDirs(context, "windows"),
            (std::set<std::string>{"windows.0", "windows.60000", "windows.120000"}));
  // Stream time 300000: windows at or before 180000 are expired, so the segments of 0, 60000
  // and 120000 hold nothing live and go whole.
  store->put("k", "5", 300'000);
  EXPECT_EQ(SegmentDirs(context, "windows"), (std::set<std::string>{"windows.300000"}));
  for (int64_t t = 300'000; t <= 600'000; t += 60'000) store->put("k", "x", t);
  std::set<std::string> dirs = SegmentDirs(context, "windows");
  EXPECT_EQ(dirs, (std::set<std::string>{"windows.480000", "windows.540000", "windows.600000"}));
  EXPECT_EQ(store->segmentCount(), 3u);
  EXPECT_EQ(store->fetch("k", 480'000), std::nullopt);  // 480000 <= 600000 - 120000
  EXPECT_EQ(store->fetch("k", 540'000), "x");
}

TEST(RocksDBWindowStoreTest, IteratorsKeepTheirViewWhileWritingAndWhileSegmentsExpire) {
  TestStoreContext context;
  auto store = OpenStore(context, 120'000, 60'000, 1000, false);
  store->put("a", "a0", 0);
  store->put("b", "b60", 60'000);
  store->put("a", "a61", 61'000);
  auto it = store->all();
  auto keyed = store->fetch("a", 0, 100'000);
  store->put("a", "changed", 0);
  store->remove("b", 60'000);
  store->put("c", "c1000", 1'000'000);  // every segment the iterators read expires
  EXPECT_EQ(SegmentDirs(context, "windows").count("windows.0"), 1u);  // still read
  EXPECT_EQ(Drain(std::move(it)),
            (std::vector<streams::KeyValue<Windowed<std::string>, std::string>>{
                {Windowed<std::string>("a", Window(0, 1000)), "a0"},
                {Windowed<std::string>("a", Window(61'000, 62'000)), "a61"},
                {Windowed<std::string>("b", Window(60'000, 61'000)), "b60"}}));
  EXPECT_EQ(Drain(std::move(keyed)),
            (std::vector<streams::KeyValue<int64_t, std::string>>{{0, "a0"}, {61'000, "a61"}}));
  // Released: the expired segments are gone from disk.
  EXPECT_EQ(SegmentDirs(context, "windows"), (std::set<std::string>{"windows.960000"}));
  EXPECT_EQ(Drain(store->all()).size(), 1u);
}

TEST(RocksDBWindowStoreTest, ClosingTheStoreReleasesOpenIterators) {
  TestStoreContext context;
  auto store = OpenStore(context, 120'000, 60'000, 1000, false);
  store->put("a", "1", 10);
  auto it = store->fetchAll(0, 100);
  store->close();
  EXPECT_THROW(it->hasNext(), streams::InvalidStateStoreException);
  EXPECT_THROW(store->fetch("a", 10), streams::InvalidStateStoreException);
}

TEST(RocksDBWindowStoreTest, StreamTimeAndDuplicatesSurviveReopen) {
  TestStoreContext context;
  auto store = OpenStore(context, 10'000, 60'000, 1000, true);
  store->put("k", "first", 0);
  store->put("k", "second", 0);  // a duplicate, kept
  store->put("k", "late", 20'000);
  store->close();
  store = OpenStore(context, 10'000, 60'000, 1000, true);
  // Stream time 20000 was saved: window 0 is still expired (it shares the live segment).
  EXPECT_EQ(Drain(store->fetch("k", 0, 0)).size(), 0u);
  store->put("k", "third", 20'000);  // does not overwrite "late"
  EXPECT_EQ(
      Drain(store->fetch("k", 20'000, 20'000)),
      (std::vector<streams::KeyValue<int64_t, std::string>>{{20'000, "late"}, {20'000, "third"}}));
  store->put("k", "dropped", 5'000);  // behind the retention
  EXPECT_EQ(Drain(store->fetch("k", 0, 30'000)).size(), 2u);
}

TEST(RocksDBWindowStoreTest, RestoresChangelogRecordsKeyedLikeTheStore) {
  TestStoreContext context;
  auto store = OpenStore(context, 100'000, 60'000, 1000, false);
  std::string k1 = window_key::ToStoreKey("k", 1000, 0);
  std::string k2 = window_key::ToStoreKey("k", 2000, 0);
  std::string other = window_key::ToStoreKey("j", 2000, 0);
  std::string expired = window_key::ToStoreKey("k", 0, 0);
  std::string newest = window_key::ToStoreKey("k", 150'000, 0);
  std::vector<streams::ChangelogRecord> batch = {{k1, std::string_view("1"), 0, 0},
                                                 {k2, std::string_view("2"), 0, 1},
                                                 {k1, std::nullopt, 0, 2},
                                                 {other, std::string_view("j"), 0, 3},
                                                 {newest, std::string_view("n"), 0, 4},
                                                 {expired, std::string_view("x"), 0, 5}};
  context.restorers.at("windows")(batch);
  EXPECT_EQ(store->observedStreamTime(), 150'000);
  EXPECT_EQ(store->fetch("k", 1000), std::nullopt);  // tombstone
  EXPECT_EQ(store->fetch("k", 2000), std::nullopt);  // expired: 2000 <= 150000 - 100000
  EXPECT_EQ(store->fetch("k", 150'000), "n");
  // Expired records are not written: no segment is made for them.
  EXPECT_EQ(SegmentDirs(context, "windows"), (std::set<std::string>{"windows.120000"}));
  // A key too short to be a window key is bad changelog data: a clear error.
  std::vector<streams::ChangelogRecord> bad = {{"short", std::string_view("v"), 0, 6}};
  EXPECT_THROW(context.restorers.at("windows")(bad), streams::ProcessorStateException);
}

TEST(RocksDBWindowStoreTest, ACorruptOrLockedSegmentIsAClearErrorNamingIt) {
  TestStoreContext context;
  auto store = OpenStore(context, 120'000, 60'000, 1000, false);
  store->put("k", "v", 60'000);
  // Another store on the same directory: the segment's RocksDB lock is held.
  RocksDBWindowStore second("windows", 120'000, 60'000, 1000, false);
  fs::path segment = context.stateDir() / "rocksdb" / "windows" / "windows.60000";
  try {
    second.init(context, second);
    ADD_FAILURE() << "a second open of the segment succeeded";
  } catch (const streams::ProcessorStateException& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("[windows] RocksDB open failed in " + segment.string()),
              std::string::npos)
        << message;
  }
  store->close();
  std::ofstream(segment / "CURRENT", std::ios::trunc) << "garbage";
  RocksDBWindowStore third("windows", 120'000, 60'000, 1000, false);
  try {
    third.init(context, third);
    ADD_FAILURE() << "a corrupt segment opened";
  } catch (const streams::ProcessorStateException& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(segment.string() + ": Corruption"), std::string::npos) << message;
  }
  EXPECT_FALSE(third.isOpen());
}

}  // namespace
}  // namespace brook::statestore
