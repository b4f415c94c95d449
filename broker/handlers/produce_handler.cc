// Produce (key 0): validates each partition's batch as Kafka does, appends it, and wakes the
// fetches waiting on that partition. acks=0 gets no response (a failure closes the connection,
// as Kafka does); acks=1 and acks=-1 are the same on one node: answered after the append.
#include <fmt/format.h>

#include "broker/coordinator/txn/txn_coordinator.h"
#include "broker/handlers/broker_metrics.h"
#include "broker/handlers/handler.h"
#include "broker/record/record_batch.h"
#include "broker/record/validate.h"
#include "common/logging.h"

namespace brook::broker::handlers {
namespace {

using Response = protocol::ProduceResponse;

ErrorCode ValidationError(const Status& status) {
  switch (status.code()) {
    case StatusCode::kTooLarge:
      return ErrorCode::kMessageTooLarge;
    case StatusCode::kCorruption:
      return ErrorCode::kCorruptMessage;
    case StatusCode::kInvalidArgument:
      return ErrorCode::kInvalidRecord;
    default:
      return ErrorFromStatus(status);
  }
}

ErrorCode ProducerError(log::ProducerCheck check) {
  switch (check) {
    case log::ProducerCheck::kOutOfOrderSequence:
      return ErrorCode::kOutOfOrderSequenceNumber;
    case log::ProducerCheck::kInvalidProducerEpoch:
      return ErrorCode::kInvalidProducerEpoch;
    case log::ProducerCheck::kInvalidTxnState:
      return ErrorCode::kInvalidTxnState;
    case log::ProducerCheck::kAppend:
    case log::ProducerCheck::kDuplicate:
      break;
  }
  return ErrorCode::kNone;
}

}  // namespace

void HandleProduce(RequestContext& ctx, protocol::ProduceRequest& request, Reply<Response> reply) {
  Response response;
  bool acks_valid = request.acks == 0 || request.acks == 1 || request.acks == -1;
  bool any_error = false;
  for (auto& topic : request.topic_data) {
    auto& topic_response = response.responses.emplace_back();
    topic_response.name = topic.name;
    std::optional<metadata::TopicInfo> info = ctx.broker.topics->Find(topic.name);
    for (auto& partition : topic.partition_data) {
      auto& out = topic_response.partition_responses.emplace_back();
      out.index = partition.index;
      out.base_offset = -1;
      auto fail = [&](ErrorCode code, std::string message) {
        out.error_code = Code(code);
        if (ctx.api_version >= 8) out.error_message = std::move(message);
        any_error = true;
      };
      if (!acks_valid) {
        fail(ErrorCode::kInvalidRequiredAcks,
             fmt::format("acks={} is not 0, 1 or -1", request.acks));
        continue;
      }
      log::Log* log = info ? ctx.broker.topics->GetLog(topic.name, partition.index) : nullptr;
      if (log == nullptr) {
        fail(ErrorCode::kUnknownTopicOrPartition,
             fmt::format("This server does not host this topic-partition: {}-{}", topic.name,
                         partition.index));
        continue;
      }
      if (info->internal) {
        // The coordinators own internal topics; clients never write them (as Kafka).
        fail(ErrorCode::kInvalidTopicException,
             fmt::format("Cannot append to internal topic {}", topic.name));
        continue;
      }
      if (!partition.records || partition.records->empty()) {
        fail(ErrorCode::kInvalidRecord, "Produce requests must carry exactly one record batch");
        continue;
      }
      log::LogConfig config = log->config();
      record::ValidationOptions options;
      options.max_message_bytes = static_cast<size_t>(config.max_message_bytes);
      options.compacted = config.cleanup_compact;
      Status valid = record::ValidateProducedBatch(*partition.records, options);
      if (!valid.ok()) {
        fail(ValidationError(valid), valid.message());
        continue;
      }
      auto batch = record::RecordBatchView::Parse(*partition.records);
      if (batch->compression() == record::Compression::kZstd && ctx.api_version < 7) {
        fail(ErrorCode::kUnsupportedCompressionType, "zstd needs Produce v7 or later");
        continue;
      }
      if (batch->is_transactional() && request.transactional_id && ctx.broker.txns != nullptr) {
        ErrorCode code = ctx.broker.txns->CheckTransactionalProduce(
            *request.transactional_id, batch->producer_id(), batch->producer_epoch(), topic.name,
            partition.index);
        if (code != ErrorCode::kNone) {
          fail(code, fmt::format("{}-{} is not part of the ongoing transaction of {} (producer {} "
                                 "epoch {})",
                                 topic.name, partition.index, *request.transactional_id,
                                 batch->producer_id(), batch->producer_epoch()));
          continue;
        }
      }
      log::AppendOptions append_options;
      append_options.crc_verified = true;
      auto appended = log->Append(std::span<uint8_t>(*partition.records), append_options);
      if (!appended.ok()) {
        fail(ValidationError(appended.status()), appended.status().message());
        continue;
      }
      if (appended->rejected()) {
        fail(ProducerError(appended->producer_check), appended->producer_error);
        continue;
      }
      out.error_code = Code(ErrorCode::kNone);
      out.base_offset = appended->base_offset.value();
      out.log_start_offset = appended->log_start_offset.value();
      if (appended->appended()) {
        if (ctx.broker.metrics != nullptr) {
          ctx.broker.metrics->BytesIn(topic.name, partition.records->size(),
                                      static_cast<uint64_t>(batch->record_count()));
        }
        ctx.broker.server->fetch_purgatory().CheckAndComplete(log->name());
      }
    }
  }
  if (request.acks == 0) {
    if (any_error) {
      *ctx.close_connection = true;
      GetLogger("broker.request")
          ->debug("[connection {} {}] closing after a failed acks=0 produce", ctx.connection.id,
                  ctx.connection.peer);
    }
    return reply(std::nullopt);
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
