// DeleteTopics (key 20): by name (v0-5) or by name or topic id (v6).
#include <fmt/format.h>

#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleDeleteTopics(RequestContext& ctx, const protocol::DeleteTopicsRequest& request,
                        Reply<protocol::DeleteTopicsResponse> reply) {
  protocol::DeleteTopicsResponse response;
  struct Target {
    std::optional<std::string> name;
    Uuid id;
  };
  std::vector<Target> targets;
  for (const auto& name : request.topic_names) targets.push_back({name, Uuid::Zero()});
  for (const auto& t : request.topics) targets.push_back({t.name, t.topic_id});
  for (const auto& target : targets) {
    auto& out = response.responses.emplace_back();
    out.name = target.name;
    out.topic_id = target.id;
    std::optional<metadata::TopicInfo> info;
    if (target.name && !target.name->empty()) {
      info = ctx.broker.topics->Find(*target.name);
    } else {
      info = ctx.broker.topics->FindById(target.id);
    }
    if (!info) {
      out.error_code =
          Code(target.name ? ErrorCode::kUnknownTopicOrPartition : ErrorCode::kUnknownTopicId);
      continue;
    }
    out.name = info->name;
    out.topic_id = info->id;
    if (!ctx.broker.delete_topic_enable) {
      out.error_code = Code(ErrorCode::kTopicDeletionDisabled);
      continue;
    }
    if (info->internal) {
      out.error_code = Code(ErrorCode::kInvalidRequest);  // Kafka refuses internal topics too
      out.error_message = fmt::format("{} is an internal topic", info->name);
      continue;
    }
    Status deleted = ctx.broker.topics->DeleteTopic(info->name);
    out.error_code = Code(deleted.ok() ? ErrorCode::kNone : ErrorFromStatus(deleted));
    if (!deleted.ok()) out.error_message = deleted.message();
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
