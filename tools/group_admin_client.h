#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "tools/kafka_client.h"
#include "tools/topic_partition.h"

namespace brook::tools {

// The timestamps ListOffsets reads as "the log start offset" and "the log end offset".
constexpr int64_t kEarliestTimestamp = -2;
constexpr int64_t kLatestTimestamp = -1;

// One group as ListGroups reports it.
struct GroupListing {
  std::string group_id;
  // "Stable", "Empty", ... (librdkafka's names); "Unknown" when the broker's ListGroups is older
  // than v4 and does not report states.
  std::string state;
};

struct GroupMember {
  std::string member_id;
  std::string group_instance_id;  // empty: a dynamic member
  std::string client_id;
  std::string host;
  std::vector<TopicPartition> assignment;  // sorted
};

struct GroupDescription {
  std::string group_id;
  std::string state;     // "Stable", "Empty", "PreparingRebalance", ...
  std::string assignor;  // the protocol the members agreed on, e.g. "range"; empty when none
  std::vector<GroupMember> members;
};

// librdkafka's consumer-group admin API (ListGroups, DescribeGroups, DeleteGroups,
// OffsetFetch, OffsetCommit) plus ListOffsets; each call blocks until the broker answers.
// Errors: NotFound "consumer group 'x' does not exist", Unavailable when no broker answers,
// Unsupported when the broker lacks the API, otherwise the broker's error text.
// Thread safety: use from one thread.
class GroupAdminClient {
 public:
  static Result<std::unique_ptr<GroupAdminClient>> Create(const ConnectionOptions& options);

  KafkaClient& client() { return *client_; }

  // Every consumer group of the cluster, sorted by id. Brokers that fail to answer while others
  // do are reported on stderr as a warning.
  Result<std::vector<GroupListing>> ListGroups();
  // NotFound when the coordinator reports the group Dead or GROUP_ID_NOT_FOUND.
  Result<GroupDescription> DescribeGroup(const std::string& group);
  // Deletes the group: NotFound when it does not exist, FailedPrecondition when it still has
  // members. (One group per request: librdkafka 2.0.2 crashes when a request for several groups
  // meets a broker without DeleteGroups.)
  Status DeleteGroup(const std::string& group);

  // The group's committed offsets (every partition of the cluster it has one for).
  Result<std::map<TopicPartition, int64_t>> ListCommittedOffsets(const std::string& group);
  // Commits `offsets` for the group (OffsetCommit without a member: the group must be empty).
  Status AlterCommittedOffsets(const std::string& group,
                               const std::map<TopicPartition, int64_t>& offsets);

  // ListOffsets for each partition: `timestamp` kEarliestTimestamp gives the log start offset,
  // kLatestTimestamp the log end offset, otherwise the first offset whose record timestamp is >=
  // `timestamp` (-1 when there is none). Fails naming the first partition the broker could not
  // answer for.
  Result<std::map<TopicPartition, int64_t>> ListOffsets(
      const std::vector<TopicPartition>& partitions, int64_t timestamp);

 private:
  explicit GroupAdminClient(std::unique_ptr<KafkaClient> client) : client_(std::move(client)) {}

  Result<std::vector<GroupListing>> FetchGroupListings(bool print_warnings);
  // librdkafka 2.0.2 deadlocks or asserts when a request sent to a group coordinator meets a
  // broker without that API (fixed upstream in 8bf0a679c), so before the first one this asks
  // ListGroups, which fails cleanly: Unsupported when the broker does not advertise it.
  Status CheckGroupSupport();

  std::unique_ptr<KafkaClient> client_;
  bool group_support_checked_ = false;
};

}  // namespace brook::tools
