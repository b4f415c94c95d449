// OffsetForLeaderEpoch (key 23): one node, one leader epoch (0) that began at offset 0 and is
// still current, so its end offset is the log end offset.
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleOffsetForLeaderEpoch(RequestContext& ctx,
                                const protocol::OffsetForLeaderEpochRequest& request,
                                Reply<protocol::OffsetForLeaderEpochResponse> reply) {
  protocol::OffsetForLeaderEpochResponse response;
  for (const auto& topic : request.topics) {
    auto& topic_out = response.topics.emplace_back();
    topic_out.topic = topic.topic;
    for (const auto& partition : topic.partitions) {
      auto& out = topic_out.partitions.emplace_back();
      out.partition = partition.partition;
      log::Log* log = ctx.broker.topics->GetLog(topic.topic, partition.partition);
      if (log == nullptr) {
        out.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
      } else if (partition.current_leader_epoch > 0) {
        out.error_code = Code(ErrorCode::kUnknownLeaderEpoch);
      } else if (partition.leader_epoch > 0) {
        out.error_code = Code(ErrorCode::kNone);  // an epoch this log never had
        out.leader_epoch = -1;
        out.end_offset = -1;
      } else {
        out.error_code = Code(ErrorCode::kNone);
        out.leader_epoch = 0;
        out.end_offset = log->log_end_offset().value();
      }
    }
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
