// Heartbeat (key 12): keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin.
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleHeartbeat(RequestContext& ctx, const protocol::HeartbeatRequest& request,
                     Reply<protocol::HeartbeatResponse> reply) {
  reply(ctx.broker.groups->Heartbeat(request, GroupRequestInfo(ctx)));
}

}  // namespace brook::broker::handlers
