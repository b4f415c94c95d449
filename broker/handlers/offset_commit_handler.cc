// OffsetCommit (key 8): stores a group's consumed positions in __consumer_offsets.
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleOffsetCommit(RequestContext& ctx, const protocol::OffsetCommitRequest& request,
                        Reply<protocol::OffsetCommitResponse> reply) {
  reply(ctx.broker.groups->CommitOffsets(request, GroupRequestInfo(ctx)));
}

}  // namespace brook::broker::handlers
