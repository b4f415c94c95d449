// OffsetDelete (key 47): removes committed offsets of partitions a group no longer reads.
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleOffsetDelete(RequestContext& ctx, const protocol::OffsetDeleteRequest& request,
                        Reply<protocol::OffsetDeleteResponse> reply) {
  reply(ctx.broker.groups->DeleteOffsets(request, GroupRequestInfo(ctx)));
}

}  // namespace brook::broker::handlers
