// `brook groups describe GROUP`: kafka-consumer-groups --describe's offsets table, then the
// members (--members) and one line with the state (--state).

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tools/group_admin_client.h"
#include "tools/groups_command.h"
#include "tools/table.h"

namespace brook::tools {
namespace {

constexpr const char* kUnknown = "-";

std::string OrUnknown(const std::string& text) { return text.empty() ? kUnknown : text; }

// "orders:0,1,2;payments:0", or "-" for no partitions.
std::string FormatAssignment(const std::vector<TopicPartition>& assignment) {
  std::string text;
  for (size_t i = 0; i < assignment.size(); ++i) {
    const bool new_topic = i == 0 || assignment[i].topic != assignment[i - 1].topic;
    if (new_topic) text += (i == 0 ? "" : ";") + assignment[i].topic + ":";
    if (!new_topic) text += ",";
    text += std::to_string(assignment[i].partition);
  }
  return OrUnknown(text);
}

Table OffsetsTable(const GroupDescription& group,
                   const std::map<TopicPartition, int64_t>& committed,
                   const std::map<TopicPartition, int64_t>& log_end) {
  std::map<TopicPartition, const GroupMember*> owners;
  for (const GroupMember& member : group.members) {
    for (const TopicPartition& partition : member.assignment) owners[partition] = &member;
  }
  std::set<TopicPartition> partitions;
  for (const auto& [partition, member] : owners) partitions.insert(partition);
  for (const auto& [partition, offset] : committed) partitions.insert(partition);

  Table table({"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
               "CONSUMER-ID", "HOST", "CLIENT-ID"});
  for (const TopicPartition& partition : partitions) {
    auto current = committed.find(partition);
    auto end = log_end.find(partition);
    auto owner = owners.find(partition);
    const GroupMember* member = owner == owners.end() ? nullptr : owner->second;
    const bool has_lag = current != committed.end() && end != log_end.end();
    table.AddRow({
        group.group_id,
        partition.topic,
        std::to_string(partition.partition),
        current == committed.end() ? kUnknown : std::to_string(current->second),
        end == log_end.end() ? kUnknown : std::to_string(end->second),
        has_lag ? std::to_string(end->second - current->second) : kUnknown,
        member ? OrUnknown(member->member_id) : kUnknown,
        member ? OrUnknown(member->host) : kUnknown,
        member ? OrUnknown(member->client_id) : kUnknown,
    });
  }
  return table;
}

Table MembersTable(const GroupDescription& group) {
  const bool static_members =
      std::any_of(group.members.begin(), group.members.end(),
                  [](const GroupMember& member) { return !member.group_instance_id.empty(); });
  std::vector<std::string> header = {"MEMBER-ID"};
  if (static_members) header.push_back("GROUP-INSTANCE-ID");
  header.insert(header.end(), {"CLIENT-ID", "HOST", "ASSIGNMENT"});
  std::vector<const GroupMember*> members;
  for (const GroupMember& member : group.members) members.push_back(&member);
  std::sort(members.begin(), members.end(),
            [](const GroupMember* a, const GroupMember* b) { return a->member_id < b->member_id; });
  Table table(std::move(header));
  for (const GroupMember* member : members) {
    std::vector<std::string> row = {OrUnknown(member->member_id)};
    if (static_members) row.push_back(OrUnknown(member->group_instance_id));
    row.insert(row.end(), {OrUnknown(member->client_id), OrUnknown(member->host),
                           FormatAssignment(member->assignment)});
    table.AddRow(std::move(row));
  }
  return table;
}

// "Group 'g' is Stable, 2 members, assignor range".
std::string StateLine(const GroupDescription& group) {
  const size_t count = group.members.size();
  std::string line = "Group '" + group.group_id + "' is " + group.state + ", " +
                     std::to_string(count) + (count == 1 ? " member" : " members");
  if (!group.assignor.empty()) line += ", assignor " + group.assignor;
  return line;
}

}  // namespace

Status DescribeGroupCommand(const ConnectionOptions& connection, const std::string& group) {
  BROOK_ASSIGN_OR_RETURN(auto admin, GroupAdminClient::Create(connection));
  BROOK_ASSIGN_OR_RETURN(GroupDescription description, admin->DescribeGroup(group));
  BROOK_ASSIGN_OR_RETURN(auto committed, admin->ListCommittedOffsets(group));

  std::set<TopicPartition> partitions;
  for (const auto& [partition, offset] : committed) partitions.insert(partition);
  for (const GroupMember& member : description.members) {
    partitions.insert(member.assignment.begin(), member.assignment.end());
  }
  std::map<TopicPartition, int64_t> log_end;
  Result<std::map<TopicPartition, int64_t>> listed =
      admin->ListOffsets({partitions.begin(), partitions.end()}, kLatestTimestamp);
  if (listed.ok()) {
    log_end = std::move(listed).value();
  } else {
    std::fprintf(stderr, "brook: warning: log end offsets unavailable: %s\n",
                 listed.status().message().c_str());
  }

  if (description.members.empty()) {
    std::printf("Consumer group '%s' has no active members.\n\n", group.c_str());
  }
  OffsetsTable(description, committed, log_end).Print(stdout);
  if (!description.members.empty()) {
    std::printf("\n");
    MembersTable(description).Print(stdout);
  }
  std::printf("\n%s\n", StateLine(description).c_str());
  return Status::Ok();
}

}  // namespace brook::tools
