// groupBy run by KafkaStreams against the in-process broker: the repartition topic a re-keying
// groupBy writes and reads back, across partitions and stream threads, under exactly_once_v2.
// A KStream groupBy count and a KTable groupBy count (adder and subtractor) end with exactly the
// counts computed directly from the input.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "framework/api/kafka_streams.h"
#include "framework/api/serdes.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"
#include "tests/operators/dsl_e2e_fixture.h"

namespace brook::streams {
namespace {

using framework::client::Properties;
using namespace std::chrono_literals;
using testing::S;
using testing::StringConsumed;
using OptS = std::optional<S>;

class GroupedE2ETest : public DslE2ETest {
 protected:
  StreamsConfig EosConfig(const S& app) const {
    StreamsConfig config = Config(app);
    config.set("processing.guarantee", "exactly_once_v2").set("num.stream.threads", "2");
    return config;
  }

  // Reads `topic` (read_committed) until the latest count of each key equals `expected`, or
  // 60 s passed; returns the latest counts read.
  static std::map<S, int64_t> ReadCounts(const S& topic, const std::map<S, int64_t>& expected) {
    auto consumer = MakeConsumer(
        topic + "-reader", nullptr,
        Properties{{"auto.offset.reset", "earliest"}, {"isolation.level", "read_committed"}});
    EXPECT_TRUE(consumer->Subscribe({topic}).ok());
    std::map<S, int64_t> latest;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (latest != expected && std::chrono::steady_clock::now() < deadline) {
      auto polled = consumer->Poll(100ms, 1'000);
      EXPECT_TRUE(polled.ok()) << polled.status().ToString();
      if (!polled.ok()) break;
      for (const auto& record : *polled) {
        latest[S(record.key.value_or(""))] =
            record.value ? Serdes::Int64()->deserialize(topic, record.value) : -1;
      }
    }
    return latest;
  }
};

// Page views keyed by view id on 3 partitions, counted per page: each view crosses the
// repartition topic once, whichever partition and thread it started on.
TEST_F(GroupedE2ETest, StreamGroupByCountsEveryRecordOnceAcrossPartitions) {
  CreateTopic("gb-views", 3);
  CreateTopic("gb-out", 1);
  std::vector<std::pair<S, S>> views;
  std::map<S, int64_t> expected;
  for (int i = 0; i < 300; ++i) {
    const S page = "p" + std::to_string(i % 7 == 0 ? 0 : i % 5);
    views.emplace_back("v" + std::to_string(i), page);
    ++expected[page];
  }
  Send("gb-views", views);

  StreamsBuilder builder;
  builder.stream("gb-views", StringConsumed())
      .groupBy([](const S&, const S& page) { return page; },
               Grouped<S, S>::with(Serdes::String(), Serdes::String()))
      .count(Materialized<S, int64_t>::as("views-per-page"))
      .toStream()
      .to("gb-out", testing::StringLongProduced());
  KafkaStreams streams(builder.build(), EosConfig("gb-app"));
  streams.start();
  const std::map<S, int64_t> counts = ReadCounts("gb-out", expected);
  EXPECT_TRUE(streams.close(30s));
  EXPECT_EQ(counts, expected);
  // The repartition topic takes the partition count of the topic it was keyed from.
  const auto repartitions = RepartitionTopics("gb-app");
  ASSERT_EQ(repartitions.size(), 1u);
  EXPECT_EQ(repartitions.begin()->second, 3) << repartitions.begin()->first;
}

// Users and their regions as a table on 2 partitions, counted per region. Users move between
// regions and some are deleted: the subtractor takes each from its old region (through the
// repartition topic, possibly on another task) and the adder puts it in the new one.
TEST_F(GroupedE2ETest, TableGroupByCountFollowsRowsThatMoveAndAreDeleted) {
  CreateTopic("gt-users", 2);
  CreateTopic("gt-out", 1);
  std::vector<std::pair<S, OptS>> updates;
  std::map<S, OptS> region_of;  // the table as the updates leave it
  for (int u = 0; u < 40; ++u) {
    const S user = "u" + std::to_string(u);
    updates.emplace_back(user, "r" + std::to_string(u % 3));
    region_of[user] = "r" + std::to_string(u % 3);
  }
  for (int u = 0; u < 40; u += 3) {  // every third user moves on
    const S user = "u" + std::to_string(u);
    updates.emplace_back(user, "r" + std::to_string((u + 1) % 4));
    region_of[user] = "r" + std::to_string((u + 1) % 4);
  }
  for (int u = 1; u < 40; u += 5) {  // and some leave
    const S user = "u" + std::to_string(u);
    updates.emplace_back(user, std::nullopt);
    region_of[user] = std::nullopt;
  }
  std::map<S, int64_t> expected{{"r0", 0}, {"r1", 0}, {"r2", 0}, {"r3", 0}};
  for (const auto& [user, region] : region_of) {
    if (region) ++expected[*region];
  }
  SendOptional("gt-users", updates);

  StreamsBuilder builder;
  builder.table("gt-users", StringConsumed())
      .groupBy(
          [](const S& user, const S& region) {
            return KeyValue<S, S>{region, user};
          },
          Grouped<S, S>::with(Serdes::String(), Serdes::String()))
      .count(Materialized<S, int64_t>::as("users-per-region"))
      .toStream()
      .to("gt-out", testing::StringLongProduced());
  KafkaStreams streams(builder.build(), EosConfig("gt-app"));
  streams.start();
  const std::map<S, int64_t> counts = ReadCounts("gt-out", expected);
  EXPECT_TRUE(streams.close(30s));
  EXPECT_EQ(counts, expected);
}

}  // namespace
}  // namespace brook::streams
