#include "framework/client/admin.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "framework/client/kafka_config.h"

namespace brook::framework::client {
namespace {

// How much longer than the operation's own timeout the caller waits for its result event.
constexpr std::chrono::milliseconds kResultGrace(1000);

struct AdminOptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* options) const {
    rd_kafka_AdminOptions_destroy(options);
  }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* metadata) const {
    rd_kafka_metadata_destroy(metadata);
  }
};

// The NewTopic objects of one request, destroyed together.
class NewTopicArray {
 public:
  ~NewTopicArray() { rd_kafka_NewTopic_destroy_array(topics_.data(), topics_.size()); }
  void Add(rd_kafka_NewTopic_t* topic) { topics_.push_back(topic); }
  rd_kafka_NewTopic_t** data() { return topics_.data(); }
  size_t size() const { return topics_.size(); }

 private:
  std::vector<rd_kafka_NewTopic_t*> topics_;
};

using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

}  // namespace

Result<std::unique_ptr<Admin>> Admin::Create(const Properties& properties) {
  BROOK_ASSIGN_OR_RETURN(
      KafkaConfPtr conf,
      MakeKafkaConf(WithDefaults(properties, {{"allow.auto.create.topics", "false"}})));
  char error[512];
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error, sizeof(error));
  if (handle == nullptr) return Status::InvalidArgument(fmt::format("admin: {}", error));
  conf.release();  // rd_kafka_new owns it now
  std::unique_ptr<Admin> admin(new Admin());
  admin->handle_ = handle;
  admin->name_ = rd_kafka_name(handle);
  return admin;
}

Admin::~Admin() {
  if (handle_ != nullptr) rd_kafka_destroy(handle_);
}

Status Admin::CreateTopics(const std::vector<NewTopic>& topics, std::chrono::milliseconds timeout) {
  if (topics.empty()) return Status::Ok();
  char error[512];
  NewTopicArray request;
  for (const NewTopic& topic : topics) {
    rd_kafka_NewTopic_t* new_topic = rd_kafka_NewTopic_new(
        topic.name.c_str(), topic.partitions, topic.replication_factor, error, sizeof(error));
    if (new_topic == nullptr) {
      return Status::InvalidArgument(
          fmt::format("[{}] create topic {}: {}", name_, topic.name, error));
    }
    request.Add(new_topic);
    for (const auto& [key, value] : topic.configs) {
      BROOK_RETURN_IF_ERROR(KafkaStatus(
          rd_kafka_NewTopic_set_config(new_topic, key.c_str(), value.c_str()),
          fmt::format("[{}] create topic {}: config {}={}", name_, topic.name, key, value)));
    }
  }
  const int timeout_ms = static_cast<int>(timeout.count());
  std::unique_ptr<rd_kafka_AdminOptions_t, AdminOptionsDeleter> options(
      rd_kafka_AdminOptions_new(handle_, RD_KAFKA_ADMIN_OP_CREATETOPICS));
  if (rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms, error, sizeof(error)) !=
          RD_KAFKA_RESP_ERR_NO_ERROR ||
      rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeout_ms, error,
                                                  sizeof(error)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::InvalidArgument(fmt::format("[{}] create topics: {}", name_, error));
  }
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(handle_));
  rd_kafka_CreateTopics(handle_, request.data(), request.size(), options.get(), queue.get());
  std::unique_ptr<rd_kafka_event_t, EventDeleter> event(
      rd_kafka_queue_poll(queue.get(), static_cast<int>((timeout + kResultGrace).count())));
  if (event == nullptr) {
    return Status::TimedOut(
        fmt::format("[{}] create topics: no answer after {} ms", name_, timeout.count()));
  }
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status(StatusCodeOf(rd_kafka_event_error(event.get())),
                  fmt::format("[{}] create topics: {}: {}", name_,
                              rd_kafka_err2name(rd_kafka_event_error(event.get())),
                              rd_kafka_event_error_string(event.get())));
  }
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &count);
  StatusCode first_code = StatusCode::kOk;
  std::vector<std::string> failures;
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      continue;
    }
    if (first_code == StatusCode::kOk) first_code = StatusCodeOf(err);
    const char* reason = rd_kafka_topic_result_error_string(results[i]);
    failures.push_back(fmt::format("{}: {}: {}", rd_kafka_topic_result_name(results[i]),
                                   rd_kafka_err2name(err),
                                   reason != nullptr ? reason : rd_kafka_err2str(err)));
  }
  if (failures.empty()) return Status::Ok();
  return Status(first_code,
                fmt::format("[{}] create topics: {}", name_, fmt::join(failures, "; ")));
}

Result<std::map<std::string, int32_t>> Admin::PartitionCounts(
    const std::vector<std::string>& topics, std::chrono::milliseconds timeout) {
  // All topics: asking for named ones could create them on a broker with auto-creation on.
  const rd_kafka_metadata_t* raw = nullptr;
  BROOK_RETURN_IF_ERROR(KafkaStatus(rd_kafka_metadata(handle_, /*all_topics=*/1, nullptr, &raw,
                                                      static_cast<int>(timeout.count())),
                                    fmt::format("[{}] metadata", name_)));
  MetadataPtr metadata(raw);
  std::map<std::string, int32_t> counts;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[i];
    if (topic.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || topic.partition_cnt <= 0) continue;
    if (std::find(topics.begin(), topics.end(), topic.topic) != topics.end()) {
      counts[topic.topic] = topic.partition_cnt;
    }
  }
  return counts;
}

Result<std::vector<std::string>> Admin::ListTopics(std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  BROOK_RETURN_IF_ERROR(KafkaStatus(rd_kafka_metadata(handle_, /*all_topics=*/1, nullptr, &raw,
                                                      static_cast<int>(timeout.count())),
                                    fmt::format("[{}] metadata", name_)));
  MetadataPtr metadata(raw);
  std::vector<std::string> names;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    if (metadata->topics[i].err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) continue;
    names.emplace_back(metadata->topics[i].topic);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace brook::framework::client
