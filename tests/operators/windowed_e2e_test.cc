// Windowed aggregations run by KafkaStreams against the in-process broker: what must survive a
// restart, which the test driver (one life) cannot show.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "framework/api/kafka_streams.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"
#include "tests/operators/dsl_e2e_fixture.h"

namespace brook::streams {
namespace {

using framework::client::Properties;
using testing::S;
using testing::StringConsumed;
using testing::StringProduced;

using WindowedE2ETest = DslE2ETest;

Topology EmitOnCloseCount(const std::string& in, const std::string& out) {
  StreamsBuilder builder;
  builder.stream(in, StringConsumed())
      .groupByKey()
      .windowedBy(TimeWindows::ofSizeWithNoGrace(std::chrono::milliseconds(100)))
      .emitStrategy(EmitStrategy::onWindowClose())
      // Kept ten minutes (for interactive queries, say): closed windows stay readable.
      .count(Materialized<S, int64_t, WindowBytesStore>::as("eoc-counts").withRetention(600'000))
      .toStream()
      .map([](const Windowed<S>& key, int64_t count) {
        return KeyValue<S, S>(key.key() + "@" + std::to_string(key.window().start()),
                              std::to_string(count));
      })
      .to(out, StringProduced());
  return builder.build();
}

// The last close time an emit-on-window-close count emitted is committed with the offsets
// (processor metadata), so after a restart on the same state the windows it emitted before
// are not emitted again; only the ones that close later are.
TEST_F(WindowedE2ETest, EmitOnWindowCloseDoesNotRepeatWindowsAfterARestart) {
  CreateTopic("eoc-in", 1);
  CreateTopic("eoc-out", 1);
  // Timestamps near now (the broker's time retention would delete old ones), windows of 100 ms
  // from t0, the start of the current minute.
  const int64_t t0 = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() /
                     60000 * 60000;
  Send("eoc-in", {{"a", "x"}}, t0 + 10);
  Send("eoc-in", {{"a", "x"}}, t0 + 20);
  Send("eoc-in", {{"a", "x"}}, t0 + 150);  // stream time t0+150: window [t0,t0+100) closes
  auto consumer = MakeConsumer(
      "eoc-reader", nullptr,
      Properties{{"auto.offset.reset", "earliest"}, {"isolation.level", "read_committed"}});
  ASSERT_TRUE(consumer->Subscribe({"eoc-out"}).ok());
  {
    KafkaStreams streams(EmitOnCloseCount("eoc-in", "eoc-out"), Config("eoc-app"));
    streams.start();
    auto first = PollRecords(*consumer, 1, 30s);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(std::string(first[0].key.value_or("")), "a@" + std::to_string(t0));
    EXPECT_EQ(std::string(first[0].value.value_or("")), "2");
    EXPECT_TRUE(streams.close(30s));
  }
  // The window store still holds window t0 (kept ten minutes), so a restart that forgot the
  // last close time would read it again with window t0+100.
  Send("eoc-in", {{"a", "x"}}, t0 + 260);  // window [t0+100,t0+200) closes
  KafkaStreams again(EmitOnCloseCount("eoc-in", "eoc-out"), Config("eoc-app"));
  again.start();
  auto second = PollRecords(*consumer, 2, 5s);  // waits the full 5 s for a repeat
  EXPECT_TRUE(again.close(30s));
  ASSERT_EQ(second.size(), 1u) << "a window was emitted twice";
  EXPECT_EQ(std::string(second[0].key.value_or("")), "a@" + std::to_string(t0 + 100));
  EXPECT_EQ(std::string(second[0].value.value_or("")), "1");
}

}  // namespace
}  // namespace brook::streams
