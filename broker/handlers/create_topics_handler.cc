// CreateTopics (key 19): per topic, Kafka's checks in Kafka's order, then the creation (or only
// the checks with validateOnly). One node: replication factor must be 1 (or -1 = default) and a
// manual assignment may only name this node.
#include <fmt/format.h>

#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleCreateTopics(RequestContext& ctx, const protocol::CreateTopicsRequest& request,
                        Reply<protocol::CreateTopicsResponse> reply) {
  protocol::CreateTopicsResponse response;
  metadata::TopicManager& topics = *ctx.broker.topics;
  for (const auto& topic : request.topics) {
    auto& out = response.topics.emplace_back();
    out.name = topic.name;
    auto fail = [&](ErrorCode code, std::string message) {
      out.error_code = Code(code);
      out.error_message = std::move(message);
    };
    if (Status name = metadata::ValidateTopicName(topic.name); !name.ok()) {
      fail(ErrorCode::kInvalidTopicException, name.message());
      continue;
    }
    if (topics.Find(topic.name)) {
      fail(ErrorCode::kTopicAlreadyExists, fmt::format("Topic '{}' already exists.", topic.name));
      continue;
    }
    int32_t partitions = topic.num_partitions;
    if (!topic.assignments.empty()) {
      if (partitions != -1 || topic.replication_factor != -1) {
        fail(ErrorCode::kInvalidRequest,
             "Both numPartitions or replicationFactor and replicasAssignments were set.");
        continue;
      }
      bool valid = true;
      for (const auto& a : topic.assignments) {
        valid = valid && a.broker_ids == std::vector<int32_t>{ctx.broker.node_id};
      }
      if (!valid) {
        fail(ErrorCode::kInvalidReplicaAssignment,
             fmt::format("every replica must be node {} on this single-node broker",
                         ctx.broker.node_id));
        continue;
      }
      partitions = static_cast<int32_t>(topic.assignments.size());
    }
    if (partitions == -1) partitions = ctx.broker.num_partitions;
    if (partitions < 1) {
      fail(ErrorCode::kInvalidPartitions, "Number of partitions must be larger than 0.");
      continue;
    }
    if (topic.replication_factor != -1 && topic.replication_factor != 1 &&
        topic.assignments.empty()) {
      fail(ErrorCode::kInvalidReplicationFactor,
           fmt::format("Replication factor {} is larger than the 1 available broker.",
                       topic.replication_factor));
      continue;
    }
    metadata::ConfigMap configs;
    for (const auto& c : topic.configs) {
      if (c.value) configs[c.name] = *c.value;
    }
    if (Status valid = metadata::ValidateTopicConfigs(configs); !valid.ok()) {
      fail(ErrorCode::kInvalidConfig, valid.message());
      continue;
    }
    auto created = topics.CreateTopic(topic.name, partitions, configs, request.validate_only);
    if (!created.ok()) {
      fail(created.status().code() == StatusCode::kAlreadyExists
               ? ErrorCode::kTopicAlreadyExists
               : ErrorFromStatus(created.status()),
           created.status().message());
      continue;
    }
    out.error_code = Code(ErrorCode::kNone);
    out.topic_id = request.validate_only ? Uuid::Zero() : created->id;
    out.num_partitions = partitions;
    out.replication_factor = 1;
    auto& described = out.configs.emplace();
    for (const auto& entry : topics.DescribeConfigs(*created)) {
      auto& c = described.emplace_back();
      c.name = entry.name;
      c.value = entry.value;
      c.read_only = entry.read_only;
      c.config_source = static_cast<int8_t>(entry.source);
      c.is_sensitive = false;
    }
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
