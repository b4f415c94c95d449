// DescribeGroups (key 15): state, protocol and members (with their opaque metadata and
// assignments) of groups.
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleDescribeGroups(RequestContext& ctx, const protocol::DescribeGroupsRequest& request,
                          Reply<protocol::DescribeGroupsResponse> reply) {
  reply(ctx.broker.groups->DescribeGroups(request, GroupRequestInfo(ctx)));
}

}  // namespace brook::broker::handlers
