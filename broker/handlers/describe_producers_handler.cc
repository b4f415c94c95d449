// DescribeProducers (key 61): the idempotent and transactional producers a partition knows, from
// its producer state (admin tools, `brook transactions describe-producers`).
#include "broker/handlers/handler.h"

namespace brook::broker::handlers {

void HandleDescribeProducers(RequestContext& ctx, const protocol::DescribeProducersRequest& request,
                             Reply<protocol::DescribeProducersResponse> reply) {
  protocol::DescribeProducersResponse response;
  for (const auto& topic : request.topics) {
    auto& topic_out = response.topics.emplace_back();
    topic_out.name = topic.name;
    for (int32_t index : topic.partition_indexes) {
      auto& out = topic_out.partitions.emplace_back();
      out.partition_index = index;
      log::Log* log = ctx.broker.topics->GetLog(topic.name, index);
      if (log == nullptr) {
        out.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
        out.error_message = "This server does not host this topic-partition";
        continue;
      }
      out.error_code = Code(ErrorCode::kNone);
      for (const auto& entry : log->Producers()) {
        auto& p = out.active_producers.emplace_back();
        p.producer_id = entry.producer_id.value();
        p.producer_epoch = entry.epoch.value();
        p.last_sequence = entry.last_seq();
        p.last_timestamp = entry.last_timestamp;
        p.coordinator_epoch = entry.coordinator_epoch;
        p.current_txn_start_offset = entry.txn_first_offset ? entry.txn_first_offset->value() : -1;
      }
    }
  }
  reply(std::move(response));
}

}  // namespace brook::broker::handlers
