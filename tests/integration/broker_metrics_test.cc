// The broker's metrics.listener: scraped during a run (librdkafka producing, consuming with a
// group, transactions), read with prometheus_client's parser, and checked to move.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>

#include "broker/app/embedded_broker.h"
#include "tests/integration/broker_fixture.h"
#include "tests/integration/kafka_test_client.h"
#include "tests/integration/prometheus_scrape.h"

namespace brook::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kTopic[] = "metered";
constexpr char kGroup[] = "metrics-group";

std::unique_ptr<broker::app::EmbeddedBroker> StartBroker(const std::string& dir) {
  auto broker =
      broker::app::EmbeddedBroker::Start(dir, {{"metrics.listener", "http://127.0.0.1:0"}});
  EXPECT_TRUE(broker.ok()) << broker.status().ToString();
  return broker.ok() ? std::move(*broker) : nullptr;
}

void Produce(const std::string& bootstrap, int count) {
  Producer producer(bootstrap);
  for (int i = 0; i < count; ++i) producer.Send(kTopic, 0, "k", "value-" + std::to_string(i));
  producer.Flush();
  ASSERT_EQ(producer.failed(), 0) << producer.last_error();
}

// The group reads the partition and commits `offset`.
void ConsumeAndCommit(const std::string& bootstrap, int count, int64_t offset) {
  Consumer consumer(bootstrap, {{"group.id", kGroup}});
  consumer.Assign(kTopic, 1);
  ASSERT_EQ(consumer.Read(static_cast<size_t>(count)).size(), static_cast<size_t>(count));
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, kTopic, 0)->offset = offset;
  const rd_kafka_resp_err_t err = rd_kafka_commit(consumer.handle(), list, 0);
  rd_kafka_topic_partition_list_destroy(list);
  ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
}

void Transaction(rd_kafka_t* producer, bool commit) {
  rd_kafka_error_t* begun = rd_kafka_begin_transaction(producer);
  ASSERT_EQ(begun, nullptr) << rd_kafka_error_string(begun);
  const std::string value = commit ? "kept" : "dropped";
  ASSERT_EQ(rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("metered-txn"),
                              RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  // Delivered first, so the broker is part of the transaction (librdkafka ends a transaction
  // that never reached the broker without an EndTxn).
  ASSERT_EQ(rd_kafka_flush(producer, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_error_t* error = commit ? rd_kafka_commit_transaction(producer, 30000)
                                   : rd_kafka_abort_transaction(producer, 30000);
  ASSERT_EQ(error, nullptr) << rd_kafka_error_string(error);
}

TEST(BrokerMetricsTest, CountersMoveAndTheTextParsesAsPrometheusFormat) {
  TempDir dir;
  auto broker = StartBroker(dir.path() + "/data");
  ASSERT_NE(broker, nullptr);
  const std::string url = broker->broker().metrics_url();
  ASSERT_THAT(url, ::testing::StartsWith("http://127.0.0.1:"));
  const std::string bootstrap = broker->bootstrap();

  Produce(bootstrap, 10);
  ConsumeAndCommit(bootstrap, 10, 4);
  {
    Producer transactional(bootstrap, {{"transactional.id", "metrics-txn"}});
    ASSERT_EQ(rd_kafka_init_transactions(transactional.handle(), 30000), nullptr);
    Transaction(transactional.handle(), true);
    Transaction(transactional.handle(), false);
  }
  const Scrape first = ScrapeMetrics(url);
  ASSERT_TRUE(first.parsed);

  const std::map<std::string, std::string> produce = {{"request", "Produce"}};
  const std::map<std::string, std::string> topic = {{"topic", kTopic}};
  const std::map<std::string, std::string> partition = {{"topic", kTopic}, {"partition", "0"}};
  EXPECT_GE(first.Value("kafka_network_request_metrics_requests_total", produce).value_or(0), 1);
  EXPECT_EQ(first.Value("kafka_network_request_metrics_total_time_seconds_count", produce),
            first.Value("kafka_network_request_metrics_requests_total", produce));
  EXPECT_GE(first.Value("kafka_network_request_metrics_requests_total", {{"request", "Fetch"}})
                .value_or(0),
            1);
  EXPECT_EQ(first.Value("kafka_server_broker_topic_metrics_messages_in_total", topic), 10);
  EXPECT_GT(first.Value("kafka_server_broker_topic_metrics_bytes_in_total", topic).value_or(0), 0);
  EXPECT_GT(first.Value("kafka_server_broker_topic_metrics_bytes_out_total", topic).value_or(0), 0);
  EXPECT_EQ(first.Value("kafka_log_log_end_offset", partition), 10);
  EXPECT_EQ(first.Value("kafka_log_log_start_offset", partition), 0);
  EXPECT_GT(first.Value("kafka_log_log_size_bytes", partition).value_or(0), 0);
  EXPECT_EQ(first.Value("kafka_consumergroup_lag",
                        {{"consumergroup", kGroup}, {"topic", kTopic}, {"partition", "0"}}),
            6);
  EXPECT_EQ(first.Value("kafka_coordinator_transaction_ended_total", {{"result", "commit"}}), 1);
  EXPECT_EQ(first.Value("kafka_coordinator_transaction_ended_total", {{"result", "abort"}}), 1);

  Produce(bootstrap, 5);
  const Scrape second = ScrapeMetrics(url);
  ASSERT_TRUE(second.parsed);
  EXPECT_GT(second.Value("kafka_network_request_metrics_requests_total", produce).value_or(0),
            first.Value("kafka_network_request_metrics_requests_total", produce).value_or(0));
  EXPECT_EQ(second.Value("kafka_server_broker_topic_metrics_messages_in_total", topic), 15);
  EXPECT_GT(second.Value("kafka_server_broker_topic_metrics_bytes_in_total", topic).value_or(0),
            first.Value("kafka_server_broker_topic_metrics_bytes_in_total", topic).value_or(0));
  EXPECT_EQ(second.Value("kafka_log_log_end_offset", partition), 15);
  EXPECT_GT(second.Value("kafka_log_log_size_bytes", partition).value_or(0),
            first.Value("kafka_log_log_size_bytes", partition).value_or(0));
  EXPECT_EQ(second.Value("kafka_consumergroup_lag",
                         {{"consumergroup", kGroup}, {"topic", kTopic}, {"partition", "0"}}),
            11);
}

TEST(BrokerMetricsTest, OffByDefault) {
  TempDir dir;
  auto broker = broker::app::EmbeddedBroker::Start(dir.path() + "/data");
  ASSERT_TRUE(broker.ok());
  EXPECT_EQ((*broker)->broker().metrics_url(), "");
}

TEST(BrokerMetricsTest, ABadListenerStopsTheStartWithAClearError) {
  TempDir dir;
  auto broker =
      broker::app::EmbeddedBroker::Start(dir.path() + "/data", {{"metrics.listener", "9464"}});
  ASSERT_FALSE(broker.ok());
  EXPECT_THAT(broker.status().message(), HasSubstr("metrics.listener"));
  EXPECT_THAT(broker.status().message(), HasSubstr("http://HOST:PORT"));
}

}  // namespace
}  // namespace brook::testing
