#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "statestore/api/window_store.h"

namespace brook::statestore {

// A window bytes store layer that passes every call to the store below (Kafka's
// WrappedStateStore); the change-logging layer overrides the writes.
// Thread safety: none; the task's stream thread.
class WrappedWindowStore : public streams::WindowBytesStore {
 public:
  explicit WrappedWindowStore(std::unique_ptr<streams::WindowBytesStore> inner)
      : inner_(std::move(inner)) {}

  const std::string& name() const override { return inner_->name(); }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override {
    inner_->init(context, root);
  }
  void flush() override { inner_->flush(); }
  void flushCache() override { inner_->flushCache(); }
  void close() override { inner_->close(); }
  bool persistent() const override { return inner_->persistent(); }
  bool isOpen() const override { return inner_->isOpen(); }

  void put(const std::string& key, const std::string& value, int64_t window_start) override {
    inner_->put(key, value, window_start);
  }
  void remove(const std::string& key, int64_t window_start) override {
    inner_->remove(key, window_start);
  }
  std::optional<std::string> fetch(const std::string& key, int64_t window_start) override {
    return inner_->fetch(key, window_start);
  }
  streams::KeyValueIteratorPtr<int64_t, std::string> fetch(const std::string& key,
                                                           int64_t time_from,
                                                           int64_t time_to) override {
    return inner_->fetch(key, time_from, time_to);
  }
  streams::KeyValueIteratorPtr<int64_t, std::string> backwardFetch(const std::string& key,
                                                                   int64_t time_from,
                                                                   int64_t time_to) override {
    return inner_->backwardFetch(key, time_from, time_to);
  }
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> fetch(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t time_from, int64_t time_to) override {
    return inner_->fetch(key_from, key_to, time_from, time_to);
  }
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> backwardFetch(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t time_from, int64_t time_to) override {
    return inner_->backwardFetch(key_from, key_to, time_from, time_to);
  }
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> fetchAll(
      int64_t time_from, int64_t time_to) override {
    return inner_->fetchAll(time_from, time_to);
  }
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> backwardFetchAll(
      int64_t time_from, int64_t time_to) override {
    return inner_->backwardFetchAll(time_from, time_to);
  }
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> all() override {
    return inner_->all();
  }
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> backwardAll() override {
    return inner_->backwardAll();
  }

 protected:
  std::unique_ptr<streams::WindowBytesStore> inner_;
};

}  // namespace brook::statestore
