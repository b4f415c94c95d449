#include "tests/tools/group_clients.h"

#include <chrono>
#include <utility>
#include <vector>

namespace brook::tools {
namespace {

constexpr auto kPatience = std::chrono::seconds(30);

rd_kafka_conf_t* NewConf(const std::vector<std::pair<std::string, std::string>>& settings) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[256];
  for (const auto& [key, value] : settings) {
    rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error));
  }
  return conf;
}

void CountFailure(rd_kafka_t* /*handle*/, const rd_kafka_message_t* message, void* opaque) {
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) ++*static_cast<int*>(opaque);
}

}  // namespace

GroupConsumer::GroupConsumer(const std::string& bootstrap, const std::string& group,
                             const std::string& topic, const Options& options) {
  std::vector<std::pair<std::string, std::string>> settings = {
      {"bootstrap.servers", bootstrap}, {"group.id", group},
      {"client.id", options.client_id}, {"auto.offset.reset", "earliest"},
      {"enable.auto.commit", "false"},  {"log_level", "0"},
  };
  if (!options.group_instance_id.empty()) {
    settings.push_back({"group.instance.id", options.group_instance_id});
  }
  char error[256];
  handle_ = rd_kafka_new(RD_KAFKA_CONSUMER, NewConf(settings), error, sizeof(error));
  rd_kafka_poll_set_consumer(handle_);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(handle_, topics);
  rd_kafka_topic_partition_list_destroy(topics);
}

GroupConsumer::~GroupConsumer() {
  Close();
  rd_kafka_destroy(handle_);
}

bool GroupConsumer::Consume(int count) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (count > 0 && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(handle_, 100);
    if (message == nullptr) continue;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) --count;
    rd_kafka_message_destroy(message);
  }
  return count == 0;
}

rd_kafka_resp_err_t GroupConsumer::Commit() { return rd_kafka_commit(handle_, nullptr, 0); }

void GroupConsumer::Close() {
  if (closed_) return;
  closed_ = true;
  rd_kafka_consumer_close(handle_);
}

std::string GroupConsumer::MemberId() const {
  char* id = rd_kafka_memberid(handle_);
  std::string member_id = id == nullptr ? "" : id;
  if (id != nullptr) rd_kafka_mem_free(handle_, id);
  return member_id;
}

bool ProduceRecords(const std::string& bootstrap, const std::string& topic, int32_t partition,
                    int count, int64_t first_timestamp_ms, int64_t step_ms) {
  int failures = 0;
  rd_kafka_conf_t* conf = NewConf({{"bootstrap.servers", bootstrap}, {"log_level", "0"}});
  rd_kafka_conf_set_dr_msg_cb(conf, CountFailure);
  rd_kafka_conf_set_opaque(conf, &failures);
  char error[256];
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (producer == nullptr) return false;
  for (int i = 0; i < count; ++i) {
    const std::string value = "v" + std::to_string(i);
    const int64_t timestamp = first_timestamp_ms == 0 ? 0 : first_timestamp_ms + i * step_ms;
    if (rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic.c_str()),
                          RD_KAFKA_V_PARTITION(partition),
                          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(timestamp),
                          RD_KAFKA_V_END) != 0) {
      ++failures;
    }
  }
  const bool flushed =
      rd_kafka_flush(producer, static_cast<int>(std::chrono::milliseconds(kPatience).count())) ==
      RD_KAFKA_RESP_ERR_NO_ERROR;
  rd_kafka_destroy(producer);
  return flushed && failures == 0;
}

}  // namespace brook::tools
