// ListTransactions (key 66): transactional ids, filtered by state and producer id (admin tools).
#include "broker/coordinator/txn/txn_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleListTransactions(RequestContext& ctx, const protocol::ListTransactionsRequest& request,
                            Reply<protocol::ListTransactionsResponse> reply) {
  reply(ctx.broker.txns->List(request));
}

}  // namespace brook::broker::handlers
