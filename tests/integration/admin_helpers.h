#pragma once

// librdkafka admin calls for tests: create a topic, delete it, describe its configs.

#include <librdkafka/rdkafka.h>

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace brook::testing {

// Waits for the admin result event of `type` on `queue`.
inline rd_kafka_event_t* WaitAdmin(rd_kafka_queue_t* queue, rd_kafka_event_type_t type) {
  for (int i = 0; i < 300; ++i) {
    rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 100);
    if (event == nullptr) continue;
    if (rd_kafka_event_type(event) == type) return event;
    rd_kafka_event_destroy(event);
  }
  ADD_FAILURE() << "no admin result";
  return nullptr;
}

// Creates `topic`; returns the per-topic error (RD_KAFKA_RESP_ERR_NO_ERROR on success).
inline rd_kafka_resp_err_t CreateTopic(rd_kafka_t* rk, const std::string& topic, int partitions,
                                       const std::map<std::string, std::string>& configs = {},
                                       std::string* message = nullptr) {
  char err[512];
  rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof(err));
  for (const auto& [k, v] : configs) rd_kafka_NewTopic_set_config(t, k.c_str(), v.c_str());
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &t, 1, nullptr, queue);
  rd_kafka_event_t* event = WaitAdmin(queue, RD_KAFKA_EVENT_CREATETOPICS_RESULT);
  rd_kafka_resp_err_t result = RD_KAFKA_RESP_ERR__TIMED_OUT;
  if (event != nullptr) {
    size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &n);
    if (n == 1) {
      result = rd_kafka_topic_result_error(results[0]);
      if (message && rd_kafka_topic_result_error_string(results[0])) {
        *message = rd_kafka_topic_result_error_string(results[0]);
      }
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_NewTopic_destroy(t);
  rd_kafka_queue_destroy(queue);
  return result;
}

inline rd_kafka_resp_err_t DeleteTopic(rd_kafka_t* rk, const std::string& topic) {
  rd_kafka_DeleteTopic_t* t = rd_kafka_DeleteTopic_new(topic.c_str());
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_DeleteTopics(rk, &t, 1, nullptr, queue);
  rd_kafka_event_t* event = WaitAdmin(queue, RD_KAFKA_EVENT_DELETETOPICS_RESULT);
  rd_kafka_resp_err_t result = RD_KAFKA_RESP_ERR__TIMED_OUT;
  if (event != nullptr) {
    size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &n);
    if (n == 1) result = rd_kafka_topic_result_error(results[0]);
    rd_kafka_event_destroy(event);
  }
  rd_kafka_DeleteTopic_destroy(t);
  rd_kafka_queue_destroy(queue);
  return result;
}

// The topic's configs as DescribeConfigs reports them: name -> (value, source).
inline std::map<std::string, std::pair<std::string, rd_kafka_ConfigSource_t>> DescribeTopicConfigs(
    rd_kafka_t* rk, const std::string& topic) {
  std::map<std::string, std::pair<std::string, rd_kafka_ConfigSource_t>> out;
  rd_kafka_ConfigResource_t* resource =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_DescribeConfigs(rk, &resource, 1, nullptr, queue);
  rd_kafka_event_t* event = WaitAdmin(queue, RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT);
  if (event != nullptr) {
    size_t n = 0;
    const rd_kafka_ConfigResource_t** resources =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event), &n);
    if (n == 1) {
      EXPECT_EQ(rd_kafka_ConfigResource_error(resources[0]), RD_KAFKA_RESP_ERR_NO_ERROR);
      size_t count = 0;
      const rd_kafka_ConfigEntry_t** entries =
          rd_kafka_ConfigResource_configs(resources[0], &count);
      for (size_t i = 0; i < count; ++i) {
        const char* value = rd_kafka_ConfigEntry_value(entries[i]);
        out[rd_kafka_ConfigEntry_name(entries[i])] = {value ? value : "",
                                                      rd_kafka_ConfigEntry_source(entries[i])};
      }
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_ConfigResource_destroy(resource);
  rd_kafka_queue_destroy(queue);
  return out;
}

}  // namespace brook::testing
