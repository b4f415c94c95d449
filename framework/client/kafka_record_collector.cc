#include "framework/client/kafka_record_collector.h"

#include <algorithm>

#include <fmt/format.h>

namespace brook::framework::client {
namespace {

// A task id travels through the producer as its delivery tag.
uint64_t TagOf(const streams::TaskId& task) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(task.subtopology)) << 32) |
         static_cast<uint32_t>(task.partition);
}

streams::TaskId TaskOf(uint64_t tag) {
  tag &= ~Producer::kTrackOffsetTag;
  return {static_cast<int32_t>(static_cast<uint32_t>(tag >> 32)),
          static_cast<int32_t>(static_cast<uint32_t>(tag))};
}

}  // namespace

KafkaRecordCollector::KafkaRecordCollector(
    Producer* producer, std::shared_ptr<streams::ProductionExceptionHandler> handler)
    : producer_(producer), handler_(std::move(handler)), logger_(GetLogger("client")) {}

void KafkaRecordCollector::Send(const streams::TaskId& task,
                                const streams::detail::OutgoingRecord& record) {
  ThrowIfFailed();
  if (++sends_since_poll_ >= kSendsPerPoll) {
    sends_since_poll_ = 0;
    producer_->Poll();
    HandleDeliveryErrors().IgnoreError();  // a failure is thrown by the next line
    ThrowIfFailed();
  }
  const Status status = producer_->Send(
      record, TagOf(task) | (record.track_offset ? Producer::kTrackOffsetTag : 0));
  if (status.ok()) {
    ++counters_[task].sent;
    return;
  }
  if (Status fatal = producer_->FatalError(); !fatal.ok()) {
    Fail(std::move(fatal), producer_->fenced());
  } else if (status.code() == StatusCode::kFailedPrecondition) {
    Fail(Status(status.code(), fmt::format("[task {}] {}", task.toString(), status.message())),
         false);
  } else {
    HandleRecordError(task, record.topic, record.partition, status);
  }
  ThrowIfFailed();
}

Status KafkaRecordCollector::Flush(std::chrono::milliseconds timeout) {
  const Status flushed = producer_->Flush(timeout);
  BROOK_RETURN_IF_ERROR(HandleDeliveryErrors());
  return flushed;
}

Status KafkaRecordCollector::HandleDeliveryErrors() {
  for (const auto& [partition, offset] : producer_->TakeAckedOffsets()) {
    int64_t& known = offsets_.try_emplace(partition, offset).first->second;
    known = std::max(known, offset);
  }
  for (const DeliveryError& error : producer_->TakeDeliveryErrors()) {
    const streams::TaskId task = TaskOf(error.tag);
    if (!failure_.ok()) {
      logger_->warn("[task {}] {} (after the collector failed)", task.toString(),
                    error.status.message());
    } else if (error.fatal) {
      Fail(Status(error.status.code(),
                  fmt::format("[task {}] {}", task.toString(), error.status.message())),
           producer_->fenced());
    } else {
      HandleRecordError(task, error.topic, error.partition, error.status);
    }
  }
  if (failure_.ok()) {
    if (Status fatal = producer_->FatalError(); !fatal.ok()) {
      Fail(std::move(fatal), producer_->fenced());
    }
  }
  return failure_;
}

void KafkaRecordCollector::HandleRecordError(const streams::TaskId& task, std::string_view topic,
                                             int32_t partition, const Status& error) {
  streams::HandlerResponse response = streams::HandlerResponse::kFail;
  if (handler_ != nullptr) {
    streams::ErrorHandlerContext context;
    context.topic = topic;
    context.partition = partition;
    context.task_id = task;
    const streams::StreamsException exception(error.ToString());
    try {
      response = handler_->handle(context, topic, exception);
    } catch (const std::exception& thrown) {
      logger_->error("[task {}] the production exception handler threw: {}", task.toString(),
                     thrown.what());
    }
  }
  if (response == streams::HandlerResponse::kContinue) {
    ++counters_[task].dropped;
    return;
  }
  Fail(Status(error.code(),
              fmt::format("[task {}] {}; the production exception handler answered fail",
                          task.toString(), error.message())),
       false);
}

void KafkaRecordCollector::Fail(Status status, bool fenced) {
  if (!failure_.ok()) return;
  logger_->error("{}", status.message());
  failure_ = std::move(status);
  fenced_ = fenced;
}

void KafkaRecordCollector::ThrowIfFailed() const {
  if (failure_.ok()) return;
  if (fenced_) throw ProducerFencedException(failure_.message());
  throw streams::detail::FatalTaskError(failure_.message());
}

KafkaRecordCollector::TaskCounters KafkaRecordCollector::counters(
    const streams::TaskId& task) const {
  auto it = counters_.find(task);
  return it != counters_.end() ? it->second : TaskCounters{};
}

}  // namespace brook::framework::client
