// `brook topics create|list|describe|delete|alter`.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tools/admin_client.h"
#include "tools/command.h"
#include "tools/kafka_client.h"

namespace brook::tools {
namespace {

struct TopicsOptions {
  ConnectionOptions connection;
  std::string topic;
  int partitions = 1;        // create
  int alter_partitions = 0;  // alter; 0 = unchanged
  int replication_factor = 1;
  std::vector<std::string> configs;
  std::vector<std::string> delete_configs;
};

Result<std::map<std::string, std::string>> ParseConfigs(const std::vector<std::string>& configs) {
  std::map<std::string, std::string> parsed;
  for (const std::string& config : configs) {
    BROOK_ASSIGN_OR_RETURN(auto pair, SplitKeyValue(config));
    parsed[pair.first] = pair.second;
  }
  return parsed;
}

std::string JoinIds(const std::vector<int32_t>& ids) {
  std::string text;
  for (int32_t id : ids) text += (text.empty() ? "" : ",") + std::to_string(id);
  return text;
}

Status Create(const TopicsOptions& options) {
  BROOK_ASSIGN_OR_RETURN(auto configs, ParseConfigs(options.configs));
  BROOK_ASSIGN_OR_RETURN(auto admin, AdminClient::Create(options.connection));
  BROOK_RETURN_IF_ERROR(
      admin->CreateTopic(options.topic, options.partitions, options.replication_factor, configs));
  std::printf("Created topic %s.\n", options.topic.c_str());
  return Status::Ok();
}

Status List(const TopicsOptions& options) {
  BROOK_ASSIGN_OR_RETURN(auto client,
                         KafkaClient::Create(KafkaClient::Kind::kProducer, options.connection, {}));
  BROOK_ASSIGN_OR_RETURN(ClusterInfo cluster, client->FetchMetadata());
  for (const TopicInfo& topic : cluster.topics) std::printf("%s\n", topic.name.c_str());
  return Status::Ok();
}

void PrintTopic(AdminClient& admin, const TopicInfo& topic) {
  const size_t replication = topic.partitions.empty() ? 0 : topic.partitions[0].replicas.size();
  std::string configs;
  Result<std::vector<ConfigEntry>> entries = admin.DescribeTopicConfigs(topic.name);
  if (entries.ok()) {
    for (const ConfigEntry& entry : *entries) {
      if (entry.is_default) continue;
      configs += (configs.empty() ? "" : ",") + entry.name + "=" +
                 (entry.is_sensitive ? "<sensitive>" : entry.value);
    }
  } else {
    std::fprintf(stderr, "brook: configs of '%s' unavailable: %s\n", topic.name.c_str(),
                 entries.status().message().c_str());
  }
  std::printf("Topic: %s\tPartitionCount: %zu\tReplicationFactor: %zu", topic.name.c_str(),
              topic.partitions.size(), replication);
  if (entries.ok()) std::printf("\tConfigs: %s", configs.c_str());
  std::printf("\n");
  for (const PartitionInfo& partition : topic.partitions) {
    std::printf("\tTopic: %s\tPartition: %d\tLeader: %d\tReplicas: %s\tIsr: %s", topic.name.c_str(),
                partition.id, partition.leader, JoinIds(partition.replicas).c_str(),
                JoinIds(partition.isr).c_str());
    if (partition.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::printf("\tError: %s", rd_kafka_err2str(partition.error));
    }
    std::printf("\n");
  }
}

Status Describe(const TopicsOptions& options) {
  BROOK_ASSIGN_OR_RETURN(auto admin, AdminClient::Create(options.connection));
  if (!options.topic.empty()) {
    BROOK_ASSIGN_OR_RETURN(TopicInfo topic, admin->client().FetchTopic(options.topic));
    PrintTopic(*admin, topic);
    return Status::Ok();
  }
  BROOK_ASSIGN_OR_RETURN(ClusterInfo cluster, admin->client().FetchMetadata());
  for (const TopicInfo& topic : cluster.topics) PrintTopic(*admin, topic);
  return Status::Ok();
}

Status Delete(const TopicsOptions& options) {
  BROOK_ASSIGN_OR_RETURN(auto admin, AdminClient::Create(options.connection));
  BROOK_RETURN_IF_ERROR(admin->DeleteTopic(options.topic));
  std::printf("Deleted topic %s.\n", options.topic.c_str());
  return Status::Ok();
}

Status Alter(const TopicsOptions& options) {
  BROOK_ASSIGN_OR_RETURN(auto changes, ParseConfigs(options.configs));
  BROOK_ASSIGN_OR_RETURN(auto admin, AdminClient::Create(options.connection));
  BROOK_ASSIGN_OR_RETURN(TopicInfo topic, admin->client().FetchTopic(options.topic));
  const int current = static_cast<int>(topic.partitions.size());
  if (options.alter_partitions != 0 && options.alter_partitions < current) {
    return Status::InvalidArgument("topic '" + options.topic + "' has " + std::to_string(current) +
                                   " partitions; the count can only grow");
  }
  if (options.alter_partitions > current) {
    BROOK_RETURN_IF_ERROR(admin->CreatePartitions(options.topic, options.alter_partitions));
  }
  if (!changes.empty() || !options.delete_configs.empty()) {
    // AlterConfigs replaces all overrides: start from the current ones.
    BROOK_ASSIGN_OR_RETURN(std::vector<ConfigEntry> entries,
                           admin->DescribeTopicConfigs(options.topic));
    std::map<std::string, std::string> overrides;
    for (const ConfigEntry& entry : entries) {
      if (entry.is_topic_override) overrides[entry.name] = entry.value;
    }
    for (const std::string& name : options.delete_configs) {
      if (overrides.erase(name) == 0 && changes.count(name) == 0) {
        return Status::InvalidArgument("config '" + name + "' is not set on topic '" +
                                       options.topic + "'");
      }
    }
    for (const auto& [name, value] : changes) overrides[name] = value;
    BROOK_RETURN_IF_ERROR(admin->ReplaceTopicConfigs(options.topic, overrides));
  }
  std::printf("Altered topic %s.\n", options.topic.c_str());
  return Status::Ok();
}

CLI::App* AddLeaf(CLI::App& topics, Action& action, const std::shared_ptr<TopicsOptions>& options,
                  const std::string& name, const std::string& help,
                  Status (*run)(const TopicsOptions&)) {
  CLI::App* leaf = topics.add_subcommand(name, help);
  AddConnectionOptions(*leaf, options->connection);
  leaf->callback([&action, options, run] { action = [options, run] { return run(*options); }; });
  return leaf;
}

}  // namespace

void AddTopicsCommand(CLI::App& app, Action& action) {
  auto options = std::make_shared<TopicsOptions>();
  CLI::App* topics =
      app.add_subcommand("topics", "Create, list, describe, alter and delete topics");
  topics->require_subcommand(1);

  CLI::App* create = AddLeaf(*topics, action, options, "create", "Create a topic", Create);
  create->add_option("topic", options->topic, "Topic name")->required();
  create->add_option("--partitions", options->partitions, "Number of partitions")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  create->add_option("--replication-factor", options->replication_factor, "Replicas per partition")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  create->add_option("--config", options->configs, "Topic config key=value (repeatable)")
      ->check(CheckKeyValue);

  AddLeaf(*topics, action, options, "list", "List topic names, one per line", List);

  CLI::App* describe =
      AddLeaf(*topics, action, options, "describe",
              "Partitions, leader, replicas, isr and configs of one or all topics", Describe);
  describe->add_option("topic", options->topic, "Topic name (default: every topic)");

  CLI::App* remove = AddLeaf(*topics, action, options, "delete", "Delete a topic", Delete);
  remove->add_option("topic", options->topic, "Topic name")->required();

  CLI::App* alter = AddLeaf(*topics, action, options, "alter",
                            "Add partitions, set or remove topic configs", Alter);
  alter->add_option("topic", options->topic, "Topic name")->required();
  alter->preparse_callback([options](size_t) { options->alter_partitions = 0; });
  alter->parse_complete_callback([options] {
    if (options->alter_partitions == 0 && options->configs.empty() &&
        options->delete_configs.empty()) {
      throw CLI::ValidationError("topics alter needs --partitions, --config or --delete-config");
    }
  });
  alter->add_option("--partitions", options->alter_partitions, "New (larger) number of partitions")
      ->check(CLI::PositiveNumber);
  alter->add_option("--config", options->configs, "Set topic config key=value (repeatable)")
      ->check(CheckKeyValue);
  alter->add_option("--delete-config", options->delete_configs,
                    "Remove a topic config override, back to the default (repeatable)");
}

}  // namespace brook::tools
