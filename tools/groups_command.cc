// `brook groups list|describe|delete|reset-offsets`, after kafka-consumer-groups.sh.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tools/command.h"
#include "tools/group_admin_client.h"
#include "tools/groups_command.h"
#include "tools/kafka_client.h"
#include "tools/table.h"

namespace brook::tools {
namespace {

struct GroupsOptions {
  ConnectionOptions connection;
  bool show_state = false;          // list --state
  std::vector<std::string> groups;  // describe (one), delete (one or more)
  ResetOffsetsOptions reset;
  // reset-offsets: the strategy as given, turned into reset.spec once parsed.
  bool to_earliest = false;
  bool to_latest = false;
  int64_t to_offset = 0;
  int64_t shift_by = 0;
  std::string to_datetime;
};

Status List(const GroupsOptions& options) {
  BROOK_ASSIGN_OR_RETURN(auto admin, GroupAdminClient::Create(options.connection));
  BROOK_ASSIGN_OR_RETURN(std::vector<GroupListing> groups, admin->ListGroups());
  if (!options.show_state) {
    for (const GroupListing& group : groups) std::printf("%s\n", group.group_id.c_str());
    return Status::Ok();
  }
  Table table({"GROUP", "STATE"});
  for (const GroupListing& group : groups) {
    std::string state = group.state;
    if (state == "Unknown") {  // ListGroups before v4 has no states: ask the coordinator
      Result<GroupDescription> description = admin->DescribeGroup(group.group_id);
      if (description.ok()) state = description->state;
    }
    table.AddRow({group.group_id, state});
  }
  table.Print(stdout);
  return Status::Ok();
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "'" : ", '") + name + "'";
  return text;
}

Status Delete(const GroupsOptions& options) {
  BROOK_ASSIGN_OR_RETURN(auto admin, GroupAdminClient::Create(options.connection));
  std::vector<std::string> groups;  // each once, in the order given
  for (const std::string& group : options.groups) {
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
  }
  std::vector<std::string> deleted;
  Status failure;
  for (const std::string& group : groups) {
    Status status = admin->DeleteGroup(group);
    if (status.code() == StatusCode::kUnsupported) return status;  // the same for every group
    if (status.ok()) {
      deleted.push_back(group);
    } else if (failure.ok()) {
      failure = status;
    } else {
      // One "brook: ..." line per group that could not be deleted.
      failure = Status(failure.code(), failure.message() + "\nbrook: " + status.message());
    }
  }
  if (failure.ok()) {
    std::printf("Deletion of requested consumer groups (%s) was successful.\n",
                QuotedList(deleted).c_str());
  } else if (!deleted.empty()) {
    std::printf("These consumer groups were deleted successfully: %s\n",
                QuotedList(deleted).c_str());
  }
  return failure;
}

CLI::App* AddLeaf(CLI::App& groups, Action& action, const std::shared_ptr<GroupsOptions>& options,
                  const std::string& name, const std::string& help,
                  std::function<Status(const GroupsOptions&)> run) {
  CLI::App* leaf = groups.add_subcommand(name, help);
  AddConnectionOptions(*leaf, options->connection);
  leaf->callback([&action, options, run] { action = [options, run] { return run(*options); }; });
  return leaf;
}

std::string CheckTopicSelection(const std::string& text) {
  Result<TopicSelection> selection = ParseTopicSelection(text);
  return selection.ok() ? std::string() : selection.status().message();
}

std::string CheckDateTime(const std::string& text) {
  Result<int64_t> time = ParseDateTime(text);
  return time.ok() ? std::string() : time.status().message();
}

void AddResetOffsets(CLI::App& groups, Action& action,
                     const std::shared_ptr<GroupsOptions>& options) {
  CLI::App* reset = AddLeaf(
      groups, action, options, "reset-offsets",
      "Plan, and with --execute commit, new offsets for an inactive group",
      [](const GroupsOptions& o) { return ResetGroupOffsetsCommand(o.connection, o.reset); });
  reset->footer(
      "Prints GROUP TOPIC PARTITION NEW-OFFSET for every partition. Without --execute nothing\n"
      "changes (a dry run). New offsets are kept within [log start, log end]. The group must have\n"
      "no active members (state Empty, or a group that does not exist yet).");
  ResetOffsetsOptions& r = options->reset;
  reset->add_option("--group", r.group, "Consumer group")->required();
  CLI::Option* topic =
      reset
          ->add_option("--topic", r.topics, "TOPIC (every partition) or TOPIC:P,P,... (repeatable)")
          ->check(CheckTopicSelection);
  CLI::Option* all = reset
                         ->add_flag("--all-topics", r.all_topics,
                                    "Every partition the group has a committed offset for")
                         ->excludes(topic);
  CLI::Option* strategies[] = {
      reset->add_flag("--to-earliest", options->to_earliest, "Reset to the log start offset"),
      reset->add_flag("--to-latest", options->to_latest, "Reset to the log end offset"),
      reset->add_option("--to-offset", options->to_offset, "Reset to this offset")
          ->check(CLI::NonNegativeNumber),
      reset->add_option("--shift-by", options->shift_by,
                        "Move the committed offset by N (negative: back), e.g. --shift-by=-5"),
      reset
          ->add_option("--to-datetime", options->to_datetime,
                       "Reset to the first record at or after YYYY-MM-DDTHH:MM:SS[.sss][Z|+HH:MM] "
                       "(no zone: UTC)")
          ->check(CheckDateTime),
  };
  CLI::Option* dry_run =
      reset->add_flag("--dry-run", r.dry_run, "Only print the plan (the default)");
  reset->add_flag("--execute", r.execute, "Commit the new offsets")->excludes(dry_run);
  reset->parse_complete_callback([options, topic, all, strategies] {
    int given = 0;
    for (CLI::Option* strategy : strategies) given += strategy->count() > 0 ? 1 : 0;
    if (given != 1) {
      throw CLI::ValidationError(
          "groups reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset, "
          "--shift-by, --to-datetime");
    }
    if (topic->count() == 0 && all->count() == 0) {
      throw CLI::ValidationError("groups reset-offsets needs --topic or --all-topics");
    }
    ResetSpec& spec = options->reset.spec;
    if (options->to_earliest) spec = {ResetStrategy::kToEarliest, 0};
    if (options->to_latest) spec = {ResetStrategy::kToLatest, 0};
    if (strategies[2]->count() > 0) spec = {ResetStrategy::kToOffset, options->to_offset};
    if (strategies[3]->count() > 0) spec = {ResetStrategy::kShiftBy, options->shift_by};
    if (strategies[4]->count() > 0) {
      spec = {ResetStrategy::kToDatetime, ParseDateTime(options->to_datetime).value()};
    }
  });
}

}  // namespace

void AddGroupsCommand(CLI::App& app, Action& action) {
  auto options = std::make_shared<GroupsOptions>();
  CLI::App* groups =
      app.add_subcommand("groups", "List, describe and delete consumer groups, reset offsets");
  groups->require_subcommand(1);

  CLI::App* list =
      AddLeaf(*groups, action, options, "list", "List consumer group ids, one per line", List);
  list->add_flag("--state", options->show_state, "Add a STATE column (Stable, Empty, ...)");

  CLI::App* describe = AddLeaf(
      *groups, action, options, "describe",
      "Offsets, log end and lag per partition, the members and the state of a group",
      [](const GroupsOptions& o) { return DescribeGroupCommand(o.connection, o.groups.front()); });
  describe->add_option("group", options->groups, "Consumer group")->required()->expected(1);

  CLI::App* remove = AddLeaf(*groups, action, options, "delete",
                             "Delete consumer groups that have no active members", Delete);
  remove->add_option("group", options->groups, "Consumer groups")->required();

  AddResetOffsets(*groups, action, options);
}

}  // namespace brook::tools
