#pragma once

#include <memory>
#include <string>

#include "broker/app/broker.h"
#include "common/result.h"

namespace brook::broker::app {

// A broker inside the current process on an ephemeral loopback port, for tests and for the
// streams framework's embedded default (DESIGN.md decision 3).
//
//   auto broker = EmbeddedBroker::Start("/tmp/app-state/broker");
//   rd_kafka_conf_set(conf, "bootstrap.servers", (*broker)->bootstrap().c_str(), ...);
//
// Thread safety: as Broker.
class EmbeddedBroker {
 public:
  // Starts a broker with its data under `data_dir` on 127.0.0.1 and a free port. `overrides`
  // are server.properties keys applied on top (e.g. {"num.partitions", "8"}). Unlike
  // brook-broker's default, group.initial.rebalance.delay.ms is 0 unless overridden.
  static Result<std::unique_ptr<EmbeddedBroker>> Start(const std::string& data_dir,
                                                       const Properties& overrides = {});
  ~EmbeddedBroker();

  // "127.0.0.1:<port>".
  std::string bootstrap() const { return broker_->bootstrap(); }
  int port() const { return broker_->port(); }
  Broker& broker() { return *broker_; }
  // Stops gracefully (idempotent); the data stays in data_dir.
  void Stop();

 private:
  explicit EmbeddedBroker(std::unique_ptr<Broker> broker) : broker_(std::move(broker)) {}
  std::unique_ptr<Broker> broker_;
};

}  // namespace brook::broker::app
