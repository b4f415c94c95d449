// AddPartitionsToTxn (key 24): partitions join the producer's ongoing transaction.
#include "broker/coordinator/txn/txn_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleAddPartitionsToTxn(RequestContext& ctx,
                              const protocol::AddPartitionsToTxnRequest& request,
                              Reply<protocol::AddPartitionsToTxnResponse> reply) {
  reply(ctx.broker.txns->AddPartitions(request, ctx.api_version));
}

}  // namespace brook::broker::handlers
