#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "broker/protocol/api_key.h"
#include "common/bytes.h"
#include "common/result.h"
#include "tools/kafka_client.h"

namespace brook::tools {

// One blocking plaintext TCP connection to one broker that exchanges Kafka frames, for the admin
// APIs librdkafka 2.0.2 has no call for (see RunRawRequest in admin_request.h). Asks ApiVersions
// (v0, which every broker answers) once connected and keeps the ranges it got.
// Thread safety: use from one thread.
class BrokerConnection {
 public:
  // Connects and asks ApiVersions, each step within `timeout_ms`. Unavailable("cannot reach
  // broker N at HOST:PORT") when the connection fails; the errors of RoundTrip otherwise.
  static Result<std::unique_ptr<BrokerConnection>> Open(const BrokerInfo& broker, int timeout_ms);
  ~BrokerConnection();
  BrokerConnection(const BrokerConnection&) = delete;
  BrokerConnection& operator=(const BrokerConnection&) = delete;

  const BrokerInfo& broker() const { return broker_; }
  // "broker 1 at 127.0.0.1:9092", for messages.
  std::string Name() const;

  // The highest version of `key` in both [min_version, max_version] and the broker's advertised
  // range. Unsupported("the broker does not support this request: <Api>") when there is none.
  Result<int16_t> ChooseVersion(broker::protocol::ApiKey key, int16_t min_version,
                                int16_t max_version) const;
  // A new correlation id for the next request.
  int32_t NextCorrelationId() { return ++correlation_id_; }

  // Sends `frame` (a request without its size prefix) and returns the broker's answer (without
  // its size prefix). TimedOut when no complete answer came within the timeout; Unavailable when
  // the broker closed the connection (what a Kafka broker does with a request it cannot read).
  Result<Bytes> RoundTrip(ByteView frame);

 private:
  BrokerConnection(BrokerInfo broker, int socket, int timeout_ms);
  Status AskApiVersions();
  // Writes or reads exactly `size` bytes before the deadline of the current round trip.
  Status WriteAll(const uint8_t* data, size_t size, int64_t deadline_ms);
  Status ReadAll(uint8_t* data, size_t size, int64_t deadline_ms);

  BrokerInfo broker_;
  int socket_;
  int timeout_ms_;
  int32_t correlation_id_ = 0;
  // ApiKey -> [min, max] the broker advertises.
  std::map<int16_t, std::pair<int16_t, int16_t>> versions_;
};

}  // namespace brook::tools
