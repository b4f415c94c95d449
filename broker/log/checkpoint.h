#pragma once

#include <optional>
#include <string>

#include "broker/log/env.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::log {

// An offset checkpoint file in Kafka's text format, holding one entry:
//   0\n                      version
//   1\n                      number of entries
//   <topic> <partition> <offset>\n
// Written atomically (temp file + rename). Files: log-start-offset-checkpoint,
// recovery-point-offset-checkpoint, cleaner-offset-checkpoint (docs/formats/log.md).
Status WriteOffsetCheckpoint(Env* env, const std::string& path, const std::string& topic,
                             int32_t partition, Offset offset);
// nullopt when the file does not exist; Corruption when it does not parse.
Result<std::optional<Offset>> ReadOffsetCheckpoint(Env* env, const std::string& path);

inline constexpr const char* kLogStartOffsetCheckpointFile = "log-start-offset-checkpoint";
inline constexpr const char* kRecoveryPointCheckpointFile = "recovery-point-offset-checkpoint";
inline constexpr const char* kCleanerOffsetCheckpointFile = "cleaner-offset-checkpoint";
inline constexpr const char* kCleanShutdownFile = ".brook_cleanshutdown";

}  // namespace brook::broker::log
