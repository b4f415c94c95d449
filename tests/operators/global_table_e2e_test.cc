// Global tables run by KafkaStreams against the in-process broker: the bootstrap before the
// stream threads start, the global thread following updates, the checkpoint a restart resumes
// from, interactive queries, a clear error for a missing global topic, and the client shut
// down when the global thread dies (it is never replaced).
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "framework/api/composite_read_only_key_value_store.h"
#include "framework/api/kafka_streams.h"
#include "framework/api/processor.h"
#include "framework/api/serdes.h"
#include "operators/dsl/streams_builder.h"
#include "statestore/api/stores.h"
#include "tests/operators/dsl/dsl_test_util.h"
#include "tests/operators/dsl_e2e_fixture.h"

namespace brook::streams {
namespace {

using framework::client::Properties;
using namespace std::chrono_literals;
using testing::S;
using testing::StringConsumed;
using testing::StringProduced;
using OptS = std::optional<S>;

class GlobalTableE2ETest : public DslE2ETest {
 protected:
  // The value the running application's global store has for `key`.
  static OptS Lookup(KafkaStreams& streams, const S& store, const S& key) {
    auto view = streams.store<ReadOnlyKeyValueStore<S, ValueAndTimestamp<S>>>(store);
    auto found = view->get(key);
    return found ? OptS(found->value) : std::nullopt;
  }

  static bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }

  static Topology EnrichTopology(const S& customers, const S& orders, const S& out) {
    StreamsBuilder builder;
    GlobalKTable<S, S> table =
        builder.globalTable(customers, StringConsumed(), Materialized<S, S>::as("customers"));
    builder.stream(orders, StringConsumed())
        .leftJoin(
            table, [](const S&, const S& customer) { return customer; },
            [](const S& customer, const OptS& name) { return customer + "=" + name.value_or("?"); })
        .to(out, StringProduced());
    return builder.build();
  }
};

// Customers on 3 partitions, orders on 4 (no co-partitioning needed): every instance has every
// customer. Orders already in their topic at start all find their customer, so the global store
// was filled before the first order was processed; later updates and deletes reach it too.
TEST_F(GlobalTableE2ETest, BootstrapsBeforeProcessingAndFollowsUpdates) {
  CreateTopic("ge-customers", 3);
  CreateTopic("ge-orders", 4);
  CreateTopic("ge-out", 1);
  std::vector<std::pair<S, OptS>> customers;
  for (int c = 0; c < 20; ++c) {
    customers.emplace_back("c" + std::to_string(c), "name" + std::to_string(c));
  }
  SendOptional("ge-customers", customers);
  std::vector<std::pair<S, OptS>> orders;
  for (int o = 0; o < 40; ++o)
    orders.emplace_back("o" + std::to_string(o), "c" + std::to_string(o % 20));
  SendOptional("ge-orders", orders);

  KafkaStreams streams(EnrichTopology("ge-customers", "ge-orders", "ge-out"), Config("ge-app"));
  streams.start();
  auto consumer = MakeConsumer("ge-reader", nullptr, Properties{{"auto.offset.reset", "earliest"}});
  ASSERT_TRUE(consumer->Subscribe({"ge-out"}).ok());
  auto records = PollRecords(*consumer, orders.size(), 60s);
  ASSERT_EQ(records.size(), orders.size());
  for (const auto& record : records) {
    const S value(record.value.value_or(""));
    const S customer = value.substr(0, value.find('='));
    EXPECT_EQ(value, customer + "=name" + customer.substr(1));
  }

  ASSERT_TRUE(WaitFor([&] { return streams.state() == KafkaStreams::State::kRunning; }));
  EXPECT_EQ(Lookup(streams, "customers", "c7"), OptS("name7"));
  SendOptional("ge-customers", {{"c1", OptS("renamed")}, {"c2", std::nullopt}});
  ASSERT_TRUE(WaitFor([&] {
    return Lookup(streams, "customers", "c1") == OptS("renamed") &&
           Lookup(streams, "customers", "c2") == std::nullopt;
  }));
  SendOptional("ge-orders", {{"late-1", OptS("c1")}, {"late-2", OptS("c2")}});
  auto late = PollRecords(*consumer, 2, 30s);
  EXPECT_TRUE(streams.close(30s));
  std::map<S, S> by_order;
  for (const auto& record : late) {
    by_order[S(record.key.value_or(""))] = S(record.value.value_or(""));
  }
  EXPECT_EQ(by_order, (std::map<S, S>{{"late-1", "c1=renamed"}, {"late-2", "c2=?"}}));
}

// A clean close checkpoints where the global thread was; a restart resumes from there and
// picks up what was written meanwhile.
TEST_F(GlobalTableE2ETest, RestartResumesFromTheCheckpoint) {
  CreateTopic("gr-customers", 2);
  CreateTopic("gr-orders", 1);
  CreateTopic("gr-out", 1);
  SendOptional("gr-customers", {{"a", OptS("1")}, {"b", OptS("2")}, {"c", OptS("3")}});
  const auto checkpoint = state_dir_ / "gr-app" / "global" / ".checkpoint";
  {
    KafkaStreams streams(EnrichTopology("gr-customers", "gr-orders", "gr-out"), Config("gr-app"));
    streams.start();
    ASSERT_TRUE(WaitFor([&] { return streams.state() == KafkaStreams::State::kRunning; }));
    EXPECT_EQ(Lookup(streams, "customers", "c"), OptS("3"));
    EXPECT_TRUE(streams.close(30s));
  }
  ASSERT_TRUE(std::filesystem::exists(checkpoint));
  std::stringstream first;
  first << std::ifstream(checkpoint).rdbuf();
  // Both partitions of the global topic, three records between them.
  EXPECT_NE(first.str().find("gr-customers 0 "), S::npos) << first.str();
  EXPECT_NE(first.str().find("gr-customers 1 "), S::npos) << first.str();

  SendOptional("gr-customers", {{"a", std::nullopt}, {"d", OptS("4")}});
  KafkaStreams streams(EnrichTopology("gr-customers", "gr-orders", "gr-out"), Config("gr-app"));
  streams.start();
  ASSERT_TRUE(WaitFor([&] { return streams.state() == KafkaStreams::State::kRunning; }));
  EXPECT_EQ(Lookup(streams, "customers", "a"), std::nullopt);
  EXPECT_EQ(Lookup(streams, "customers", "b"), OptS("2"));
  EXPECT_EQ(Lookup(streams, "customers", "d"), OptS("4"));
  auto all = streams.store<ReadOnlyKeyValueStore<S, ValueAndTimestamp<S>>>("customers")->all();
  int count = 0;
  while (all->hasNext()) {
    all->next();
    ++count;
  }
  EXPECT_EQ(count, 3);  // b, c, d
  EXPECT_TRUE(streams.close(30s));
}

TEST_F(GlobalTableE2ETest, AMissingGlobalTopicFailsStartNamingIt) {
  CreateTopic("gm-orders", 1);
  KafkaStreams streams(EnrichTopology("gm-no-such-topic", "gm-orders", "gm-out"), Config("gm-app"));
  try {
    streams.start();
    FAIL() << "start() succeeded without the global topic";
  } catch (const StreamsException& e) {
    EXPECT_NE(S(e.what()).find("gm-no-such-topic"), S::npos) << e.what();
  }
  streams.close(10s);
}

// Writes each record to the global store "g"; a value of "boom" throws.
class FailingGlobalUpdater final : public ContextualProcessor<S, S, Void, Void> {
 public:
  void init(ProcessorContext<Void, Void>& context) override {
    ContextualProcessor<S, S, Void, Void>::init(context);
    store_ = &context.getStateStore<KeyValueStore<S, S>>("g");
  }
  void process(const Record<S, S>& record) override {
    if (record.value() == "boom") throw std::runtime_error("global update failed: boom");
    store_->put(record.key(), record.value());
  }

 private:
  KeyValueStore<S, S>* store_ = nullptr;
};

// Kafka Streams does not replace a dead global thread: REPLACE_THREAD shuts the client down.
TEST_F(GlobalTableE2ETest, ReplaceThreadForADeadGlobalThreadShutsTheClientDown) {
  CreateTopic("gx-global", 1);
  CreateTopic("gx-in", 1);
  CreateTopic("gx-out", 1);
  Topology topology;
  topology.addGlobalStore<S, S>(Stores::keyValueStoreBuilder(Stores::inMemoryKeyValueStore("g"),
                                                             Serdes::String(), Serdes::String())
                                    .withLoggingDisabled(),
                                "global-source", Serdes::String(), Serdes::String(), "gx-global",
                                "global-updater",
                                [] { return std::make_unique<FailingGlobalUpdater>(); });
  topology.addSource<S, S>("in", {"gx-in"}, Serdes::String(), Serdes::String());
  topology.addSink<S, S>("out", "gx-out", Serdes::String(), Serdes::String(), {"in"});
  KafkaStreams streams(topology, Config("gx-app"));
  auto errors = std::make_shared<std::vector<S>>();
  auto errors_mutex = std::make_shared<std::mutex>();
  streams.setUncaughtExceptionHandler([errors, errors_mutex](const std::exception& e) {
    std::lock_guard lock(*errors_mutex);
    errors->push_back(e.what());
    return StreamThreadExceptionResponse::kReplaceThread;
  });
  streams.start();
  ASSERT_TRUE(WaitFor([&] { return streams.state() == KafkaStreams::State::kRunning; }));
  SendOptional("gx-global", {{"k", OptS("boom")}});
  EXPECT_TRUE(WaitFor([&] { return streams.state() == KafkaStreams::State::kError; }))
      << "state " << KafkaStreams::stateName(streams.state());
  {
    std::lock_guard lock(*errors_mutex);
    ASSERT_EQ(errors->size(), 1u);
    EXPECT_NE(errors->front().find("boom"), S::npos) << errors->front();
  }
  for (const ThreadMetadata& thread : streams.metadataForLocalThreads()) {
    EXPECT_EQ(thread.threadName.find("StreamThread-2"), S::npos) << "no stream thread replaces it";
  }
  streams.close(30s);
}

}  // namespace
}  // namespace brook::streams
