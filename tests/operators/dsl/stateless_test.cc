#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"

// filter, filterNot, map, selectKey, mapValues, flatMap, flatMapValues, peek and foreach, run
// through the TopologyTestDriver.
namespace brook::streams {
namespace {

using testing::S;
using testing::StringConsumed;
using testing::StringLongProduced;
using testing::StringProduced;

using OptionalString = std::optional<std::string>;

class KStreamStatelessTest : public ::testing::Test {
 protected:
  // Runs `builder`'s topology, pipes `records` into "in" and returns what reached "out".
  template <typename K, typename V>
  std::vector<TestRecord<K, V>> Run(std::vector<TestRecord<S, S>> records, SerdePtr<K> key_serde,
                                    SerdePtr<V> value_serde) {
    TopologyTestDriver driver(builder_.build());
    auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
    auto out = driver.createOutputTopic("out", std::move(key_serde), std::move(value_serde));
    for (const auto& record : records) in.pipeInput(record);
    return out.readRecordsToList();
  }
  std::vector<TestRecord<S, S>> RunStrings(std::vector<TestRecord<S, S>> records) {
    return Run<S, S>(std::move(records), Serdes::String(), Serdes::String());
  }

  StreamsBuilder builder_;
};

TEST_F(KStreamStatelessTest, FilterKeepsAcceptedRecordsWithTheirTimestampsAndHeaders) {
  builder_.stream("in", StringConsumed())
      .filter([](const S& key, const S&) { return key != "drop"; })
      .to("out");

  const Headers headers{{"trace", "abc"}, {"empty", std::nullopt}};
  EXPECT_EQ(RunStrings({{"a", "1", 10, headers}, {"drop", "2", 20, {}}, {"b", "3", 5, {}}}),
            (std::vector<TestRecord<S, S>>{{"a", "1", 10, headers}, {"b", "3", 5, {}}}));
}

TEST_F(KStreamStatelessTest, FilterNotDropsAcceptedRecords) {
  builder_.stream("in", StringConsumed())
      .filterNot([](const S& key, const S&) { return key == "drop"; })
      .to("out");

  EXPECT_EQ(RunStrings({{"a", "1", 1, {}}, {"drop", "2", 2, {}}}),
            (std::vector<TestRecord<S, S>>{{"a", "1", 1, {}}}));
}

TEST_F(KStreamStatelessTest, MapChangesKeyAndValueTypesAndKeepsTimestampAndHeaders) {
  builder_.stream("in", StringConsumed())
      .map([](const S& key, const S& value) {
        return KeyValue<int64_t, S>{static_cast<int64_t>(key.size()), value + "!"};
      })
      .to("out", Produced<int64_t, S>::with(Serdes::Int64(), Serdes::String()));

  const Headers headers{{"h", "v"}};
  EXPECT_EQ((Run<int64_t, S>({{"abc", "x", 7, headers}}, Serdes::Int64(), Serdes::String())),
            (std::vector<TestRecord<int64_t, S>>{{3, "x!", 7, headers}}));
}

TEST_F(KStreamStatelessTest, MapAcceptsAStdPairAndExplicitTypes) {
  builder_.stream("in", StringConsumed())
      .map<S, int64_t>([](const S& key, const S& value) {
        return std::make_pair(key + value, static_cast<int>(value.size()));
      })
      .to("out", StringLongProduced());

  EXPECT_EQ((Run<S, int64_t>({{"k", "vv", 1, {}}}, Serdes::String(), Serdes::Int64())),
            (std::vector<TestRecord<S, int64_t>>{{"kvv", 2, 1, {}}}));
}

TEST_F(KStreamStatelessTest, SelectKeyReplacesOnlyTheKey) {
  auto selected = builder_.stream("in", StringConsumed()).selectKey([](const S&, const S& value) {
    return static_cast<int64_t>(value.size());
  });
  selected.to("out", Produced<int64_t, S>::with(Serdes::Int64(), Serdes::String()));

  EXPECT_EQ((Run<int64_t, S>({{"k", "four", 3, {{"h", "1"}}}}, Serdes::Int64(), Serdes::String())),
            (std::vector<TestRecord<int64_t, S>>{{4, "four", 3, {{"h", "1"}}}}));
}

TEST_F(KStreamStatelessTest, MapValuesTakesAValueOnlyOrAKeyAwareMapperAndChangesTypes) {
  builder_.stream("in", StringConsumed())
      .mapValues([](const S& value) { return static_cast<int64_t>(value.size()); })
      .mapValues([](const S& key, const int64_t& length) { return length * 0.5 + key.size(); })
      .mapValues<S>([](double half) { return half > 2 ? "long" : "short"; })
      .to("out", StringProduced());

  EXPECT_EQ(RunStrings({{"k", "abcdef", 1, {{"h", "1"}}}, {"k", "ab", 2, {}}}),
            (std::vector<TestRecord<S, S>>{{"k", "long", 1, {{"h", "1"}}}, {"k", "short", 2, {}}}));
}

TEST_F(KStreamStatelessTest, FlatMapForwardsZeroOrManyRecords) {
  builder_.stream("in", StringConsumed())
      .flatMap([](const S& key, const S& value) {
        std::vector<KeyValue<S, int64_t>> out;
        for (size_t i = 0; i < value.size(); ++i) {
          out.push_back({key + std::to_string(i), static_cast<int64_t>(value[i] - '0')});
        }
        return out;
      })
      .to("out", StringLongProduced());

  const Headers headers{{"h", "v"}};
  EXPECT_EQ((Run<S, int64_t>({{"a", "", 1, {}}, {"b", "12", 2, headers}, {"c", "3", 3, {}}},
                             Serdes::String(), Serdes::Int64())),
            (std::vector<TestRecord<S, int64_t>>{
                {"b0", 1, 2, headers}, {"b1", 2, 2, headers}, {"c0", 3, 3, {}}}));
}

TEST_F(KStreamStatelessTest, FlatMapValuesForwardsZeroOrManyValuesUnderTheSameKey) {
  builder_.stream("in", StringConsumed())
      .flatMapValues([](const S& value) {
        std::vector<S> words;
        size_t start = 0;
        while (start < value.size()) {
          size_t end = value.find(' ', start);
          if (end == S::npos) end = value.size();
          if (end > start) words.push_back(value.substr(start, end - start));
          start = end + 1;
        }
        return words;
      })
      .flatMapValues([](const S& key, const S& word) { return std::vector<S>{key + ":" + word}; })
      .to("out", StringProduced());

  EXPECT_EQ(RunStrings({{"k", "hello big world", 4, {{"h", "x"}}}, {"e", "", 5, {}}}),
            (std::vector<TestRecord<S, S>>{{"k", "k:hello", 4, {{"h", "x"}}},
                                           {"k", "k:big", 4, {{"h", "x"}}},
                                           {"k", "k:world", 4, {{"h", "x"}}}}));
}

TEST_F(KStreamStatelessTest, PeekSeesEveryRecordAndPassesItOnUnchanged) {
  std::vector<std::pair<S, S>> seen;
  builder_.stream("in", StringConsumed())
      .peek([&seen](const S& key, const S& value) { seen.emplace_back(key, value); })
      .to("out");

  EXPECT_EQ(RunStrings({{"a", "1", 1, {{"h", "v"}}}, {"b", "2", 2, {}}}),
            (std::vector<TestRecord<S, S>>{{"a", "1", 1, {{"h", "v"}}}, {"b", "2", 2, {}}}));
  EXPECT_EQ(seen, (std::vector<std::pair<S, S>>{{"a", "1"}, {"b", "2"}}));
}

TEST_F(KStreamStatelessTest, ForeachSeesEveryRecordAndEndsTheBranch) {
  std::vector<std::pair<S, S>> seen;
  builder_.stream("in", StringConsumed()).foreach([&seen](const S& key, const S& value) {
    seen.emplace_back(key, value);
  });

  TopologyTestDriver driver(builder_.build());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("a", "1", 1);
  in.pipeInput("b", "2", 2);
  EXPECT_EQ(seen, (std::vector<std::pair<S, S>>{{"a", "1"}, {"b", "2"}}));
  EXPECT_TRUE(driver.producedTopicNames().empty());
}

TEST_F(KStreamStatelessTest, NullKeysAndValuesPassThroughEveryOperator) {
  const auto optional_string = Serdes::Optional(Serdes::String());
  builder_
      .stream("in",
              Consumed<OptionalString, OptionalString>::with(optional_string, optional_string))
      .filter([](const OptionalString&, const OptionalString&) { return true; })
      .peek([](const OptionalString&, const OptionalString&) {})
      .mapValues(
          [](const OptionalString& value) { return value ? *value + "!" : OptionalString(); })
      .flatMapValues([](const OptionalString& value) { return std::vector<OptionalString>{value}; })
      .to("out", Produced<OptionalString, OptionalString>::with(optional_string, optional_string));

  TopologyTestDriver driver(builder_.build());
  auto in = driver.createInputTopic("in", optional_string, optional_string);
  auto out = driver.createOutputTopic("out", optional_string, optional_string);
  in.pipeInput(OptionalString("v"));                   // a record without a key
  in.pipeRawInput(std::string("k"), std::nullopt, 3);  // a tombstone
  const auto records = out.readRecordsToList();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].key, std::nullopt);
  EXPECT_EQ(records[0].value, OptionalString("v!"));
  EXPECT_EQ(records[1].key, OptionalString("k"));
  EXPECT_EQ(records[1].value, std::nullopt);
}

TEST_F(KStreamStatelessTest, TimestampsAndHeadersSurviveALongChain) {
  builder_.stream("in", StringConsumed())
      .selectKey([](const S& key, const S&) { return key + "2"; })
      .map([](const S& key, const S& value) {
        return KeyValue<S, S>{key, value};
      })
      .mapValues([](const S& value) { return value; })
      .flatMap([](const S& key, const S& value) {
        return std::vector<KeyValue<S, S>>{{key, value}};
      })
      .flatMapValues([](const S& value) { return std::vector<S>{value}; })
      .filter([](const S&, const S&) { return true; })
      .peek([](const S&, const S&) {})
      .to("out", StringProduced());

  const Headers headers{{"a", "1"}, {"a", "2"}, {"null", std::nullopt}};
  EXPECT_EQ(RunStrings({{"k", "v", 123456789, headers}}),
            (std::vector<TestRecord<S, S>>{{"k2", "v", 123456789, headers}}));
}

TEST_F(KStreamStatelessTest, ToUsesTheStreamsSerdesUntilAnOperatorMayChangeTheType) {
  // Consumed's serdes reach the sink through filter and peek without Produced or defaults.
  builder_.stream("in", StringConsumed()).filter([](const S&, const S&) { return true; }).to("out");
  EXPECT_EQ(RunStrings({{"k", "v", 1, {}}}), (std::vector<TestRecord<S, S>>{{"k", "v", 1, {}}}));

  // mapValues drops the value serde (as Kafka does), so with no default the sink has none.
  StreamsBuilder builder;
  builder.stream("in", StringConsumed()).mapValues([](const S& value) { return value; }).to("out");
  EXPECT_THROW(TopologyTestDriver driver(builder.build()), TopologyException);
}

TEST_F(KStreamStatelessTest, SerdesMissingEverywhereComeFromTheConfigDefaults) {
  builder_.stream<S, S>("in")
      .mapValues([](const S& value) { return static_cast<int64_t>(value.size()); })
      .to("out", Produced<S, int64_t>::valueSerde(Serdes::Int64()));

  StreamsConfig config;
  config.set(StreamsConfig::kDefaultKeySerde, "string")
      .set(StreamsConfig::kDefaultValueSerde, "string");
  TopologyTestDriver driver(builder_.build(), config);
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::Int64());
  in.pipeInput("k", "abc", 1);
  EXPECT_EQ(out.readKeyValue(), (KeyValue<S, int64_t>{"k", 3}));
}

TEST_F(KStreamStatelessTest, ConsumedTimestampExtractorGivesTheRecordsTheirEventTime) {
  builder_
      .stream("in",
              StringConsumed().withTimestampExtractor(
                  [](const Record<S, S>& record, int64_t) { return std::stoll(record.value()); }))
      .to("out");

  EXPECT_EQ(RunStrings({{"k", "42", 1, {}}}), (std::vector<TestRecord<S, S>>{{"k", "42", 42, {}}}));
}

TEST_F(KStreamStatelessTest, AnEmptyStdFunctionIsRefusedWhenTheOperatorIsAdded) {
  auto stream = builder_.stream("in", StringConsumed());
  std::function<bool(const S&, const S&)> empty;
  EXPECT_THROW(stream.filter(empty), TopologyException);
  std::function<void(const S&, const S&)> no_action;
  EXPECT_THROW(stream.foreach(no_action), TopologyException);
}

TEST_F(KStreamStatelessTest, KeyChangingOperatorsMarkTheStreamForRepartitioning) {
  auto source = builder_.stream("in", StringConsumed());
  EXPECT_FALSE(source.repartitionRequired());
  auto keyed = source.selectKey([](const S& key, const S&) { return key; });
  EXPECT_TRUE(keyed.repartitionRequired());
  EXPECT_TRUE(source.map([](const S& k, const S& v) {
                      return KeyValue<S, S>{k, v};
                    })
                  .repartitionRequired());
  EXPECT_TRUE(source.flatMap([](const S&, const S&) { return std::vector<KeyValue<S, S>>{}; })
                  .repartitionRequired());
  // Value-only operators keep the flag as they found it.
  EXPECT_FALSE(source.mapValues([](const S& v) { return v; }).repartitionRequired());
  EXPECT_TRUE(keyed.mapValues([](const S& v) { return v; }).repartitionRequired());
  EXPECT_TRUE(
      keyed.flatMapValues([](const S& v) { return std::vector<S>{v}; }).repartitionRequired());
  EXPECT_TRUE(keyed.filter([](const S&, const S&) { return true; }).repartitionRequired());
  EXPECT_TRUE(keyed.peek([](const S&, const S&) {}).repartitionRequired());
  // A merge needs it when either side does; repartition() clears it.
  EXPECT_TRUE(source.merge(keyed).repartitionRequired());
  EXPECT_FALSE(keyed.repartition().repartitionRequired());
}

}  // namespace
}  // namespace brook::streams
