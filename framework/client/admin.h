#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "framework/client/properties.h"

// librdkafka's handle type, declared here so that users of this header need not include it.
struct rd_kafka_s;

namespace brook::framework::client {

// A topic to create.
struct NewTopic {
  std::string name;
  int32_t partitions = 1;                      // -1: the broker's num.partitions
  int32_t replication_factor = -1;             // -1: the broker's default.replication.factor
  std::map<std::string, std::string> configs;  // topic configs, e.g. cleanup.policy=compact
};

// Metadata and admin calls (the internal topics of a streams app: repartition and changelog
// topics), over a librdkafka handle of the producer type that sends no records.
// allow.auto.create.topics defaults to false: looking a topic up never creates it.
// Thread safety: every method may be called from any thread (librdkafka's admin and metadata
// calls are thread-safe); calls block the caller until answered or timed out.
class Admin {
 public:
  // Errors: InvalidArgument for a property librdkafka rejects (naming the key).
  static Result<std::unique_ptr<Admin>> Create(const Properties& properties);
  ~Admin();
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  // Creates `topics` in one request and waits for the broker's answer. A topic that already
  // exists counts as created (its partition count and configs are left as they are: check them
  // with PartitionCounts). Errors: TimedOut; otherwise the Status of the first topic that
  // failed (InvalidArgument for a bad partition count or config, ...), its message listing
  // every failed topic with the broker's reason.
  Status CreateTopics(const std::vector<NewTopic>& topics, std::chrono::milliseconds timeout);

  // The partition count of each of `topics` that exists (a missing topic is absent from the
  // map), from one metadata request. Errors: TimedOut, Unavailable when no broker answers.
  Result<std::map<std::string, int32_t>> PartitionCounts(const std::vector<std::string>& topics,
                                                         std::chrono::milliseconds timeout);

  // Every topic's name, internal ones (__consumer_offsets, __transaction_state) included,
  // sorted.
  Result<std::vector<std::string>> ListTopics(std::chrono::milliseconds timeout);

 private:
  Admin() = default;
  rd_kafka_s* handle_ = nullptr;
  std::string name_;
};

}  // namespace brook::framework::client
