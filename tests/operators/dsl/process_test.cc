#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "framework/api/processor.h"
#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "statestore/api/stores.h"
#include "tests/operators/dsl/dsl_test_util.h"

// KStream::process and processValues: the Processor API inside a DSL program.
namespace brook::streams {
namespace {

using testing::S;
using testing::StringConsumed;
using testing::StringProduced;

// Sends each record, upper-cased, to the child named "upper" only, and every 10 ms of stream
// time a "tick" record with the punctuation count to the child named "ticks".
class UpperAndTicks : public ContextualProcessor<S, S, S, S> {
 public:
  void init(ProcessorContext<S, S>& context) override {
    ContextualProcessor::init(context);
    context.schedule(
        std::chrono::milliseconds(10), PunctuationType::kStreamTime, [this](int64_t time) {
          ++ticks_;
          this->context().forward(Record<S, S>("tick", std::to_string(ticks_), time), "ticks");
        });
  }
  void process(const Record<S, S>& record) override {
    S upper = record.value();
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    context().forward(record.withValue(upper), "upper");
  }

 private:
  int ticks_ = 0;
};

TEST(KStreamProcessTest, AContextualProcessorForwardsToANamedChildAndPunctuatesOnStreamTime) {
  StreamsBuilder builder;
  auto processed = builder.stream("in", StringConsumed())
                       .process([] { return std::make_unique<UpperAndTicks>(); }, Named::as("p"));
  static_assert(std::is_same_v<decltype(processed), KStream<S, S>>);
  processed.mapValues([](const S& v) { return v; }, Named::as("upper")).to("out", StringProduced());
  processed.mapValues([](const S& v) { return v; }, Named::as("ticks"))
      .to("ticks-out", StringProduced());

  TopologyTestDriver driver(builder.build());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  auto ticks = driver.createOutputTopic("ticks-out", Serdes::String(), Serdes::String());
  in.pipeInput("a", "x", 5);
  in.pipeInput("b", "y", 12);
  in.pipeInput("c", "z", 14);
  in.pipeInput("d", "w", 31);

  EXPECT_EQ(out.readRecordsToList(),
            (std::vector<TestRecord<S, S>>{
                {"a", "X", 5, {}}, {"b", "Y", 12, {}}, {"c", "Z", 14, {}}, {"d", "W", 31, {}}}));
  // Due at 0, 10, 20, 30, ...: the records at 5, 12 and 31 each find one due (at 31 the one
  // for 20; the one for 30 is skipped, as missed intervals are not replayed).
  EXPECT_EQ(ticks.readRecordsToList(),
            (std::vector<TestRecord<S, S>>{
                {"tick", "1", 5, {}}, {"tick", "2", 12, {}}, {"tick", "3", 31, {}}}));
}

// Counts the records it sees; forwards nothing.
class Counter : public Processor<S, S, Void, Void> {
 public:
  explicit Counter(int* count) : count_(count) {}
  void process(const Record<S, S>&) override { ++*count_; }

 private:
  int* count_;
};

TEST(KStreamProcessTest, AProcessorThatForwardsNothingEndsInAVoidStream) {
  StreamsBuilder builder;
  int count = 0;
  auto end = builder.stream("in", StringConsumed()).process([&count] {
    return std::make_unique<Counter>(&count);
  });
  static_assert(std::is_same_v<decltype(end), KStream<Void, Void>>);
  EXPECT_TRUE(end.repartitionRequired());

  TopologyTestDriver driver(builder.build());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("a", "1", 1);
  in.pipeInput("b", "2", 2);
  EXPECT_EQ(count, 2);
}

TEST(KStreamProcessTest, AnExplicitProcessorSupplierWorksAsWell) {
  StreamsBuilder builder;
  ProcessorSupplier<S, S, S, int64_t> supplier = [] {
    class Length : public ContextualProcessor<S, S, S, int64_t> {
      void process(const Record<S, S>& record) override {
        context().forward(record.withValue(static_cast<int64_t>(record.value().size())));
      }
    };
    return std::make_unique<Length>();
  };
  builder.stream("in", StringConsumed())
      .process(supplier)
      .to("out", Produced<S, int64_t>::with(Serdes::String(), Serdes::Int64()));

  TopologyTestDriver driver(builder.build());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::Int64());
  in.pipeInput("k", "four", 1);
  EXPECT_EQ(out.readKeyValue(), (KeyValue<S, int64_t>{"k", 4}));
}

// Appends the key to the value; cannot change the key.
class AppendKey : public ContextualFixedKeyProcessor<S, S, S> {
 public:
  void process(const FixedKeyRecord<S, S>& record) override {
    context().forward(record.withValue(record.value() + "@" + record.key()));
  }
};

TEST(KStreamProcessTest, ProcessValuesChangesValuesAndKeepsKeysTimestampsAndHeaders) {
  StreamsBuilder builder;
  auto stream = builder.stream("in", StringConsumed()).processValues([] {
    return std::make_unique<AppendKey>();
  });
  static_assert(std::is_same_v<decltype(stream), KStream<S, S>>);
  EXPECT_FALSE(stream.repartitionRequired());
  stream.to("out", StringProduced());

  TopologyTestDriver driver(builder.build());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in.pipeInput(TestRecord<S, S>{"k", "v", 9, {{"h", "1"}}});
  EXPECT_EQ(out.readRecord(), (TestRecord<S, S>{"k", "v@k", 9, {{"h", "1"}}}));
}

TEST(KStreamProcessTest, StoreNamesAreCheckedWhenTheTopologyIsBuilt) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .process([] { return std::make_unique<UpperAndTicks>(); }, {"missing-store"});
  Topology topology = builder.build();
  EXPECT_THROW(TopologyTestDriver driver(topology), TopologyException);
}

// Kafka's expired-record sensor: a window store drops a put behind its retention and counts it
// in the task's dropped-records-total, for both backends.
TEST(KStreamProcessTest, AWindowStoreCountsPutsBehindItsRetentionAsDropped) {
  for (bool persistent : {true, false}) {
    SCOPED_TRACE(persistent ? "rocksdb" : "in-memory");
    // Puts each record's value into the window that starts at the record's value (a time in
    // ms), then forwards what the store holds for that window.
    class PutWindow final : public ContextualProcessor<S, S, S, S> {
     public:
      void init(ProcessorContext<S, S>& context) override {
        ContextualProcessor<S, S, S, S>::init(context);
        store_ = &context.getStateStore<WindowStore<S, S>>("windows");
      }
      void process(const Record<S, S>& record) override {
        const int64_t start = std::stoll(record.value());
        store_->put(record.key(), record.value(), start);
        context().forward(record.withValue(store_->fetch(record.key(), start).value_or("none")));
      }

     private:
      WindowStore<S, S>* store_ = nullptr;
    };
    auto supplier = persistent ? Stores::persistentWindowStore("windows", 100, 10, false)
                               : Stores::inMemoryWindowStore("windows", 100, 10, false);
    Topology topology;
    topology.addSource<S, S>("in", {"in"}, Serdes::String(), Serdes::String())
        .addProcessor<S, S, S, S>("put", [] { return std::make_unique<PutWindow>(); }, {"in"})
        .addStateStore(Stores::windowStoreBuilder<S, S>(supplier, Serdes::String(),
                                                        Serdes::String())
                           .withCachingDisabled(),
                       {"put"})
        .addSink<S, S>("sink", "out", Serdes::String(), Serdes::String(), {"put"});
    StreamsConfig config;
    config.set("application.id", "expired-puts");
    TopologyTestDriver driver(topology, config);
    auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
    auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
    in.pipeInput("k", "1000", 1000);  // the store's stream time: 1000, live from 901
    in.pipeInput("k", "950", 1001);
    in.pipeInput("k", "900", 1002);  // behind the retention: dropped
    in.pipeInput("k", "10", 1003);   // dropped
    EXPECT_EQ(out.readValuesToList(), (std::vector<S>{"1000", "950", "none", "none"}));
    EXPECT_EQ(testing::DroppedRecords(driver), 2);
  }
}

}  // namespace
}  // namespace brook::streams
