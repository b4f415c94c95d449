// SyncGroup (key 14): the leader hands out the assignment, the followers wait for theirs.
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleSyncGroup(RequestContext& ctx, const protocol::SyncGroupRequest& request,
                     Reply<protocol::SyncGroupResponse> reply) {
  ctx.broker.groups->SyncGroup(
      request, GroupRequestInfo(ctx),
      [reply](protocol::SyncGroupResponse response) { reply(std::move(response)); });
}

}  // namespace brook::broker::handlers
