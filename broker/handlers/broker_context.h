#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "broker/metadata/topic_manager.h"
#include "broker/server/server.h"

namespace brook::broker::coordinator {
class GroupCoordinator;
namespace txn {
class TransactionCoordinator;
}
}  // namespace brook::broker::coordinator

namespace brook::broker::handlers {

class BrokerMetrics;  // broker/handlers/broker_metrics.h

// What request handlers see of the broker: identity, the settings they apply, and the
// components they call. Owned by the Broker; lives as long as it.
struct BrokerContext {
  int32_t node_id = 1;
  std::string cluster_id;
  std::string advertised_host = "127.0.0.1";  // what Metadata and FindCoordinator return
  int advertised_port = 9092;
  bool auto_create_topics = true;  // auto.create.topics.enable
  int32_t num_partitions = 1;      // num.partitions
  bool delete_topic_enable = true;
  // Broker configs as DescribeConfigs reports them for the BROKER resource (name -> value).
  std::map<std::string, std::string> broker_configs;
  metadata::TopicManager* topics = nullptr;
  coordinator::GroupCoordinator* groups = nullptr;
  coordinator::txn::TransactionCoordinator* txns = nullptr;
  server::Server* server = nullptr;
  // Request, topic and transaction counters (null in tests that build a context by hand).
  BrokerMetrics* metrics = nullptr;
};

}  // namespace brook::broker::handlers
