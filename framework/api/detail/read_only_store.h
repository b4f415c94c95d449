#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "framework/api/errors.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/session_store.h"
#include "statestore/api/window_store.h"

// What a stream processor gets when it asks for a global store (Kafka's ReadOnlyDecorator):
// the store's reads, and a StreamsException for every write and for init, flush and close. Only
// the global thread (or the test driver's global task) writes a global store: a write from a
// stream task would change one instance's copy only, and be lost at the next restoration.
namespace brook::streams::detail {

[[noreturn]] inline void ThrowGlobalStoreReadOnly(const std::string& store) {
  throw StreamsException("Global store is read only: " + store);
}

// The StateStore part of every decorator.
template <typename Store>
class ReadOnlyStoreBase : public Store {
 public:
  explicit ReadOnlyStoreBase(Store& inner) : inner_(inner) {}

  const std::string& name() const override { return inner_.name(); }
  void init(StateStoreContext&, StateStore&) override { ThrowGlobalStoreReadOnly(name()); }
  void flush() override { ThrowGlobalStoreReadOnly(name()); }
  void flushCache() override { ThrowGlobalStoreReadOnly(name()); }
  void close() override { ThrowGlobalStoreReadOnly(name()); }
  bool persistent() const override { return inner_.persistent(); }
  bool isOpen() const override { return inner_.isOpen(); }

 protected:
  Store& inner_;
};

template <typename K, typename V>
class ReadOnlyKeyValueStoreDecorator final : public ReadOnlyStoreBase<KeyValueStore<K, V>> {
  using Base = ReadOnlyStoreBase<KeyValueStore<K, V>>;

 public:
  using Base::Base;

  std::optional<V> get(const K& key) override { return this->inner_.get(key); }
  KeyValueIteratorPtr<K, V> range(const std::optional<K>& from,
                                  const std::optional<K>& to) override {
    return this->inner_.range(from, to);
  }
  KeyValueIteratorPtr<K, V> reverseRange(const std::optional<K>& from,
                                         const std::optional<K>& to) override {
    return this->inner_.reverseRange(from, to);
  }
  KeyValueIteratorPtr<K, V> all() override { return this->inner_.all(); }
  KeyValueIteratorPtr<K, V> reverseAll() override { return this->inner_.reverseAll(); }
  KeyValueIteratorPtr<K, V> prefixScan(const std::string& prefix) override {
    return this->inner_.prefixScan(prefix);
  }
  int64_t approximateNumEntries() override { return this->inner_.approximateNumEntries(); }

  void put(const K&, const V&) override { ThrowGlobalStoreReadOnly(this->name()); }
  std::optional<V> putIfAbsent(const K&, const V&) override {
    ThrowGlobalStoreReadOnly(this->name());
  }
  void putAll(const std::vector<KeyValue<K, V>>&) override {
    ThrowGlobalStoreReadOnly(this->name());
  }
  std::optional<V> remove(const K&) override { ThrowGlobalStoreReadOnly(this->name()); }
};

template <typename K, typename V>
class ReadOnlyWindowStoreDecorator final : public ReadOnlyStoreBase<WindowStore<K, V>> {
  using Base = ReadOnlyStoreBase<WindowStore<K, V>>;

 public:
  using Base::Base;

  std::optional<V> fetch(const K& key, int64_t window_start) override {
    return this->inner_.fetch(key, window_start);
  }
  KeyValueIteratorPtr<int64_t, V> fetch(const K& key, int64_t time_from, int64_t time_to) override {
    return this->inner_.fetch(key, time_from, time_to);
  }
  KeyValueIteratorPtr<int64_t, V> backwardFetch(const K& key, int64_t time_from,
                                                int64_t time_to) override {
    return this->inner_.backwardFetch(key, time_from, time_to);
  }
  KeyValueIteratorPtr<Windowed<K>, V> fetch(const std::optional<K>& key_from,
                                            const std::optional<K>& key_to, int64_t time_from,
                                            int64_t time_to) override {
    return this->inner_.fetch(key_from, key_to, time_from, time_to);
  }
  KeyValueIteratorPtr<Windowed<K>, V> backwardFetch(const std::optional<K>& key_from,
                                                    const std::optional<K>& key_to,
                                                    int64_t time_from, int64_t time_to) override {
    return this->inner_.backwardFetch(key_from, key_to, time_from, time_to);
  }
  KeyValueIteratorPtr<Windowed<K>, V> fetchAll(int64_t time_from, int64_t time_to) override {
    return this->inner_.fetchAll(time_from, time_to);
  }
  KeyValueIteratorPtr<Windowed<K>, V> backwardFetchAll(int64_t time_from,
                                                       int64_t time_to) override {
    return this->inner_.backwardFetchAll(time_from, time_to);
  }
  KeyValueIteratorPtr<Windowed<K>, V> all() override { return this->inner_.all(); }
  KeyValueIteratorPtr<Windowed<K>, V> backwardAll() override { return this->inner_.backwardAll(); }

  void put(const K&, const V&, int64_t) override { ThrowGlobalStoreReadOnly(this->name()); }
  void remove(const K&, int64_t) override { ThrowGlobalStoreReadOnly(this->name()); }
};

template <typename K, typename AGG>
class ReadOnlySessionStoreDecorator final : public ReadOnlyStoreBase<SessionStore<K, AGG>> {
  using Base = ReadOnlyStoreBase<SessionStore<K, AGG>>;

 public:
  using Base::Base;

  KeyValueIteratorPtr<Windowed<K>, AGG> findSessions(const K& key, int64_t earliest_session_end,
                                                     int64_t latest_session_start) override {
    return this->inner_.findSessions(key, earliest_session_end, latest_session_start);
  }
  KeyValueIteratorPtr<Windowed<K>, AGG> backwardFindSessions(
      const K& key, int64_t earliest_session_end, int64_t latest_session_start) override {
    return this->inner_.backwardFindSessions(key, earliest_session_end, latest_session_start);
  }
  KeyValueIteratorPtr<Windowed<K>, AGG> findSessions(const std::optional<K>& key_from,
                                                     const std::optional<K>& key_to,
                                                     int64_t earliest_session_end,
                                                     int64_t latest_session_start) override {
    return this->inner_.findSessions(key_from, key_to, earliest_session_end, latest_session_start);
  }
  std::optional<AGG> fetchSession(const K& key, int64_t session_start,
                                  int64_t session_end) override {
    return this->inner_.fetchSession(key, session_start, session_end);
  }
  KeyValueIteratorPtr<Windowed<K>, AGG> fetch(const K& key) override {
    return this->inner_.fetch(key);
  }
  KeyValueIteratorPtr<Windowed<K>, AGG> fetch(const std::optional<K>& key_from,
                                              const std::optional<K>& key_to) override {
    return this->inner_.fetch(key_from, key_to);
  }

  void put(const Windowed<K>&, const AGG&) override { ThrowGlobalStoreReadOnly(this->name()); }
  void remove(const Windowed<K>&) override { ThrowGlobalStoreReadOnly(this->name()); }
};

// ReadOnlyView<S>::Decorator is the decorator of the store interface S, or void when S is not
// one of KeyValueStore, WindowStore, SessionStore (then the store is handed out as it is, as
// Kafka does for store types it does not know).
template <typename S>
struct ReadOnlyView {
  using Decorator = void;
};
template <typename K, typename V>
struct ReadOnlyView<KeyValueStore<K, V>> {
  using Decorator = ReadOnlyKeyValueStoreDecorator<K, V>;
};
template <typename K, typename V>
struct ReadOnlyView<WindowStore<K, V>> {
  using Decorator = ReadOnlyWindowStoreDecorator<K, V>;
};
template <typename K, typename AGG>
struct ReadOnlyView<SessionStore<K, AGG>> {
  using Decorator = ReadOnlySessionStoreDecorator<K, AGG>;
};

}  // namespace brook::streams::detail
