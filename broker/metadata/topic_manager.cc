#include "broker/metadata/topic_manager.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/logging.h"

namespace brook::broker::metadata {
namespace {

using nlohmann::json;

constexpr const char* kTopicsFile = "brook-topics.json";
constexpr const char* kPartitionMetadataFile = "partition.metadata";
constexpr const char* kDeleteSuffix = "-delete";

std::shared_ptr<spdlog::logger> Logger() {
  static auto logger = GetLogger("broker.metadata");
  return logger;
}

std::string PartitionDir(const std::string& log_dir, const std::string& topic, int32_t p) {
  return log::JoinPath(log_dir, log::PartitionDirName(topic, p));
}

// Kafka's partition.metadata: "version: 0\ntopic_id: <id>\n".
Status WritePartitionMetadata(log::Env* env, const std::string& dir, const Uuid& id) {
  std::string text = fmt::format("version: 0\ntopic_id: {}\n", id.ToString());
  return env->WriteSmallFileAtomically(log::JoinPath(dir, kPartitionMetadataFile), AsBytes(text));
}

std::optional<Uuid> ReadPartitionMetadata(log::Env* env, const std::string& dir) {
  auto data = env->ReadSmallFile(log::JoinPath(dir, kPartitionMetadataFile));
  if (!data.ok()) return std::nullopt;
  std::string text(AsChars(*data));
  auto at = text.find("topic_id:");
  if (at == std::string::npos) return std::nullopt;
  std::string id = text.substr(at + 9);
  id.erase(0, id.find_first_not_of(' '));
  id = id.substr(0, id.find_first_of("\r\n "));
  return Uuid::FromString(id);
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Status ValidateTopicName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("topic name is empty");
  if (name == "." || name == "..") {
    return Status::InvalidArgument(fmt::format("topic name cannot be '{}'", name));
  }
  if (name.size() > 249) {
    return Status::InvalidArgument(
        fmt::format("topic name is {} characters long, the limit is 249", name.size()));
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument(fmt::format(
          "topic name '{}' has a character other than ASCII alphanumerics, '.', '_' and '-'",
          name));
    }
  }
  return Status::Ok();
}

TopicManager::TopicManager(TopicManagerOptions options)
    : options_(std::move(options)), cleaner_(options_.cleaner_backoff_ms) {}

TopicManager::~TopicManager() { Close().IgnoreError(); }

Result<std::unique_ptr<TopicManager>> TopicManager::Open(TopicManagerOptions options) {
  std::unique_ptr<TopicManager> manager(new TopicManager(std::move(options)));
  BROOK_RETURN_IF_ERROR(manager->Load());
  if (manager->options_.start_cleaner) manager->cleaner_.Start();
  return manager;
}

Result<std::unique_ptr<log::Log>> TopicManager::OpenPartitionLocked(const TopicInfo& topic,
                                                                    int32_t partition) {
  log::LogConfig config;
  BROOK_ASSIGN_OR_RETURN(config, EffectiveLogConfig(options_.log_defaults, topic.configs));
  std::string dir = PartitionDir(options_.log_dir, topic.name, partition);
  bool fresh = !options_.env->FileExists(log::JoinPath(dir, kPartitionMetadataFile));
  std::unique_ptr<log::Log> log;
  BROOK_ASSIGN_OR_RETURN(log, log::Log::Open(options_.env, dir, config, options_.clock));
  if (fresh) BROOK_RETURN_IF_ERROR(WritePartitionMetadata(options_.env, dir, topic.id));
  cleaner_.Register(log.get());
  return log;
}

Status TopicManager::Load() {
  std::lock_guard lock(mutex_);
  BROOK_RETURN_IF_ERROR(options_.env->CreateDirs(options_.log_dir));
  std::string path = log::JoinPath(options_.log_dir, kTopicsFile);
  std::map<std::string, TopicInfo> known;
  if (options_.env->FileExists(path)) {
    Bytes data;
    BROOK_ASSIGN_OR_RETURN(data, options_.env->ReadSmallFile(path));
    json doc = json::parse(AsChars(data), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.contains("topics") || !doc["topics"].is_array()) {
      return Status::Corruption(fmt::format("{} is not a valid topic record", path));
    }
    for (const auto& t : doc["topics"]) {
      TopicInfo info;
      if (!t.contains("name") || !t["name"].is_string() || !t.contains("id") ||
          !t["id"].is_string() || !t.contains("partitions") || !t["partitions"].is_number()) {
        return Status::Corruption(
            fmt::format("{}: a topic entry lacks name, id or partitions", path));
      }
      info.name = t["name"];
      auto id = Uuid::FromString(t["id"].get<std::string>());
      if (!id) return Status::Corruption(fmt::format("{}: bad topic id for {}", path, info.name));
      info.id = *id;
      info.partitions = t["partitions"];
      info.internal = t.value("internal", false);
      if (t.contains("configs") && t["configs"].is_object()) {
        for (const auto& [k, v] : t["configs"].items()) {
          if (v.is_string()) info.configs[k] = v.get<std::string>();
        }
      }
      known[info.name] = info;
    }
  }
  // Directories: finish interrupted deletions, adopt partitions the record lacks.
  std::vector<std::string> names;
  BROOK_ASSIGN_OR_RETURN(names, options_.env->ListDir(options_.log_dir));
  bool adopted = false;
  for (const auto& name : names) {
    std::string dir = log::JoinPath(options_.log_dir, name);
    if (EndsWith(name, kDeleteSuffix)) {
      Logger()->info("removing {} (a deletion interrupted by a stop)", name);
      BROOK_RETURN_IF_ERROR(options_.env->DeleteDirRecursively(dir));
      continue;
    }
    auto parsed = log::ParsePartitionDirName(name);
    if (!parsed || !ValidateTopicName(parsed->first).ok()) continue;
    auto& [topic, partition] = *parsed;
    auto it = known.find(topic);
    if (it != known.end()) {
      if (partition >= it->second.partitions) {
        Logger()->warn("[{}] adopting partition directory {} beyond the recorded count {}", topic,
                       name, it->second.partitions);
        it->second.partitions = partition + 1;
        adopted = true;
      }
      continue;
    }
    auto id = ReadPartitionMetadata(options_.env, dir);
    if (!id) {
      Logger()->warn("skipping directory {}: no readable partition.metadata", name);
      continue;
    }
    Logger()->warn("[{}] adopting a topic found on disk but not in {}", topic, kTopicsFile);
    TopicInfo info;
    info.name = topic;
    info.id = *id;
    info.partitions = partition + 1;
    info.internal = topic.rfind("__", 0) == 0;
    known[topic] = info;
    adopted = true;
  }
  for (auto& [name, info] : known) {
    Topic topic;
    topic.info = info;
    for (int32_t p = 0; p < info.partitions; ++p) {
      std::unique_ptr<log::Log> log;
      BROOK_ASSIGN_OR_RETURN(log, OpenPartitionLocked(info, p));
      topic.logs.push_back(std::move(log));
    }
    topics_.emplace(name, std::move(topic));
  }
  if (adopted) BROOK_RETURN_IF_ERROR(SaveLocked());
  Logger()->info("loaded {} topics from {}", topics_.size(), options_.log_dir);
  return Status::Ok();
}

Status TopicManager::SaveLocked() {
  json topics = json::array();
  for (const auto& [name, topic] : topics_) {
    json t;
    t["name"] = name;
    t["id"] = topic.info.id.ToString();
    t["partitions"] = topic.info.partitions;
    if (topic.info.internal) t["internal"] = true;
    t["configs"] = json::object();
    for (const auto& [k, v] : topic.info.configs) t["configs"][k] = v;
    topics.push_back(t);
  }
  json doc;
  doc["version"] = 1;
  doc["topics"] = topics;
  std::string text = doc.dump(2) + "\n";
  return options_.env->WriteSmallFileAtomically(log::JoinPath(options_.log_dir, kTopicsFile),
                                                AsBytes(text));
}

Result<TopicInfo> TopicManager::CreateTopic(const std::string& name, int32_t partitions,
                                            const ConfigMap& configs, bool validate_only,
                                            bool internal) {
  BROOK_RETURN_IF_ERROR(ValidateTopicName(name));
  if (partitions < 1) {
    return Status::InvalidArgument(fmt::format("partition count {} is below 1", partitions));
  }
  BROOK_RETURN_IF_ERROR(ValidateTopicConfigs(configs));
  std::lock_guard lock(mutex_);
  if (closed_) return Status::Unavailable("the broker is shutting down");
  if (topics_.count(name) > 0) {
    return Status::AlreadyExists(fmt::format("Topic '{}' already exists.", name));
  }
  TopicInfo info;
  info.name = name;
  info.id = Uuid::Random();
  info.partitions = partitions;
  info.configs = configs;
  info.internal = internal;
  if (validate_only) return info;
  Topic topic;
  topic.info = info;
  for (int32_t p = 0; p < partitions; ++p) {
    auto log = OpenPartitionLocked(info, p);
    if (!log.ok()) {
      for (auto& opened : topic.logs) {
        cleaner_.Unregister(opened.get());
        opened->Delete().IgnoreError();
      }
      return log.status();
    }
    topic.logs.push_back(std::move(log).value());
  }
  topics_.emplace(name, std::move(topic));
  BROOK_RETURN_IF_ERROR(SaveLocked());
  Logger()->info("[{}] created: {} partitions, id {}", name, partitions, info.id.ToString());
  return info;
}

Status TopicManager::DeleteTopic(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(name);
  if (it == topics_.end()) {
    return Status::NotFound(fmt::format("This server does not host this topic: {}", name));
  }
  // Rename the directories first: from then on a restart finishes the deletion.
  for (size_t p = 0; p < it->second.logs.size(); ++p) {
    log::Log* log = it->second.logs[p].get();
    cleaner_.Unregister(log);
    BROOK_RETURN_IF_ERROR(log->Close());
    std::string dir = PartitionDir(options_.log_dir, name, static_cast<int32_t>(p));
    std::string doomed = fmt::format("{}.{}{}", dir, it->second.info.id.ToString(), kDeleteSuffix);
    BROOK_RETURN_IF_ERROR(options_.env->RenameFile(dir, doomed));
  }
  std::vector<std::string> doomed_dirs;
  for (size_t p = 0; p < it->second.logs.size(); ++p) {
    doomed_dirs.push_back(fmt::format("{}.{}{}",
                                      PartitionDir(options_.log_dir, name, static_cast<int32_t>(p)),
                                      it->second.info.id.ToString(), kDeleteSuffix));
  }
  topics_.erase(it);
  BROOK_RETURN_IF_ERROR(SaveLocked());
  for (const auto& dir : doomed_dirs)
    BROOK_RETURN_IF_ERROR(options_.env->DeleteDirRecursively(dir));
  Logger()->info("[{}] deleted", name);
  return Status::Ok();
}

Status TopicManager::CreatePartitions(const std::string& name, int32_t total, bool validate_only) {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(name);
  if (it == topics_.end()) {
    return Status::NotFound(fmt::format("This server does not host this topic: {}", name));
  }
  int32_t current = it->second.info.partitions;
  if (total <= current) {
    return Status::InvalidArgument(fmt::format(
        "Topic currently has {} partitions, which is higher than or equal to the requested {}.",
        current, total));
  }
  if (validate_only) return Status::Ok();
  for (int32_t p = current; p < total; ++p) {
    std::unique_ptr<log::Log> log;
    BROOK_ASSIGN_OR_RETURN(log, OpenPartitionLocked(it->second.info, p));
    it->second.logs.push_back(std::move(log));
    it->second.info.partitions = p + 1;
  }
  return SaveLocked();
}

Status TopicManager::SetTopicConfigs(const std::string& name, const ConfigMap& configs,
                                     bool validate_only) {
  BROOK_RETURN_IF_ERROR(ValidateTopicConfigs(configs));
  std::lock_guard lock(mutex_);
  auto it = topics_.find(name);
  if (it == topics_.end()) {
    return Status::NotFound(fmt::format("This server does not host this topic: {}", name));
  }
  log::LogConfig config;
  BROOK_ASSIGN_OR_RETURN(config, EffectiveLogConfig(options_.log_defaults, configs));
  if (validate_only) return Status::Ok();
  it->second.info.configs = configs;
  for (auto& log : it->second.logs) log->SetConfig(config);
  return SaveLocked();
}

std::optional<TopicInfo> TopicManager::Find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return std::nullopt;
  return it->second.info;
}

std::optional<TopicInfo> TopicManager::FindById(const Uuid& id) const {
  std::lock_guard lock(mutex_);
  for (const auto& [name, topic] : topics_) {
    if (topic.info.id == id) return topic.info;
  }
  return std::nullopt;
}

std::vector<TopicInfo> TopicManager::Topics() const {
  std::lock_guard lock(mutex_);
  std::vector<TopicInfo> out;
  for (const auto& [name, topic] : topics_) out.push_back(topic.info);
  return out;
}

std::vector<ConfigEntry> TopicManager::DescribeConfigs(const TopicInfo& topic) const {
  return DescribeTopicConfigs(options_.log_defaults, options_.broker_set, topic.configs);
}

log::Log* TopicManager::GetLog(const std::string& topic, int32_t partition) const {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  if (it == topics_.end() || partition < 0 ||
      static_cast<size_t>(partition) >= it->second.logs.size()) {
    return nullptr;
  }
  return it->second.logs[static_cast<size_t>(partition)].get();
}

int TopicManager::RunRetention() {
  std::lock_guard lock(mutex_);
  int deleted = 0;
  for (auto& [name, topic] : topics_) {
    for (auto& log : topic.logs) {
      auto result = log->ApplyRetention();
      if (result.ok()) {
        deleted += *result;
      } else {
        Logger()->warn("[{}] retention failed: {}", log->name(), result.status().ToString());
      }
    }
  }
  return deleted;
}

void TopicManager::RunFlush() {
  std::lock_guard lock(mutex_);
  for (auto& [name, topic] : topics_) {
    for (auto& log : topic.logs) {
      Status s = log->MaybeFlush();
      if (!s.ok()) Logger()->warn("[{}] flush failed: {}", log->name(), s.ToString());
    }
  }
}

Status TopicManager::Close() {
  cleaner_.Stop();
  std::lock_guard lock(mutex_);
  if (closed_) return Status::Ok();
  closed_ = true;
  Status first;
  for (auto& [name, topic] : topics_) {
    for (auto& log : topic.logs) {
      cleaner_.Unregister(log.get());
      Status s = log->Close();
      if (!s.ok() && first.ok()) first = s;
    }
  }
  return first;
}

}  // namespace brook::broker::metadata
