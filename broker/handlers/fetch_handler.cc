// Fetch (key 1): whole record batches from each partition, up to the partition and request
// byte limits (at least one batch for the first partition with data, as Kafka does). When fewer
// than min_bytes are there, the request waits in the fetch purgatory until a Produce brings
// enough or max_wait_ms passes. Fetch sessions are not kept: a request naming one gets
// FETCH_SESSION_ID_NOT_FOUND, and every answer has session id 0 (clients then fetch sessionless).
// read_committed (isolation level 1) reads only below the last stable offset and lists the
// aborted transactions of the range from the segments' .txnindex; the aborted batches are
// returned as they are and the client drops them (as with Kafka).
#include <fmt/format.h>

#include "broker/handlers/broker_metrics.h"
#include "broker/handlers/handler.h"
#include "broker/server/delayed_operation.h"

namespace brook::broker::handlers {
namespace {

using Request = protocol::FetchRequest;
using Response = protocol::FetchResponse;

// One requested partition, resolved once; the log is looked up again each time it is read (the
// topic may be deleted while the request waits).
struct Wanted {
  size_t topic_index;  // index in the response's topic list
  std::string topic;
  Uuid topic_id;
  int32_t partition = 0;
  int64_t fetch_offset = 0;
  int32_t max_bytes = 0;
  ErrorCode error = ErrorCode::kNone;  // decided up front (unknown topic, bad epoch)
};

class FetchOperation : public server::DelayedOperation {
 public:
  FetchOperation(BrokerContext* broker, const Request& request, int16_t version,
                 std::shared_ptr<std::vector<log::ReadResult>> external, Reply<Response> reply)
      : broker_(broker),
        external_(std::move(external)),
        version_(version),
        min_bytes_(request.min_bytes),
        max_bytes_(request.max_bytes),
        read_committed_(request.isolation_level == 1),
        reply_(std::move(reply)) {
    for (const auto& topic : request.topics) {
      std::optional<metadata::TopicInfo> info;
      if (version >= 13) {
        info = broker->topics->FindById(topic.topic_id);
      } else {
        info = broker->topics->Find(topic.topic);
      }
      auto& out = skeleton_.responses.emplace_back();
      out.topic = topic.topic;
      out.topic_id = topic.topic_id;
      for (const auto& p : topic.partitions) {
        Wanted w;
        w.topic_index = skeleton_.responses.size() - 1;
        w.topic = info ? info->name : topic.topic;
        w.topic_id = topic.topic_id;
        w.partition = p.partition;
        w.fetch_offset = p.fetch_offset;
        w.max_bytes = p.partition_max_bytes;
        if (!info) {
          w.error =
              version >= 13 ? ErrorCode::kUnknownTopicId : ErrorCode::kUnknownTopicOrPartition;
        } else if (p.partition < 0 || p.partition >= info->partitions) {
          w.error = ErrorCode::kUnknownTopicOrPartition;
        } else if (p.current_leader_epoch > 0) {
          w.error = ErrorCode::kUnknownLeaderEpoch;  // the only epoch here is 0
        }
        wanted_.push_back(std::move(w));
      }
    }
  }

  // Something to answer right now: an error, or data and no reason to wait for more.
  bool TryComplete() override {
    int64_t available = 0;
    for (const auto& w : wanted_) {
      if (w.error != ErrorCode::kNone) return ForceComplete();
      log::Log* log = broker_->topics->GetLog(w.topic, w.partition);
      if (log == nullptr) return ForceComplete();
      Offset end = log->log_end_offset();
      if (w.fetch_offset > end.value() || w.fetch_offset < log->log_start_offset().value()) {
        return ForceComplete();  // OFFSET_OUT_OF_RANGE
      }
      std::optional<Offset> bound;
      if (read_committed_) bound = log->last_stable_offset();
      if (w.fetch_offset >= bound.value_or(end).value()) continue;
      if (min_bytes_ <= 1) return ForceComplete();
      auto read =
          log->Read(Offset(w.fetch_offset), static_cast<uint64_t>(std::max(w.max_bytes, 0)), bound);
      if (read.ok()) available += static_cast<int64_t>(read->size);
      if (available >= min_bytes_) return ForceComplete();
    }
    return false;
  }

  void OnComplete() override { reply_(Build()); }

 private:
  Response Build() {
    Response response = skeleton_;
    int64_t used = 0;
    Bytes buffer;
    for (const auto& w : wanted_) {
      auto& out = response.responses[w.topic_index].partitions.emplace_back();
      out.partition_index = w.partition;
      out.records = Bytes();
      log::Log* log =
          w.error == ErrorCode::kNone ? broker_->topics->GetLog(w.topic, w.partition) : nullptr;
      if (log == nullptr) {
        out.error_code =
            Code(w.error != ErrorCode::kNone ? w.error : ErrorCode::kUnknownTopicOrPartition);
        out.high_watermark = -1;
        continue;
      }
      int64_t limit = std::min<int64_t>(w.max_bytes, std::max<int64_t>(max_bytes_ - used, 0));
      std::optional<Offset> bound;
      if (read_committed_) bound = log->last_stable_offset();
      auto read = log->Read(Offset(w.fetch_offset),
                            static_cast<uint64_t>(std::max<int64_t>(limit, 0)), bound);
      Offset end = read.ok() ? read->log_end_offset : log->log_end_offset();
      out.high_watermark = end.value();
      out.last_stable_offset =
          read.ok() ? read->last_stable_offset.value() : log->last_stable_offset().value();
      out.log_start_offset =
          read.ok() ? read->log_start_offset.value() : log->log_start_offset().value();
      if (read_committed_) {
        auto& aborted = out.aborted_transactions.emplace();
        if (read.ok() && !read->empty()) {
          for (const auto& txn :
               log->CollectAbortedTxns(Offset(w.fetch_offset), read->last_stable_offset)) {
            auto& a = aborted.emplace_back();
            a.producer_id = txn.producer_id.value();
            a.first_offset = txn.first_offset.value();
          }
        }
      }
      if (!read.ok()) {
        out.error_code =
            Code(read.status().code() == StatusCode::kOutOfRange ? ErrorCode::kOffsetOutOfRange
                                                                 : ErrorFromStatus(read.status()));
        continue;
      }
      out.error_code = Code(ErrorCode::kNone);
      // At least one batch, but only for the first partition that returns data.
      if (read->empty() || (used > 0 && static_cast<int64_t>(read->size) > limit)) continue;
      if (external_) {
        // Sent from the segment file when the response is written (see the dispatcher).
        out.records = ExternalRecordsToken(external_->size());
        external_->push_back(*read);
      } else {
        Status copied = read->ReadInto(&*out.records);
        if (!copied.ok()) {
          out.error_code = Code(ErrorCode::kUnknownServerError);
          out.records = Bytes();
          continue;
        }
      }
      used += static_cast<int64_t>(read->size);
      if (broker_->metrics != nullptr) broker_->metrics->BytesOut(w.topic, read->size);
    }
    return response;
  }

  BrokerContext* broker_;
  std::shared_ptr<std::vector<log::ReadResult>> external_;
  int16_t version_;
  int32_t min_bytes_;
  int32_t max_bytes_;
  bool read_committed_;
  Reply<Response> reply_;
  Response skeleton_;
  std::vector<Wanted> wanted_;
};

}  // namespace

void HandleFetch(RequestContext& ctx, const Request& request, Reply<Response> reply) {
  if (request.session_id != 0) {
    Response response;
    response.error_code = Code(ErrorCode::kFetchSessionIdNotFound);
    return reply(std::move(response));
  }
  auto op = std::make_shared<FetchOperation>(&ctx.broker, request, ctx.api_version,
                                             ctx.external_records, std::move(reply));
  if (request.max_wait_ms <= 0 || request.min_bytes <= 0) {
    op->ForceComplete();
    return;
  }
  std::vector<std::string> keys;
  for (const auto& topic : request.topics) {
    std::string name = topic.topic;
    if (ctx.api_version >= 13) {
      auto info = ctx.broker.topics->FindById(topic.topic_id);
      name = info ? info->name : "";
    }
    for (const auto& p : topic.partitions) keys.push_back(fmt::format("{}-{}", name, p.partition));
  }
  ctx.broker.server->fetch_purgatory().TryCompleteElseWatch(op, keys, request.max_wait_ms);
}

}  // namespace brook::broker::handlers
