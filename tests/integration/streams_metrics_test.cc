// A streams app's metrics.listener: KafkaStreams runs a windowed and a key-value count against
// the in-process broker, and both endpoints (the app's and the broker's) are scraped during the
// run, read with prometheus_client's parser, and checked for exact values that move: records
// per task, thread and processor node, late records dropped, store writes and sizes, commits,
// restoration after the state is lost; the broker's records in and the app's group lag.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "broker/app/embedded_broker.h"
#include "framework/api/kafka_streams.h"
#include "operators/dsl/streams_builder.h"
#include "tests/integration/prometheus_scrape.h"
#include "tests/operators/dsl/dsl_test_util.h"
#include "tests/operators/dsl_e2e_fixture.h"

namespace brook::streams {
namespace {

using brook::testing::Scrape;
using brook::testing::ScrapeMetrics;
using framework::client::Properties;
using testing::S;
using testing::StringConsumed;
using testing::StringProduced;

// The suite's broker serves its metrics too, so a run is seen from both endpoints.
class StreamsMetricsTest : public DslE2ETest {
 public:
  static void SetUpTestSuite() {
    dir_ = new brook::testing::TempDir();
    auto broker = broker::app::EmbeddedBroker::Start(dir_->path() + "/data",
                                                     {{"metrics.listener", "http://127.0.0.1:0"}});
    ASSERT_TRUE(broker.ok()) << broker.status().ToString();
    broker_ = broker->release();
    bootstrap_ = broker_->bootstrap();
  }
};

// Records not "skip" are counted twice: per key in one-minute windows without grace (written to
// the output) and per key in all time (the table "m-totals", not written anywhere).
Topology MeteredTopology(const std::string& in = "m-in", const std::string& out = "m-out") {
  StreamsBuilder builder;
  auto kept = builder.stream(in, StringConsumed()).filter([](const S&, const S& value) {
    return value != "skip";
  });
  kept.groupByKey()
      .windowedBy(TimeWindows::ofSizeAndGrace(std::chrono::minutes(1), std::chrono::seconds(0)))
      .count(Materialized<S, int64_t, WindowBytesStore>::as("m-windows"))
      .toStream()
      .map([](const Windowed<S>& key, int64_t count) {
        return KeyValue<S, S>(key.key(), std::to_string(count));
      })
      .to(out, StringProduced());
  kept.groupByKey().count(Materialized<S, int64_t, KeyValueBytesStore>::as("m-totals"));
  return builder.build();
}

// The sum of the samples `name` whose `label` starts with `prefix`.
double SumWhere(const Scrape& scrape, const std::string& name, const std::string& label,
                const std::string& prefix) {
  double sum = 0;
  for (const auto& sample : scrape.samples) {
    if (sample["name"] != name || !sample["labels"].contains(label)) continue;
    if (sample["labels"][label].get<std::string>().rfind(prefix, 0) == 0) {
      sum += sample["value"].get<double>();
    }
  }
  return sum;
}

// Scrapes until `done` holds (up to 30 s): counters move asynchronously to the output.
template <typename Done>
Scrape ScrapeUntil(const std::string& url, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  Scrape scrape = ScrapeMetrics(url);
  while (scrape.parsed && !done(scrape) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    scrape = ScrapeMetrics(url);
  }
  return scrape;
}

TEST_F(StreamsMetricsTest, CountersMoveAndTheTextParsesAsPrometheusFormat) {
  CreateTopic("m-in", 1);
  CreateTopic("m-out", 1);
  StreamsConfig config = Config("metered-app");
  config.set("metrics.listener", "http://127.0.0.1:0").set("statestore.cache.max.bytes", "0");
  const int64_t t0 = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() /
                     60000 * 60000;
  Send("m-in", {{"a", "x"}}, t0 + 1000);
  Send("m-in", {{"b", "x"}}, t0 + 2000);
  Send("m-in", {{"c", "x"}}, t0 + 3000);
  Send("m-in", {{"f", "skip"}}, t0 + 3500);
  Send("m-in", {{"d", "x"}}, t0 + 70000);  // stream time past the first window's end: it closed
  Send("m-in", {{"e", "x"}}, t0 + 5000);  // late for its window: dropped there, counted in all time
  auto consumer = MakeConsumer("m-reader", nullptr, Properties{{"auto.offset.reset", "earliest"}});
  ASSERT_TRUE(consumer->Subscribe({"m-out"}).ok());

  // Destroyed before the next instance, which takes its state directory's lock.
  auto streams = std::make_unique<KafkaStreams>(MeteredTopology(), config);
  EXPECT_EQ(streams->metricsUrl(), "");  // not started yet
  streams->start();
  const std::string url = streams->metricsUrl();
  ASSERT_THAT(url, ::testing::StartsWith("http://127.0.0.1:"));
  ASSERT_EQ(PollRecords(*consumer, 4, 30s).size(), 4u);  // a, b, c, d

  const std::map<std::string, std::string> task{{"task_id", "0_0"}};
  Scrape first = ScrapeUntil(url, [](const Scrape& s) {
    return s.Sum("kafka_streams_stream_thread_metrics_commit_latency_seconds_count") >= 1;
  });
  ASSERT_TRUE(first.parsed);
  EXPECT_EQ(first.Value("kafka_streams_stream_task_metrics_process_total", task), 6);
  EXPECT_EQ(first.Sum("kafka_streams_stream_thread_metrics_process_total"), 6);
  EXPECT_EQ(first.Value("kafka_streams_stream_task_metrics_dropped_records_total", task), 1);
  const std::string node = "kafka_streams_stream_processor_node_metrics_process_total";
  EXPECT_EQ(SumWhere(first, node, "processor_node_id", "KSTREAM-SOURCE-"), 6);
  EXPECT_EQ(SumWhere(first, node, "processor_node_id", "KSTREAM-FILTER-"), 6);
  EXPECT_EQ(SumWhere(first, node, "processor_node_id", "KSTREAM-AGGREGATE-"), 10);  // 5 + 5
  EXPECT_EQ(SumWhere(first, node, "processor_node_id", "KSTREAM-SINK-"), 4);
  const std::map<std::string, std::string> totals{{"state_id", "m-totals"}};
  EXPECT_EQ(first.Value("kafka_streams_stream_state_metrics_put_total", totals), 5);
  EXPECT_EQ(first.Value("kafka_streams_stream_state_metrics_estimate_num_keys", totals), 5);
  EXPECT_EQ(
      first.Value("kafka_streams_stream_state_metrics_put_total", {{"state_id", "m-windows"}}), 4);
  EXPECT_TRUE(first.Value("kafka_streams_stream_state_metrics_total_sst_files_size_bytes", totals));
  EXPECT_GE(first.Sum("kafka_streams_stream_thread_metrics_process_latency_seconds_count"), 1);
  EXPECT_EQ(first.Value("kafka_streams_stream_task_metrics_restore_remaining_records", task), 0);

  // The broker's endpoint, scraped during the same run: what came in, and the app's group lag
  // once it committed everything it read.
  const std::map<std::string, std::string> group_lag{
      {"consumergroup", "metered-app"}, {"topic", "m-in"}, {"partition", "0"}};
  Scrape broker = ScrapeUntil(broker_->broker().metrics_url(), [&](const Scrape& s) {
    return s.Value("kafka_consumergroup_lag", group_lag) == 0;
  });
  ASSERT_TRUE(broker.parsed);
  EXPECT_EQ(
      broker.Value("kafka_server_broker_topic_metrics_messages_in_total", {{"topic", "m-in"}}), 6);
  EXPECT_EQ(
      broker.Value("kafka_server_broker_topic_metrics_messages_in_total", {{"topic", "m-out"}}), 4);
  EXPECT_EQ(broker.Value("kafka_consumergroup_lag", group_lag), 0);

  // Two more records: the counters move.
  Send("m-in", {{"g", "x"}, {"a", "x"}}, t0 + 71000);
  ASSERT_EQ(PollRecords(*consumer, 2, 30s).size(), 2u);
  Scrape second = ScrapeUntil(url, [&](const Scrape& s) {
    return s.Value("kafka_streams_stream_task_metrics_process_total", task) == 8;
  });
  EXPECT_EQ(second.Value("kafka_streams_stream_task_metrics_process_total", task), 8);
  EXPECT_EQ(second.Sum("kafka_streams_stream_thread_metrics_process_total"), 8);
  EXPECT_EQ(second.Value("kafka_streams_stream_state_metrics_put_total", totals), 7);
  // Six keys; RocksDB's estimate may count the overwrite of a (it is an estimate).
  EXPECT_GE(second.Value("kafka_streams_stream_state_metrics_estimate_num_keys", totals), 6);
  EXPECT_LE(second.Value("kafka_streams_stream_state_metrics_estimate_num_keys", totals), 7);
  EXPECT_TRUE(streams->close(30s));
  streams.reset();

  // The task's state is lost: the next instance restores it from the changelogs, 7 records of
  // m-totals and 6 of m-windows.
  std::filesystem::remove_all(state_dir_ / "metered-app" / "0_0");
  KafkaStreams again(MeteredTopology(), config);
  again.start();
  Scrape restored = ScrapeUntil(again.metricsUrl(), [&](const Scrape& s) {
    return s.Value("kafka_streams_stream_task_metrics_restore_total", task) == 13 &&
           s.Value("kafka_streams_stream_task_metrics_restore_remaining_records", task) == 0;
  });
  EXPECT_EQ(restored.Value("kafka_streams_stream_task_metrics_restore_total", task), 13);
  EXPECT_EQ(restored.Value("kafka_streams_stream_task_metrics_restore_remaining_records", task), 0);
  EXPECT_EQ(restored.Value("kafka_streams_stream_task_metrics_process_total", task), 0);
  EXPECT_TRUE(again.close(30s));
}

TEST_F(StreamsMetricsTest, ABadListenerIsAConfigError) {
  StreamsConfig config = Config("bad-listener-app");
  config.set("metrics.listener", "127.0.0.1:9404");
  try {
    KafkaStreams streams(MeteredTopology(), config);
    FAIL() << "constructed with metrics.listener=127.0.0.1:9404";
  } catch (const ConfigException& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("metrics.listener"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("http://"));
  }
}

TEST_F(StreamsMetricsTest, WithoutAListenerNothingIsServed) {
  CreateTopic("u-in", 1);
  CreateTopic("u-out", 1);
  KafkaStreams streams(MeteredTopology("u-in", "u-out"), Config("unmetered-app"));
  streams.start();
  EXPECT_EQ(streams.metricsUrl(), "");
  EXPECT_TRUE(streams.close(30s));
}

}  // namespace
}  // namespace brook::streams
