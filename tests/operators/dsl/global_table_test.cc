#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "statestore/api/stores.h"
#include "tests/operators/dsl/dsl_test_util.h"

// StreamsBuilder::globalTable, KStream-GlobalKTable joins and Topology::addGlobalStore through
// the TopologyTestDriver, and their describe() text against Kafka's.
namespace brook::streams {
namespace {

using testing::DroppedRecords;
using testing::S;
using testing::StringConsumed;
using testing::StringProduced;
using OptS = std::optional<S>;

StreamsConfig Config() {
  StreamsConfig config;
  config.set("application.id", "global-table-test");
  return config;
}

// The customer id of an order "customer:item", or nullopt when the order names none.
std::optional<S> CustomerOf(const S&, const S& order) {
  const auto colon = order.find(':');
  if (colon == S::npos) return std::nullopt;
  return order.substr(0, colon);
}

S ItemOf(const S& order) { return order.substr(order.find(':') + 1); }

TEST(GlobalTableJoinTest, InnerJoinLooksUpTheMappedKeyInTheTableAsItIsNow) {
  StreamsBuilder builder;
  GlobalKTable<S, S> customers =
      builder.globalTable("customers", StringConsumed(), Materialized<S, S>::as("customers-store"));
  builder.stream("orders", StringConsumed())
      .join(customers, CustomerOf,
            [](const S& order, const S& customer) { return ItemOf(order) + "@" + customer; })
      .to("out", StringProduced());
  TopologyTestDriver driver(builder.build(), Config());
  auto customer_topic =
      driver.createInputTopic("customers", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto orders = driver.createInputTopic("orders", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());

  orders.pipeInput("o1", "c1:book", 10);              // no customer c1 yet: nothing
  customer_topic.pipeInput("c1", OptS("alice"), 20);  // a table update alone emits nothing
  EXPECT_TRUE(out.isEmpty());
  orders.pipeInput("o2", "c1:pen", 15);  // the record keeps its own key and timestamp
  customer_topic.pipeInput("c1", OptS("alicia"), 30);
  orders.pipeInput("o3", "c1:ink", 40);
  customer_topic.pipeInput("c1", std::nullopt, 50);  // deleted
  orders.pipeInput("o4", "c1:cap", 60);
  orders.pipeInput("o5", "c2:mug", 70);  // a customer the table never had

  std::vector<TestRecord<S, S>> expected{{"o2", "pen@alice", 15}, {"o3", "ink@alicia", 40}};
  EXPECT_EQ(out.readRecordsToList(), expected);
}

TEST(GlobalTableJoinTest, LeftJoinGivesTheJoinerNulloptWhenTheTableLacksTheMappedKey) {
  StreamsBuilder builder;
  GlobalKTable<S, S> customers = builder.globalTable<S, S>("customers", StringConsumed());
  builder.stream("orders", StringConsumed())
      .leftJoin(customers, CustomerOf,
                [](const S& key, const S& order, const OptS& customer) {
                  return key + ":" + ItemOf(order) + "@" + customer.value_or("nobody");
                })
      .to("out", StringProduced());
  TopologyTestDriver driver(builder.build(), Config());
  auto customer_topic =
      driver.createInputTopic("customers", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto orders = driver.createInputTopic("orders", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());

  orders.pipeInput("o1", "c1:book", 10);
  customer_topic.pipeInput("c1", OptS("alice"), 20);
  orders.pipeInput("o2", "c1:pen", 30);
  customer_topic.pipeInput("c1", std::nullopt, 40);
  orders.pipeInput("o3", "c1:ink", 50);

  std::vector<KeyValue<S, S>> expected{
      {"o1", "o1:book@nobody"}, {"o2", "o2:pen@alice"}, {"o3", "o3:ink@nobody"}};
  EXPECT_EQ(out.readKeyValuesToList(), expected);
  EXPECT_EQ(DroppedRecords(driver), 0);
}

// As Kafka's KStreamKTableJoinProcessor: a null mapped key drops the record (counted), except
// that the left join still joins a record whose own key is null.
TEST(GlobalTableJoinTest, NullMappedKeysAreDroppedButTheLeftJoinKeepsRecordsWithANullKey) {
  StreamsBuilder builder;
  GlobalKTable<S, S> customers = builder.globalTable<S, S>("customers", StringConsumed());
  auto consumed = Consumed<OptS, S>::with(Serdes::Optional(Serdes::String()), Serdes::String());
  KStream<OptS, S> orders = builder.stream("orders", consumed);
  auto selector = [](const OptS&, const S& order) { return CustomerOf("", order); };
  auto produced = Produced<OptS, S>::with(Serdes::Optional(Serdes::String()), Serdes::String());
  orders.join(customers, selector, [](const S& order, const S& c) { return order + "@" + c; })
      .to("inner", produced);
  orders
      .leftJoin(customers, selector,
                [](const S& order, const OptS& c) { return order + "@" + c.value_or("-"); })
      .to("left", produced);
  TopologyTestDriver driver(builder.build(), Config());
  auto customer_topic =
      driver.createInputTopic("customers", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto input =
      driver.createInputTopic("orders", Serdes::Optional(Serdes::String()), Serdes::String());
  auto inner =
      driver.createOutputTopic("inner", Serdes::Optional(Serdes::String()), Serdes::String());
  auto left =
      driver.createOutputTopic("left", Serdes::Optional(Serdes::String()), Serdes::String());

  customer_topic.pipeInput("c1", OptS("alice"), 1);
  input.pipeInput(OptS("o1"), "no-customer", 10);  // null mapped key: dropped by both joins
  input.pipeInput(OptS(), "no-customer", 20);      // null key too: the left join keeps it
  input.pipeInput(OptS(), "c1:pen", 30);           // null key, mapped key c1: both join

  std::vector<KeyValue<OptS, S>> inner_expected{{OptS(), "c1:pen@alice"}};
  std::vector<KeyValue<OptS, S>> left_expected{{OptS(), "no-customer@-"}, {OptS(), "c1:pen@alice"}};
  EXPECT_EQ(inner.readKeyValuesToList(), inner_expected);
  EXPECT_EQ(left.readKeyValuesToList(), left_expected);
  // o1 twice (inner and left) and the null-key, null-mapped-key record once (inner).
  EXPECT_EQ(DroppedRecords(driver), 3);
}

TEST(GlobalTableJoinTest, TheTableKeyMayHaveAnotherTypeThanTheStreamKey) {
  StreamsBuilder builder;
  GlobalKTable<int64_t, S> products = builder.globalTable(
      "products", Consumed<int64_t, S>::with(Serdes::Int64(), Serdes::String()));
  builder.stream("sales", StringConsumed())
      .join(
          products, [](const S&, const S& sale) { return std::stoll(sale); },
          [](const S& sale, const S& product) { return sale + "=" + product; })
      .to("out", StringProduced());
  TopologyTestDriver driver(builder.build(), Config());
  auto product_topic =
      driver.createInputTopic("products", Serdes::Int64(), Serdes::Optional(Serdes::String()));
  auto sales = driver.createInputTopic("sales", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());

  product_topic.pipeInput(7, OptS("lamp"), 1);
  product_topic.pipeInput(9, OptS("desk"), 2);
  sales.pipeInput("s1", "9", 10);
  sales.pipeInput("s2", "7", 11);
  sales.pipeInput("s3", "8", 12);

  std::vector<KeyValue<S, S>> expected{{"s1", "9=desk"}, {"s2", "7=lamp"}};
  EXPECT_EQ(out.readKeyValuesToList(), expected);
}

// Every instance has the whole table, so a re-keyed stream joins it without a repartition.
TEST(GlobalTableJoinTest, ARekeyedStreamJoinsWithoutARepartitionTopic) {
  StreamsBuilder builder;
  GlobalKTable<S, S> customers = builder.globalTable<S, S>("customers", StringConsumed());
  builder.stream("orders", StringConsumed())
      .selectKey([](const S&, const S& order) { return ItemOf(order); })
      .join(customers, CustomerOf, [](const S&, const S& customer) { return customer; })
      .to("out", StringProduced());
  Topology topology = builder.build();
  EXPECT_EQ(topology.describe().toString().find("repartition"), S::npos);
  TopologyTestDriver driver(topology, Config());
  auto customer_topic =
      driver.createInputTopic("customers", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto orders = driver.createInputTopic("orders", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  customer_topic.pipeInput("c1", OptS("alice"), 1);
  orders.pipeInput("o1", "c1:book", 5);
  EXPECT_EQ(out.readRecord(), (TestRecord<S, S>{"book", "alice", 5}));
  EXPECT_EQ(driver.producedTopicNames(), (std::set<S>{"out"}));
}

TEST(GlobalTableTest, TheDriverGivesTheGlobalStoreAndAppliesEachRecordAtOnce) {
  StreamsBuilder builder;
  builder.globalTable("customers", StringConsumed(), Materialized<S, S>::as("customers-store"));
  TopologyTestDriver driver(builder.build(), Config());
  auto customer_topic =
      driver.createInputTopic("customers", Serdes::String(), Serdes::Optional(Serdes::String()));
  KeyValueStore<S, S>* store = driver.getKeyValueStore<S, S>("customers-store");
  ASSERT_NE(store, nullptr);

  customer_topic.pipeInput("c1", OptS("alice"), 20);
  customer_topic.pipeInput("c2", OptS("bob"), 21);
  EXPECT_EQ(store->get("c1"), OptS("alice"));
  customer_topic.pipeInput("c1", std::nullopt, 22);
  EXPECT_EQ(store->get("c1"), std::nullopt);
  EXPECT_EQ(store->approximateNumEntries(), 1);
  auto* timestamped = driver.getTimestampedKeyValueStore<S, S>("customers-store");
  ASSERT_NE(timestamped, nullptr);
  EXPECT_EQ(timestamped->get("c2"), (ValueAndTimestamp<S>{"bob", 21}));
  // The global topic is the changelog: nothing else is written.
  EXPECT_TRUE(driver.producedTopicNames().empty());
}

TEST(GlobalTableTest, QueryableStoreNameIsMaterializedsName) {
  StreamsBuilder builder;
  auto named = builder.globalTable("a", StringConsumed(), Materialized<S, S>::as("a-store"));
  auto unnamed = builder.globalTable<S, S>("b", StringConsumed());
  EXPECT_EQ(named.queryableStoreName(), OptS("a-store"));
  EXPECT_EQ(unnamed.queryableStoreName(), std::nullopt);
}

TEST(GlobalTableTest, ATopicReadByAStreamCannotAlsoBeAGlobalTable) {
  StreamsBuilder builder;
  builder.stream("shared", StringConsumed());
  EXPECT_THROW((builder.globalTable<S, S>("shared", StringConsumed())), TopologyException);
}

// Kafka's text for a stream joined with a global table (StreamsBuilder.globalTable, then
// KStream.join): the global store's sub-topology comes first, as its nodes were added first.
TEST(GlobalTableDescribeTest, MatchesKafkaForAStreamGlobalTableJoin) {
  StreamsBuilder builder;
  GlobalKTable<S, S> customers = builder.globalTable<S, S>("customers", StringConsumed());
  builder.stream("orders", StringConsumed())
      .join(customers, CustomerOf, [](const S& order, const S& c) { return order + c; })
      .to("out", StringProduced());
  EXPECT_EQ(builder.build().describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0 for global store (will not generate tasks)\n"
            "    Source: KSTREAM-SOURCE-0000000001 (topics: [customers])\n"
            "      --> KTABLE-SOURCE-0000000002\n"
            "    Processor: KTABLE-SOURCE-0000000002 (stores: [customers-STATE-STORE-0000000000])\n"
            "      --> none\n"
            "      <-- KSTREAM-SOURCE-0000000001\n"
            "  Sub-topology: 1\n"
            "    Source: KSTREAM-SOURCE-0000000003 (topics: [orders])\n"
            "      --> KSTREAM-JOIN-0000000004\n"
            "    Processor: KSTREAM-JOIN-0000000004 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000005\n"
            "      <-- KSTREAM-SOURCE-0000000003\n"
            "    Sink: KSTREAM-SINK-0000000005 (topic: out)\n"
            "      <-- KSTREAM-JOIN-0000000004\n\n");
}

// toDot() draws the global store's sub-topology as describe() prints it: a cluster of its own
// holding the source, the processor and the store, fed by the topic.
TEST(GlobalTableDescribeTest, TheDotPictureHasTheGlobalStoreInAClusterOfItsOwn) {
  StreamsBuilder builder;
  GlobalKTable<S, S> customers = builder.globalTable<S, S>("customers", StringConsumed());
  builder.stream("orders", StringConsumed())
      .join(customers, CustomerOf, [](const S& order, const S& c) { return order + c; })
      .to("out", StringProduced());
  const S dot = builder.build().toDot();
  const S global = "  subgraph \"cluster_0\" {\n"
                   "    label=\"Sub-topology: 0 for global store\";\n"
                   "    style=rounded;\n"
                   "    \"node:KSTREAM-SOURCE-0000000001\" [shape=box, style=rounded, "
                   "label=\"Source\\nKSTREAM-SOURCE-0000000001\"];\n"
                   "    \"node:KTABLE-SOURCE-0000000002\" [shape=box, "
                   "label=\"Processor\\nKTABLE-SOURCE-0000000002\"];\n"
                   "    \"store:customers-STATE-STORE-0000000000\" [shape=cylinder, "
                   "label=\"customers-STATE-STORE-0000000000\"];\n"
                   "  }\n";
  EXPECT_NE(dot.find(global), S::npos) << dot;
  EXPECT_NE(dot.find("  \"topic:customers\" -> \"node:KSTREAM-SOURCE-0000000001\";\n"), S::npos)
      << dot;
  EXPECT_NE(dot.find("  \"node:KTABLE-SOURCE-0000000002\" -> "
                     "\"store:customers-STATE-STORE-0000000000\" [dir=none, style=dashed];\n"),
            S::npos)
      << dot;
  EXPECT_NE(dot.find("label=\"Sub-topology: 1\";"), S::npos) << dot;
}

TEST(GlobalTableDescribeTest, NamesFromConsumedAndNamed) {
  StreamsBuilder builder;
  GlobalKTable<S, S> customers = builder.globalTable(
      "customers", Consumed<S, S>::with(Serdes::String(), Serdes::String()).withName("cust"),
      Materialized<S, S>::as("customer-store"));
  builder.stream("orders", StringConsumed())
      .leftJoin(
          customers, CustomerOf, [](const S& order, const OptS&) { return order; },
          Named::as("enrich"))
      .to("out", StringProduced());
  EXPECT_EQ(builder.build().describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0 for global store (will not generate tasks)\n"
            "    Source: cust-source (topics: [customers])\n"
            "      --> cust\n"
            "    Processor: cust (stores: [customer-store])\n"
            "      --> none\n"
            "      <-- cust-source\n"
            "  Sub-topology: 1\n"
            "    Source: KSTREAM-SOURCE-0000000002 (topics: [orders])\n"
            "      --> enrich\n"
            "    Processor: enrich (stores: [])\n"
            "      --> KSTREAM-SINK-0000000004\n"
            "      <-- KSTREAM-SOURCE-0000000002\n"
            "    Sink: KSTREAM-SINK-0000000004 (topic: out)\n"
            "      <-- enrich\n\n");
}

// --- Topology::addGlobalStore (Processor API) -----------------------------------------------

// Keeps the latest value of each key in the store "globalStore".
class StoreUpdater final : public ContextualProcessor<S, S, Void, Void> {
 public:
  explicit StoreUpdater(S store) : store_name_(std::move(store)) {}
  void init(ProcessorContext<Void, Void>& context) override {
    ContextualProcessor<S, S, Void, Void>::init(context);
    store_ = &context.getStateStore<KeyValueStore<S, S>>(store_name_);
  }
  void process(const Record<S, S>& record) override { store_->put(record.key(), record.value()); }

 private:
  S store_name_;
  KeyValueStore<S, S>* store_ = nullptr;
};

void AddGlobalStore(Topology& topology, const S& store, const S& source, const S& topic,
                    const S& processor) {
  topology.addGlobalStore<S, S>(Stores::keyValueStoreBuilder(Stores::inMemoryKeyValueStore(store),
                                                             Serdes::String(), Serdes::String())
                                    .withLoggingDisabled(),
                                source, Serdes::String(), Serdes::String(), topic, processor,
                                [store] { return std::make_unique<StoreUpdater>(store); });
}

// Kafka's TopologyTest.shouldDescribeGlobalStoreTopology and
// shouldDescribeMultipleGlobalStoreTopology.
TEST(GlobalStoreTopologyTest, DescribesGlobalStoresAsKafkaDoes) {
  Topology topology;
  AddGlobalStore(topology, "globalStore1", "source1", "globalTopic1", "processor1");
  AddGlobalStore(topology, "globalStore2", "source2", "globalTopic2", "processor2");
  EXPECT_EQ(topology.describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0 for global store (will not generate tasks)\n"
            "    Source: source1 (topics: [globalTopic1])\n"
            "      --> processor1\n"
            "    Processor: processor1 (stores: [globalStore1])\n"
            "      --> none\n"
            "      <-- source1\n"
            "  Sub-topology: 1 for global store (will not generate tasks)\n"
            "    Source: source2 (topics: [globalTopic2])\n"
            "      --> processor2\n"
            "    Processor: processor2 (stores: [globalStore2])\n"
            "      --> none\n"
            "      <-- source2\n");
  ASSERT_EQ(topology.describe().globalStores().size(), 2u);
  EXPECT_TRUE(topology.describe().subtopologies().empty());
}

TEST(GlobalStoreTopologyTest, AStoreThatLogsIsRefused) {
  Topology topology;
  try {
    topology.addGlobalStore<S, S>(
        Stores::keyValueStoreBuilder(Stores::inMemoryKeyValueStore("logged"), Serdes::String(),
                                     Serdes::String()),
        "source", Serdes::String(), Serdes::String(), "topic", "processor",
        [] { return std::make_unique<StoreUpdater>("logged"); });
    FAIL() << "a global store with logging enabled was accepted";
  } catch (const TopologyException& e) {
    EXPECT_NE(S(e.what()).find("StateStore logged for global table must not have logging enabled"),
              S::npos)
        << e.what();
  }
}

TEST(GlobalStoreTopologyTest, AProcessorReadsAGlobalStoreWithoutBeingConnectedToIt) {
  Topology topology;
  AddGlobalStore(topology, "rates", "rates-source", "rates", "rates-updater");
  // Multiplies each amount by the rate of its currency (key), read from the global store.
  class Convert final : public ContextualProcessor<S, int64_t, S, int64_t> {
   public:
    void init(ProcessorContext<S, int64_t>& context) override {
      ContextualProcessor<S, int64_t, S, int64_t>::init(context);
      rates_ = &context.getStateStore<KeyValueStore<S, S>>("rates");
    }
    void process(const Record<S, int64_t>& record) override {
      if (auto rate = rates_->get(record.key())) {
        context().forward(
            record.withValue(static_cast<int64_t>(record.value() * std::stoll(*rate))));
      }
    }

   private:
    KeyValueStore<S, S>* rates_ = nullptr;
  };
  topology.addSource<S, int64_t>("amounts-source", {"amounts"}, Serdes::String(), Serdes::Int64())
      .addProcessor<S, int64_t, S, int64_t>("convert", [] { return std::make_unique<Convert>(); },
                                            {"amounts-source"})
      .addSink<S, int64_t>("sink", "converted", Serdes::String(), Serdes::Int64(), {"convert"});
  TopologyTestDriver driver(topology, Config());
  auto rates = driver.createInputTopic("rates", Serdes::String(), Serdes::String());
  auto amounts = driver.createInputTopic("amounts", Serdes::String(), Serdes::Int64());
  auto out = driver.createOutputTopic("converted", Serdes::String(), Serdes::Int64());
  rates.pipeInput("eur", "2", 1);
  amounts.pipeInput("eur", 21, 2);
  amounts.pipeInput("usd", 5, 3);
  EXPECT_EQ(out.readKeyValuesToList(), (std::vector<KeyValue<S, int64_t>>{{"eur", 42}}));
  KeyValueStore<S, S>* rates_store = driver.getKeyValueStore<S, S>("rates");
  ASSERT_NE(rates_store, nullptr);
  EXPECT_EQ(rates_store->get("eur"), OptS("2"));
}

// Kafka's ReadOnlyDecorator: a stream processor reads a global store but cannot change it; the
// global store's own processor still updates it.
TEST(GlobalStoreTopologyTest, AStreamProcessorGetsTheGlobalStoreReadOnly) {
  Topology topology;
  AddGlobalStore(topology, "rates", "rates-source", "rates", "rates-updater");
  // For each record, tries every write of the global store and forwards what happened: the
  // error messages, or "wrote" for a write that went through.
  class Writer final : public ContextualProcessor<S, S, S, S> {
   public:
    void init(ProcessorContext<S, S>& context) override {
      ContextualProcessor<S, S, S, S>::init(context);
      rates_ = &context.getStateStore<KeyValueStore<S, S>>("rates");
    }
    void process(const Record<S, S>& record) override {
      const std::vector<std::function<void()>> writes = {
          [&] { rates_->put(record.key(), record.value()); },
          [&] { rates_->putIfAbsent(record.key() + "-new", record.value()); },
          [&] { rates_->putAll({{record.key(), record.value()}}); },
          [&] { rates_->remove(record.key()); },
          [&] { rates_->flush(); },
          [&] { rates_->close(); },
      };
      for (const auto& write : writes) {
        S outcome = "wrote";
        try {
          write();
        } catch (const StreamsException& e) {
          outcome = e.what();
        }
        context().forward(record.withValue(outcome));
      }
      context().forward(record.withValue("read " + rates_->get(record.key()).value_or("none")));
    }

   private:
    KeyValueStore<S, S>* rates_ = nullptr;
  };
  topology.addSource<S, S>("in", {"in"}, Serdes::String(), Serdes::String())
      .addProcessor<S, S, S, S>("writer", [] { return std::make_unique<Writer>(); }, {"in"})
      .addSink<S, S>("sink", "out", Serdes::String(), Serdes::String(), {"writer"});
  TopologyTestDriver driver(topology, Config());
  auto rates = driver.createInputTopic("rates", Serdes::String(), Serdes::String());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  rates.pipeInput("eur", "2", 1);
  in.pipeInput("eur", "9", 2);
  const S read_only = "Global store is read only: rates";
  EXPECT_EQ(out.readValuesToList(), (std::vector<S>{read_only, read_only, read_only, read_only,
                                                    read_only, read_only, "read 2"}));
  KeyValueStore<S, S>* rates_store = driver.getKeyValueStore<S, S>("rates");
  ASSERT_NE(rates_store, nullptr);
  EXPECT_EQ(rates_store->get("eur"), OptS("2"));
  EXPECT_EQ(rates_store->get("eur-new"), std::nullopt);
  // The global processor writes it as before, and the stream processor reads the new value.
  rates.pipeInput("eur", "3", 3);
  EXPECT_EQ(rates_store->get("eur"), OptS("3"));
  in.pipeInput("eur", "9", 4);
  EXPECT_EQ(out.readValuesToList().back(), "read 3");
}

TEST(GlobalStoreTopologyTest, ConnectingAProcessorToAGlobalStoreIsRefused) {
  Topology topology;
  AddGlobalStore(topology, "rates", "rates-source", "rates", "rates-updater");
  topology.addSource<S, S>("in", {"in"}, Serdes::String(), Serdes::String())
      .addProcessor<S, S, S, S>("reader", [] { return std::unique_ptr<Processor<S, S, S, S>>(); },
                                {"in"}, {"rates"});
  try {
    topology.describe();
    FAIL() << "a processor connected to a global store was accepted";
  } catch (const TopologyException& e) {
    EXPECT_NE(S(e.what()).find("Global StateStore rates can be used by a Processor without being "
                               "specified; it should not be explicitly passed."),
              S::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace brook::streams
