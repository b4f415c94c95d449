#pragma once

#include <memory>
#include <string>

#include "broker/app/broker_config.h"
#include "broker/coordinator/group/group_coordinator.h"
#include "broker/coordinator/txn/producer_id_manager.h"
#include "broker/coordinator/txn/txn_coordinator.h"
#include "broker/handlers/broker_context.h"
#include "broker/handlers/broker_metrics.h"
#include "broker/metadata/topic_manager.h"
#include "broker/server/server.h"
#include "common/metrics.h"
#include "common/metrics_http.h"
#include "common/result.h"

namespace brook::broker::app {

// A whole broker: the topics and their logs, the network server with the handler table, and
// the periodic work (retention every log.retention.check.interval.ms, flush checks every
// log.flush.scheduler.interval.ms, offset expiry every offsets.retention.check.interval.ms,
// transaction timeouts, transactional id and producer id expiry) on the server's loop. The group
// and transaction coordinators live on that loop too.
// Thread safety: Start/Stop from one thread; accessors from any.
class Broker {
 public:
  // Loads meta.properties (creating the cluster id) and the topics under log.dirs, binds the
  // first listener and starts serving. IOError when the port is taken, FailedPrecondition when
  // meta.properties belongs to another node id.
  static Result<std::unique_ptr<Broker>> Start(BrokerConfig config);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Graceful: stop accepting, answer in-flight requests, close every log cleanly (flush and the
  // clean-shutdown markers). Idempotent.
  void Stop();

  // "host:port" of the (advertised) listener, for clients.
  std::string bootstrap() const;
  int port() const;
  const std::string& cluster_id() const { return context_.cluster_id; }
  const BrokerConfig& config() const { return config_; }
  metadata::TopicManager& topics() { return *topics_; }
  // Only on the server's loop (e.g. through a request); for tests.
  coordinator::GroupCoordinator& groups() { return *groups_; }
  coordinator::txn::TransactionCoordinator& txns() { return *txns_; }
  // The broker's metrics (kept whether or not metrics.listener serves them).
  metrics::Registry& metrics() { return *metrics_registry_; }
  // "http://HOST:PORT/metrics" when metrics.listener is set, else "".
  std::string metrics_url() const;

 private:
  Broker() = default;
  void SchedulePeriodic();
  // The scrape-time families: partition sizes and offsets, consumer group lag. They read the
  // loop's state, so each scrape runs them on the loop and waits (at most 5 s).
  void AddCollectors();

  BrokerConfig config_;
  handlers::BrokerContext context_;
  std::unique_ptr<metadata::TopicManager> topics_;
  std::unique_ptr<server::RequestDispatcher> dispatcher_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<coordinator::GroupCoordinator> groups_;
  std::unique_ptr<coordinator::txn::ProducerIdManager> producer_ids_;
  std::unique_ptr<coordinator::txn::TransactionCoordinator> txns_;
  std::unique_ptr<metrics::Registry> metrics_registry_ = std::make_unique<metrics::Registry>();
  std::unique_ptr<handlers::BrokerMetrics> metrics_;
  std::unique_ptr<metrics::MetricsHttpServer> metrics_server_;
  bool stopped_ = false;
};

}  // namespace brook::broker::app
