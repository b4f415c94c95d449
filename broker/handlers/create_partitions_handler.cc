// CreatePartitions (key 37): raises a topic's partition count; only this node may be named in
// an assignment.
#include <fmt/format.h>

#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleCreatePartitions(RequestContext& ctx, const protocol::CreatePartitionsRequest& request,
                            Reply<protocol::CreatePartitionsResponse> reply) {
  protocol::CreatePartitionsResponse response;
  for (const auto& topic : request.topics) {
    auto& out = response.results.emplace_back();
    out.name = topic.name;
    auto info = ctx.broker.topics->Find(topic.name);
    if (!info) {
      out.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
      out.error_message = fmt::format("The topic '{}' does not exist.", topic.name);
      continue;
    }
    if (topic.assignments) {
      bool valid =
          static_cast<int32_t>(topic.assignments->size()) == topic.count - info->partitions;
      for (const auto& a : *topic.assignments) {
        valid = valid && a.broker_ids == std::vector<int32_t>{ctx.broker.node_id};
      }
      if (!valid) {
        out.error_code = Code(ErrorCode::kInvalidReplicaAssignment);
        out.error_message = "assignments must name this node once for each new partition";
        continue;
      }
    }
    Status s = ctx.broker.topics->CreatePartitions(topic.name, topic.count, request.validate_only);
    if (s.ok()) {
      out.error_code = Code(ErrorCode::kNone);
    } else {
      out.error_code = Code(s.code() == StatusCode::kInvalidArgument ? ErrorCode::kInvalidPartitions
                                                                     : ErrorFromStatus(s));
      out.error_message = s.message();
    }
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
