// Consumer against the in-process broker: records as RawRecords, rebalances seen by the
// listener, pause/resume, committed offsets, positions and watermarks, and the settings it
// refuses.
#include "framework/client/consumer.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "tests/framework/client/client_test_util.h"

namespace brook::framework::client {
namespace {

class ConsumerTest : public ClientTest {};

TEST_F(ConsumerTest, PollReturnsRawRecordsWithTopicPartitionOffsetTimestampKeyValueAndHeaders) {
  const std::string topic = TopicName();
  CreateTopic(topic, 1);
  {
    auto producer = MakeProducer();
    ASSERT_NE(producer, nullptr);
    const streams::Headers headers{{"trace", "abc"}, {"empty", std::nullopt}, {"trace", "def"}};
    ASSERT_TRUE(producer->Send(Record(topic, 0, "k1", "v1", 1'000, &headers)).ok());
    ASSERT_TRUE(producer->Send(Record(topic, 0, std::nullopt, std::nullopt, 2'000)).ok());
    ASSERT_TRUE(producer->Send(Record(topic, 0, "", "", 3'000)).ok());
    ASSERT_TRUE(producer->Flush(10s).ok());
  }
  auto consumer = MakeConsumer(TopicName("-group"));
  ASSERT_TRUE(consumer->Subscribe({topic}).ok());

  std::vector<RawRecord> records = PollRecords(*consumer, 3);
  ASSERT_EQ(records.size(), 3u);

  EXPECT_EQ(records[0].topic, topic);
  EXPECT_EQ(records[0].partition, 0);
  EXPECT_EQ(records[0].offset, 0);
  EXPECT_EQ(records[0].timestamp, 1'000);
  EXPECT_EQ(records[0].key, std::optional<std::string_view>("k1"));
  EXPECT_EQ(records[0].value, std::optional<std::string_view>("v1"));
  EXPECT_EQ(records[0].headers,
            (streams::Headers{{"trace", "abc"}, {"empty", std::nullopt}, {"trace", "def"}}));

  EXPECT_EQ(records[1].offset, 1);
  EXPECT_EQ(records[1].timestamp, 2'000);
  EXPECT_FALSE(records[1].key.has_value()) << "a null key stays null";
  EXPECT_FALSE(records[1].value.has_value()) << "a tombstone stays null";
  EXPECT_TRUE(records[1].headers.empty());

  EXPECT_EQ(records[2].offset, 2);
  EXPECT_EQ(records[2].key, std::optional<std::string_view>("")) << "empty is not null";
  EXPECT_EQ(records[2].value, std::optional<std::string_view>(""));

  // The views stay valid while the records live, across later polls.
  auto more = consumer->Poll(50ms, 10);
  ASSERT_TRUE(more.ok());
  EXPECT_TRUE(more->empty());
  EXPECT_EQ(records[0].topic, topic);
  EXPECT_EQ(records[0].value, std::optional<std::string_view>("v1"));
}

TEST_F(ConsumerTest, ListenerSeesAssignedThenRevokedWhenASecondMemberJoins) {
  const std::string topic = TopicName();
  const std::string group = TopicName("-group");
  CreateTopic(topic, 2);
  RecordingListener first_listener;
  auto first = MakeConsumer(group, &first_listener);
  ASSERT_TRUE(first->Subscribe({topic}).ok());
  ASSERT_TRUE(PollUntil(*first, [&] { return !first_listener.events.empty(); }));
  ASSERT_EQ(first_listener.Kinds(), std::vector<std::string>{"assigned"});
  EXPECT_EQ(first_listener.events[0].partitions,
            (std::vector<TopicPartition>{{topic, 0}, {topic, 1}}));
  auto assignment = first->Assignment();
  ASSERT_TRUE(assignment.ok());
  EXPECT_EQ(assignment->size(), 2u);

  RecordingListener second_listener;
  auto second = MakeConsumer(group, &second_listener);
  ASSERT_TRUE(second->Subscribe({topic}).ok());
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while ((first_listener.events.size() < 3 || second_listener.events.empty()) &&
         std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(first->Poll(20ms, 10).ok());
    ASSERT_TRUE(second->Poll(20ms, 10).ok());
  }
  ASSERT_EQ(first_listener.Kinds(), (std::vector<std::string>{"assigned", "revoked", "assigned"}));
  EXPECT_EQ(first_listener.events[1].partitions,
            (std::vector<TopicPartition>{{topic, 0}, {topic, 1}}))
      << "eager: the whole assignment is revoked";
  ASSERT_EQ(second_listener.Kinds(), std::vector<std::string>{"assigned"});
  ASSERT_EQ(first_listener.events[2].partitions.size(), 1u);
  ASSERT_EQ(second_listener.events[0].partitions.size(), 1u);
  // range: the first member (by member id) gets partition 0; either way they split the two.
  EXPECT_NE(first_listener.events[2].partitions[0], second_listener.events[0].partitions[0]);

  ASSERT_TRUE(second->Close().ok());
  EXPECT_EQ(second_listener.Kinds(), (std::vector<std::string>{"assigned", "revoked"}))
      << "Close revokes the assignment";
  EXPECT_TRUE(second->Close().ok()) << "Close is idempotent";
}

TEST_F(ConsumerTest, ListenerSeesLostWhenTheConsumerMissedMaxPollInterval) {
  const std::string topic = TopicName();
  CreateTopic(topic, 1);
  RecordingListener listener;
  auto consumer = MakeConsumer(TopicName("-group"), &listener,
                               {{"max.poll.interval.ms", "6000"}});  // the smallest allowed
  ASSERT_TRUE(consumer->Subscribe({topic}).ok());
  ASSERT_TRUE(PollUntil(*consumer, [&] { return !listener.events.empty(); }));
  std::this_thread::sleep_for(7s);
  ASSERT_TRUE(PollUntil(*consumer, [&] { return listener.events.size() >= 2; }));
  EXPECT_EQ(listener.events[1].kind, "lost");
  EXPECT_EQ(listener.events[1].partitions, (std::vector<TopicPartition>{{topic, 0}}));
}

TEST_F(ConsumerTest, UnsubscribeRevokesAndSubscribeRejoins) {
  const std::string topic = TopicName();
  CreateTopic(topic, 1);
  RecordingListener listener;
  auto consumer = MakeConsumer(TopicName("-group"), &listener);
  ASSERT_TRUE(consumer->Subscribe({topic}).ok());
  ASSERT_TRUE(PollUntil(*consumer, [&] { return listener.events.size() == 1; }));
  ASSERT_TRUE(consumer->Unsubscribe().ok());
  ASSERT_TRUE(PollUntil(*consumer, [&] { return listener.events.size() == 2; }));
  ASSERT_TRUE(consumer->Subscribe({topic}).ok());
  ASSERT_TRUE(PollUntil(*consumer, [&] { return listener.events.size() == 3; }));
  EXPECT_EQ(listener.Kinds(), (std::vector<std::string>{"assigned", "revoked", "assigned"}));
  EXPECT_EQ(listener.events[2].partitions, (std::vector<TopicPartition>{{topic, 0}}));
}

TEST_F(ConsumerTest, PausedPartitionIsNotReturnedUntilResumed) {
  const std::string topic = TopicName();
  CreateTopic(topic, 2);
  auto consumer = MakeConsumer(TopicName("-group"));
  ASSERT_TRUE(consumer->Subscribe({topic}).ok());
  ASSERT_TRUE(PollUntil(*consumer, [&] {
    auto assignment = consumer->Assignment();
    return assignment.ok() && assignment->size() == 2;
  }));
  ASSERT_TRUE(consumer->Pause({{topic, 0}}).ok());
  SendValues(topic, 0, {"p0-a", "p0-b"});
  SendValues(topic, 1, {"p1-a", "p1-b"});

  std::vector<RawRecord> records = PollRecords(*consumer, 2);
  EXPECT_EQ(Values(records), (std::vector<std::string>{"p1-a", "p1-b"}));
  std::vector<RawRecord> none = PollRecords(*consumer, 1, 500ms);
  EXPECT_TRUE(none.empty()) << "partition 0 is paused";

  ASSERT_TRUE(consumer->Resume({{topic, 0}}).ok());
  records = PollRecords(*consumer, 2);
  EXPECT_EQ(Values(records), (std::vector<std::string>{"p0-a", "p0-b"}));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].offset, 0);
}

TEST_F(ConsumerTest, CommittedReadsBackWhatCommitSyncCommitted) {
  const std::string topic = TopicName();
  CreateTopic(topic, 2);
  SendValues(topic, 0, {"a", "b", "c"});
  auto consumer = MakeConsumer(TopicName("-group"));
  ASSERT_TRUE(consumer->Subscribe({topic}).ok());
  ASSERT_EQ(PollRecords(*consumer, 3).size(), 3u);

  auto before = consumer->Committed({{topic, 0}, {topic, 1}}, 5s);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_TRUE(before->empty()) << "nothing committed yet";

  ASSERT_TRUE(consumer->CommitSync({{{topic, 0}, 2}}).ok());
  auto after = consumer->Committed({{topic, 0}, {topic, 1}}, 5s);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(*after, (std::map<TopicPartition, int64_t>{{{topic, 0}, 2}}));
  EXPECT_TRUE(consumer->CommitSync({}).ok()) << "an empty commit is a no-op";
}

TEST_F(ConsumerTest, PositionAndHighWatermarkFollowTheFetchedRecords) {
  const std::string topic = TopicName();
  CreateTopic(topic, 1);
  SendValues(topic, 0, {"a", "b", "c", "d"});
  auto consumer = MakeConsumer(TopicName("-group"));
  ASSERT_TRUE(consumer->Subscribe({topic}).ok());
  EXPECT_FALSE(consumer->HighWatermark({topic, 0}).has_value()) << "not fetched yet";

  std::vector<RawRecord> records = PollRecords(*consumer, 2);
  ASSERT_EQ(records.size(), 2u);
  auto position = consumer->Position({topic, 0});
  ASSERT_TRUE(position.ok()) << position.status().ToString();
  EXPECT_EQ(*position, std::optional<int64_t>(2));
  EXPECT_EQ(consumer->HighWatermark({topic, 0}), std::optional<int64_t>(4));

  auto not_assigned = consumer->Position({topic, 7});
  EXPECT_EQ(not_assigned.status().code(), StatusCode::kNotFound);
}

TEST_F(ConsumerTest, MissingTopicIsATransientErrorThatDoesNotFailPoll) {
  auto consumer = MakeConsumer(TopicName("-group"));
  ASSERT_TRUE(consumer->Subscribe({TopicName("-missing")}).ok());
  const auto deadline = std::chrono::steady_clock::now() + 1500ms;
  while (std::chrono::steady_clock::now() < deadline) {
    auto polled = consumer->Poll(100ms, 10);
    ASSERT_TRUE(polled.ok()) << polled.status().ToString();
    EXPECT_TRUE(polled->empty());
  }
}

TEST_F(ConsumerTest, OffsetOutOfRangeWithResetPolicyErrorFailsPoll) {
  const std::string topic = TopicName();
  const std::string group = TopicName("-group");
  CreateTopic(topic, 1);
  SendValues(topic, 0, {"a", "b", "c"});
  {
    auto committer = MakeConsumer(group);
    ASSERT_TRUE(committer->Subscribe({topic}).ok());
    ASSERT_EQ(PollRecords(*committer, 3).size(), 3u);
    ASSERT_TRUE(committer->CommitSync({{{topic, 0}, 100}}).ok());
  }
  auto consumer = MakeConsumer(group, nullptr, {{"auto.offset.reset", "error"}});
  ASSERT_TRUE(consumer->Subscribe({topic}).ok());
  Status failure;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (failure.ok() && std::chrono::steady_clock::now() < deadline) {
    auto polled = consumer->Poll(100ms, 10);
    if (!polled.ok()) failure = polled.status();
  }
  EXPECT_EQ(failure.code(), StatusCode::kOutOfRange) << failure.ToString();
  EXPECT_NE(failure.message().find(topic + "-0"), std::string::npos) << failure.ToString();
}

TEST_F(ConsumerTest, SubscribePatternPicksTheMatchingTopics) {
  const std::string prefix = TopicName();
  CreateTopic(prefix + "-in-a", 1);
  CreateTopic(prefix + "-in-b", 1);
  CreateTopic(prefix + "-other", 1);
  SendValues(prefix + "-in-a", 0, {"a"});
  SendValues(prefix + "-in-b", 0, {"b"});
  SendValues(prefix + "-other", 0, {"other"});
  auto consumer = MakeConsumer(TopicName("-group"));
  // The test name has dots: escape them for the regex.
  std::string escaped;
  for (char c : prefix) {
    if (c == '.') escaped += '\\';
    escaped += c;
  }
  ASSERT_TRUE(consumer->SubscribePattern(escaped + "-in-.*").ok());
  std::vector<RawRecord> records = PollRecords(*consumer, 2);
  std::vector<std::string> values = Values(records);
  std::sort(values.begin(), values.end());
  EXPECT_EQ(values, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(PollRecords(*consumer, 1, 500ms).empty());
}

TEST_F(ConsumerTest, ListenerExceptionIsRethrownByPollAfterTheAssignment) {
  struct ThrowingListener : RecordingListener {
    void OnPartitionsAssigned(const std::vector<TopicPartition>& partitions) override {
      RecordingListener::OnPartitionsAssigned(partitions);
      throw std::runtime_error("listener failed");
    }
  } listener;
  const std::string topic = TopicName();
  CreateTopic(topic, 1);
  auto consumer = MakeConsumer(TopicName("-group"), &listener);
  ASSERT_TRUE(consumer->Subscribe({topic}).ok());
  bool thrown = false;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (!thrown && std::chrono::steady_clock::now() < deadline) {
    try {
      consumer->Poll(50ms, 10).IgnoreError();
    } catch (const std::runtime_error& error) {
      EXPECT_STREQ(error.what(), "listener failed");
      thrown = true;
    }
  }
  EXPECT_TRUE(thrown);
  auto assignment = consumer->Assignment();
  ASSERT_TRUE(assignment.ok());
  EXPECT_EQ(*assignment, (std::vector<TopicPartition>{{topic, 0}})) << "assigned all the same";
}

TEST_F(ConsumerTest, PollAfterCloseFails) {
  auto consumer = MakeConsumer(TopicName("-group"));
  ASSERT_TRUE(consumer->Close().ok());
  auto polled = consumer->Poll(10ms, 10);
  EXPECT_EQ(polled.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ConsumerTest, CreateRejectsAnotherAssignorAndAutoCommit) {
  auto roundrobin = Consumer::Create(
      Bootstrap({{"group.id", "g"}, {"partition.assignment.strategy", "roundrobin"}}), nullptr);
  EXPECT_EQ(roundrobin.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(roundrobin.status().message().find("partition.assignment.strategy"), std::string::npos);
  auto auto_commit =
      Consumer::Create(Bootstrap({{"group.id", "g"}, {"enable.auto.commit", "true"}}), nullptr);
  EXPECT_EQ(auto_commit.status().code(), StatusCode::kInvalidArgument);
  auto no_group = Consumer::Create(Bootstrap(), nullptr);
  EXPECT_EQ(no_group.status().code(), StatusCode::kInvalidArgument);
  auto unknown = Consumer::Create(Bootstrap({{"group.id", "g"}, {"no.such.key", "1"}}), nullptr);
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("no.such.key"), std::string::npos);
  auto range = Consumer::Create(
      Bootstrap({{"group.id", "g"}, {"partition.assignment.strategy", "range"}}), nullptr);
  EXPECT_TRUE(range.ok()) << range.status().ToString();
}

}  // namespace
}  // namespace brook::framework::client
