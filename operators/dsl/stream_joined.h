#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/serde.h"
#include "operators/dsl/named.h"

namespace brook::streams {

// Options of a KStream-KStream join (Kafka Streams' StreamJoined<K, V, VO>): the serdes of
// both sides' window stores and repartition topics (left null: each stream's, else the
// defaults), the name of the join (its nodes become "<name>-this-windowed", "<name>-this-join",
// ..., and its repartition topics "<name>-left-repartition"/"<name>-right-repartition"), the
// base name of its stores ("<store>-this-join-store", "<store>-other-join-store"; default: the
// join nodes' generated names + "-store") and their change logging (on by default).
// Thread safety: a value type.
template <typename K, typename V, typename VO>
class StreamJoined {
 public:
  StreamJoined() = default;

  static StreamJoined with(SerdePtr<K> key_serde, SerdePtr<V> value_serde,
                           SerdePtr<VO> other_value_serde) {
    StreamJoined joined;
    joined.key_serde_ = std::move(key_serde);
    joined.value_serde_ = std::move(value_serde);
    joined.other_value_serde_ = std::move(other_value_serde);
    return joined;
  }
  // Validated as Named::as.
  static StreamJoined as(std::string store_name) {
    return StreamJoined().withStoreName(std::move(store_name));
  }

  StreamJoined withName(std::string name) const {
    StreamJoined copy = *this;
    copy.name_ = Named::as(std::move(name)).name();
    return copy;
  }
  StreamJoined withStoreName(std::string store_name) const {
    StreamJoined copy = *this;
    copy.store_name_ = Named::as(std::move(store_name)).name();
    return copy;
  }
  StreamJoined withKeySerde(SerdePtr<K> serde) const {
    StreamJoined copy = *this;
    copy.key_serde_ = std::move(serde);
    return copy;
  }
  StreamJoined withValueSerde(SerdePtr<V> serde) const {
    StreamJoined copy = *this;
    copy.value_serde_ = std::move(serde);
    return copy;
  }
  StreamJoined withOtherValueSerde(SerdePtr<VO> serde) const {
    StreamJoined copy = *this;
    copy.other_value_serde_ = std::move(serde);
    return copy;
  }
  StreamJoined withLoggingEnabled(std::map<std::string, std::string> config = {}) const {
    StreamJoined copy = *this;
    copy.logging_ = true;
    copy.log_config_ = std::move(config);
    return copy;
  }
  StreamJoined withLoggingDisabled() const {
    StreamJoined copy = *this;
    copy.logging_ = false;
    copy.log_config_.clear();
    return copy;
  }

  const std::optional<std::string>& name() const { return name_; }
  const std::optional<std::string>& storeName() const { return store_name_; }
  const SerdePtr<K>& keySerde() const { return key_serde_; }
  const SerdePtr<V>& valueSerde() const { return value_serde_; }
  const SerdePtr<VO>& otherValueSerde() const { return other_value_serde_; }
  bool loggingEnabled() const { return logging_; }
  const std::map<std::string, std::string>& logConfig() const { return log_config_; }

 private:
  std::optional<std::string> name_;
  std::optional<std::string> store_name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  SerdePtr<VO> other_value_serde_;
  bool logging_ = true;
  std::map<std::string, std::string> log_config_;
};

}  // namespace brook::streams
