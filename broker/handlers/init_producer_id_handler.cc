// InitProducerId (key 22): a producer id and epoch, fresh for an idempotent producer, kept per
// transactional id (bumping the epoch fences the previous producer) by the transaction coordinator.
#include "broker/coordinator/txn/txn_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleInitProducerId(RequestContext& ctx, const protocol::InitProducerIdRequest& request,
                          Reply<protocol::InitProducerIdResponse> reply) {
  reply(ctx.broker.txns->InitProducerId(request, ctx.api_version));
}

}  // namespace brook::broker::handlers
