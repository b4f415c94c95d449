#include "broker/app/embedded_broker.h"

namespace brook::broker::app {

Result<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::Start(const std::string& data_dir,
                                                              const Properties& overrides) {
  // A group's first rebalance does not wait: an embedded broker serves development, tests and
  // single-process apps, where Kafka too recommends group.initial.rebalance.delay.ms=0.
  Properties props = {{"listeners", "PLAINTEXT://127.0.0.1:0"},
                      {"log.dirs", data_dir},
                      {"group.initial.rebalance.delay.ms", "0"}};
  for (const auto& [key, value] : overrides) props[key] = value;
  BrokerConfig config;
  BROOK_ASSIGN_OR_RETURN(config, BrokerConfig::FromProperties(props));
  std::unique_ptr<Broker> broker;
  BROOK_ASSIGN_OR_RETURN(broker, Broker::Start(std::move(config)));
  return std::unique_ptr<EmbeddedBroker>(new EmbeddedBroker(std::move(broker)));
}

EmbeddedBroker::~EmbeddedBroker() { Stop(); }

void EmbeddedBroker::Stop() {
  if (broker_) broker_->Stop();
}

}  // namespace brook::broker::app
