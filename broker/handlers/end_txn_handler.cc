// EndTxn (key 26): commits or aborts the producer's transaction; answered once every marker is
// written.
#include "broker/coordinator/txn/txn_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleEndTxn(RequestContext& ctx, const protocol::EndTxnRequest& request,
                  Reply<protocol::EndTxnResponse> reply) {
  reply(ctx.broker.txns->EndTxn(request, ctx.api_version));
}

}  // namespace brook::broker::handlers
