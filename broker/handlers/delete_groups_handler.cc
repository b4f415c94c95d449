// DeleteGroups (key 42): removes empty groups and their committed offsets.
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleDeleteGroups(RequestContext& ctx, const protocol::DeleteGroupsRequest& request,
                        Reply<protocol::DeleteGroupsResponse> reply) {
  reply(ctx.broker.groups->DeleteGroups(request, GroupRequestInfo(ctx)));
}

}  // namespace brook::broker::handlers
