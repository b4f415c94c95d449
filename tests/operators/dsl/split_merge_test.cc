#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"

// KStream::split (BranchedKStream, Branched) and KStream::merge.
namespace brook::streams {
namespace {

using testing::S;
using testing::StringConsumed;
using testing::StringProduced;

using Branches = std::map<std::string, KStream<S, S>>;
using B = Branched<S, S>;

bool StartsWith(const S& value, char c) { return !value.empty() && value[0] == c; }

std::vector<S> Keys(const Branches& branches) {
  std::vector<S> keys;
  for (const auto& [key, stream] : branches) keys.push_back(key);
  return keys;
}

TEST(KStreamSplitTest, EachRecordGoesToTheFirstBranchThatAcceptsItOrToTheDefault) {
  StreamsBuilder builder;
  Branches branches =
      builder.stream("in", StringConsumed())
          .split(Named::as("route-"))
          .branch([](const S&, const S& v) { return StartsWith(v, 'a'); }, B::as("a"))
          .branch([](const S&, const S& v) { return StartsWith(v, 'a') || StartsWith(v, 'b'); },
                  B::as("b"))
          .defaultBranch(B::as("other"));
  EXPECT_EQ(Keys(branches), (std::vector<S>{"route-a", "route-b", "route-other"}));
  branches.at("route-a").to("out-a");
  branches.at("route-b").to("out-b");
  branches.at("route-other").to("out-other");

  TopologyTestDriver driver(builder.build());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out_a = driver.createOutputTopic("out-a", Serdes::String(), Serdes::String());
  auto out_b = driver.createOutputTopic("out-b", Serdes::String(), Serdes::String());
  auto out_other = driver.createOutputTopic("out-other", Serdes::String(), Serdes::String());
  in.pipeInput(TestRecord<S, S>{"1", "apple", 10, {{"h", "1"}}});
  in.pipeInput(TestRecord<S, S>{"2", "banana", 11, {}});
  in.pipeInput(TestRecord<S, S>{"3", "cherry", 12, {}});
  in.pipeInput(TestRecord<S, S>{"4", "avocado", 13, {}});

  EXPECT_EQ(
      out_a.readRecordsToList(),
      (std::vector<TestRecord<S, S>>{{"1", "apple", 10, {{"h", "1"}}}, {"4", "avocado", 13, {}}}));
  EXPECT_EQ(out_b.readRecordsToList(), (std::vector<TestRecord<S, S>>{{"2", "banana", 11, {}}}));
  EXPECT_EQ(out_other.readRecordsToList(),
            (std::vector<TestRecord<S, S>>{{"3", "cherry", 12, {}}}));
}

TEST(KStreamSplitTest, WithoutADefaultBranchUnmatchedRecordsAreDropped) {
  StreamsBuilder builder;
  Branches branches = builder.stream("in", StringConsumed())
                          .split()
                          .branch([](const S&, const S& v) { return StartsWith(v, 'a'); })
                          .noDefaultBranch();
  ASSERT_EQ(branches.size(), 1u);
  branches.begin()->second.to("out");

  TopologyTestDriver driver(builder.build());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in.pipeInput("1", "apple", 1);
  in.pipeInput("2", "banana", 2);
  EXPECT_EQ(out.readValuesToList(), (std::vector<S>{"apple"}));
  EXPECT_EQ(driver.producedTopicNames(), (std::set<S>{"out"}));
}

TEST(KStreamSplitTest, UnnamedBranchesAreKeyedBySplitterNameAndPosition) {
  StreamsBuilder builder;
  auto source = builder.stream("in", StringConsumed());  // KSTREAM-SOURCE-0000000000
  Branches branches = source
                          .split()  // KSTREAM-BRANCH-0000000001
                          .branch([](const S&, const S&) { return true; })   // counter 2
                          .branch([](const S&, const S&) { return false; })  // counter 3
                          .defaultBranch();                                  // counter 4
  EXPECT_EQ(Keys(branches),
            (std::vector<S>{"KSTREAM-BRANCH-00000000010", "KSTREAM-BRANCH-00000000011",
                            "KSTREAM-BRANCH-00000000012"}));
  // Each branch used one counter value: the next generated name is number 5.
  source.filter([](const S&, const S&) { return true; }).to("out");
  const auto described = builder.build().describe().toString();
  EXPECT_NE(described.find("KSTREAM-FILTER-0000000005"), std::string::npos) << described;
}

TEST(KStreamSplitTest, ConsumersAndFunctionsDecideWhatTheMapHolds) {
  StreamsBuilder builder;
  std::vector<S> consumed_branches;
  Branches branches =
      builder.stream("in", StringConsumed())
          .split(Named::as("s-"))
          .branch([](const S&, const S& v) { return StartsWith(v, 'a'); },
                  B::withConsumer([&](KStream<S, S> stream) {
                    consumed_branches.push_back(stream.name());
                    stream.to("out-a", StringProduced());
                  }))
          .branch([](const S&, const S& v) { return StartsWith(v, 'b'); },
                  B::withFunction(
                      [](KStream<S, S> stream) {
                        return stream.mapValues([](const S& v) { return v + "!"; });
                      },
                      "b"))
          .branch([](const S&, const S& v) { return StartsWith(v, 'c'); },
                  B::withFunction(
                      [](KStream<S, S>) -> std::optional<KStream<S, S>> { return std::nullopt; }))
          .noDefaultBranch();
  EXPECT_EQ(consumed_branches, (std::vector<S>{"s-1"}));
  EXPECT_EQ(Keys(branches), (std::vector<S>{"s-b"}));
  branches.at("s-b").to("out-b", StringProduced());

  TopologyTestDriver driver(builder.build());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out_a = driver.createOutputTopic("out-a", Serdes::String(), Serdes::String());
  auto out_b = driver.createOutputTopic("out-b", Serdes::String(), Serdes::String());
  in.pipeInput("1", "ant", 1);
  in.pipeInput("2", "bee", 2);
  in.pipeInput("3", "cat", 3);
  EXPECT_EQ(out_a.readValuesToList(), (std::vector<S>{"ant"}));
  EXPECT_EQ(out_b.readValuesToList(), (std::vector<S>{"bee!"}));
}

TEST(KStreamSplitTest, BranchesKeepTheSerdesAndTheRepartitionFlagOfTheSplitStream) {
  StreamsBuilder builder;
  auto keyed =
      builder.stream("in", StringConsumed()).selectKey([](const S&, const S& v) { return v; });
  Branches branches =
      keyed.split().branch([](const S&, const S&) { return true; }).noDefaultBranch();
  EXPECT_TRUE(branches.begin()->second.repartitionRequired());
  EXPECT_EQ(branches.begin()->second.valueSerde(), Serdes::String());
  EXPECT_EQ(branches.begin()->second.keySerde(), nullptr);
}

TEST(KStreamSplitTest, NoBranchCanBeAddedAfterTheDefaultBranch) {
  StreamsBuilder builder;
  auto split = builder.stream("in", StringConsumed()).split();
  split.defaultBranch();
  EXPECT_THROW(split.branch([](const S&, const S&) { return true; }), TopologyException);
}

TEST(KStreamMergeTest, MergedStreamCarriesTheRecordsOfBothInArrivalOrder) {
  StreamsBuilder builder;
  auto first = builder.stream("in-1", StringConsumed());
  auto second =
      builder.stream("in-2", StringConsumed()).mapValues([](const S& v) { return v + "'"; });
  first.merge(second).to("out", StringProduced());

  TopologyTestDriver driver(builder.build());
  auto in_1 = driver.createInputTopic("in-1", Serdes::String(), Serdes::String());
  auto in_2 = driver.createInputTopic("in-2", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in_1.pipeInput("A", "aa", 1);
  in_2.pipeInput("B", "bb", 2);
  in_2.pipeInput("C", "cc", 3);
  in_1.pipeInput(TestRecord<S, S>{"D", "dd", 4, {{"h", "1"}}});
  EXPECT_EQ(out.readRecordsToList(), (std::vector<TestRecord<S, S>>{{"A", "aa", 1, {}},
                                                                    {"B", "bb'", 2, {}},
                                                                    {"C", "cc'", 3, {}},
                                                                    {"D", "dd", 4, {{"h", "1"}}}}));
}

TEST(KStreamMergeTest, MergedStreamHasNoSerdesSinceTheTwoMayDiffer) {
  StreamsBuilder builder;
  auto merged =
      builder.stream("in-1", StringConsumed()).merge(builder.stream("in-2", StringConsumed()));
  EXPECT_EQ(merged.keySerde(), nullptr);
  EXPECT_EQ(merged.valueSerde(), nullptr);
  EXPECT_EQ(merged.subtopologySourceNodes(),
            (std::set<S>{"KSTREAM-SOURCE-0000000000", "KSTREAM-SOURCE-0000000001"}));
  merged.to("out");
  EXPECT_THROW(TopologyTestDriver driver(builder.build()), TopologyException);
}

TEST(KStreamMergeTest, StreamsOfTwoBuildersCannotBeMerged) {
  StreamsBuilder first;
  StreamsBuilder second;
  auto a = first.stream("in-1", StringConsumed());
  auto b = second.stream("in-2", StringConsumed());
  EXPECT_THROW(a.merge(b), TopologyException);
}

}  // namespace
}  // namespace brook::streams
