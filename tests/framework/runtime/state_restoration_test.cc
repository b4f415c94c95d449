// Stateful tasks under KafkaStreams against the in-process broker: changelog topics, restoration
// after the local state is lost, tasks moving between instances, exactly_once_v2's wipe of
// untrusted state, interactive queries, and the errors a user meets (a changelog with the wrong
// partition count). The store is the tests' own persistent TestKeyValueStore (a file per store
// under the task directory), so what the runtime does with local state is visible.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "framework/api/kafka_streams.h"
#include "framework/api/processor.h"
#include "framework/api/serdes.h"
#include "statestore/api/stores.h"
#include "tests/framework/client/client_test_util.h"
#include "tests/framework/test_store_builder.h"

namespace brook::streams {
namespace {

using framework::client::ClientTest;
using framework::client::Properties;
using framework::testing::TestKeyValueStoreBuilder;
using namespace std::chrono_literals;
using S = std::string;
using CountStore = ReadOnlyKeyValueStore<S, int64_t>;

// Counts records per key in "counts"; forwards "<key>=<count>".
class Counter : public ContextualProcessor<S, S, S, S> {
 public:
  void init(ProcessorContext<S, S>& context) override {
    ContextualProcessor::init(context);
    store_ = &context.getStateStore<KeyValueStore<S, int64_t>>("counts");
  }
  void process(const Record<S, S>& record) override {
    const int64_t count = store_->get(record.key()).value_or(0) + 1;
    store_->put(record.key(), count);
    context().forward(record.withValue(std::to_string(count)));
  }

 private:
  KeyValueStore<S, int64_t>* store_ = nullptr;
};

Topology CountingTopology(const std::string& in, const std::string& out) {
  Topology topology;
  topology.addSource<S, S>("src", {in}, Serdes::String(), Serdes::String());
  topology.addProcessor<S, S, S, S>(
      "count", [] { return std::make_unique<Counter>(); }, {"src"});
  topology.addStateStore(TestKeyValueStoreBuilder<S, int64_t>("counts", Serdes::String(),
                                                              Serdes::Int64(), /*persistent=*/true),
                         {"count"});
  topology.addSink<S, S>("sink", out, Serdes::String(), Serdes::String(), {"count"});
  return topology;
}

class CountingListener : public StateRestoreListener {
 public:
  void onRestoreStart(const std::string&, int32_t, const std::string&, int64_t,
                      int64_t) override {
    ++starts;
  }
  void onBatchRestored(const std::string&, int32_t, const std::string&, int64_t,
                       int64_t num) override {
    batched += num;
  }
  void onRestoreEnd(const std::string&, int32_t, const std::string&, int64_t total) override {
    restored += total;
    ++ends;
  }
  std::atomic<int> starts{0};
  std::atomic<int> ends{0};
  std::atomic<int64_t> batched{0};
  std::atomic<int64_t> restored{0};
};

class StateRestorationTest : public ClientTest {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("brook-restore-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  StreamsConfig Config(const std::string& app, const std::string& guarantee,
                       const std::string& instance) {
    StreamsConfig config;
    config.set("application.id", app)
        .set("bootstrap.servers", bootstrap_)
        .set("processing.guarantee", guarantee)
        .set("state.dir", (root_ / instance).string())
        .set("commit.interval.ms", "100")
        .set("consumer.session.timeout.ms", "6000")
        .set("consumer.heartbeat.interval.ms", "200")
        .set("consumer.topic.metadata.refresh.interval.ms", "500")
        .set("producer.linger.ms", "1");
    return config;
  }

  // `rounds` records for each of keys k0..k9.
  static void SendRounds(const std::string& topic, int rounds) {
    auto producer = MakeProducer();
    ASSERT_NE(producer, nullptr);
    for (int round = 0; round < rounds; ++round) {
      for (int key = 0; key < 10; ++key) {
        ASSERT_TRUE(producer->Send(Record(topic, -1, "k" + std::to_string(key), "x")).ok());
      }
    }
    ASSERT_TRUE(producer->Flush(10s).ok());
  }

  // The counts as the app answers them through KafkaStreams::store, once all ten keys reach
  // `expected` (or the timeout).
  static std::map<S, int64_t> WaitForCounts(KafkaStreams& streams, int64_t expected,
                                            std::chrono::milliseconds timeout = 30s) {
    std::map<S, int64_t> counts;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      counts.clear();
      try {
        auto store = streams.store<ReadOnlyKeyValueStore<S, int64_t>>("counts");
        auto it = store->all();
        while (it->hasNext()) {
          auto entry = it->next();
          counts[entry.key] = entry.value;
        }
      } catch (const InvalidStateStoreException&) {
        // Not RUNNING yet (a rebalance or a restoration): ask again.
      }
      bool done = counts.size() == 10;
      for (const auto& [key, count] : counts) done = done && count == expected;
      if (done) break;
      std::this_thread::sleep_for(50ms);
    }
    return counts;
  }

  static std::map<S, int64_t> Expected(int64_t count) {
    std::map<S, int64_t> expected;
    for (int key = 0; key < 10; ++key) expected["k" + std::to_string(key)] = count;
    return expected;
  }

  std::filesystem::path root_;
  static inline int counter_ = 0;
};

TEST_F(StateRestorationTest, CountsSurviveLosingTheStateDirectory) {
  CreateTopic("sr-lost-in", 2);
  CreateTopic("sr-lost-out", 2);
  SendRounds("sr-lost-in", 5);
  {
    KafkaStreams streams(CountingTopology("sr-lost-in", "sr-lost-out"),
                         Config("sr-lost", "at_least_once", "a"));
    streams.start();
    EXPECT_EQ(WaitForCounts(streams, 5), Expected(5));
    ASSERT_TRUE(streams.close(30s));
  }
  // A clean close left a checkpoint in each task directory.
  EXPECT_TRUE(std::filesystem::exists(root_ / "a" / "sr-lost" / "0_0" / ".checkpoint"));
  std::filesystem::remove_all(root_ / "a");
  SendRounds("sr-lost-in", 3);
  KafkaStreams streams(CountingTopology("sr-lost-in", "sr-lost-out"),
                       Config("sr-lost", "at_least_once", "a"));
  auto listener = std::make_shared<CountingListener>();
  streams.setGlobalStateRestoreListener(listener);
  streams.start();
  EXPECT_EQ(WaitForCounts(streams, 8), Expected(8));
  EXPECT_EQ(listener->starts.load(), 2);  // one per changelog partition
  EXPECT_EQ(listener->ends.load(), 2);
  EXPECT_EQ(listener->restored.load(), 50);  // every changelog record of the first run
  EXPECT_EQ(listener->batched.load(), 50);
}

TEST_F(StateRestorationTest, ChangelogIsCompactedWithOnePartitionPerInputPartition) {
  CreateTopic("sr-topic-in", 3);
  CreateTopic("sr-topic-out", 3);
  KafkaStreams streams(CountingTopology("sr-topic-in", "sr-topic-out"),
                       Config("sr-topic", "at_least_once", "a"));
  streams.start();
  auto admin = framework::client::Admin::Create(Bootstrap());
  ASSERT_TRUE(admin.ok());
  auto counts = (*admin)->PartitionCounts({"sr-topic-counts-changelog"}, 10s);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at("sr-topic-counts-changelog"), 3);
}

TEST_F(StateRestorationTest, ChangelogWithTheWrongPartitionCountFailsStartClearly) {
  CreateTopic("sr-wrong-in", 2);
  CreateTopic("sr-wrong-out", 2);
  CreateTopic("sr-wrong-counts-changelog", 1, {{"cleanup.policy", "compact"}});
  KafkaStreams streams(CountingTopology("sr-wrong-in", "sr-wrong-out"),
                       Config("sr-wrong", "at_least_once", "a"));
  try {
    streams.start();
    FAIL() << "start() should refuse the changelog";
  } catch (const StreamsException& e) {
    EXPECT_NE(std::string(e.what()).find("changelog topic sr-wrong-counts-changelog has 1 "
                                         "partitions, but its store needs 2"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(StateRestorationTest, ATaskMovingToAnotherInstanceContinuesWithExactCounts) {
  CreateTopic("sr-move-in", 2);
  CreateTopic("sr-move-out", 2);
  SendRounds("sr-move-in", 4);
  auto first = std::make_unique<KafkaStreams>(CountingTopology("sr-move-in", "sr-move-out"),
                                              Config("sr-move", "exactly_once_v2", "a"));
  KafkaStreams second(CountingTopology("sr-move-in", "sr-move-out"),
                      Config("sr-move", "exactly_once_v2", "b"));
  first->start();
  second.start();
  // Between them, the two instances count everything.
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  std::map<S, int64_t> seen;
  while (std::chrono::steady_clock::now() < deadline) {
    seen.clear();
    for (KafkaStreams* streams : {first.get(), &second}) {
      try {
        auto store = streams->store<ReadOnlyKeyValueStore<S, int64_t>>("counts");
        for (auto it = store->all(); it->hasNext();) {
          auto entry = it->next();
          seen[entry.key] = entry.value;
        }
      } catch (const InvalidStateStoreException&) {
      }
    }
    if (seen == Expected(4)) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(seen, Expected(4));
  ASSERT_TRUE(first->close(30s));
  first.reset();
  SendRounds("sr-move-in", 2);
  // The second instance now has both tasks, restored from the changelogs.
  EXPECT_EQ(WaitForCounts(second, 6, 40s), Expected(6));
}

TEST_F(StateRestorationTest, ExactlyOnceWithoutCheckpointWipesLocalStateAndRestores) {
  CreateTopic("sr-eos-in", 1);
  CreateTopic("sr-eos-out", 1);
  SendRounds("sr-eos-in", 3);
  {
    KafkaStreams streams(CountingTopology("sr-eos-in", "sr-eos-out"),
                         Config("sr-eos", "exactly_once_v2", "a"));
    streams.start();
    EXPECT_EQ(WaitForCounts(streams, 3), Expected(3));
    ASSERT_TRUE(streams.close(30s));
  }
  // A crash under exactly_once_v2 leaves no checkpoint, and local state the changelog never
  // committed: here a count the store file has but no transaction wrote.
  const auto task_dir = root_ / "a" / "sr-eos" / "0_0";
  ASSERT_TRUE(std::filesystem::remove(task_dir / ".checkpoint"));
  {
    std::ofstream out(task_dir / "test-stores" / "counts", std::ios::binary | std::ios::app);
    const std::string key = "uncommitted";
    const std::string value(8, '\x01');
    const uint32_t key_size = static_cast<uint32_t>(key.size());
    const uint32_t value_size = static_cast<uint32_t>(value.size());
    out.write(reinterpret_cast<const char*>(&key_size), 4);
    out.write(key.data(), key_size);
    out.write(reinterpret_cast<const char*>(&value_size), 4);
    out.write(value.data(), value_size);
  }
  KafkaStreams streams(CountingTopology("sr-eos-in", "sr-eos-out"),
                       Config("sr-eos", "exactly_once_v2", "a"));
  streams.start();
  EXPECT_EQ(WaitForCounts(streams, 3), Expected(3));  // the stray count is gone
  SendRounds("sr-eos-in", 1);
  EXPECT_EQ(WaitForCounts(streams, 4), Expected(4));
}

TEST_F(StateRestorationTest, StoreQueriesNeedARunningInstanceAndAKnownStore) {
  CreateTopic("sr-iq-in", 1);
  CreateTopic("sr-iq-out", 1);
  KafkaStreams streams(CountingTopology("sr-iq-in", "sr-iq-out"),
                       Config("sr-iq", "at_least_once", "a"));
  EXPECT_THROW(streams.store<CountStore>("counts"), InvalidStateStoreException);
  streams.start();
  SendRounds("sr-iq-in", 1);
  EXPECT_EQ(WaitForCounts(streams, 1), Expected(1));
  EXPECT_THROW(streams.store<CountStore>("nope"), InvalidStateStoreException);
  auto store = streams.store<ReadOnlyKeyValueStore<S, int64_t>>("counts");
  EXPECT_EQ(store->get("k3"), 1);
  EXPECT_EQ(store->get("absent"), std::nullopt);
  EXPECT_EQ(store->approximateNumEntries(), 10);
  ASSERT_TRUE(streams.close(30s));
  EXPECT_THROW(store->get("k3"), InvalidStateStoreException);
}

// Per key: a count per 1-minute window ("windows") and a session per record ("sessions", each
// record its own session [ts, ts] holding 1), in real RocksDB stores.
class WindowAndSessionWriter : public ContextualProcessor<S, S, S, S> {
 public:
  void init(ProcessorContext<S, S>& context) override {
    ContextualProcessor::init(context);
    windows_ = &context.getStateStore<WindowStore<S, int64_t>>("windows");
    sessions_ = &context.getStateStore<SessionStore<S, int64_t>>("sessions");
  }
  void process(const Record<S, S>& record) override {
    const int64_t start = record.timestamp() - record.timestamp() % 60000;
    windows_->put(record.key(), windows_->fetch(record.key(), start).value_or(0) + 1, start);
    sessions_->put(Windowed<S>(record.key(), Window(record.timestamp(), record.timestamp())), 1);
  }

 private:
  WindowStore<S, int64_t>* windows_ = nullptr;
  SessionStore<S, int64_t>* sessions_ = nullptr;
};

TEST_F(StateRestorationTest, WindowAndSessionStoresAnswerQueriesAcrossTasks) {
  CreateTopic("sr-wq-in", 2);
  Topology topology;
  topology.addSource<S, S>("src", {"sr-wq-in"}, Serdes::String(), Serdes::String());
  topology.addProcessor<S, S, S, S>(
      "write", [] { return std::make_unique<WindowAndSessionWriter>(); }, {"src"});
  topology.addStateStore(
      Stores::windowStoreBuilder(Stores::persistentWindowStore("windows", 3600000, 60000, false),
                                 Serdes::String(), Serdes::Int64()),
      {"write"});
  topology.addStateStore(
      Stores::sessionStoreBuilder(Stores::persistentSessionStore("sessions", 3600000),
                                  Serdes::String(), Serdes::Int64()),
      {"write"});
  KafkaStreams streams(std::move(topology), Config("sr-wq", "at_least_once", "a"));
  streams.start();
  // k0..k9 (spread over both partitions by key): three records at minute 0, one at minute 1.
  const int64_t base = 1700000040000;  // a whole minute
  {
    auto producer = MakeProducer();
    ASSERT_NE(producer, nullptr);
    for (int key = 0; key < 10; ++key) {
      const std::string k = "k" + std::to_string(key);
      for (int64_t ts : {base + 1000, base + 2000, base + 3000, base + 61000}) {
        ASSERT_TRUE(producer->Send(Record("sr-wq-in", -1, k, "x", ts)).ok());
      }
    }
    ASSERT_TRUE(producer->Flush(10s).ok());
  }
  using WindowQuery = ReadOnlyWindowStore<S, int64_t>;
  using SessionQuery = ReadOnlySessionStore<S, int64_t>;
  std::map<std::pair<S, int64_t>, int64_t> windows;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    windows.clear();
    try {
      auto store = streams.store<WindowQuery>("windows");
      for (auto it = store->all(); it->hasNext();) {
        auto entry = it->next();
        windows[{entry.key.key(), entry.key.window().start()}] = entry.value;
      }
    } catch (const InvalidStateStoreException&) {
    }
    if (windows.size() == 20 && windows[{"k9", base + 60000}] == 1) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(windows.size(), 20u);
  for (int key = 0; key < 10; ++key) {
    const std::string k = "k" + std::to_string(key);
    EXPECT_EQ((windows[{k, base}]), 3) << k;
    EXPECT_EQ((windows[{k, base + 60000}]), 1) << k;
  }

  auto window_store = streams.store<WindowQuery>("windows");
  EXPECT_EQ(window_store->fetch("k4", base), 3);
  EXPECT_EQ(window_store->fetch("k4", base + 120000), std::nullopt);
  std::vector<std::pair<int64_t, int64_t>> k4;
  for (auto it = window_store->fetch("k4", base, base + 60000); it->hasNext();) {
    auto entry = it->next();
    k4.emplace_back(entry.key, entry.value);
  }
  EXPECT_EQ(k4, (std::vector<std::pair<int64_t, int64_t>>{{base, 3}, {base + 60000, 1}}));
  int later = 0;
  for (auto it = window_store->fetchAll(base + 60000, base + 60000); it->hasNext(); it->next()) {
    ++later;
  }
  EXPECT_EQ(later, 10) << "each key's second window, from both tasks";

  auto session_store = streams.store<SessionQuery>("sessions");
  std::vector<int64_t> starts;
  for (auto it = session_store->fetch("k7"); it->hasNext();) {
    auto entry = it->next();
    EXPECT_EQ(entry.key.key(), "k7");
    EXPECT_EQ(entry.value, 1);
    starts.push_back(entry.key.window().start());
  }
  EXPECT_EQ(starts, (std::vector<int64_t>{base + 1000, base + 2000, base + 3000, base + 61000}));
  EXPECT_EQ(session_store->fetchSession("k7", base + 2000, base + 2000), 1);
  int found = 0;
  for (auto it = session_store->findSessions(std::nullopt, std::nullopt, base + 60000,
                                             base + 70000);
       it->hasNext(); it->next()) {
    ++found;
  }
  EXPECT_EQ(found, 10);

  // Asking for a store as the wrong kind names the store and what it is not.
  auto wrong = streams.store<CountStore>("windows");
  try {
    wrong->get("k1");
    FAIL() << "a window store read as a key-value store";
  } catch (const InvalidStateStoreException& e) {
    EXPECT_NE(std::string(e.what()).find("windows is not a key-value store"), std::string::npos)
        << e.what();
  }
  ASSERT_TRUE(streams.close(30s));
  EXPECT_THROW(window_store->fetch("k4", base), InvalidStateStoreException);
}

}  // namespace
}  // namespace brook::streams
