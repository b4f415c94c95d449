// KafkaRecordCollector against the in-process broker: a record the broker refuses goes to the
// production exception handler (continue: dropped; fail: the flush fails and the next Send
// throws), and a fenced producer fails the collector without asking the handler.
#include "framework/client/kafka_record_collector.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/framework/client/client_test_util.h"

namespace brook::framework::client {
namespace {

using streams::HandlerResponse;
using streams::TaskId;

// A production exception handler that answers `response` and remembers what it was given.
class RecordingHandler : public streams::ProductionExceptionHandler {
 public:
  struct Call {
    TaskId task;
    std::string topic;
    int32_t partition;
    std::string error;
  };
  explicit RecordingHandler(HandlerResponse response) : response_(response) {}
  HandlerResponse handle(const streams::ErrorHandlerContext& context, std::string_view topic,
                         const std::exception& error) override {
    calls.push_back({context.task_id, std::string(topic), context.partition, error.what()});
    return response_;
  }

  std::vector<Call> calls;

 private:
  HandlerResponse response_;
};

class KafkaRecordCollectorTest : public ClientTest {
 protected:
  // A topic refusing records over 1000 bytes, and a producer that sends one record per batch
  // (so the refused record fails alone).
  void SetUpSmallTopic() {
    topic_ = TopicName();
    CreateTopic(topic_, 1, {{"max.message.bytes", "1000"}});
    producer_ = MakeProducer({{"batch.num.messages", "1"}});
    ASSERT_NE(producer_, nullptr);
  }

  OutgoingRecord Value(std::string_view value) const {
    return Record(topic_, 0, std::nullopt, value);
  }

  const std::string big_ = std::string(5'000, 'x');
  const TaskId task_{0, 1};
  std::string topic_;
  std::unique_ptr<Producer> producer_;
};

TEST_F(KafkaRecordCollectorTest, ContinueDropsTheRefusedRecordAndGoesOn) {
  SetUpSmallTopic();
  auto handler = std::make_shared<RecordingHandler>(HandlerResponse::kContinue);
  KafkaRecordCollector collector(producer_.get(), handler);
  collector.Send(task_, Value("a"));
  collector.Send(task_, Value(big_));
  collector.Send(task_, Value("b"));
  Status flushed = collector.Flush(10s);
  ASSERT_TRUE(flushed.ok()) << flushed.ToString();

  ASSERT_EQ(handler->calls.size(), 1u);
  EXPECT_EQ(handler->calls[0].task, task_);
  EXPECT_EQ(handler->calls[0].topic, topic_);
  EXPECT_EQ(handler->calls[0].partition, 0);
  EXPECT_NE(handler->calls[0].error.find("MSG_SIZE_TOO_LARGE"), std::string::npos)
      << handler->calls[0].error;
  EXPECT_EQ(collector.counters(task_).sent, 3);
  EXPECT_EQ(collector.counters(task_).dropped, 1);

  collector.Send(task_, Value("c"));
  ASSERT_TRUE(collector.Flush(10s).ok());
  auto consumer = MakeConsumer(TopicName("-group"));
  ASSERT_TRUE(consumer->Subscribe({topic_}).ok());
  EXPECT_EQ(Values(PollRecords(*consumer, 3)), (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(KafkaRecordCollectorTest, FailFailsTheFlushAndTheNextSendThrows) {
  SetUpSmallTopic();
  auto handler = std::make_shared<RecordingHandler>(HandlerResponse::kFail);
  KafkaRecordCollector collector(producer_.get(), handler);
  collector.Send(task_, Value("a"));
  collector.Send(task_, Value(big_));
  Status flushed = collector.Flush(10s);
  EXPECT_EQ(flushed.code(), StatusCode::kTooLarge) << flushed.ToString();
  EXPECT_NE(flushed.message().find("[task 0_1]"), std::string::npos) << flushed.ToString();
  EXPECT_EQ(handler->calls.size(), 1u);
  EXPECT_FALSE(collector.fenced());

  EXPECT_THROW(collector.Send(task_, Value("b")), streams::StreamsException);
  EXPECT_FALSE(collector.Flush(10s).ok()) << "a failed collector stays failed";
  EXPECT_EQ(collector.counters(task_).sent, 2);
}

TEST_F(KafkaRecordCollectorTest, BuiltInLogAndContinueAndLogAndFailHandlers) {
  SetUpSmallTopic();
  KafkaRecordCollector continuing(producer_.get(), streams::LogAndContinueProductionHandler());
  continuing.Send(task_, Value(big_));
  Status flushed = continuing.Flush(10s);
  EXPECT_TRUE(flushed.ok()) << flushed.ToString();
  EXPECT_EQ(continuing.counters(task_).dropped, 1);
  continuing.Send(task_, Value("after"));
  EXPECT_TRUE(continuing.Flush(10s).ok());

  KafkaRecordCollector failing(producer_.get(), streams::LogAndFailProductionHandler());
  failing.Send(task_, Value(big_));
  EXPECT_EQ(failing.Flush(10s).code(), StatusCode::kTooLarge);
  EXPECT_THROW(failing.Send(task_, Value("after")), streams::StreamsException);
}

TEST_F(KafkaRecordCollectorTest, ImmediateSendErrorGoesToTheHandlerRightAway) {
  const std::string topic = TopicName();
  auto producer = MakeProducer({{"message.max.bytes", "2000"}});
  ASSERT_NE(producer, nullptr);
  const OutgoingRecord record = Record(topic, 0, std::nullopt, big_);

  auto lenient = std::make_shared<RecordingHandler>(HandlerResponse::kContinue);
  KafkaRecordCollector continuing(producer.get(), lenient);
  continuing.Send(task_, record);
  ASSERT_EQ(lenient->calls.size(), 1u);
  EXPECT_EQ(lenient->calls[0].topic, topic);
  EXPECT_EQ(continuing.counters(task_).dropped, 1);
  EXPECT_EQ(continuing.counters(task_).sent, 0);

  auto strict = std::make_shared<RecordingHandler>(HandlerResponse::kFail);
  KafkaRecordCollector failing(producer.get(), strict);
  EXPECT_THROW(failing.Send(task_, record), streams::StreamsException);
  EXPECT_EQ(strict->calls.size(), 1u);
  EXPECT_EQ(failing.failure().code(), StatusCode::kTooLarge);
}

TEST_F(KafkaRecordCollectorTest, FencedProducerFailsTheCollectorWithoutAskingTheHandler) {
  const std::string topic = TopicName();
  CreateTopic(topic, 1);
  auto first = MakeProducer({}, TopicName("-txn"));
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->InitTransactions(10s).ok());
  ASSERT_TRUE(first->BeginTransaction().ok());
  auto handler = std::make_shared<RecordingHandler>(HandlerResponse::kContinue);
  KafkaRecordCollector collector(first.get(), handler);
  collector.Send(task_, Record(topic, 0, std::nullopt, "zombie"));
  ASSERT_TRUE(collector.Flush(10s).ok());

  auto second = MakeProducer({}, TopicName("-txn"));
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(second->InitTransactions(10s).ok());
  EXPECT_EQ(first->CommitTransaction(10s).kind, TxnErrorKind::kFenced);

  Status status = collector.HandleDeliveryErrors();
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(collector.fenced()) << status.ToString();
  EXPECT_TRUE(handler->calls.empty()) << "no handler may excuse a fenced producer";
  EXPECT_THROW(collector.Send(task_, Record(topic, 0, std::nullopt, "more")),
               ProducerFencedException);
}

}  // namespace
}  // namespace brook::framework::client
