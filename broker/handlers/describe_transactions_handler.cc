// DescribeTransactions (key 65): the coordinator's state of transactional ids (admin tools).
#include "broker/coordinator/txn/txn_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleDescribeTransactions(RequestContext& ctx,
                                const protocol::DescribeTransactionsRequest& request,
                                Reply<protocol::DescribeTransactionsResponse> reply) {
  reply(ctx.broker.txns->Describe(request));
}

}  // namespace brook::broker::handlers
