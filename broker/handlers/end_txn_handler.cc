// EndTxn (key 26): commits or aborts the producer's transaction; answered once every marker is
// written.
#include "broker/coordinator/txn/txn_coordinator.h"
#include "broker/handlers/broker_metrics.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleEndTxn(RequestContext& ctx, const protocol::EndTxnRequest& request,
                  Reply<protocol::EndTxnResponse> reply) {
  protocol::EndTxnResponse response = ctx.broker.txns->EndTxn(request, ctx.api_version);
  if (ctx.broker.metrics != nullptr && response.error_code == 0) {
    ctx.broker.metrics->TransactionEnded(request.committed);
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
