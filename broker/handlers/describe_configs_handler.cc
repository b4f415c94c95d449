// DescribeConfigs (key 32): a topic's effective configs with their sources, or the broker's
// configs (those given in server.properties and the overrides on the command line).
#include <fmt/format.h>

#include "broker/handlers/config_resources.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {
namespace {

using Result_ = protocol::DescribeConfigsResponse::DescribeConfigsResult;

bool Wanted(const std::optional<std::vector<std::string>>& keys, const std::string& name) {
  return !keys || std::find(keys->begin(), keys->end(), name) != keys->end();
}

}  // namespace

void HandleDescribeConfigs(RequestContext& ctx, const protocol::DescribeConfigsRequest& request,
                           Reply<protocol::DescribeConfigsResponse> reply) {
  protocol::DescribeConfigsResponse response;
  for (const auto& resource : request.resources) {
    Result_& out = response.results.emplace_back();
    out.resource_type = resource.resource_type;
    out.resource_name = resource.resource_name;
    out.error_code = Code(ErrorCode::kNone);
    auto add = [&](const std::string& name, const std::string& value, metadata::ConfigSource source,
                   metadata::ConfigType type) {
      auto& c = out.configs.emplace_back();
      c.name = name;
      c.value = value;
      c.read_only = false;
      c.is_default = source == metadata::ConfigSource::kDefaultConfig;
      c.config_source = static_cast<int8_t>(source);
      c.is_sensitive = false;
      c.config_type = static_cast<int8_t>(type);
      if (request.include_synonyms) {
        auto& synonym = c.synonyms.emplace_back();
        synonym.name = name;
        synonym.value = value;
        synonym.source = static_cast<int8_t>(source);
      }
    };
    if (resource.resource_type == kResourceTopic) {
      auto info = ctx.broker.topics->Find(resource.resource_name);
      if (!info) {
        out.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
        out.error_message = fmt::format("Topic '{}' does not exist.", resource.resource_name);
        continue;
      }
      for (const auto& entry : ctx.broker.topics->DescribeConfigs(*info)) {
        if (Wanted(resource.configuration_keys, entry.name)) {
          add(entry.name, entry.value, entry.source, entry.type);
        }
      }
    } else if (resource.resource_type == kResourceBroker) {
      if (!resource.resource_name.empty() &&
          resource.resource_name != std::to_string(ctx.broker.node_id)) {
        out.error_code = Code(ErrorCode::kInvalidRequest);
        out.error_message = fmt::format("this is node {}", ctx.broker.node_id);
        continue;
      }
      for (const auto& [name, value] : ctx.broker.broker_configs) {
        if (Wanted(resource.configuration_keys, name)) {
          add(name, value, metadata::ConfigSource::kStaticBrokerConfig,
              metadata::ConfigType::kString);
        }
      }
    } else {
      out.error_code = Code(ErrorCode::kInvalidRequest);
      out.error_message = fmt::format("resource type {} is not supported", resource.resource_type);
    }
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
