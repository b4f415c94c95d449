// JoinGroup (key 11): a member joins (or rejoins) its group; the answer waits for the
// rebalance's join phase to end (GroupCoordinator).
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleJoinGroup(RequestContext& ctx, const protocol::JoinGroupRequest& request,
                     Reply<protocol::JoinGroupResponse> reply) {
  ctx.broker.groups->JoinGroup(
      request, GroupRequestInfo(ctx),
      [reply](protocol::JoinGroupResponse response) { reply(std::move(response)); });
}

}  // namespace brook::broker::handlers
