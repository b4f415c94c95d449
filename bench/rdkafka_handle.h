#pragma once

// librdkafka handles for txn_bench: owning pointers, a configured client in one call, and
// rd_kafka_error_t turned into Status.

#include <librdkafka/rdkafka.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace brook::bench {

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
  void operator()(rd_kafka_topic_t* topic) const { rd_kafka_topic_destroy(topic); }
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
  void operator()(rd_kafka_consumer_group_metadata_t* metadata) const {
    rd_kafka_consumer_group_metadata_destroy(metadata);
  }
};
using RdKafkaHandle = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;
using TopicHandle = std::unique_ptr<rd_kafka_topic_t, RdKafkaDeleter>;
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, RdKafkaDeleter>;
using GroupMetadata = std::unique_ptr<rd_kafka_consumer_group_metadata_t, RdKafkaDeleter>;

using ClientSettings = std::vector<std::pair<std::string, std::string>>;

// A producer or consumer for `bootstrap` with `settings` (librdkafka property names).
// `configure`, when given, runs on the configuration last (to set callbacks and their opaque).
// InvalidArgument for a setting librdkafka rejects; Internal when rd_kafka_new fails.
Result<RdKafkaHandle> NewRdKafka(rd_kafka_type_t type, const std::string& bootstrap,
                                 const ClientSettings& settings,
                                 const std::function<void(rd_kafka_conf_t*)>& configure = {});

// Ok for a null `error`; otherwise Internal naming `what` and librdkafka's message (with
// "fatal" / "abortable" when the error says so). Takes ownership of `error`.
Status TakeError(rd_kafka_error_t* error, const std::string& what);

// Ok for RD_KAFKA_RESP_ERR_NO_ERROR; otherwise Internal naming `what`.
Status ErrorCodeStatus(rd_kafka_resp_err_t err, const std::string& what);

}  // namespace brook::bench
