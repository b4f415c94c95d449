#include "broker/log/checkpoint.h"

#include <sstream>

#include <fmt/format.h>

namespace brook::broker::log {

Status WriteOffsetCheckpoint(Env* env, const std::string& path, const std::string& topic,
                             int32_t partition, Offset offset) {
  std::string text = fmt::format("0\n1\n{} {} {}\n", topic, partition, offset.value());
  return env->WriteSmallFileAtomically(path, AsBytes(text));
}

Result<std::optional<Offset>> ReadOffsetCheckpoint(Env* env, const std::string& path) {
  if (!env->FileExists(path)) return std::optional<Offset>();
  Bytes data;
  BROOK_ASSIGN_OR_RETURN(data, env->ReadSmallFile(path));
  std::istringstream in{std::string(AsChars(data))};
  int version = -1;
  int count = -1;
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  if (!(in >> version >> count) || version != 0 || count != 1 ||
      !(in >> topic >> partition >> offset) || offset < 0) {
    return Status::Corruption(fmt::format("{}: not a one-entry offset checkpoint", path));
  }
  return std::optional<Offset>(Offset(offset));
}

}  // namespace brook::broker::log
