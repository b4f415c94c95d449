// FindCoordinator (key 10): this node coordinates every group and every transactional id.
// The first lookup of a group creates __consumer_offsets, of a transactional id
// __transaction_state (as Kafka does); while that cannot be done the answer is
// COORDINATOR_NOT_AVAILABLE and clients ask again.
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/coordinator/txn/txn_coordinator.h"
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleFindCoordinator(RequestContext& ctx, const protocol::FindCoordinatorRequest& request,
                           Reply<protocol::FindCoordinatorResponse> reply) {
  protocol::FindCoordinatorResponse response;
  if (request.key_type != 0 && request.key_type != 1) {
    response.error_code = Code(ErrorCode::kInvalidRequest);
    response.error_message = "key type must be 0 (group) or 1 (transaction)";
    for (const auto& key : request.coordinator_keys) {
      auto& c = response.coordinators.emplace_back();
      c.key = key;
      c.error_code = Code(ErrorCode::kInvalidRequest);
    }
    return reply(std::move(response));
  }
  ErrorCode code = ErrorCode::kNone;
  if (request.key_type == 0 && ctx.broker.groups != nullptr) {
    code = ctx.broker.groups->EnsureOffsetsTopic();
  } else if (request.key_type == 1 && ctx.broker.txns != nullptr) {
    code = ctx.broker.txns->EnsureStateTopic();
  }
  if (code != ErrorCode::kNone) {
    response.error_code = Code(code);
    response.node_id = -1;
    response.port = -1;
    for (const auto& key : request.coordinator_keys) {
      auto& c = response.coordinators.emplace_back();
      c.key = key;
      c.node_id = -1;
      c.port = -1;
      c.error_code = Code(code);
    }
    return reply(std::move(response));
  }
  response.error_code = Code(ErrorCode::kNone);
  response.node_id = ctx.broker.node_id;
  response.host = ctx.broker.advertised_host;
  response.port = ctx.broker.advertised_port;
  for (const auto& key : request.coordinator_keys) {
    auto& c = response.coordinators.emplace_back();
    c.key = key;
    c.node_id = ctx.broker.node_id;
    c.host = ctx.broker.advertised_host;
    c.port = ctx.broker.advertised_port;
    c.error_code = Code(ErrorCode::kNone);
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
