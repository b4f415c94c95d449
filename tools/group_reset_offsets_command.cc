// `brook groups reset-offsets`: kafka-consumer-groups --reset-offsets. Plans a new committed
// offset per partition and commits the plan only with --execute.

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tools/group_admin_client.h"
#include "tools/groups_command.h"
#include "tools/offset_reset.h"
#include "tools/table.h"

namespace brook::tools {
namespace {

// Kafka resets only groups without members: Empty, or Dead (not there yet, the commit creates it).
Status CheckInactive(GroupAdminClient& admin, const std::string& group) {
  Result<GroupDescription> description = admin.DescribeGroup(group);
  if (!description.ok()) {
    return description.status().code() == StatusCode::kNotFound ? Status::Ok()
                                                                : description.status();
  }
  if (description->state == "Empty") return Status::Ok();
  return Status::FailedPrecondition("Assignments can only be reset if the group '" + group +
                                    "' is inactive, but the current state is " +
                                    description->state + ".");
}

// The partitions the options name: each --topic (all its partitions or the listed ones), or with
// --all-topics every partition the group has a committed offset for.
Result<std::set<TopicPartition>> SelectPartitions(
    GroupAdminClient& admin, const ResetOffsetsOptions& options,
    const std::map<TopicPartition, int64_t>& committed) {
  std::set<TopicPartition> partitions;
  if (options.all_topics) {
    for (const auto& [partition, offset] : committed) partitions.insert(partition);
    if (partitions.empty()) {
      return Status::NotFound("consumer group '" + options.group +
                              "' has no committed offsets; name the partitions with --topic");
    }
    return partitions;
  }
  for (const std::string& text : options.topics) {
    BROOK_ASSIGN_OR_RETURN(TopicSelection selection, ParseTopicSelection(text));
    BROOK_ASSIGN_OR_RETURN(TopicInfo topic, admin.client().FetchTopic(selection.topic));
    if (selection.partitions.empty()) {
      for (const PartitionInfo& partition : topic.partitions) {
        partitions.insert({topic.name, partition.id});
      }
      continue;
    }
    for (int32_t id : selection.partitions) {
      if (id >= static_cast<int32_t>(topic.partitions.size())) {
        return Status::OutOfRange("topic '" + topic.name + "' has no partition " +
                                  std::to_string(id) + " (it has " +
                                  std::to_string(topic.partitions.size()) + ")");
      }
      partitions.insert({topic.name, id});
    }
  }
  return partitions;
}

}  // namespace

Status ResetGroupOffsetsCommand(const ConnectionOptions& connection,
                                const ResetOffsetsOptions& options) {
  BROOK_ASSIGN_OR_RETURN(auto admin, GroupAdminClient::Create(connection));
  BROOK_RETURN_IF_ERROR(CheckInactive(*admin, options.group));
  BROOK_ASSIGN_OR_RETURN(auto committed, admin->ListCommittedOffsets(options.group));
  BROOK_ASSIGN_OR_RETURN(std::set<TopicPartition> selected,
                         SelectPartitions(*admin, options, committed));
  const std::vector<TopicPartition> partitions(selected.begin(), selected.end());

  BROOK_ASSIGN_OR_RETURN(auto log_start, admin->ListOffsets(partitions, kEarliestTimestamp));
  BROOK_ASSIGN_OR_RETURN(auto log_end, admin->ListOffsets(partitions, kLatestTimestamp));
  std::map<TopicPartition, int64_t> for_time;
  if (options.spec.strategy == ResetStrategy::kToDatetime) {
    BROOK_ASSIGN_OR_RETURN(for_time, admin->ListOffsets(partitions, options.spec.value));
  }

  std::map<TopicPartition, int64_t> plan;
  Table table({"GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"});
  for (const TopicPartition& partition : partitions) {
    PartitionOffsets offsets{log_start[partition], log_end[partition], std::nullopt, -1};
    if (auto found = committed.find(partition); found != committed.end()) {
      offsets.committed = found->second;
    }
    if (auto found = for_time.find(partition); found != for_time.end()) {
      offsets.offset_for_time = found->second;
    }
    BROOK_ASSIGN_OR_RETURN(PlannedOffset planned, PlanOffset(partition, options.spec, offsets));
    if (!planned.warning.empty()) {
      std::fprintf(stderr, "brook: warning: %s\n", planned.warning.c_str());
    }
    plan[partition] = planned.offset;
    table.AddRow({options.group, partition.topic, std::to_string(partition.partition),
                  std::to_string(planned.offset)});
  }

  if (options.execute) BROOK_RETURN_IF_ERROR(admin->AlterCommittedOffsets(options.group, plan));
  table.Print(stdout);
  if (!options.execute && !options.dry_run) {
    std::fprintf(stderr,
                 "Dry run: no offsets were changed. Add --execute to commit the offsets above.\n");
  }
  return Status::Ok();
}

}  // namespace brook::tools
