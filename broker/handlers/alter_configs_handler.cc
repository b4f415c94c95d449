// AlterConfigs (key 33): replaces a topic's config overrides with the given set (Kafka's
// semantics: keys not given go back to their defaults). Broker configs cannot be changed while
// the broker runs yet: INVALID_REQUEST saying so.
#include <fmt/format.h>

#include "broker/handlers/config_resources.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleAlterConfigs(RequestContext& ctx, const protocol::AlterConfigsRequest& request,
                        Reply<protocol::AlterConfigsResponse> reply) {
  protocol::AlterConfigsResponse response;
  for (const auto& resource : request.resources) {
    auto& out = response.responses.emplace_back();
    out.resource_type = resource.resource_type;
    out.resource_name = resource.resource_name;
    if (resource.resource_type != kResourceTopic) {
      out.error_code = Code(ErrorCode::kInvalidRequest);
      out.error_message = "Brook cannot change broker configs at run time; edit server.properties";
      continue;
    }
    metadata::ConfigMap configs;
    for (const auto& c : resource.configs) {
      if (c.value) configs[c.name] = *c.value;
    }
    Status s =
        ctx.broker.topics->SetTopicConfigs(resource.resource_name, configs, request.validate_only);
    if (s.ok()) {
      out.error_code = Code(ErrorCode::kNone);
    } else {
      out.error_code = Code(s.code() == StatusCode::kNotFound ? ErrorCode::kUnknownTopicOrPartition
                                                              : ErrorCode::kInvalidConfig);
      out.error_message = s.message();
    }
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
