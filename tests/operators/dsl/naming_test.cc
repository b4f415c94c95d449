#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "framework/api/processor.h"
#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "framework/topology/topology_builder.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"

// Node names: Kafka Streams' generated names (one counter per builder), Named and the config
// objects' names, and the sharing of source nodes.
namespace brook::streams {
namespace {

using testing::S;
using testing::StringConsumed;
using testing::StringProduced;

bool Has(const Topology& topology, const std::string& name) {
  return topology.builder().FindNode(name) != nullptr;
}

class Identity : public ContextualProcessor<S, S, S, S> {
 public:
  void process(const Record<S, S>& record) override { context().forward(record); }
};
class IdentityValues : public ContextualFixedKeyProcessor<S, S, S> {
 public:
  void process(const FixedKeyRecord<S, S>& record) override { context().forward(record); }
};

// The callables of the naming tests; what they do does not matter here.
bool Pass(const S&, const S&) { return true; }
KeyValue<S, S> Pair(const S& k, const S& v) { return {k, v}; }
std::vector<KeyValue<S, S>> Pairs(const S& k, const S& v) { return {{k, v}}; }
S Same(const S& v) { return v; }
std::vector<S> Values(const S& v) { return {v}; }
S Key(const S& k, const S&) { return k; }
void Ignore(const S&, const S&) {}
std::unique_ptr<Identity> MakeIdentity() { return std::make_unique<Identity>(); }
std::unique_ptr<IdentityValues> MakeIdentityValues() { return std::make_unique<IdentityValues>(); }

TEST(DslNamingTest, GeneratedNamesShareOneCounterAcrossAllPrefixes) {
  StreamsBuilder builder;
  auto stream = builder.stream("in", StringConsumed());  // 0
  stream
      .filter(Pass)                         // 1
      .filterNot(Pass)                      // 2
      .mapValues(Same)                      // 3
      .map(Pair)                            // 4
      .selectKey(Key)                       // 5
      .flatMap(Pairs)                       // 6
      .flatMapValues(Values)                // 7
      .peek(Ignore)                         // 8
      .processValues(MakeIdentityValues)    // 9
      .process(MakeIdentity)                // 10
      .to("out");                           // 11
  stream.foreach(Ignore);                   // 12
  stream.print(Printed<S, S>::toSysOut());  // 13
  stream
      .merge(stream.filter(Pass))  // 14 (the filter), 15
      .split()                     // 16
      .defaultBranch();            // 17
  const Topology topology = builder.build();

  for (const char* name :
       {"KSTREAM-SOURCE-0000000000", "KSTREAM-FILTER-0000000001", "KSTREAM-FILTER-0000000002",
        "KSTREAM-MAPVALUES-0000000003", "KSTREAM-MAP-0000000004", "KSTREAM-KEY-SELECT-0000000005",
        "KSTREAM-FLATMAP-0000000006", "KSTREAM-FLATMAPVALUES-0000000007", "KSTREAM-PEEK-0000000008",
        "KSTREAM-PROCESSVALUES-0000000009", "KSTREAM-PROCESSOR-0000000010",
        "KSTREAM-SINK-0000000011", "KSTREAM-FOREACH-0000000012", "KSTREAM-PRINTER-0000000013",
        "KSTREAM-FILTER-0000000014", "KSTREAM-MERGE-0000000015", "KSTREAM-BRANCH-0000000016",
        "KSTREAM-BRANCH-00000000160"}) {
    EXPECT_TRUE(Has(topology, name)) << name;
  }
}

TEST(DslNamingTest, NamedRenamesEveryOperatorAndTheCounterMovesAsInKafka) {
  StreamsBuilder builder;
  auto stream = builder.stream("in", StringConsumed().withName("source"));  // 0
  auto other = builder.stream("in-2", Consumed<S, S>::as("source-2"));      // 1
  stream
      .filter(Pass, Named::as("filter"))                               // 2
      .filterNot(Pass, Named::as("filter-not"))                        // 3
      .mapValues(Same, Named::as("map-values"))                        // 4
      .map(Pair, Named::as("map"))                                     // 5
      .selectKey(Key, Named::as("select-key"))                         // 6
      .flatMap(Pairs, Named::as("flat-map"))                           // 7
      .flatMapValues(Values, Named::as("flat-map-values"))             // 8
      .peek(Ignore, Named::as("peek"))                                 // 9
      .merge(other, Named::as("merge"))                                // 10
      .processValues(MakeIdentityValues, Named::as("process-values"))  // uses none
      .process(MakeIdentity, Named::as("process"))                     // uses none
      .repartition(Repartitioned<S, S>::as("shuffle"))                 // 11, 12, 13
      .to("out", StringProduced().withName("sink"));                   // 14
  stream.foreach(Ignore, Named::as("foreach"));                        // 15
  stream.print(Printed<S, S>::toSysOut().withName("print"));           // 16
  stream
      .split(Named::as("split-"))                  // 17
      .branch(Pass, Branched<S, S>::as("a"))       // 18
      .defaultBranch(Branched<S, S>::as("rest"));  // 19
  stream.filter(Pass);                             // 20
  const Topology topology = builder.build();

  for (const char* name : {"source",
                           "source-2",
                           "filter",
                           "filter-not",
                           "map-values",
                           "map",
                           "select-key",
                           "flat-map",
                           "flat-map-values",
                           "peek",
                           "merge",
                           "process-values",
                           "process",
                           "shuffle-repartition-filter",
                           "shuffle-repartition-sink",
                           "shuffle-repartition-source",
                           "sink",
                           "foreach",
                           "print",
                           "split-",
                           "split-a",
                           "split-rest",
                           "KSTREAM-FILTER-0000000020"}) {
    EXPECT_TRUE(Has(topology, name)) << name;
  }
}

TEST(DslNamingTest, KafkasOwnNamingExamplesGiveTheSameNames) {
  // StreamsBuilderTest.shouldUseSpecifiedNameForSinkProcessor.
  {
    StreamsBuilder builder;
    auto stream = builder.stream("stream-topic", StringConsumed());
    stream.to("stream-topic-two", Produced<S, S>::as("sink-processor"));
    stream.to("stream-topic-two");
    const Topology topology = builder.build();
    EXPECT_TRUE(Has(topology, "sink-processor"));
    EXPECT_TRUE(Has(topology, "KSTREAM-SINK-0000000002"));
  }
  // StreamsBuilderTest.shouldUseSpecifiedNameForStreamSourceProcessor.
  {
    StreamsBuilder builder;
    builder.stream("stream-topic", Consumed<S, S>::as("source-node"));
    builder.stream("stream-topic-two", StringConsumed());
    const Topology topology = builder.build();
    EXPECT_TRUE(Has(topology, "source-node"));
    EXPECT_TRUE(Has(topology, "KSTREAM-SOURCE-0000000001"));
  }
  // StreamsBuilderTest.shouldUseSpecifiedNameForSplitOperation.
  {
    StreamsBuilder builder;
    builder.stream("stream-topic", StringConsumed())
        .split(Named::as("branch-processor"))
        .branch([](const S&, const S&) { return true; }, Branched<S, S>::as("-1"))
        .branch([](const S&, const S&) { return false; }, Branched<S, S>::as("-2"));
    const Topology topology = builder.build();
    for (const char* name : {"KSTREAM-SOURCE-0000000000", "branch-processor", "branch-processor-1",
                             "branch-processor-2"}) {
      EXPECT_TRUE(Has(topology, name)) << name;
    }
  }
}

TEST(DslNamingTest, IllegalNamesAreRefusedWithKafkasReasons) {
  EXPECT_THROW(Named::as(""), TopologyException);
  EXPECT_THROW(Named::as("."), TopologyException);
  EXPECT_THROW(Named::as(".."), TopologyException);
  EXPECT_THROW(Named::as("has space"), TopologyException);
  EXPECT_THROW(Named::as(std::string(250, 'x')), TopologyException);
  EXPECT_NO_THROW(Named::as(std::string(249, 'x')));
  EXPECT_NO_THROW(Named::as("Az09._-"));
  EXPECT_THROW((Produced<S, S>::as("a/b")), TopologyException);
  EXPECT_THROW((Repartitioned<S, S>::as("a:b")), TopologyException);
  EXPECT_THROW((Printed<S, S>::toSysOut().withName("a b")), TopologyException);
  try {
    Named::as("a b");
    FAIL();
  } catch (const TopologyException& e) {
    EXPECT_NE(std::string(e.what()).find("contains a character other than ASCII alphanumerics"),
              std::string::npos)
        << e.what();
  }
}

TEST(DslNamingTest, TwoStreamsOfTheSameTopicsShareOneSourceNode) {
  StreamsBuilder builder;
  auto first = builder.stream({"t1", "t2"}, StringConsumed());
  auto second = builder.stream({"t2", "t1"}, StringConsumed());  // uses counter value 1
  EXPECT_EQ(second.name(), "KSTREAM-SOURCE-0000000000");
  first.mapValues([](const S& v) { return v + "-1"; }).to("out", StringProduced());
  second.mapValues([](const S& v) { return v + "-2"; }).to("out", StringProduced());
  const Topology topology = builder.build();
  EXPECT_FALSE(Has(topology, "KSTREAM-SOURCE-0000000001"));
  EXPECT_TRUE(Has(topology, "KSTREAM-MAPVALUES-0000000002"));

  TopologyTestDriver driver(topology);
  auto in = driver.createInputTopic("t2", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in.pipeInput("k", "v", 1);
  EXPECT_EQ(out.readValuesToList(), (std::vector<S>{"v-1", "v-2"}));
}

TEST(DslNamingTest, PatternsAreSharedTooButOverlappingTopicSetsAndOtherTypesAreRefused) {
  StreamsBuilder builder;
  auto first = builder.stream(TopicPattern::compile("topic-.*"), StringConsumed());
  auto second = builder.stream(TopicPattern::compile("topic-.*"), StringConsumed());
  EXPECT_EQ(first.name(), second.name());

  builder.stream("a", StringConsumed());
  EXPECT_THROW(builder.stream({"a", "b"}, StringConsumed()), TopologyException);
  EXPECT_THROW((builder.stream("a", Consumed<S, int64_t>::with(Serdes::String(), Serdes::Int64()))),
               TopologyException);
}

TEST(DslNamingTest, NothingCanBeAddedAfterBuild) {
  StreamsBuilder builder;
  auto stream = builder.stream("in", StringConsumed());
  Topology topology = builder.build();
  EXPECT_THROW(stream.to("out"), StreamsException);
  EXPECT_THROW(builder.build(), StreamsException);
}

}  // namespace
}  // namespace brook::streams
