#include "framework/topology/topology_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "framework/api/topology.h"
#include "tests/framework/topology/test_nodes.h"

namespace brook::framework::topology {
namespace {

using streams::TopicPattern;
using streams::Topology;
using streams::TopologyException;
using ::testing::HasSubstr;
using testing::PassThroughSupplier;
using testing::StringSerde;

using S = std::string;

class TopologyBuilderTest : public ::testing::Test {
 protected:
  Topology& Source(const std::string& name, std::vector<std::string> topics) {
    return topology_.addSource<S, S>(name, std::move(topics), StringSerde(), StringSerde());
  }
  Topology& Pass(const std::string& name, std::vector<std::string> parents,
                 std::vector<std::string> stores = {}) {
    return topology_.addProcessor<S, S, S, S>(name, PassThroughSupplier<S, S>(), std::move(parents),
                                              std::move(stores));
  }
  Topology& Sink(const std::string& name, const std::string& topic,
                 std::vector<std::string> parents) {
    return topology_.addSink<S, S>(name, topic, StringSerde(), StringSerde(), std::move(parents));
  }
  std::shared_ptr<const BuiltTopology> Build(const std::string& application_id = "") {
    BuildOptions options;
    options.application_id = application_id;
    options.resolve_serdes = false;
    return topology_.builder().Build(options);
  }
  // The message of the TopologyException that Build throws, or "" when it builds.
  std::string BuildError(const BuildOptions& options) {
    try {
      topology_.builder().Build(options);
    } catch (const TopologyException& e) {
      return e.what();
    }
    return "";
  }
  std::string BuildError() {
    BuildOptions options;
    options.resolve_serdes = false;
    return BuildError(options);
  }

  Topology topology_;
};

TEST_F(TopologyBuilderTest, CycleThroughParentsAddedLaterIsReported) {
  Source("src", {"in"});
  Pass("a", {"src", "b"});  // b is added after a
  Pass("b", {"a"});
  const std::string error = BuildError();
  EXPECT_THAT(error, HasSubstr("Invalid topology: the topology has a cycle: "));
  EXPECT_TRUE(error.find("a -> b -> a") != std::string::npos ||
              error.find("b -> a -> b") != std::string::npos)
      << error;
}

TEST_F(TopologyBuilderTest, NodeThatIsItsOwnParentIsACycle) {
  Source("src", {"in"});
  Pass("loop", {"src", "loop"});
  EXPECT_THAT(BuildError(), HasSubstr("the topology has a cycle: loop -> loop"));
}

TEST_F(TopologyBuilderTest, UnknownParentIsNamed) {
  Source("src", {"in"});
  Pass("p", {"nope"});
  EXPECT_THAT(BuildError(), HasSubstr("processor p has parent nope, which is not in the topology"));
}

TEST_F(TopologyBuilderTest, UnknownStoreIsNamed) {
  Source("src", {"in"});
  Pass("p", {"src"}, {"missing-store"});
  EXPECT_THAT(
      BuildError(),
      HasSubstr("processor p uses state store missing-store, which is not in the topology"));
}

TEST_F(TopologyBuilderTest, StoresConnectedToAnUnknownProcessorAreReported) {
  Source("src", {"in"});
  topology_.addStateStore(testing::Store("s"));
  topology_.connectProcessorAndStateStores("ghost", {"s"});
  EXPECT_THAT(BuildError(), HasSubstr("processor ghost, which is not in the topology"));
}

TEST_F(TopologyBuilderTest, StoreConnectedToASourceIsReported) {
  Source("src", {"in"});
  topology_.addStateStore(testing::Store("s"));
  topology_.connectProcessorAndStateStores("src", {"s"});
  EXPECT_THAT(BuildError(), HasSubstr("state store s is connected to source src; only "
                                      "processors use state stores"));
}

TEST_F(TopologyBuilderTest, ParentAndChildRecordTypesMustMatch) {
  Source("src", {"in"});
  topology_.addProcessor<S, int64_t, S, int64_t>(
      "numbers", [] { return std::make_unique<testing::PassThrough<S, int64_t>>(); }, {"src"});
  EXPECT_THAT(BuildError(), HasSubstr("src forwards Record<std::string, std::string> but its "
                                      "child numbers takes Record<std::string, int64_t>"));
}

TEST_F(TopologyBuilderTest, DuplicateNamesAreRejectedWhenAdded) {
  Source("twin", {"in"});
  try {
    Pass("twin", {"twin"});
    FAIL() << "a second node named twin was accepted";
  } catch (const TopologyException& e) {
    EXPECT_THAT(e.what(), HasSubstr("a node named twin is already in the topology"));
  }
}

TEST_F(TopologyBuilderTest, TopicReadByTwoSourcesIsRejected) {
  Source("first", {"in"});
  EXPECT_THROW(Source("second", {"other", "in"}), TopologyException);
}

TEST_F(TopologyBuilderTest, SinkCannotBeAParent) {
  Source("src", {"in"});
  Sink("out", "output", {"src"});
  Pass("after-sink", {"out"});
  EXPECT_THAT(BuildError(), HasSubstr("sink out cannot be the parent of after-sink"));
}

TEST_F(TopologyBuilderTest, ProcessorWithoutParentIsReported) {
  Source("src", {"in"});
  Pass("orphan", {});
  EXPECT_THAT(BuildError(), HasSubstr("processor orphan has no parent"));
}

TEST_F(TopologyBuilderTest, SourceWithAParentIsReported) {
  Source("src", {"in"});
  auto source = std::make_shared<streams::detail::SourceFactory<S, S>>(
      "child-source", StringSerde(), StringSerde(), streams::TimestampExtractor<S, S>{});
  source->topics = {"in-2"};
  source->AddParent("src");
  topology_.addNodeFactory(source);
  EXPECT_THAT(BuildError(), HasSubstr("source child-source cannot have a parent"));
}

TEST_F(TopologyBuilderTest, EmptyTopologyIsReported) {
  EXPECT_THAT(BuildError(), HasSubstr("the topology has no nodes"));
}

TEST_F(TopologyBuilderTest, InvalidTopicPatternIsReported) {
  topology_.addSource<S, S>("src", TopicPattern::compile("in-(["), StringSerde(), StringSerde());
  EXPECT_THAT(BuildError(), HasSubstr("source src has an invalid topic pattern in-(["));
}

TEST_F(TopologyBuilderTest, MissingSerdeNamesTheNodeAndTheDefaultToSet) {
  topology_.addSource<S, S>("raw", std::vector<std::string>{"in"});  // no serdes
  BuildOptions options;
  options.resolve_serdes = true;
  const std::string error = BuildError(options);
  EXPECT_THAT(error, HasSubstr("node raw needs a key serde for std::string"));
  EXPECT_THAT(error, HasSubstr("no default.key.serde is set"));
}

TEST_F(TopologyBuilderTest, DefaultSerdeOfAnotherTypeIsNamedInTheError) {
  topology_.addSource<S, S>("src", std::vector<std::string>{"in"}, StringSerde(), StringSerde());
  topology_.addSink<S, S>("out", "output", StringSerde(), nullptr, {"src"});
  BuildOptions options;
  options.serdes.key = streams::detail::ErasedSerde::Of<S>(StringSerde());
  options.serdes.value = streams::detail::ErasedSerde::Of<int64_t>(streams::Serdes::Int64());
  const std::string error = BuildError(options);
  EXPECT_THAT(error, HasSubstr("node out needs a value serde for std::string"));
  EXPECT_THAT(error, HasSubstr("(a serde of int64_t)"));
}

TEST_F(TopologyBuilderTest, DefaultSerdesFillWhatIsMissing) {
  topology_.addSource<S, S>("src", std::vector<std::string>{"in"});
  topology_.addSink<S, S>("out", "output", nullptr, nullptr, {"src"});
  BuildOptions options;
  options.serdes.key = streams::detail::ErasedSerde::Of<S>(StringSerde());
  options.serdes.value = streams::detail::ErasedSerde::Of<S>(StringSerde());
  EXPECT_EQ(BuildError(options), "");
}

TEST_F(TopologyBuilderTest, SubtopologiesAreNumberedInTheOrderTheirFirstNodeWasAdded) {
  // Kafka Streams (since 2.5, KAFKA-9020) numbers node groups in node insertion order, so the
  // upstream group is 0 even though its source's name sorts last.
  Source("z-upstream", {"in"});
  Sink("to-middle", "middle", {"z-upstream"});
  Source("a-downstream", {"middle"});
  Sink("out", "output", {"a-downstream"});
  Source("m-separate", {"other"});

  auto built = Build();
  ASSERT_EQ(built->subtopologies().size(), 3u);
  const auto id_of = [&](const std::string& name) {
    for (const auto& node : built->nodes()) {
      if (node.factory->name() == name) return node.subtopology;
    }
    return -1;
  };
  EXPECT_EQ(id_of("z-upstream"), 0);
  EXPECT_EQ(id_of("to-middle"), 0);
  EXPECT_EQ(id_of("a-downstream"), 1);
  EXPECT_EQ(id_of("out"), 1);
  EXPECT_EQ(id_of("m-separate"), 2);
  EXPECT_EQ(built->subtopologies()[0].source_topics, std::vector<std::string>{"in"});
  EXPECT_EQ(built->subtopologies()[0].sink_topics, std::vector<std::string>{"middle"});
  EXPECT_EQ(built->subtopologies()[1].source_topics, std::vector<std::string>{"middle"});
  EXPECT_EQ(built->SubtopologyOf("middle"), 1);
  EXPECT_EQ(built->SubtopologyOf("nowhere"), -1);
}

TEST_F(TopologyBuilderTest, SharedStoreJoinsTwoBranchesIntoOneSubtopology) {
  topology_.addStateStore(testing::Store("shared"));
  Source("left", {"l"});
  Pass("left-proc", {"left"}, {"shared"});
  Source("right", {"r"});
  Pass("right-proc", {"right"});
  topology_.connectProcessorAndStateStores("right-proc", {"shared"});

  auto built = Build();
  ASSERT_EQ(built->subtopologies().size(), 1u);
  EXPECT_EQ(built->subtopologies()[0].source_topics, (std::vector<std::string>{"l", "r"}));
}

TEST_F(TopologyBuilderTest, RepartitionTopicsAreDecoratedWithTheApplicationId) {
  topology_.builder().AddInternalTopic("agg-repartition", 4);
  Source("src", {"in"});
  auto sink = std::make_shared<streams::detail::SinkFactory<S, S>>(
      "to-repart", std::vector<std::string>{"src"}, "agg-repartition",
      streams::TopicNameExtractor<S, S>{}, StringSerde(), StringSerde());
  sink->internal_topic = true;
  topology_.addNodeFactory(sink);
  auto source = std::make_shared<streams::detail::SourceFactory<S, S>>(
      "from-repart", StringSerde(), StringSerde(), streams::TimestampExtractor<S, S>{});
  source->topics = {"agg-repartition"};
  source->internal_topic = true;
  topology_.addNodeFactory(source);

  auto built = Build("app");
  ASSERT_EQ(built->subtopologies().size(), 2u);
  EXPECT_EQ(built->subtopologies()[0].sink_topics, std::vector<std::string>{"app-agg-repartition"});
  EXPECT_EQ(built->subtopologies()[1].repartition_source_topics,
            std::vector<std::string>{"app-agg-repartition"});
  ASSERT_EQ(built->internal_topics().size(), 1u);
  EXPECT_EQ(built->internal_topics()[0].name, "app-agg-repartition");
  EXPECT_EQ(built->internal_topics()[0].partitions, 4);
  EXPECT_EQ(Build()->subtopologies()[1].source_topics, std::vector<std::string>{"agg-repartition"});
}

}  // namespace
}  // namespace brook::framework::topology
