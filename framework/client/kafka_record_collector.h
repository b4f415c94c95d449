#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>

#include "common/logging.h"
#include "common/status.h"
#include "framework/api/errors.h"
#include "framework/api/exception_handlers.h"
#include "framework/client/producer.h"
#include "framework/client/record_collector.h"

namespace brook::framework::client {

// Thrown by KafkaRecordCollector::Send when the producer was fenced: a newer producer with the
// same transactional.id owns the tasks now (Kafka Streams' TaskMigratedException). The stream
// thread closes its tasks without committing and rejoins with a new producer.
// A FatalTaskError, so no processing exception handler can skip it.
class ProducerFencedException : public streams::detail::FatalTaskError {
 public:
  using FatalTaskError::FatalTaskError;
};

// The RecordCollector of a stream thread talking to Kafka: Send hands the record to the
// thread's Producer (tagged with its task); records the broker refuses come back as delivery
// errors and go to the production exception handler:
//   kContinue  the record is dropped (counted as `dropped` for its task) and processing goes on;
//   kFail      the collector fails: Flush and HandleDeliveryErrors return the error, and every
//              later Send throws streams::StreamsException with it.
// Errors that no handler may excuse fail the collector the same way without asking: the producer
// fenced (Send then throws ProducerFencedException) or in another fatal state, and immediate
// send errors of the FailedPrecondition family (no open transaction, authorization).
// The ErrorHandlerContext a handler gets names the task and the record's output topic and
// partition: the input record is long gone when a delivery report arrives, so offset is -1,
// timestamp 0 (librdkafka does not report it for a failed record) and the raw source bytes are
// absent.
// Under exactly_once_v2 a record the broker refused also leaves the transaction needing an abort
// (librdkafka's rule), whatever the handler answers: CommitTransaction then fails as kAbortable.
// Thread safety: as RecordCollector, one stream thread. The producer and the handler must
// outlive the collector.
class KafkaRecordCollector final : public RecordCollector {
 public:
  // Per task, since the collector was made.
  struct TaskCounters {
    int64_t sent = 0;     // records handed to the producer
    int64_t dropped = 0;  // records the producer could not send and the handler let go
  };

  // `handler` null: every delivery error fails the collector (log_and_fail without the log).
  KafkaRecordCollector(Producer* producer,
                       std::shared_ptr<streams::ProductionExceptionHandler> handler);
  KafkaRecordCollector(const KafkaRecordCollector&) = delete;
  KafkaRecordCollector& operator=(const KafkaRecordCollector&) = delete;

  // Sends `record`. Every kSendsPerPoll sends it first serves the pending delivery reports
  // (the producer's poll) and gives their errors to the handler; delivery errors are found at
  // the latest by Flush or HandleDeliveryErrors, which the stream thread calls before every
  // commit, so no offset is committed past a failed record.
  // Throws: ProducerFencedException when the producer was fenced; detail::FatalTaskError (a
  // StreamsException no task handler skips) once the collector failed (including now, when the
  // handler answers kFail for this record's own immediate error, e.g. over message.max.bytes).
  void Send(const streams::TaskId& task, const streams::detail::OutgoingRecord& record) override;

  // Waits up to `timeout` for every record sent to be acknowledged, then handles the delivery
  // errors. Errors: the collector's failure (see above), else TimedOut from the flush.
  // Under exactly_once_v2 use HandleDeliveryErrors after Producer::CommitTransaction instead
  // (the commit flushes).
  Status Flush(std::chrono::milliseconds timeout);

  // Gives the delivery errors reported so far to the handler; then checks the producer for a
  // fatal error. Returns the collector's failure, ok if none.
  Status HandleDeliveryErrors();

  // The offsets of the changelog records acknowledged so far (OutgoingRecord::track_offset),
  // as of the last Flush or HandleDeliveryErrors.
  std::map<TopicPartition, int64_t> offsets() const override { return offsets_; }

  // Ok, or why the collector failed (sticky: a failed collector stays failed).
  const Status& failure() const { return failure_; }
  // True when the failure is the producer's fencing.
  bool fenced() const { return fenced_; }

  TaskCounters counters(const streams::TaskId& task) const;

  // How often Send serves delivery reports. librdkafka calls the delivery callback only inside a
  // poll, and a poll plus the look at the reported errors cost a lock round trip or two: doing
  // it for every record took about a tenth of a stream thread's time (streams_bench).
  static constexpr int kSendsPerPoll = 256;
  const std::map<streams::TaskId, TaskCounters>& all_counters() const { return counters_; }

 private:
  // Gives one failed record to the handler; fails the collector if it answers kFail.
  void HandleRecordError(const streams::TaskId& task, std::string_view topic, int32_t partition,
                         const Status& error);
  void Fail(Status status, bool fenced);
  // Throws if the collector failed.
  void ThrowIfFailed() const;

  Producer* producer_;
  std::shared_ptr<streams::ProductionExceptionHandler> handler_;
  Status failure_;
  bool fenced_ = false;
  std::map<streams::TaskId, TaskCounters> counters_;
  std::map<TopicPartition, int64_t> offsets_;
  int sends_since_poll_ = 0;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace brook::framework::client
