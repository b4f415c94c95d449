#include "statestore/rocksdb/rocksdb_session_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "statestore/rocksdb/session_key_format.h"
#include "tests/statestore/memory/store_models.h"
#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;
using streams::Window;
using streams::Windowed;
using testing::Drain;

size_t SegmentDirCount(const TestStoreContext& context, const std::string& name) {
  fs::path dir = context.stateDir() / "rocksdb" / name;
  if (!fs::exists(dir)) return 0;
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

std::unique_ptr<RocksDBSessionStore> OpenStore(TestStoreContext& context, int64_t retention,
                                               int64_t interval) {
  auto store = std::make_unique<RocksDBSessionStore>("sessions", retention, interval);
  store->init(context, *store);
  return store;
}

TEST(RocksDBSessionStoreTest, MatchesTheModelUnderRandomOperationsAcrossReopens) {
  for (uint64_t seed : {31, 32}) {
    TestStoreContext context;
    auto store = OpenStore(context, 80'000, 20'000);
    testing::SessionModel model{80'000};
    testing::RunSessionModel(store.get(), model, seed, 3000, [&](int) {
      store->close();
      store = OpenStore(context, 80'000, 20'000);
      return store.get();
    });
    EXPECT_LE(SegmentDirCount(context, "sessions"), 6u);
  }
}

TEST(RocksDBSessionStoreTest, FindSessionsReturnsTheSessionsARecordCouldMergeWith) {
  TestStoreContext context;
  auto store = OpenStore(context, 100'000, 60'000);
  store->put(Windowed<std::string>("u", Window(0, 10)), "a");
  store->put(Windowed<std::string>("u", Window(20, 30)), "b");
  store->put(Windowed<std::string>("u", Window(50, 50)), "c");
  store->put(Windowed<std::string>("u\0"s, Window(20, 30)), "a longer key");
  auto found = Drain(store->findSessions("u", 25, 45));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].key, Windowed<std::string>("u", Window(20, 30)));
  EXPECT_EQ(Drain(store->findSessions("u", 10, 50)).size(), 3u);
  EXPECT_EQ(Drain(store->findSessions("u", 11, 19)).size(), 0u);
  auto all = Drain(store->fetch(std::nullopt, std::nullopt));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[3].key.key(), "u\0"s);  // key order, not byte order of the store keys
  EXPECT_EQ(store->fetchSession("u", 20, 30), "b");
  store->remove(Windowed<std::string>("u", Window(20, 30)));
  EXPECT_EQ(store->fetchSession("u", 20, 30), std::nullopt);
}

TEST(RocksDBSessionStoreTest, ExpiredSessionsAndTheirSegmentsGo) {
  TestStoreContext context;
  auto store = OpenStore(context, 60'000, 60'000);
  for (int64_t end = 0; end <= 600'000; end += 30'000) {
    store->put(Windowed<std::string>("k", Window(end - 100, end)), std::to_string(end));
  }
  // Stream time 600000: ends <= 540000 are expired; segments 540000 and 600000 remain.
  EXPECT_EQ(SegmentDirCount(context, "sessions"), 2u);
  EXPECT_EQ(store->fetchSession("k", 539'900, 540'000), std::nullopt);
  EXPECT_EQ(store->fetchSession("k", 569'900, 570'000), "570000");
  EXPECT_EQ(Drain(store->fetch("k")).size(), 2u);
  store->put(Windowed<std::string>("k", Window(0, 1)), "too late");
  EXPECT_EQ(store->fetchSession("k", 0, 1), std::nullopt);
  EXPECT_EQ(SegmentDirCount(context, "sessions"), 2u);
}

TEST(RocksDBSessionStoreTest, RestoresAndKeepsDataAcrossReopen) {
  TestStoreContext context;
  {
    auto store = OpenStore(context, 1000, 60'000);
    std::string s1 = session_key::ToStoreKey("k", 0, 100);
    std::string s2 = session_key::ToStoreKey("k", 900, 1500);
    std::string j = session_key::ToStoreKey("j", 5, 1200);
    std::vector<streams::ChangelogRecord> batch = {{s1, std::string_view("1"), 0, 0},
                                                   {s2, std::string_view("2"), 0, 1},
                                                   {j, std::string_view("x"), 0, 2},
                                                   {j, std::nullopt, 0, 3}};
    context.restorers.at("sessions")(batch);
    EXPECT_EQ(store->fetchSession("k", 0, 100), std::nullopt);  // end 100 <= 1500 - 1000
    EXPECT_EQ(store->fetchSession("k", 900, 1500), "2");
    EXPECT_EQ(store->fetchSession("j", 5, 1200), std::nullopt);
    store->close();
  }
  auto store = OpenStore(context, 1000, 60'000);
  EXPECT_EQ(store->observedStreamTime(), 1500);
  auto all = Drain(store->fetch(std::nullopt, std::nullopt));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].key, Windowed<std::string>("k", Window(900, 1500)));
}

}  // namespace
}  // namespace brook::statestore
