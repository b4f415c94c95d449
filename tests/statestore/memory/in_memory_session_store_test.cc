#include "statestore/memory/in_memory_session_store.h"

#include <gtest/gtest.h>

#include "statestore/rocksdb/session_key_format.h"
#include "tests/statestore/memory/store_models.h"
#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

using streams::Window;
using streams::Windowed;
using testing::Drain;

TEST(InMemorySessionStoreTest, MatchesTheModelUnderRandomOperations) {
  for (uint64_t seed : {1, 2, 3}) {
    TestStoreContext context;
    InMemorySessionStore store("sessions", 80'000);
    store.init(context, store);
    testing::SessionModel model{80'000};
    testing::RunSessionModel(&store, model, seed, 4000, [&](int) { return &store; });
  }
}

TEST(InMemorySessionStoreTest, FindSessionsReturnsTheSessionsARecordCouldMergeWith) {
  TestStoreContext context;
  InMemorySessionStore store("sessions", 100'000);
  store.init(context, store);
  store.put(Windowed<std::string>("u", Window(0, 10)), "a");
  store.put(Windowed<std::string>("u", Window(20, 30)), "b");
  store.put(Windowed<std::string>("u", Window(50, 50)), "c");
  store.put(Windowed<std::string>("v", Window(20, 30)), "other key");
  // A record at 35 with a gap of 10 merges with sessions ending >= 25 and starting <= 45.
  auto found = Drain(store.findSessions("u", 25, 45));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].key, Windowed<std::string>("u", Window(20, 30)));
  EXPECT_EQ(found[0].value, "b");
  // Both ends included.
  EXPECT_EQ(Drain(store.findSessions("u", 10, 50)).size(), 3u);
  EXPECT_EQ(Drain(store.findSessions("u", 11, 19)).size(), 0u);
  EXPECT_EQ(store.fetchSession("u", 20, 30), "b");
  store.remove(Windowed<std::string>("u", Window(20, 30)));
  EXPECT_EQ(store.fetchSession("u", 20, 30), std::nullopt);
  auto backward = Drain(store.backwardFindSessions("u", 0, 100));
  ASSERT_EQ(backward.size(), 2u);
  EXPECT_EQ(backward[0].key.window().start(), 50);
}

TEST(InMemorySessionStoreTest, RestoresPutsAndTombstonesAndExpiresByEnd) {
  TestStoreContext context;
  InMemorySessionStore store("sessions", 1000);
  store.init(context, store);
  std::string s1 = session_key::ToStoreKey("k", 0, 100);
  std::string s2 = session_key::ToStoreKey("k", 900, 1500);
  std::string j = session_key::ToStoreKey("j", 5, 6);
  std::vector<streams::ChangelogRecord> batch = {{s1, std::string_view("1"), 0, 0},
                                                 {s2, std::string_view("2"), 0, 1},
                                                 {j, std::string_view("x"), 0, 2},
                                                 {j, std::nullopt, 0, 3}};
  context.restorers.at("sessions")(batch);
  EXPECT_EQ(store.fetchSession("k", 0, 100), std::nullopt);  // end 100 <= 1500 - 1000
  EXPECT_EQ(store.fetchSession("k", 900, 1500), "2");
  EXPECT_EQ(store.fetchSession("j", 5, 6), std::nullopt);
  EXPECT_EQ(store.size(), 1u);
}

}  // namespace
}  // namespace brook::statestore
