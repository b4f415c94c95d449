// The TopologyTestDriver runs the runtime's StreamTask: these tests pin the task semantics that
// the DSL and the stream threads rely on (timestamp order, stream time, punctuation, handlers,
// dead-letter records, repartition feedback) using the Processor API only.
#include "framework/testing/topology_test_driver.h"

#include <gtest/gtest.h>

#include "framework/api/processor.h"
#include "framework/api/serdes.h"

namespace brook::streams {
namespace {

using std::chrono::milliseconds;

// Forwards every record unchanged and remembers what it saw of the context.
class PassThrough : public ContextualProcessor<std::string, std::string, std::string, std::string> {
 public:
  void process(const Record<std::string, std::string>& record) override {
    context().forward(record);
  }
};

ProcessorSupplier<std::string, std::string, std::string, std::string> PassThroughSupplier() {
  return [] { return std::make_unique<PassThrough>(); };
}

Topology PassThroughTopology(std::vector<std::string> inputs) {
  Topology topology;
  topology.addSource<std::string, std::string>("src", std::move(inputs), Serdes::String(),
                                               Serdes::String());
  topology.addProcessor<std::string, std::string, std::string, std::string>(
      "pass", PassThroughSupplier(), {"src"});
  topology.addSink<std::string, std::string>("sink", "out", Serdes::String(), Serdes::String(),
                                             {"pass"});
  return topology;
}

TEST(TopologyTestDriverTest, RecordsFlowThroughWithKeyValueTimestampAndHeaders) {
  TopologyTestDriver driver(PassThroughTopology({"in"}));
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in.pipeInput(TestRecord<std::string, std::string>{"k", "v", 1234, Headers{{"h", "x"}}});
  TestRecord<std::string, std::string> record = out.readRecord();
  EXPECT_EQ(record.key, "k");
  EXPECT_EQ(record.value, "v");
  EXPECT_EQ(record.timestamp, 1234);
  ASSERT_NE(record.headers.lastHeader("h"), nullptr);
  EXPECT_EQ(record.headers.lastHeader("h")->value, "x");
  EXPECT_TRUE(out.isEmpty());
  EXPECT_THROW(out.readRecord(), StreamsException);
}

TEST(TopologyTestDriverTest, PipingIntoATopicNoSourceReadsThrows) {
  TopologyTestDriver driver(PassThroughTopology({"in"}));
  auto other = driver.createInputTopic("other", Serdes::String(), Serdes::String());
  EXPECT_THROW(other.pipeInput("k", "v", 1), StreamsException);
}

TEST(TopologyTestDriverTest, InputTopicAutoAdvancesTimestamps) {
  TopologyTestDriver driver(PassThroughTopology({"in"}));
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String(), 100, milliseconds(10));
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in.pipeValueList({"a", "b", "c"});
  std::vector<int64_t> times;
  for (const auto& record : out.readRecordsToList()) times.push_back(record.timestamp);
  EXPECT_EQ(times, (std::vector<int64_t>{100, 110, 120}));
}

TEST(TopologyTestDriverTest, SourcePatternReadsEveryMatchingTopic) {
  Topology topology;
  topology.addSource<std::string, std::string>("src", TopicPattern::compile("orders-.*"), Serdes::String(),
                                               Serdes::String());
  topology.addSink<std::string, std::string>("sink", "out", Serdes::String(), Serdes::String(),
                                             {"src"});
  TopologyTestDriver driver(topology);
  driver.createInputTopic("orders-eu", Serdes::String(), Serdes::String()).pipeInput("k", "eu", 1);
  driver.createInputTopic("orders-us", Serdes::String(), Serdes::String()).pipeInput("k", "us", 2);
  EXPECT_THROW(
      driver.createInputTopic("returns", Serdes::String(), Serdes::String()).pipeInput("k", "x", 3),
      StreamsException);
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  EXPECT_EQ(out.readValuesToList(), (std::vector<std::string>{"eu", "us"}));
}

// Records the metadata and stream time each record is processed with.
class MetadataRecorder : public ContextualProcessor<std::string, std::string, std::string, std::string> {
 public:
  explicit MetadataRecorder(std::vector<std::string>* log) : log_(log) {}
  void process(const Record<std::string, std::string>& record) override {
    auto metadata = context().recordMetadata();
    log_->push_back(std::string(metadata->topic) + "@" + std::to_string(metadata->offset) + " ts=" +
                    std::to_string(record.timestamp()) +
                    " stream=" + std::to_string(context().currentStreamTimeMs()) +
                    " task=" + context().taskId().toString() + " app=" + context().applicationId());
  }

 private:
  std::vector<std::string>* log_;
};

TEST(TopologyTestDriverTest, ProcessorSeesRecordMetadataStreamTimeTaskAndApplicationId) {
  std::vector<std::string> log;
  Topology topology;
  topology.addSource<std::string, std::string>("src", {"in"}, Serdes::String(), Serdes::String());
  topology.addProcessor<std::string, std::string, std::string, std::string>(
      "rec", [&] { return std::make_unique<MetadataRecorder>(&log); }, {"src"});
  StreamsConfig config;
  config.set("application.id", "my-app");
  TopologyTestDriver driver(topology, config);
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("a", "1", 50);
  in.pipeInput("b", "2", 20);  // out of order: stream time stays at 50
  EXPECT_EQ(log, (std::vector<std::string>{"in@0 ts=50 stream=50 task=0_0 app=my-app",
                                           "in@1 ts=20 stream=50 task=0_0 app=my-app"}));
}

// A custom timestamp extractor gives event time from the value.
TEST(TopologyTestDriverTest, TimestampExtractorSetsEventTime) {
  Topology topology;
  TimestampExtractor<std::string, std::string> from_value =
      [](const Record<std::string, std::string>& record, int64_t) {
        return std::stoll(record.value());
      };
  topology.addSource<std::string, std::string>("src", {"in"}, Serdes::String(), Serdes::String(),
                                               from_value);
  topology.addSink<std::string, std::string>("sink", "out", Serdes::String(), Serdes::String(),
                                             {"src"});
  TopologyTestDriver driver(topology);
  driver.createInputTopic("in", Serdes::String(), Serdes::String()).pipeInput("k", "777", 1);
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  EXPECT_EQ(out.readRecord().timestamp, 777);
}

// Two inputs of one task: the driver processes each piped record at once, so order is pipe order;
// inside one StreamTask fed in bulk the lowest timestamp goes first (tests/framework/runtime).
TEST(TopologyTestDriverTest, TwoSourcesInOneSubtopologyShareATask) {
  Topology topology;
  topology.addSource<std::string, std::string>("a", {"in-a"}, Serdes::String(), Serdes::String());
  topology.addSource<std::string, std::string>("b", {"in-b"}, Serdes::String(), Serdes::String());
  topology.addSink<std::string, std::string>("sink", "out", Serdes::String(), Serdes::String(),
                                             {"a", "b"});
  TopologyTestDriver driver(topology);
  driver.createInputTopic("in-a", Serdes::String(), Serdes::String()).pipeInput("k", "from-a", 5);
  driver.createInputTopic("in-b", Serdes::String(), Serdes::String()).pipeInput("k", "from-b", 1);
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  EXPECT_EQ(out.readValuesToList(), (std::vector<std::string>{"from-a", "from-b"}));
}

// Punctuators: stream time fires aligned to 0 as records advance it; wall clock on advance.
class Punctuating : public ContextualProcessor<std::string, std::string, std::string, std::string> {
 public:
  explicit Punctuating(PunctuationType type) : type_(type) {}
  void init(ProcessorContext<std::string, std::string>& context) override {
    ContextualProcessor::init(context);
    context.schedule(milliseconds(10), type_, [this](int64_t time) {
      this->context().forward(Record<std::string, std::string>("tick", std::to_string(time), time));
    });
  }
  void process(const Record<std::string, std::string>&) override {}

 private:
  PunctuationType type_;
};

Topology PunctuatingTopology(PunctuationType type) {
  Topology topology;
  topology.addSource<std::string, std::string>("src", {"in"}, Serdes::String(), Serdes::String());
  topology.addProcessor<std::string, std::string, std::string, std::string>(
      "punct", [type] { return std::make_unique<Punctuating>(type); }, {"src"});
  topology.addSink<std::string, std::string>("sink", "out", Serdes::String(), Serdes::String(),
                                             {"punct"});
  return topology;
}

TEST(TopologyTestDriverTest, StreamTimePunctuatorFiresOncePerIntervalCrossed) {
  TopologyTestDriver driver(PunctuatingTopology(PunctuationType::kStreamTime));
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in.pipeInput("k", "v", 3);   // first stream time: fires at once (aligned to 0)
  in.pipeInput("k", "v", 5);   // same interval: nothing
  in.pipeInput("k", "v", 12);  // crosses 10
  in.pipeInput("k", "v", 45);  // skips 20 and 30: one punctuation, next due at 50
  in.pipeInput("k", "v", 1);   // late record: stream time does not go back
  in.pipeInput("k", "v", 50);
  EXPECT_EQ(out.readValuesToList(), (std::vector<std::string>{"3", "12", "45", "50"}));
  driver.advanceWallClockTime(milliseconds(1000));
  EXPECT_TRUE(out.isEmpty());
}

TEST(TopologyTestDriverTest, WallClockPunctuatorFiresOnAdvanceOnly) {
  TopologyTestDriver driver(PunctuatingTopology(PunctuationType::kWallClockTime), {}, 1000);
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in.pipeInput("k", "v", 999999);
  EXPECT_TRUE(out.isEmpty());
  driver.advanceWallClockTime(milliseconds(9));
  EXPECT_TRUE(out.isEmpty());
  driver.advanceWallClockTime(milliseconds(1));
  EXPECT_EQ(out.readValue(), "1010");
  driver.advanceWallClockTime(milliseconds(35));
  EXPECT_EQ(out.readValuesToList(), (std::vector<std::string>{"1045"}));
}

class CancelAfterTwo : public ContextualProcessor<std::string, std::string, std::string, std::string> {
 public:
  void init(ProcessorContext<std::string, std::string>& context) override {
    ContextualProcessor::init(context);
    handle_ = context.schedule(milliseconds(1), PunctuationType::kWallClockTime, [this](int64_t t) {
      this->context().forward(Record<std::string, std::string>("tick", std::to_string(t), t));
      if (++count_ == 2) handle_.cancel();
    });
  }
  void process(const Record<std::string, std::string>&) override {}

 private:
  Cancellable handle_;
  int count_ = 0;
};

TEST(TopologyTestDriverTest, CancelledPunctuatorStops) {
  Topology topology;
  topology.addSource<std::string, std::string>("src", {"in"}, Serdes::String(), Serdes::String());
  topology.addProcessor<std::string, std::string, std::string, std::string>(
      "p", [] { return std::make_unique<CancelAfterTwo>(); }, {"src"});
  topology.addSink<std::string, std::string>("sink", "out", Serdes::String(), Serdes::String(), {"p"});
  TopologyTestDriver driver(topology);
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  for (int i = 0; i < 5; ++i) driver.advanceWallClockTime(milliseconds(1));
  EXPECT_EQ(out.getQueueSize(), 2u);
}

// Forwarding to a named child reaches only that child; an unknown name is an error.
class Router : public ContextualProcessor<std::string, std::string, std::string, std::string> {
 public:
  void process(const Record<std::string, std::string>& record) override {
    context().forward(record, record.key());
  }
};

TEST(TopologyTestDriverTest, ForwardToNamedChildReachesOnlyThatChild) {
  Topology topology;
  topology.addSource<std::string, std::string>("src", {"in"}, Serdes::String(), Serdes::String());
  topology.addProcessor<std::string, std::string, std::string, std::string>(
      "router", [] { return std::make_unique<Router>(); }, {"src"});
  topology.addSink<std::string, std::string>("left", "out-left", Serdes::String(),
                                             Serdes::String(), {"router"});
  topology.addSink<std::string, std::string>("right", "out-right", Serdes::String(),
                                             Serdes::String(), {"router"});
  TopologyTestDriver driver(topology);
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("left", "1", 1);
  in.pipeInput("right", "2", 2);
  EXPECT_EQ(driver.createOutputTopic("out-left", Serdes::String(), Serdes::String()).readValuesToList(),
            (std::vector<std::string>{"1"}));
  EXPECT_EQ(driver.createOutputTopic("out-right", Serdes::String(), Serdes::String()).readValuesToList(),
            (std::vector<std::string>{"2"}));
  // An unknown child is a processing error; the default handler fails.
  EXPECT_THROW(in.pipeInput("nowhere", "3", 3), StreamsException);
}

// Handlers.
Topology Int64Topology() {
  Topology topology;
  topology.addSource<std::string, int64_t>("src", {"in"}, Serdes::String(), Serdes::Int64());
  topology.addSink<std::string, int64_t>("sink", "out", Serdes::String(), Serdes::Int64(), {"src"});
  return topology;
}

TEST(TopologyTestDriverTest, PoisonRecordFailsByDefaultWithAClearMessage) {
  TopologyTestDriver driver(Int64Topology());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::Int64());
  try {
    in.pipeRawInput("k", "not eight bytes", 1);
    FAIL() << "expected StreamsException";
  } catch (const StreamsException& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("deserialization error at in-0@0"), std::string::npos) << message;
    EXPECT_NE(message.find("[task 0_0]"), std::string::npos) << message;
  }
}

TEST(TopologyTestDriverTest, LogAndContinueSkipsPoisonRecordAndGoesOn) {
  StreamsConfig config;
  config.set("deserialization.exception.handler", "log_and_continue");
  TopologyTestDriver driver(Int64Topology(), config);
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::Int64());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::Int64());
  in.pipeInput("k", 1, 1);
  in.pipeRawInput("k", "poison", 2);
  in.pipeInput("k", 3, 3);
  EXPECT_EQ(out.readValuesToList(), (std::vector<int64_t>{1, 3}));
}

TEST(TopologyTestDriverTest, DeadLetterQueueGetsTheRawRecordWithErrorHeaders) {
  StreamsConfig config;
  config.set("deserialization.exception.handler", "log_and_continue");
  config.set("errors.dead.letter.queue.topic.name", "dlq");
  TopologyTestDriver driver(Int64Topology(), config);
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::Int64());
  in.pipeInput("k", 1, 1);
  in.pipeRawInput("bad-key", "poison", 2, Headers{{"origin", "test"}});
  std::optional<ProducedRecord> dead = driver.ReadRaw("dlq");
  ASSERT_TRUE(dead.has_value());
  EXPECT_EQ(dead->key, "bad-key");
  EXPECT_EQ(dead->value, "poison");
  EXPECT_EQ(dead->timestamp, 2);
  ASSERT_NE(dead->headers.lastHeader("origin"), nullptr);
  EXPECT_EQ(dead->headers.lastHeader("__streams.errors.topic")->value, "in");
  EXPECT_EQ(dead->headers.lastHeader("__streams.errors.partition")->value, "0");
  EXPECT_EQ(dead->headers.lastHeader("__streams.errors.offset")->value, "1");
  ASSERT_NE(dead->headers.lastHeader("__streams.errors.message"), nullptr);
  ASSERT_NE(dead->headers.lastHeader("__streams.errors.exception"), nullptr);
  EXPECT_EQ(dead->headers.lastHeader("__streams.errors.exception")->value,
            "brook::streams::SerializationException");
  EXPECT_FALSE(driver.ReadRaw("dlq").has_value());
}

class Thrower : public ContextualProcessor<std::string, std::string, std::string, std::string> {
 public:
  void process(const Record<std::string, std::string>& record) override {
    if (record.value() == "boom") throw std::runtime_error("cannot handle boom");
    context().forward(record);
  }
};

Topology ThrowerTopology() {
  Topology topology;
  topology.addSource<std::string, std::string>("src", {"in"}, Serdes::String(), Serdes::String());
  topology.addProcessor<std::string, std::string, std::string, std::string>(
      "thrower", [] { return std::make_unique<Thrower>(); }, {"src"});
  topology.addSink<std::string, std::string>("sink", "out", Serdes::String(), Serdes::String(),
                                             {"thrower"});
  return topology;
}

TEST(TopologyTestDriverTest, ProcessingErrorNamesTheProcessorAndFailsByDefault) {
  TopologyTestDriver driver(ThrowerTopology());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  try {
    in.pipeInput("k", "boom", 1);
    FAIL() << "expected StreamsException";
  } catch (const StreamsException& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("processing error at in-0@0 in thrower"), std::string::npos) << message;
    EXPECT_NE(message.find("cannot handle boom"), std::string::npos) << message;
  }
}

class CountingHandler : public ProcessingExceptionHandler {
 public:
  HandlerResponse handle(const ErrorHandlerContext& context, const std::exception&) override {
    nodes.push_back(std::string(context.processor_node_id));
    return HandlerResponse::kContinue;
  }
  std::vector<std::string> nodes;
};

TEST(TopologyTestDriverTest, CustomProcessingHandlerSeesTheNodeAndCanContinue) {
  auto handler = std::make_shared<CountingHandler>();
  StreamsConfig config;
  config.setProcessingExceptionHandler(handler);
  TopologyTestDriver driver(ThrowerTopology(), config);
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in.pipeInput("k", "ok", 1);
  in.pipeInput("k", "boom", 2);
  in.pipeInput("k", "fine", 3);
  EXPECT_EQ(out.readValuesToList(), (std::vector<std::string>{"ok", "fine"}));
  EXPECT_EQ(handler->nodes, (std::vector<std::string>{"thrower"}));
}

// A serde that cannot write goes to the production handler.
class FailingSerde : public Serde<std::string> {
 public:
  bool serialize(std::string_view, const std::string&, std::string&) const override {
    throw SerializationException("cannot write");
  }
  std::string deserialize(std::string_view, std::optional<std::string_view>) const override {
    return {};
  }
  std::string name() const override { return "Failing"; }
};

TEST(TopologyTestDriverTest, SinkSerializationErrorGoesToProductionHandler) {
  Topology topology;
  topology.addSource<std::string, std::string>("src", {"in"}, Serdes::String(), Serdes::String());
  topology.addSink<std::string, std::string>("sink", "out", Serdes::String(),
                                             std::make_shared<FailingSerde>(), {"src"});
  StreamsConfig fail_config;
  TopologyTestDriver failing(topology, fail_config);
  EXPECT_THROW(failing.createInputTopic("in", Serdes::String(), Serdes::String()).pipeInput("k", "v", 1),
               StreamsException);
  StreamsConfig continue_config;
  continue_config.set("production.exception.handler", "log_and_continue");
  TopologyTestDriver continuing(topology, continue_config);
  continuing.createInputTopic("in", Serdes::String(), Serdes::String()).pipeInput("k", "v", 1);
  EXPECT_EQ(continuing.QueueSize("out"), 0u);
}

TEST(TopologyTestDriverTest, DefaultSerdesFillInMissingOnes) {
  Topology topology;
  topology.addSource<std::string, std::string>("src", {"in"});
  topology.addSink<std::string, std::string>("sink", "out", nullptr, nullptr, {"src"});
  StreamsConfig config;
  config.set("default.key.serde", "string").set("default.value.serde", "string");
  TopologyTestDriver driver(topology, config);
  driver.createInputTopic("in", Serdes::String(), Serdes::String()).pipeInput("k", "v", 1);
  EXPECT_EQ(driver.createOutputTopic("out", Serdes::String(), Serdes::String()).readValue(), "v");
  // Without defaults, the topology does not build.
  EXPECT_THROW(TopologyTestDriver{topology}, TopologyException);
}

// A topology that writes to a topic it also reads: the driver feeds the records back.
TEST(TopologyTestDriverTest, RecordsWrittenToATopicTheTopologyReadsComeBackIn) {
  Topology topology;
  topology.addSource<std::string, std::string>("first", {"in"}, Serdes::String(), Serdes::String());
  topology.addSink<std::string, std::string>("to-mid", "mid", Serdes::String(), Serdes::String(),
                                             {"first"});
  topology.addSource<std::string, std::string>("second", {"mid"}, Serdes::String(), Serdes::String());
  topology.addSink<std::string, std::string>("to-out", "out", Serdes::String(), Serdes::String(),
                                             {"second"});
  TopologyTestDriver driver(topology);
  driver.createInputTopic("in", Serdes::String(), Serdes::String()).pipeInput("k", "v", 7);
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  TestRecord<std::string, std::string> record = out.readRecord();
  EXPECT_EQ(record.value, "v");
  EXPECT_EQ(record.timestamp, 7);
  EXPECT_EQ(driver.producedTopicNames(), (std::set<std::string>{"mid", "out"}));
}

// Init and close are called once per task.
class Lifecycle : public Processor<std::string, std::string, Void, Void> {
 public:
  explicit Lifecycle(std::vector<std::string>* log) : log_(log) {}
  void init(ProcessorContext<Void, Void>&) override { log_->push_back("init"); }
  void process(const Record<std::string, std::string>& record) override {
    log_->push_back("process " + record.value());
  }
  void close() override { log_->push_back("close"); }

 private:
  std::vector<std::string>* log_;
};

TEST(TopologyTestDriverTest, ProcessorIsInitialisedBeforeRecordsAndClosedWithTheDriver) {
  std::vector<std::string> log;
  Topology topology;
  topology.addSource<std::string, std::string>("src", {"in"}, Serdes::String(), Serdes::String());
  topology.addProcessor<std::string, std::string, Void, Void>(
      "life", [&] { return std::make_unique<Lifecycle>(&log); }, {"src"});
  {
    TopologyTestDriver driver(topology);
    driver.createInputTopic("in", Serdes::String(), Serdes::String()).pipeInput("k", "a", 1);
  }
  EXPECT_EQ(log, (std::vector<std::string>{"init", "process a", "close"}));
}

}  // namespace
}  // namespace brook::streams
