// DescribeCluster (key 60): this node is the whole cluster and its controller.
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleDescribeCluster(RequestContext& ctx, const protocol::DescribeClusterRequest&,
                           Reply<protocol::DescribeClusterResponse> reply) {
  protocol::DescribeClusterResponse response;
  response.error_code = Code(ErrorCode::kNone);
  response.cluster_id = ctx.broker.cluster_id;
  response.controller_id = ctx.broker.node_id;
  auto& broker = response.brokers.emplace_back();
  broker.broker_id = ctx.broker.node_id;
  broker.host = ctx.broker.advertised_host;
  broker.port = ctx.broker.advertised_port;
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
