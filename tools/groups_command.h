#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "tools/kafka_client.h"
#include "tools/offset_reset.h"

// The work of `brook groups describe` and `brook groups reset-offsets`, each in its own file;
// groups_command.cc wires them (and list, delete) to the command line.
namespace brook::tools {

// `brook groups describe GROUP`: offsets and lag per partition, the members, the state line.
Status DescribeGroupCommand(const ConnectionOptions& connection, const std::string& group);

struct ResetOffsetsOptions {
  std::string group;
  // --topic values, TOPIC or TOPIC:P,P...; empty with --all-topics.
  std::vector<std::string> topics;
  // Every partition the group has a committed offset for.
  bool all_topics = false;
  ResetSpec spec;
  // --execute: commit the plan; otherwise it is only printed.
  bool execute = false;
  // --dry-run was given explicitly (no reminder that nothing changed).
  bool dry_run = false;
};

// `brook groups reset-offsets`: prints the plan and, with --execute, commits it. Refuses
// (FailedPrecondition) while the group has members.
Status ResetGroupOffsetsCommand(const ConnectionOptions& connection,
                                const ResetOffsetsOptions& options);

}  // namespace brook::tools
