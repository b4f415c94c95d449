#include "tools/group_admin_client.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "tools/admin_request.h"

namespace brook::tools {
namespace {

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

std::string Text(const char* text) { return text == nullptr ? std::string() : std::string(text); }

// librdkafka's text for a broker error without its "Broker: " prefix, and the error's name:
// "The group is not empty (NON_EMPTY_GROUP)".
std::string Describe(rd_kafka_resp_err_t code) {
  std::string_view text = rd_kafka_err2str(code);
  constexpr std::string_view kPrefix = "Broker: ";
  if (text.substr(0, kPrefix.size()) == kPrefix) text.remove_prefix(kPrefix.size());
  return std::string(text) + " (" + rd_kafka_err2name(code) + ")";
}

// The Status for a group-level error; `failed` says what could not be done ("could not be
// deleted"). An API the broker lacks leaves `client` unusable (see KafkaClient::Abandon).
Status GroupStatus(KafkaClient& client, const std::string& group, const std::string& failed,
                   rd_kafka_resp_err_t code) {
  const std::string name = "consumer group '" + group + "'";
  switch (code) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return Status::Ok();
    case RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND:
      return Status::NotFound(name + " does not exist");
    case RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP:
      return Status::FailedPrecondition(name + " " + failed + ": " + Describe(code));
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
      client.Abandon();
      return Status::Unsupported("the broker does not support this request: " + Describe(code));
    default:
      return Status::Internal(name + " " + failed + ": " + Describe(code));
  }
}

std::vector<TopicPartition> Partitions(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> partitions;
  if (list == nullptr) return partitions;
  for (int i = 0; i < list->cnt; ++i) {
    partitions.push_back({list->elems[i].topic, list->elems[i].partition});
  }
  std::sort(partitions.begin(), partitions.end());
  return partitions;
}

GroupMember Member(const rd_kafka_MemberDescription_t* member) {
  const rd_kafka_MemberAssignment_t* assignment = rd_kafka_MemberDescription_assignment(member);
  return {Text(rd_kafka_MemberDescription_consumer_id(member)),
          Text(rd_kafka_MemberDescription_group_instance_id(member)),
          Text(rd_kafka_MemberDescription_client_id(member)),
          Text(rd_kafka_MemberDescription_host(member)),
          Partitions(assignment ? rd_kafka_MemberAssignment_partitions(assignment) : nullptr)};
}

// The first partition error of an offsets result, naming the partition.
Status FirstPartitionError(const rd_kafka_topic_partition_list_t* list, const std::string& what) {
  if (list == nullptr) return Status::Ok();
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& partition = list->elems[i];
    if (partition.err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    return Status::Internal(what + " " + PartitionName({partition.topic, partition.partition}) +
                            ": " + Describe(partition.err));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<GroupAdminClient>> GroupAdminClient::Create(
    const ConnectionOptions& options) {
  BROOK_ASSIGN_OR_RETURN(std::unique_ptr<KafkaClient> client,
                         KafkaClient::Create(KafkaClient::Kind::kProducer, options, {}));
  return std::unique_ptr<GroupAdminClient>(new GroupAdminClient(std::move(client)));
}

Result<std::vector<GroupListing>> GroupAdminClient::ListGroups() {
  return FetchGroupListings(/*print_warnings=*/true);
}

Status GroupAdminClient::CheckGroupSupport() {
  if (group_support_checked_) return Status::Ok();
  group_support_checked_ = true;
  // Only "unsupported" matters (librdkafka decides it from ApiVersions before sending); any
  // other failure of ListGroups says nothing about the request that follows.
  Result<std::vector<GroupListing>> listed = FetchGroupListings(/*print_warnings=*/false);
  return listed.ok() || listed.status().code() != StatusCode::kUnsupported ? Status::Ok()
                                                                           : listed.status();
}

Result<std::vector<GroupListing>> GroupAdminClient::FetchGroupListings(bool print_warnings) {
  BROOK_ASSIGN_OR_RETURN(
      AdminEvent event,
      RunAdminRequest(*client_, [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_ListConsumerGroups(client_->handle(), options, queue);
      }));
  const rd_kafka_ListConsumerGroups_result_t* result =
      rd_kafka_event_ListConsumerGroups_result(event.get());
  size_t count = 0;
  const rd_kafka_ConsumerGroupListing_t** valid =
      rd_kafka_ListConsumerGroups_result_valid(result, &count);
  size_t error_count = 0;
  const rd_kafka_error_t** errors = rd_kafka_ListConsumerGroups_result_errors(result, &error_count);
  if (count == 0 && error_count > 0) {
    const rd_kafka_resp_err_t code = rd_kafka_error_code(errors[0]);
    if (code == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION ||
        code == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE) {
      return Status::Unsupported(
          std::string("the broker does not support consumer groups (ListGroups): ") +
          rd_kafka_error_string(errors[0]));
    }
    if (code == RD_KAFKA_RESP_ERR__TRANSPORT) return ConnectionClosedStatus(*client_);
    return Status::Internal(std::string("cannot list groups: ") + rd_kafka_error_string(errors[0]));
  }
  for (size_t i = 0; print_warnings && i < error_count; ++i) {
    std::fprintf(stderr, "brook: warning: some groups may be missing: %s\n",
                 rd_kafka_error_string(errors[i]));
  }
  std::map<std::string, GroupListing> groups;
  for (size_t i = 0; i < count; ++i) {
    const std::string id = rd_kafka_ConsumerGroupListing_group_id(valid[i]);
    groups[id] = {
        id, rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(valid[i]))};
  }
  std::vector<GroupListing> listed;
  for (auto& [id, listing] : groups) listed.push_back(std::move(listing));
  return listed;
}

Result<GroupDescription> GroupAdminClient::DescribeGroup(const std::string& group) {
  BROOK_RETURN_IF_ERROR(CheckGroupSupport());
  const char* names[] = {group.c_str()};
  BROOK_ASSIGN_OR_RETURN(
      AdminEvent event,
      RunAdminRequest(*client_, [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_DescribeConsumerGroups(client_->handle(), names, 1, options, queue);
      }));
  size_t count = 0;
  const rd_kafka_ConsumerGroupDescription_t** described =
      rd_kafka_DescribeConsumerGroups_result_groups(
          rd_kafka_event_DescribeConsumerGroups_result(event.get()), &count);
  if (count != 1) return Status::Internal("the broker did not describe group '" + group + "'");
  const rd_kafka_ConsumerGroupDescription_t* description = described[0];
  if (const rd_kafka_error_t* error = rd_kafka_ConsumerGroupDescription_error(description)) {
    const rd_kafka_resp_err_t code = rd_kafka_error_code(error);
    if (code == RD_KAFKA_RESP_ERR__INVALID_ARG) {  // a group of another protocol (e.g. connect)
      return Status::InvalidArgument(rd_kafka_error_string(error));
    }
    return GroupStatus(*client_, group, "could not be described", code);
  }
  const rd_kafka_consumer_group_state_t state =
      rd_kafka_ConsumerGroupDescription_state(description);
  if (state == RD_KAFKA_CONSUMER_GROUP_STATE_DEAD) {
    return GroupStatus(*client_, group, "", RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND);
  }
  GroupDescription result{group,
                          rd_kafka_consumer_group_state_name(state),
                          Text(rd_kafka_ConsumerGroupDescription_partition_assignor(description)),
                          {}};
  const size_t members = rd_kafka_ConsumerGroupDescription_member_count(description);
  for (size_t i = 0; i < members; ++i) {
    result.members.push_back(Member(rd_kafka_ConsumerGroupDescription_member(description, i)));
  }
  return result;
}

Status GroupAdminClient::DeleteGroup(const std::string& group) {
  BROOK_RETURN_IF_ERROR(CheckGroupSupport());
  rd_kafka_DeleteGroup_t* request = rd_kafka_DeleteGroup_new(group.c_str());
  Result<AdminEvent> event =
      RunAdminRequest(*client_, [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_DeleteGroups(client_->handle(), &request, 1, options, queue);
      });
  rd_kafka_DeleteGroup_destroy(request);
  if (!event.ok()) return event.status();
  size_t count = 0;
  const rd_kafka_group_result_t** results =
      rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(event->get()), &count);
  if (count != 1) return Status::Internal("the broker did not answer for group '" + group + "'");
  const rd_kafka_error_t* error = rd_kafka_group_result_error(results[0]);
  return GroupStatus(*client_, group, "could not be deleted",
                     error ? rd_kafka_error_code(error) : RD_KAFKA_RESP_ERR_NO_ERROR);
}

Result<std::map<TopicPartition, int64_t>> GroupAdminClient::ListCommittedOffsets(
    const std::string& group) {
  BROOK_RETURN_IF_ERROR(CheckGroupSupport());
  // A null partition list asks for every committed offset of the group (librdkafka 2.0.2 adds
  // three stray bytes after that request's body; brokers ignore them, as brook-broker does).
  std::map<TopicPartition, int64_t> offsets;
  rd_kafka_ListConsumerGroupOffsets_t* request =
      rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr);
  Result<AdminEvent> event =
      RunAdminRequest(*client_, [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_ListConsumerGroupOffsets(client_->handle(), &request, 1, options, queue);
      });
  rd_kafka_ListConsumerGroupOffsets_destroy(request);
  if (!event.ok()) return event.status();
  size_t count = 0;
  const rd_kafka_group_result_t** results = rd_kafka_ListConsumerGroupOffsets_result_groups(
      rd_kafka_event_ListConsumerGroupOffsets_result(event->get()), &count);
  for (size_t i = 0; i < count; ++i) {
    if (const rd_kafka_error_t* error = rd_kafka_group_result_error(results[i])) {
      return GroupStatus(*client_, group, "offsets could not be read", rd_kafka_error_code(error));
    }
    const rd_kafka_topic_partition_list_t* list = rd_kafka_group_result_partitions(results[i]);
    BROOK_RETURN_IF_ERROR(FirstPartitionError(list, "cannot read the committed offset of"));
    for (int p = 0; list != nullptr && p < list->cnt; ++p) {
      // A partition without a committed offset comes back as -1.
      if (list->elems[p].offset < 0) continue;
      offsets[{list->elems[p].topic, list->elems[p].partition}] = list->elems[p].offset;
    }
  }
  return offsets;
}

Status GroupAdminClient::AlterCommittedOffsets(const std::string& group,
                                               const std::map<TopicPartition, int64_t>& offsets) {
  BROOK_RETURN_IF_ERROR(CheckGroupSupport());
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [partition, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), partition.topic.c_str(), partition.partition)
        ->offset = offset;
  }
  rd_kafka_AlterConsumerGroupOffsets_t* request =
      rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get());
  Result<AdminEvent> event =
      RunAdminRequest(*client_, [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_AlterConsumerGroupOffsets(client_->handle(), &request, 1, options, queue);
      });
  rd_kafka_AlterConsumerGroupOffsets_destroy(request);
  if (!event.ok()) return event.status();
  size_t count = 0;
  const rd_kafka_group_result_t** results = rd_kafka_AlterConsumerGroupOffsets_result_groups(
      rd_kafka_event_AlterConsumerGroupOffsets_result(event->get()), &count);
  if (count != 1) return Status::Internal("the broker did not answer for group '" + group + "'");
  if (const rd_kafka_error_t* error = rd_kafka_group_result_error(results[0])) {
    return GroupStatus(*client_, group, "offsets could not be changed", rd_kafka_error_code(error));
  }
  return FirstPartitionError(rd_kafka_group_result_partitions(results[0]),
                             "cannot commit the offset of");
}

Result<std::map<TopicPartition, int64_t>> GroupAdminClient::ListOffsets(
    const std::vector<TopicPartition>& partitions, int64_t timestamp) {
  std::map<TopicPartition, int64_t> offsets;
  if (partitions.empty()) return offsets;
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const TopicPartition& partition : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), partition.topic.c_str(), partition.partition)
        ->offset = timestamp;
  }
  const rd_kafka_resp_err_t error = rd_kafka_offsets_for_times(
      client_->handle(), list.get(), client_->options().request_timeout_ms);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return client_->ErrorStatus(error, "cannot read the partitions' offsets");
  }
  BROOK_RETURN_IF_ERROR(FirstPartitionError(list.get(), "cannot read the offsets of"));
  for (int i = 0; i < list->cnt; ++i) {
    offsets[{list->elems[i].topic, list->elems[i].partition}] = list->elems[i].offset;
  }
  return offsets;
}

}  // namespace brook::tools
