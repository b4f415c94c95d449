// ApiVersions (key 18): the versions of every API this broker serves, from the dispatch table.
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleApiVersions(RequestContext&, const protocol::ApiVersionsRequest&,
                       Reply<protocol::ApiVersionsResponse> reply) {
  protocol::ApiVersionsResponse response;
  response.error_code = Code(ErrorCode::kNone);
  for (const auto& api : ServedApis()) {
    auto& entry = response.api_keys.emplace_back();
    entry.api_key = static_cast<int16_t>(api.key);
    entry.min_version = api.min_version;
    entry.max_version = api.max_version;
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
