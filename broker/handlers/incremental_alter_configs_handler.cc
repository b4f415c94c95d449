// IncrementalAlterConfigs (key 44): SET / DELETE / APPEND / SUBTRACT on a topic's config
// overrides (APPEND and SUBTRACT on list configs such as cleanup.policy). Broker configs: as
// AlterConfigs, not changeable at run time yet.
#include <fmt/format.h>

#include "broker/handlers/config_resources.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {
namespace {

constexpr int8_t kSet = 0;
constexpr int8_t kDelete = 1;
constexpr int8_t kAppend = 2;
constexpr int8_t kSubtract = 3;

std::vector<std::string> SplitList(const std::string& value) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    std::string item =
        value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) items.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

void HandleIncrementalAlterConfigs(RequestContext& ctx,
                                   const protocol::IncrementalAlterConfigsRequest& request,
                                   Reply<protocol::IncrementalAlterConfigsResponse> reply) {
  protocol::IncrementalAlterConfigsResponse response;
  for (const auto& resource : request.resources) {
    auto& out = response.responses.emplace_back();
    out.resource_type = resource.resource_type;
    out.resource_name = resource.resource_name;
    if (resource.resource_type != kResourceTopic) {
      out.error_code = Code(ErrorCode::kInvalidRequest);
      out.error_message = "Brook cannot change broker configs at run time; edit server.properties";
      continue;
    }
    auto info = ctx.broker.topics->Find(resource.resource_name);
    if (!info) {
      out.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
      continue;
    }
    metadata::ConfigMap configs = info->configs;
    std::string error;
    for (const auto& c : resource.configs) {
      std::string value = c.value.value_or("");
      switch (c.config_operation) {
        case kSet:
          configs[c.name] = value;
          break;
        case kDelete:
          configs.erase(c.name);
          break;
        case kAppend:
        case kSubtract: {
          std::string current;
          if (auto it = configs.find(c.name); it != configs.end()) {
            current = it->second;
          } else {
            for (const auto& entry : ctx.broker.topics->DescribeConfigs(*info)) {
              if (entry.name == c.name) current = entry.value;
            }
          }
          std::vector<std::string> items = SplitList(current);
          for (const auto& item : SplitList(value)) {
            auto at = std::find(items.begin(), items.end(), item);
            if (c.config_operation == kAppend && at == items.end()) items.push_back(item);
            if (c.config_operation == kSubtract && at != items.end()) items.erase(at);
          }
          configs[c.name] = JoinList(items);
          break;
        }
        default:
          error = fmt::format("unknown config operation {}", c.config_operation);
      }
    }
    Status s = error.empty()
                   ? ctx.broker.topics->SetTopicConfigs(info->name, configs, request.validate_only)
                   : Status::InvalidArgument(error);
    out.error_code = Code(s.ok() ? ErrorCode::kNone : ErrorCode::kInvalidConfig);
    if (!s.ok()) out.error_message = s.message();
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
