// DeleteRecords (key 21): moves each partition's log start offset; -1 means the high watermark.
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleDeleteRecords(RequestContext& ctx, const protocol::DeleteRecordsRequest& request,
                         Reply<protocol::DeleteRecordsResponse> reply) {
  protocol::DeleteRecordsResponse response;
  for (const auto& topic : request.topics) {
    auto& topic_out = response.topics.emplace_back();
    topic_out.name = topic.name;
    for (const auto& partition : topic.partitions) {
      auto& out = topic_out.partitions.emplace_back();
      out.partition_index = partition.partition_index;
      out.low_watermark = -1;
      log::Log* log = ctx.broker.topics->GetLog(topic.name, partition.partition_index);
      if (log == nullptr) {
        out.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      int64_t offset = partition.offset == -1 ? log->log_end_offset().value() : partition.offset;
      if (offset < 0) {
        out.error_code = Code(ErrorCode::kOffsetOutOfRange);
        continue;
      }
      auto start = log->DeleteRecordsBefore(Offset(offset));
      if (!start.ok()) {
        out.error_code = Code(start.status().code() == StatusCode::kOutOfRange
                                  ? ErrorCode::kOffsetOutOfRange
                                  : ErrorFromStatus(start.status()));
        continue;
      }
      out.error_code = Code(ErrorCode::kNone);
      out.low_watermark = start->value();
    }
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
