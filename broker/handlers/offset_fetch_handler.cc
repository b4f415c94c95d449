// OffsetFetch (key 9): a group's committed positions (v8: several groups at once).
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleOffsetFetch(RequestContext& ctx, const protocol::OffsetFetchRequest& request,
                       Reply<protocol::OffsetFetchResponse> reply) {
  reply(ctx.broker.groups->FetchOffsets(request, GroupRequestInfo(ctx)));
}

}  // namespace brook::broker::handlers
