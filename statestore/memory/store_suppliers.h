#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "statestore/api/store_builder.h"
#include "statestore/memory/retention.h"

// The supplier classes behind statestore/memory/in_memory_store_suppliers.h and
// statestore/rocksdb/rocksdb_store_suppliers.h: a name, a scope and a factory.
namespace brook::statestore::detail {

class KeyValueSupplier final : public streams::KeyValueBytesStoreSupplier {
 public:
  using Factory = std::function<std::unique_ptr<streams::KeyValueBytesStore>(const std::string&)>;
  KeyValueSupplier(std::string name, std::string scope, Factory factory)
      : name_(std::move(name)), scope_(std::move(scope)), factory_(std::move(factory)) {
    if (name_.empty()) throw std::invalid_argument("a key-value store needs a name");
  }
  const std::string& name() const override { return name_; }
  std::unique_ptr<streams::KeyValueBytesStore> get() const override { return factory_(name_); }
  std::string metricsScope() const override { return scope_; }

 private:
  std::string name_;
  std::string scope_;
  Factory factory_;
};

class WindowSupplier final : public streams::WindowBytesStoreSupplier {
 public:
  using Factory = std::function<std::unique_ptr<streams::WindowBytesStore>(
      const std::string& name, int64_t retention_ms, int64_t segment_interval_ms,
      int64_t window_size_ms, bool retain_duplicates)>;
  WindowSupplier(std::string name, std::string scope, int64_t retention_ms, int64_t window_size_ms,
                 bool retain_duplicates, Factory factory)
      : name_(std::move(name)),
        scope_(std::move(scope)),
        retention_ms_(retention_ms),
        window_size_ms_(window_size_ms),
        retain_duplicates_(retain_duplicates),
        factory_(std::move(factory)) {
    retention::CheckWindowStore(name_, retention_ms, window_size_ms);
  }
  const std::string& name() const override { return name_; }
  std::unique_ptr<streams::WindowBytesStore> get() const override {
    return factory_(name_, retention_ms_, segmentIntervalMs(), window_size_ms_, retain_duplicates_);
  }
  std::string metricsScope() const override { return scope_; }
  int64_t segmentIntervalMs() const override {
    return retention::DefaultSegmentInterval(retention_ms_);
  }
  int64_t windowSize() const override { return window_size_ms_; }
  bool retainDuplicates() const override { return retain_duplicates_; }
  int64_t retentionPeriod() const override { return retention_ms_; }

 private:
  std::string name_;
  std::string scope_;
  int64_t retention_ms_;
  int64_t window_size_ms_;
  bool retain_duplicates_;
  Factory factory_;
};

class SessionSupplier final : public streams::SessionBytesStoreSupplier {
 public:
  using Factory = std::function<std::unique_ptr<streams::SessionBytesStore>(
      const std::string& name, int64_t retention_ms, int64_t segment_interval_ms)>;
  SessionSupplier(std::string name, std::string scope, int64_t retention_ms, Factory factory)
      : name_(std::move(name)),
        scope_(std::move(scope)),
        retention_ms_(retention_ms),
        factory_(std::move(factory)) {
    retention::CheckSessionStore(name_, retention_ms);
  }
  const std::string& name() const override { return name_; }
  std::unique_ptr<streams::SessionBytesStore> get() const override {
    return factory_(name_, retention_ms_, segmentIntervalMs());
  }
  std::string metricsScope() const override { return scope_; }
  int64_t segmentIntervalMs() const override {
    return retention::DefaultSegmentInterval(retention_ms_);
  }
  int64_t retentionPeriod() const override { return retention_ms_; }

 private:
  std::string name_;
  std::string scope_;
  int64_t retention_ms_;
  Factory factory_;
};

}  // namespace brook::statestore::detail
