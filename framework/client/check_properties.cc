#include "framework/client/check_properties.h"

#include "framework/client/kafka_config.h"

namespace brook::framework::client {

Status CheckProperties(const Properties& properties) {
  auto conf = MakeKafkaConf(properties);
  return conf.ok() ? Status::Ok() : conf.status();
}

}  // namespace brook::framework::client
