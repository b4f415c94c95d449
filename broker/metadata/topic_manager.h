#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/log/env.h"
#include "broker/log/log.h"
#include "broker/log/log_cleaner.h"
#include "broker/metadata/topic_config.h"
#include "common/clock.h"
#include "common/result.h"
#include "common/uuid.h"

namespace brook::broker::metadata {

struct TopicInfo {
  std::string name;
  Uuid id;
  int32_t partitions = 0;
  ConfigMap configs;  // the topic's overrides
  bool internal = false;
};

struct TopicManagerOptions {
  std::string log_dir;          // log.dirs (the first)
  log::LogConfig log_defaults;  // from the broker's log.* settings
  ConfigMap broker_set;         // topic keys set explicitly in server.properties
  log::Env* env = log::Env::Posix();
  Clock* clock = SystemClock::Get();
  bool start_cleaner = true;  // log.cleaner.enable
  int64_t cleaner_backoff_ms = 15000;
};

// Kafka's rules for a topic name: 1 to 249 characters of [a-zA-Z0-9._-], not "." or "..".
// InvalidArgument saying which rule failed.
Status ValidateTopicName(std::string_view name);

// The topics of the broker and the partition logs under <log_dir>/<topic>-<partition>/.
//
// Topics are recorded in <log_dir>/brook-topics.json (name, topic id, partition count, config
// overrides), rewritten atomically on each change, and each partition directory holds Kafka's
// partition.metadata (the topic id). On open, directories of a topic the record does not know
// are adopted (with their topic id) and directories renamed for deletion are removed, so an
// interrupted create or delete leaves no half state. See docs/formats/metadata.md.
//
// Compacted logs are registered with a LogCleaner thread it owns.
// Thread safety: all methods are safe from any thread. Log pointers stay valid until the topic
// is deleted or the manager closed.
class TopicManager {
 public:
  static Result<std::unique_ptr<TopicManager>> Open(TopicManagerOptions options);
  ~TopicManager();
  TopicManager(const TopicManager&) = delete;
  TopicManager& operator=(const TopicManager&) = delete;

  // Creates a topic with a fresh topic id. AlreadyExists; InvalidArgument for a bad name,
  // partition count (< 1) or config; nothing is created with `validate_only`.
  Result<TopicInfo> CreateTopic(const std::string& name, int32_t partitions,
                                const ConfigMap& configs, bool validate_only = false,
                                bool internal = false);
  // Deletes a topic and its data. NotFound.
  Status DeleteTopic(const std::string& name);
  // Raises the partition count to `total`. NotFound; InvalidArgument when not an increase.
  Status CreatePartitions(const std::string& name, int32_t total, bool validate_only = false);
  // Replaces the topic's overrides (AlterConfigs). NotFound; InvalidArgument for a bad config.
  Status SetTopicConfigs(const std::string& name, const ConfigMap& configs,
                         bool validate_only = false);

  std::optional<TopicInfo> Find(const std::string& name) const;
  std::optional<TopicInfo> FindById(const Uuid& id) const;
  std::vector<TopicInfo> Topics() const;
  std::vector<ConfigEntry> DescribeConfigs(const TopicInfo& topic) const;
  // The log of a partition, or nullptr when the topic or partition does not exist.
  log::Log* GetLog(const std::string& topic, int32_t partition) const;

  // Retention for every log (the broker runs it every log.retention.check.interval.ms).
  // Returns segments deleted.
  int RunRetention();
  // flush.ms checks for every log.
  void RunFlush();
  // Closes every log cleanly (clean-shutdown markers) and stops the cleaner. Idempotent.
  Status Close();

  const std::string& log_dir() const { return options_.log_dir; }

 private:
  struct Topic {
    TopicInfo info;
    std::vector<std::unique_ptr<log::Log>> logs;
  };
  explicit TopicManager(TopicManagerOptions options);
  Status Load();
  Status SaveLocked();
  Result<std::unique_ptr<log::Log>> OpenPartitionLocked(const TopicInfo& topic, int32_t partition);

  TopicManagerOptions options_;
  log::LogCleaner cleaner_;
  mutable std::mutex mutex_;
  std::map<std::string, Topic> topics_;
  bool closed_ = false;
};

}  // namespace brook::broker::metadata
