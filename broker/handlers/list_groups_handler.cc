// ListGroups (key 16): every group this coordinator knows (v4: filtered by state).
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleListGroups(RequestContext& ctx, const protocol::ListGroupsRequest& request,
                      Reply<protocol::ListGroupsResponse> reply) {
  reply(ctx.broker.groups->ListGroups(request, GroupRequestInfo(ctx)));
}

}  // namespace brook::broker::handlers
