// Metadata (key 3): brokers (this node), the cluster id, and topics with their partitions;
// creates missing topics when the request allows it and auto.create.topics.enable is on.
#include <fmt/format.h>

#include "broker/handlers/handler.h"
#include "common/logging.h"

namespace brook::broker::handlers {
namespace {

using Response = protocol::MetadataResponse;

void FillTopic(const RequestContext& ctx, const metadata::TopicInfo& info,
               Response::MetadataResponseTopic* topic) {
  topic->error_code = Code(ErrorCode::kNone);
  topic->name = info.name;
  topic->topic_id = info.id;
  topic->is_internal = info.internal;
  for (int32_t p = 0; p < info.partitions; ++p) {
    auto& partition = topic->partitions.emplace_back();
    partition.error_code = Code(ErrorCode::kNone);
    partition.partition_index = p;
    partition.leader_id = ctx.broker.node_id;
    partition.leader_epoch = 0;
    partition.replica_nodes = {ctx.broker.node_id};
    partition.isr_nodes = {ctx.broker.node_id};
  }
}

}  // namespace

void HandleMetadata(RequestContext& ctx, const protocol::MetadataRequest& request,
                    Reply<Response> reply) {
  BrokerContext& broker = ctx.broker;
  Response response;
  auto& node = response.brokers.emplace_back();
  node.node_id = broker.node_id;
  node.host = broker.advertised_host;
  node.port = broker.advertised_port;
  response.cluster_id = broker.cluster_id;
  response.controller_id = broker.node_id;

  // v0: an empty list means all topics; v1+: null means all, empty means none.
  bool all = !request.topics.has_value() || (ctx.api_version == 0 && request.topics->empty());
  if (all) {
    for (const auto& info : broker.topics->Topics())
      FillTopic(ctx, info, &response.topics.emplace_back());
    return reply(std::move(response));
  }
  bool may_create =
      broker.auto_create_topics && (ctx.api_version < 4 || request.allow_auto_topic_creation);
  for (const auto& wanted : *request.topics) {
    auto& topic = response.topics.emplace_back();
    std::optional<metadata::TopicInfo> info;
    if (wanted.name.has_value() && !wanted.name->empty()) {
      topic.name = *wanted.name;
      info = broker.topics->Find(*wanted.name);
      if (!info && may_create) {
        if (!metadata::ValidateTopicName(*wanted.name).ok()) {
          topic.error_code = Code(ErrorCode::kInvalidTopicException);
          continue;
        }
        auto created = broker.topics->CreateTopic(*wanted.name, broker.num_partitions, {});
        if (created.ok()) {
          info = *created;
        } else if (created.status().code() == StatusCode::kAlreadyExists) {
          info = broker.topics->Find(*wanted.name);
        } else {
          GetLogger("broker.request")
              ->warn("[{}] auto-creation failed: {}", *wanted.name, created.status().ToString());
        }
      }
      if (!info) {
        topic.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
    } else {
      // v10+: by topic id.
      topic.topic_id = wanted.topic_id;
      info = broker.topics->FindById(wanted.topic_id);
      if (!info) {
        topic.name = std::nullopt;
        topic.error_code = Code(ErrorCode::kUnknownTopicId);
        continue;
      }
    }
    FillTopic(ctx, *info, &topic);
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
