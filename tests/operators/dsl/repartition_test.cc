#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "framework/topology/topology_builder.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"

// KStream::repartition: a round trip through an internal topic.
namespace brook::streams {
namespace {

using testing::S;
using testing::StringConsumed;
using testing::StringProduced;

StreamsConfig AppConfig() {
  StreamsConfig config;
  config.set(StreamsConfig::kApplicationId, "app");
  return config;
}

TEST(KStreamRepartitionTest, RecordsComeBackThroughTheInternalTopic) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .selectKey([](const S&, const S& value) { return value.substr(0, 1); })
      .repartition(Repartitioned<S, S>::as("by-letter").withKeySerde(Serdes::String()))
      .mapValues([](const S& value) { return value + "!"; })
      .to("out", StringProduced());

  TopologyTestDriver driver(builder.build(), AppConfig());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  auto internal =
      driver.createOutputTopic("app-by-letter-repartition", Serdes::String(), Serdes::String());
  in.pipeInput(TestRecord<S, S>{"1", "apple", 10, {{"h", "1"}}});
  in.pipeInput(TestRecord<S, S>{"2", "banana", 20, {}});

  EXPECT_EQ(
      internal.readRecordsToList(),
      (std::vector<TestRecord<S, S>>{{"a", "apple", 10, {{"h", "1"}}}, {"b", "banana", 20, {}}}));
  EXPECT_EQ(
      out.readRecordsToList(),
      (std::vector<TestRecord<S, S>>{{"a", "apple!", 10, {{"h", "1"}}}, {"b", "banana!", 20, {}}}));
  EXPECT_EQ(driver.producedTopicNames(), (std::set<S>{"app-by-letter-repartition", "out"}));
}

TEST(KStreamRepartitionTest, TheStreamsSerdesAreUsedWhenRepartitionedGivesNone) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed()).repartition().to("out");

  TopologyTestDriver driver(builder.build(), AppConfig());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in.pipeInput("k", "v", 5);
  EXPECT_EQ(out.readRecord(), (TestRecord<S, S>{"k", "v", 5, {}}));
  EXPECT_EQ(driver.producedTopicNames(),
            (std::set<S>{"app-KSTREAM-REPARTITION-0000000001-repartition", "out"}));
}

TEST(KStreamRepartitionTest, RepartitionedSerdesChangeTheBytesOfTheInternalTopic) {
  StreamsBuilder builder;
  const auto optional_string = Serdes::Optional(Serdes::String());
  builder.stream("in", Consumed<std::optional<S>, S>::with(optional_string, Serdes::String()))
      .repartition(Repartitioned<std::optional<S>, S>::with(optional_string, Serdes::String())
                       .withName("nullable"))
      .to("out");

  TopologyTestDriver driver(builder.build(), AppConfig());
  auto in = driver.createInputTopic("in", optional_string, Serdes::String());
  auto internal =
      driver.createOutputTopic("app-nullable-repartition", optional_string, Serdes::String());
  auto out = driver.createOutputTopic("out", optional_string, Serdes::String());
  in.pipeInput(S("no key"));
  EXPECT_EQ(internal.readKeyValue(), (KeyValue<std::optional<S>, S>{std::nullopt, "no key"}));
  EXPECT_EQ(out.readKeyValue(), (KeyValue<std::optional<S>, S>{std::nullopt, "no key"}));
}

TEST(KStreamRepartitionTest, InternalTopicIsRegisteredWithItsPartitionCount) {
  StreamsBuilder builder;
  auto stream = builder.stream("in", StringConsumed());
  stream.repartition(Repartitioned<S, S>::numberOfPartitions(6).withName("six")).to("out-6");
  stream.repartition(Repartitioned<S, S>::as("any-repartition")).to("out-any");
  Topology topology = builder.build();

  framework::topology::BuildOptions options;
  options.application_id = "app";
  auto built = topology.builder().Build(options);
  ASSERT_EQ(built->internal_topics().size(), 2u);
  EXPECT_EQ(built->internal_topics()[0].name, "app-six-repartition");
  EXPECT_EQ(built->internal_topics()[0].partitions, std::optional<int32_t>(6));
  // A name that already ends in -repartition is not suffixed twice.
  EXPECT_EQ(built->internal_topics()[1].name, "app-any-repartition");
  EXPECT_EQ(built->internal_topics()[1].partitions, std::nullopt);
  EXPECT_EQ(built->subtopologies().size(), 3u);
}

TEST(KStreamRepartitionTest, APartitionCountBelowOneIsRefused) {
  EXPECT_THROW((Repartitioned<S, S>::numberOfPartitions(0)), TopologyException);
}

}  // namespace
}  // namespace brook::streams
