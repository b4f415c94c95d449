// TxnOffsetCommit (key 28): a transactional producer's offsets for a group, pending until the
// transaction's marker reaches the group's __consumer_offsets partition (group coordinator).
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleTxnOffsetCommit(RequestContext& ctx, const protocol::TxnOffsetCommitRequest& request,
                           Reply<protocol::TxnOffsetCommitResponse> reply) {
  reply(ctx.broker.groups->CommitTxnOffsets(request, GroupRequestInfo(ctx)));
}

}  // namespace brook::broker::handlers
