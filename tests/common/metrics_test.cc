#include "common/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics_http.h"

namespace brook::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, CountersPrintWithHelpTypeAndLabels) {
  Registry registry;
  registry.counter("kafka_requests_total", "Requests.", {{"request", "Produce"}}).Increment(3);
  registry.counter("kafka_requests_total", "ignored", {{"request", "Fetch"}}).Increment();
  EXPECT_EQ(registry.Scrape(),
            "# HELP kafka_requests_total Requests.\n"
            "# TYPE kafka_requests_total counter\n"
            "kafka_requests_total{request=\"Fetch\"} 1\n"
            "kafka_requests_total{request=\"Produce\"} 3\n");
}

TEST(MetricsTest, TheSameNameAndLabelsGiveTheSameCounter) {
  Registry registry;
  Counter& a = registry.counter("c_total", "C.", {{"x", "1"}});
  Counter& b = registry.counter("c_total", "C.", {{"x", "1"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &registry.counter("c_total", "C.", {{"x", "2"}}));
}

TEST(MetricsTest, HistogramsPrintCumulativeBucketsSumAndCount) {
  Registry registry;
  Histogram& latency = registry.histogram("latency_seconds", "Latency.", {{"api", "Fetch"}});
  latency.Observe(0.0002);  // <= 0.0005
  latency.Observe(0.003);   // <= 0.005
  latency.Observe(60);      // +Inf only
  const std::string text = registry.Scrape();
  EXPECT_THAT(text, HasSubstr("# TYPE latency_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{api=\"Fetch\",le=\"0.0005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{api=\"Fetch\",le=\"0.0025\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{api=\"Fetch\",le=\"0.005\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{api=\"Fetch\",le=\"10\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{api=\"Fetch\",le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_count{api=\"Fetch\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_sum{api=\"Fetch\"} 60.0032"));
}

TEST(MetricsTest, CollectorsAreCalledAtEachScrape) {
  Registry registry;
  double size = 10;
  registry.collector("log_size_bytes", "Size.", Type::kGauge, [&size] {
    return std::vector<Sample>{{{{"topic", "t"}, {"partition", "0"}}, size}};
  });
  EXPECT_THAT(registry.Scrape(), HasSubstr("log_size_bytes{topic=\"t\",partition=\"0\"} 10\n"));
  size = 2.5;
  EXPECT_THAT(registry.Scrape(), HasSubstr("log_size_bytes{topic=\"t\",partition=\"0\"} 2.5\n"));
  EXPECT_THAT(registry.Scrape(), HasSubstr("# TYPE log_size_bytes gauge\n"));
}

// A collector may update the registry (or wait for a thread that does) while it runs.
TEST(MetricsTest, ACollectorMayUseTheRegistry) {
  Registry registry;
  registry.collector("g", "G.", Type::kGauge, [&registry] {
    registry.counter("other_total", "O.").Increment();
    return std::vector<Sample>{{{}, 1}};
  });
  EXPECT_THAT(registry.Scrape(), HasSubstr("g 1\n"));
  EXPECT_THAT(registry.Scrape(), HasSubstr("other_total 1\n"));
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  Registry registry;
  registry.counter("c_total", "a \\ b\nc", {{"topic", "q\"uo\\te\nd"}}).Increment();
  const std::string text = registry.Scrape();
  EXPECT_THAT(text, HasSubstr("# HELP c_total a \\\\ b\\nc\n"));
  EXPECT_THAT(text, HasSubstr("c_total{topic=\"q\\\"uo\\\\te\\nd\"} 1\n"));
}

TEST(MetricsTest, BadNamesAndMixedTypesAreRefused) {
  Registry registry;
  EXPECT_THROW(registry.counter("9lives", "x"), std::invalid_argument);
  EXPECT_THROW(registry.counter("has-dash", "x"), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok_total", "x", {{"bad-label", "v"}}), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok_total", "x", {{"le", "v"}}), std::invalid_argument);
  registry.counter("kind_total", "x");
  EXPECT_THROW(registry.histogram("kind_total", "x"), std::invalid_argument);
  EXPECT_TRUE(IsValidMetricName("kafka_server:bytes_in_total"));
  EXPECT_FALSE(IsValidMetricName(""));
}

TEST(MetricsTest, CountersAreSafeFromManyThreads) {
  Registry registry;
  Counter& counter = registry.counter("c_total", "C.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) counter.Increment();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), 40000u);
}

TEST(MetricsHttpServerTest, ServesTheScrapeOnSlashMetrics) {
  Registry registry;
  registry.counter("served_total", "S.").Increment(7);
  auto server = MetricsHttpServer::Start("http://127.0.0.1:0", [&] { return registry.Scrape(); });
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_GT((*server)->port(), 0);
  EXPECT_EQ((*server)->url(), "http://127.0.0.1:" + std::to_string((*server)->port()) + "/metrics");
  httplib::Client client("127.0.0.1", (*server)->port());
  auto response = client.Get("/metrics");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->get_header_value("Content-Type"), HasSubstr("version=0.0.4"));
  EXPECT_THAT(response->body, HasSubstr("served_total 7\n"));
  auto other = client.Get("/other");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  (*server)->Stop();
  (*server)->Stop();  // idempotent
  EXPECT_FALSE(client.Get("/metrics"));
}

TEST(MetricsHttpServerTest, AScrapeThatThrowsIsA500) {
  auto server = MetricsHttpServer::Start("http://127.0.0.1:0",
                                         []() -> std::string { throw std::runtime_error("boom"); });
  ASSERT_TRUE(server.ok());
  httplib::Client client("127.0.0.1", (*server)->port());
  auto response = client.Get("/metrics");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_THAT(response->body, HasSubstr("boom"));
}

TEST(MetricsHttpServerTest, BadListenersAreRefusedClearly) {
  for (const std::string bad : {"127.0.0.1:9464", "http://127.0.0.1", "http://:9464",
                                "http://127.0.0.1:99999", "http://127.0.0.1:x", "tcp://h:1"}) {
    auto server = MetricsHttpServer::Start(bad, [] { return std::string(); });
    EXPECT_FALSE(server.ok()) << bad;
    EXPECT_THAT(server.status().message(), HasSubstr("metrics.listener")) << bad;
  }
  auto first = MetricsHttpServer::Start("http://127.0.0.1:0", [] { return std::string(); });
  ASSERT_TRUE(first.ok());
  auto taken = MetricsHttpServer::Start("http://127.0.0.1:" + std::to_string((*first)->port()),
                                        [] { return std::string(); });
  EXPECT_FALSE(taken.ok());
  EXPECT_THAT(taken.status().message(), HasSubstr("cannot bind"));
}

}  // namespace
}  // namespace brook::metrics
