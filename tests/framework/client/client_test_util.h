#pragma once

// Shared by the tests of framework/client/: a broker per suite (BrokerSuite), clients with short
// timeouts, and a few helpers to create topics, send records and poll them.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "framework/client/admin.h"
#include "framework/client/consumer.h"
#include "framework/client/producer.h"
#include "framework/client/rebalance_listener.h"
#include "tests/integration/broker_fixture.h"

namespace brook::framework::client {

using namespace std::chrono_literals;
using streams::detail::OutgoingRecord;
using streams::detail::RawRecord;

// Every rebalance callback, in order: "assigned", "revoked" or "lost", with its partitions.
class RecordingListener : public RebalanceListener {
 public:
  struct Event {
    std::string kind;
    std::vector<TopicPartition> partitions;
  };
  void OnPartitionsAssigned(const std::vector<TopicPartition>& partitions) override {
    events.push_back({"assigned", partitions});
  }
  void OnPartitionsRevoked(const std::vector<TopicPartition>& partitions) override {
    events.push_back({"revoked", partitions});
  }
  void OnPartitionsLost(const std::vector<TopicPartition>& partitions) override {
    events.push_back({"lost", partitions});
  }
  std::vector<std::string> Kinds() const {
    std::vector<std::string> kinds;
    for (const Event& event : events) kinds.push_back(event.kind);
    return kinds;
  }

  std::vector<Event> events;
};

class ClientTest : public brook::testing::BrokerSuite {
 protected:
  static Properties Bootstrap(Properties extra = {}) {
    extra.emplace("bootstrap.servers", bootstrap_);
    return extra;
  }

  static void CreateTopic(const std::string& name, int32_t partitions,
                          std::map<std::string, std::string> configs = {}) {
    auto admin = Admin::Create(Bootstrap());
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    Status status = (*admin)->CreateTopics({{name, partitions, -1, std::move(configs)}}, 10s);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  // A group member that rebalances quickly.
  static std::unique_ptr<Consumer> MakeConsumer(const std::string& group,
                                                RebalanceListener* listener = nullptr,
                                                Properties extra = {}) {
    extra.emplace("group.id", group);
    extra.emplace("session.timeout.ms", "6000");
    extra.emplace("heartbeat.interval.ms", "100");
    extra.emplace("topic.metadata.refresh.interval.ms", "500");
    auto consumer = Consumer::Create(Bootstrap(std::move(extra)), listener);
    EXPECT_TRUE(consumer.ok()) << consumer.status().ToString();
    return consumer.ok() ? std::move(consumer).value() : nullptr;
  }

  static std::unique_ptr<Producer> MakeProducer(Properties extra = {},
                                                std::optional<std::string> transactional_id = {}) {
    extra.emplace("linger.ms", "0");
    auto producer = Producer::Create(Bootstrap(std::move(extra)), std::move(transactional_id));
    EXPECT_TRUE(producer.ok()) << producer.status().ToString();
    return producer.ok() ? std::move(producer).value() : nullptr;
  }

  static OutgoingRecord Record(const std::string& topic, int32_t partition,
                               std::optional<std::string_view> key,
                               std::optional<std::string_view> value, int64_t timestamp = 0,
                               const streams::Headers* headers = nullptr) {
    return OutgoingRecord{topic, partition, key, value, timestamp, headers};
  }

  // Sends `values` (no key) to `partition` and waits for their delivery.
  static void SendValues(const std::string& topic, int32_t partition,
                         const std::vector<std::string>& values) {
    auto producer = MakeProducer();
    ASSERT_NE(producer, nullptr);
    for (const std::string& value : values) {
      ASSERT_TRUE(producer->Send(Record(topic, partition, std::nullopt, value)).ok());
    }
    ASSERT_TRUE(producer->Flush(10s).ok());
    ASSERT_TRUE(producer->TakeDeliveryErrors().empty());
  }

  // Polls until `count` records arrived or `timeout` passed.
  static std::vector<RawRecord> PollRecords(Consumer& consumer, size_t count,
                                            std::chrono::milliseconds timeout = 15s) {
    std::vector<RawRecord> records;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (records.size() < count && std::chrono::steady_clock::now() < deadline) {
      auto polled = consumer.Poll(100ms, count - records.size());
      EXPECT_TRUE(polled.ok()) << polled.status().ToString();
      if (!polled.ok()) break;
      for (RawRecord& record : *polled) records.push_back(std::move(record));
    }
    return records;
  }

  // Polls (records dropped) until `done()` or `timeout`.
  template <typename Done>
  static bool PollUntil(Consumer& consumer, Done done, std::chrono::milliseconds timeout = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      auto polled = consumer.Poll(50ms, 100);
      EXPECT_TRUE(polled.ok()) << polled.status().ToString();
    }
    return true;
  }

  static std::vector<std::string> Values(const std::vector<RawRecord>& records) {
    std::vector<std::string> values;
    for (const RawRecord& record : records) values.emplace_back(record.value.value_or("<null>"));
    return values;
  }
};

}  // namespace brook::framework::client
