#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "framework/api/detail/node_factory.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/session_store.h"
#include "statestore/api/window_store.h"

namespace brook::streams {

// Makes the backend of a store, one per task (Kafka's StoreSupplier). Stores:: has the
// RocksDB and in-memory ones; a user may supply their own.
template <typename T>
class StoreSupplier {
 public:
  virtual ~StoreSupplier() = default;
  virtual const std::string& name() const = 0;
  virtual std::unique_ptr<T> get() const = 0;
  // "rocksdb", "in-memory", "rocksdb-window", ... (metric tags).
  virtual std::string metricsScope() const = 0;
};

class KeyValueBytesStoreSupplier : public StoreSupplier<KeyValueBytesStore> {};

class WindowBytesStoreSupplier : public StoreSupplier<WindowBytesStore> {
 public:
  virtual int64_t segmentIntervalMs() const = 0;
  virtual int64_t windowSize() const = 0;
  virtual bool retainDuplicates() const = 0;
  virtual int64_t retentionPeriod() const = 0;
};

class SessionBytesStoreSupplier : public StoreSupplier<SessionBytesStore> {
 public:
  virtual int64_t segmentIntervalMs() const = 0;
  virtual int64_t retentionPeriod() const = 0;
};

// What the topology keeps of a StoreBuilder, whatever its store type (Kafka's StoreBuilder<?>):
// the runtime asks it for one store per task and for the changelog's settings.
class AbstractStoreBuilder {
 public:
  virtual ~AbstractStoreBuilder() = default;

  const std::string& name() const { return name_; }
  bool loggingEnabled() const { return logging_enabled_; }
  bool cachingEnabled() const { return caching_enabled_; }
  // Topic configs for the changelog given with withLoggingEnabled (e.g. min.insync.replicas).
  const std::map<std::string, std::string>& logConfig() const { return log_config_; }
  // Window and session stores: their retention period, so the changelog is created with
  // cleanup.policy=compact,delete and retention.ms = this +
  // windowstore.changelog.additional.retention.ms. nullopt: a compacted changelog.
  virtual std::optional<int64_t> changelogRetentionMs() const { return std::nullopt; }

  // A new store: the layers assembled over a new backend from the supplier.
  virtual std::unique_ptr<StateStore> buildStateStore() const = 0;
  // A copy whose missing serdes are StreamsConfig's default.key.serde / default.value.serde;
  // throws TopologyException when one is missing or has another type.
  virtual std::shared_ptr<AbstractStoreBuilder> withSerdes(
      const detail::SerdeDefaults& defaults) const = 0;
  virtual std::shared_ptr<AbstractStoreBuilder> clone() const = 0;

 protected:
  explicit AbstractStoreBuilder(std::string name) : name_(std::move(name)) {}

  std::string name_;
  bool logging_enabled_ = true;
  bool caching_enabled_ = false;
  std::map<std::string, std::string> log_config_;
};

// Kafka's StoreBuilder<T>: a value type; the with* calls change it and return it for chaining,
// and Topology::addStateStore keeps a copy. By default logging is on and caching off, as in
// Kafka.
template <typename T>
class StoreBuilder : public AbstractStoreBuilder {
 public:
  StoreBuilder& withCachingEnabled() {
    caching_enabled_ = true;
    return *this;
  }
  StoreBuilder& withCachingDisabled() {
    caching_enabled_ = false;
    return *this;
  }
  StoreBuilder& withLoggingEnabled(std::map<std::string, std::string> config = {}) {
    logging_enabled_ = true;
    log_config_ = std::move(config);
    return *this;
  }
  StoreBuilder& withLoggingDisabled() {
    logging_enabled_ = false;
    log_config_.clear();
    return *this;
  }
  virtual std::unique_ptr<T> build() const = 0;
  std::unique_ptr<StateStore> buildStateStore() const override { return build(); }

 protected:
  using AbstractStoreBuilder::AbstractStoreBuilder;
};

}  // namespace brook::streams
