// ListOffsets (key 2): the offset for a timestamp per partition. -2 = log start (earliest),
// -1 = log end (latest; the last stable offset for read_committed), -3 = the record with the
// largest timestamp (v7), otherwise the first offset whose record timestamp is >= the one given
// (-1/-1 when there is none).
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleListOffsets(RequestContext& ctx, const protocol::ListOffsetsRequest& request,
                       Reply<protocol::ListOffsetsResponse> reply) {
  protocol::ListOffsetsResponse response;
  for (const auto& topic : request.topics) {
    auto& topic_out = response.topics.emplace_back();
    topic_out.name = topic.name;
    for (const auto& partition : topic.partitions) {
      auto& out = topic_out.partitions.emplace_back();
      out.partition_index = partition.partition_index;
      out.timestamp = -1;
      out.offset = -1;
      log::Log* log = ctx.broker.topics->GetLog(topic.name, partition.partition_index);
      if (log == nullptr) {
        out.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      if (partition.current_leader_epoch > 0) {
        out.error_code = Code(ErrorCode::kUnknownLeaderEpoch);
        continue;
      }
      out.error_code = Code(ErrorCode::kNone);
      out.leader_epoch = 0;
      if (partition.timestamp == -2) {
        out.offset = log->log_start_offset().value();
      } else if (partition.timestamp == -1) {
        out.offset = request.isolation_level == 1 ? log->last_stable_offset().value()
                                                  : log->log_end_offset().value();
      } else if (partition.timestamp == -3) {
        // The record with the largest timestamp: the latest segment holding it.
        int64_t best = -1;
        for (const auto& segment : log->Segments()) best = std::max(best, segment.max_timestamp);
        if (best >= 0) {
          auto found = log->FindOffsetByTimestamp(best);
          if (found.ok() && found->has_value()) {
            out.offset = (*found)->first.value();
            out.timestamp = (*found)->second;
          }
        }
      } else {
        auto found = log->FindOffsetByTimestamp(partition.timestamp);
        if (!found.ok()) {
          out.error_code = Code(ErrorFromStatus(found.status()));
        } else if (found->has_value()) {
          out.offset = (*found)->first.value();
          out.timestamp = (*found)->second;
        }
      }
    }
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
