#include "tools/admin_client.h"

#include <memory>

#include "tools/admin_request.h"

namespace brook::tools {
namespace {

struct ResourceDeleter {
  void operator()(rd_kafka_ConfigResource_t* resource) const {
    rd_kafka_ConfigResource_destroy(resource);
  }
};
using Resource = std::unique_ptr<rd_kafka_ConfigResource_t, ResourceDeleter>;

Status TopicError(const std::string& topic, rd_kafka_resp_err_t code, const char* message) {
  switch (code) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return Status::Ok();
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      return Status::NotFound("topic '" + topic + "' does not exist");
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
      return Status::AlreadyExists("topic '" + topic + "' already exists");
    default:
      return Status(StatusCode::kInternal,
                    "topic '" + topic + "': " + (message ? message : rd_kafka_err2str(code)));
  }
}

Status FirstTopicError(const rd_kafka_topic_result_t** results, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    BROOK_RETURN_IF_ERROR(TopicError(rd_kafka_topic_result_name(results[i]),
                                     rd_kafka_topic_result_error(results[i]),
                                     rd_kafka_topic_result_error_string(results[i])));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<AdminClient>> AdminClient::Create(const ConnectionOptions& options) {
  BROOK_ASSIGN_OR_RETURN(std::unique_ptr<KafkaClient> client,
                         KafkaClient::Create(KafkaClient::Kind::kProducer, options, {}));
  return std::unique_ptr<AdminClient>(new AdminClient(std::move(client)));
}

Status AdminClient::CreateTopic(const std::string& topic, int partitions, int replication_factor,
                                const std::map<std::string, std::string>& configs) {
  char error[512];
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, replication_factor, error, sizeof(error));
  if (new_topic == nullptr) return Status::InvalidArgument(error);
  for (const auto& [name, value] : configs) {
    rd_kafka_NewTopic_set_config(new_topic, name.c_str(), value.c_str());
  }
  Result<AdminEvent> event =
      RunAdminRequest(*client_, [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* q) {
        rd_kafka_CreateTopics(client_->handle(), &new_topic, 1, options, q);
      });
  rd_kafka_NewTopic_destroy(new_topic);
  if (!event.ok()) return event.status();
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event->get()), &count);
  return FirstTopicError(results, count);
}

Status AdminClient::DeleteTopic(const std::string& topic) {
  rd_kafka_DeleteTopic_t* delete_topic = rd_kafka_DeleteTopic_new(topic.c_str());
  Result<AdminEvent> event =
      RunAdminRequest(*client_, [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* q) {
        rd_kafka_DeleteTopics(client_->handle(), &delete_topic, 1, options, q);
      });
  rd_kafka_DeleteTopic_destroy(delete_topic);
  if (!event.ok()) return event.status();
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event->get()), &count);
  return FirstTopicError(results, count);
}

Status AdminClient::CreatePartitions(const std::string& topic, int total_partitions) {
  char error[512];
  rd_kafka_NewPartitions_t* partitions =
      rd_kafka_NewPartitions_new(topic.c_str(), total_partitions, error, sizeof(error));
  if (partitions == nullptr) return Status::InvalidArgument(error);
  Result<AdminEvent> event =
      RunAdminRequest(*client_, [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* q) {
        rd_kafka_CreatePartitions(client_->handle(), &partitions, 1, options, q);
      });
  rd_kafka_NewPartitions_destroy(partitions);
  if (!event.ok()) return event.status();
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreatePartitions_result_topics(
      rd_kafka_event_CreatePartitions_result(event->get()), &count);
  return FirstTopicError(results, count);
}

Result<std::vector<ConfigEntry>> AdminClient::DescribeTopicConfigs(const std::string& topic) {
  Resource resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  BROOK_ASSIGN_OR_RETURN(
      AdminEvent event,
      RunAdminRequest(*client_, [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* q) {
        rd_kafka_DescribeConfigs(client_->handle(), resources, 1, options, q);
      }));
  size_t count = 0;
  const rd_kafka_ConfigResource_t** described = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(event.get()), &count);
  std::vector<ConfigEntry> entries;
  for (size_t i = 0; i < count; ++i) {
    BROOK_RETURN_IF_ERROR(TopicError(topic, rd_kafka_ConfigResource_error(described[i]),
                                     rd_kafka_ConfigResource_error_string(described[i])));
    size_t config_count = 0;
    const rd_kafka_ConfigEntry_t** configs =
        rd_kafka_ConfigResource_configs(described[i], &config_count);
    for (size_t c = 0; c < config_count; ++c) {
      const char* value = rd_kafka_ConfigEntry_value(configs[c]);
      entries.push_back(
          {rd_kafka_ConfigEntry_name(configs[c]), value ? value : "",
           rd_kafka_ConfigEntry_is_default(configs[c]) != 0,
           rd_kafka_ConfigEntry_is_sensitive(configs[c]) != 0,
           rd_kafka_ConfigEntry_source(configs[c]) == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG});
    }
  }
  return entries;
}

Status AdminClient::ReplaceTopicConfigs(const std::string& topic,
                                        const std::map<std::string, std::string>& configs) {
  Resource resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
  for (const auto& [name, value] : configs) {
    rd_kafka_ConfigResource_set_config(resource.get(), name.c_str(), value.c_str());
  }
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  BROOK_ASSIGN_OR_RETURN(
      AdminEvent event,
      RunAdminRequest(*client_, [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* q) {
        rd_kafka_AlterConfigs(client_->handle(), resources, 1, options, q);
      }));
  size_t count = 0;
  const rd_kafka_ConfigResource_t** altered = rd_kafka_AlterConfigs_result_resources(
      rd_kafka_event_AlterConfigs_result(event.get()), &count);
  for (size_t i = 0; i < count; ++i) {
    BROOK_RETURN_IF_ERROR(TopicError(topic, rd_kafka_ConfigResource_error(altered[i]),
                                     rd_kafka_ConfigResource_error_string(altered[i])));
  }
  return Status::Ok();
}

}  // namespace brook::tools
