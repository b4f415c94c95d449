// AddOffsetsToTxn (key 25): a group's __consumer_offsets partition joins the transaction, so its
// TxnOffsetCommit offsets commit or abort with it.
#include "broker/coordinator/txn/txn_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleAddOffsetsToTxn(RequestContext& ctx, const protocol::AddOffsetsToTxnRequest& request,
                           Reply<protocol::AddOffsetsToTxnResponse> reply) {
  reply(ctx.broker.txns->AddOffsets(request, ctx.api_version));
}

}  // namespace brook::broker::handlers
