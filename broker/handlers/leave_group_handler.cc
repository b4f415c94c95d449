// LeaveGroup (key 13): members leave their group (v3+: several at once, by instance id too).
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleLeaveGroup(RequestContext& ctx, const protocol::LeaveGroupRequest& request,
                      Reply<protocol::LeaveGroupResponse> reply) {
  reply(ctx.broker.groups->LeaveGroup(request, GroupRequestInfo(ctx)));
}

}  // namespace brook::broker::handlers
