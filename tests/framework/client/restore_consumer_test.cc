// RestoreConsumer against the in-process broker: a changelog read from the beginning past
// librdkafka's queue limits, every record once and in order, its end reported, and the fetch
// wake-up that runs while a partition is behind and stops once every partition is at its end.
#include "framework/client/restore_consumer.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/framework/client/client_test_util.h"

namespace brook::framework::client {
namespace {

class RestoreConsumerTest : public ClientTest {
 protected:
  // Queue limits far below the changelog's size, so librdkafka stops fetching many times.
  static std::unique_ptr<RestoreConsumer> MakeRestoreConsumer() {
    auto consumer = RestoreConsumer::Create(Bootstrap({{"group.id", TopicName("-restore")},
                                                       {"queued.min.messages", "100"},
                                                       {"queued.max.messages.kbytes", "64"}}));
    EXPECT_TRUE(consumer.ok()) << consumer.status().ToString();
    return consumer.ok() ? std::move(consumer).value() : nullptr;
  }

  // Polls until `partition`'s end is reported or 30 s passed; appends the records' offsets.
  static bool ReadToEnd(RestoreConsumer& consumer, const TopicPartition& partition,
                        std::vector<int64_t>* offsets) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto polled = consumer.Poll(100ms, 1'000);
      EXPECT_TRUE(polled.ok()) << polled.status().ToString();
      if (!polled.ok()) return false;
      for (const RawRecord& record : polled->records) offsets->push_back(record.offset);
      for (const TopicPartition& ended : polled->reached_end) {
        if (ended == partition) return true;
      }
    }
    return false;
  }
};

TEST_F(RestoreConsumerTest, ReadsAChangelogPastTheQueueLimitsAndWakesTheFetcherOnlyWhileBehind) {
  const std::string topic = TopicName("-changelog");
  CreateTopic(topic, 1);
  constexpr int kRecords = 20'000;
  SendValues(topic, 0, std::vector<std::string>(kRecords, std::string(100, 'v')));

  auto consumer = MakeRestoreConsumer();
  ASSERT_NE(consumer, nullptr);
  const TopicPartition partition{topic, 0};
  ASSERT_TRUE(consumer->Assign({{partition, -1}}).ok());
  std::vector<int64_t> offsets;
  ASSERT_TRUE(ReadToEnd(*consumer, partition, &offsets)) << "read " << offsets.size();
  ASSERT_EQ(offsets.size(), static_cast<size_t>(kRecords));
  for (int i = 0; i < kRecords; ++i) ASSERT_EQ(offsets[i], i) << "every record once, in order";
  EXPECT_GT(consumer->FetchWakeups(), 0u) << "the partition was behind for many polls";

  // At its end: a query asked for before the end may still run, then none.
  std::this_thread::sleep_for(1s);
  const uint64_t at_end = consumer->FetchWakeups();
  for (int i = 0; i < 5; ++i) {
    auto polled = consumer->Poll(50ms, 1'000);
    ASSERT_TRUE(polled.ok()) << polled.status().ToString();
    EXPECT_TRUE(polled->records.empty());
  }
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(consumer->FetchWakeups(), at_end) << "a consumer at its end sends no query";

  // The changelog grows: the new records are read and their end reported again.
  SendValues(topic, 0, {"late-1", "late-2"});
  std::vector<int64_t> more;
  ASSERT_TRUE(ReadToEnd(*consumer, partition, &more));
  EXPECT_EQ(more, (std::vector<int64_t>{kRecords, kRecords + 1}));
}

TEST_F(RestoreConsumerTest, ReadsFromTheGivenOffset) {
  const std::string topic = TopicName("-changelog");
  CreateTopic(topic, 1);
  SendValues(topic, 0, {"a", "b", "c", "d"});
  auto consumer = MakeRestoreConsumer();
  ASSERT_NE(consumer, nullptr);
  const TopicPartition partition{topic, 0};
  ASSERT_TRUE(consumer->Assign({{partition, 2}}).ok());
  std::vector<int64_t> offsets;
  ASSERT_TRUE(ReadToEnd(*consumer, partition, &offsets));
  EXPECT_EQ(offsets, (std::vector<int64_t>{2, 3}));
  auto end = consumer->EndOffset(partition, 10s);
  ASSERT_TRUE(end.ok()) << end.status().ToString();
  EXPECT_EQ(*end, 4);
}

}  // namespace
}  // namespace brook::framework::client
