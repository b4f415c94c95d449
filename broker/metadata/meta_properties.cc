#include "broker/metadata/meta_properties.h"

#include <sstream>

#include <fmt/format.h>

#include "common/uuid.h"

namespace brook::broker::metadata {

Result<std::string> LoadOrCreateClusterId(log::Env* env, const std::string& log_dir,
                                          int32_t node_id) {
  std::string path = log::JoinPath(log_dir, "meta.properties");
  BROOK_RETURN_IF_ERROR(env->CreateDirs(log_dir));
  if (!env->FileExists(path)) {
    std::string cluster_id = Uuid::Random().ToString();
    std::string text = fmt::format(
        "#\n# Written by Brook; the cluster id is kept across restarts.\nversion=1\n"
        "cluster.id={}\nnode.id={}\n",
        cluster_id, node_id);
    BROOK_RETURN_IF_ERROR(env->WriteSmallFileAtomically(path, AsBytes(text)));
    return cluster_id;
  }
  Bytes data;
  BROOK_ASSIGN_OR_RETURN(data, env->ReadSmallFile(path));
  std::istringstream in{std::string(AsChars(data))};
  std::string line;
  std::string cluster_id;
  std::string stored_node;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq);
    std::string value = line.substr(eq + 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
    if (key == "cluster.id") cluster_id = value;
    if (key == "node.id" || key == "broker.id") stored_node = value;
  }
  if (cluster_id.empty()) return Status::Corruption(fmt::format("{} has no cluster.id", path));
  if (!stored_node.empty() && stored_node != std::to_string(node_id)) {
    return Status::FailedPrecondition(
        fmt::format("{}: stored node.id {} does not match the configured node.id {}", path,
                    stored_node, node_id));
  }
  return cluster_id;
}

}  // namespace brook::broker::metadata
