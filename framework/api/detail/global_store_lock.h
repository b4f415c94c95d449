#pragma once

#include <map>
#include <mutex>

namespace brook::streams {
class StateStore;
}  // namespace brook::streams

namespace brook::streams::detail {

// The lock each open global store is read under. A global store is written by one thread (the
// global state task's) and read by others (every stream task's joins, KafkaStreams::store),
// while stores themselves are not thread-safe: the runtime registers the global task's lock for
// each global store it opens, and a reader finds it here once (at its init) and takes it around
// each read. Stores that are not global have none.
// Thread safety: every function may be called from any thread.
class GlobalStoreLocks {
 public:
  static void Register(const StateStore* store, std::mutex* lock) {
    std::lock_guard guard(State().mutex);
    State().locks[store] = lock;
  }
  static void Unregister(const StateStore* store) {
    std::lock_guard guard(State().mutex);
    State().locks.erase(store);
  }
  // The lock of `store`, or nullptr when it is not an open global store.
  static std::mutex* Find(const StateStore* store) {
    std::lock_guard guard(State().mutex);
    auto it = State().locks.find(store);
    return it == State().locks.end() ? nullptr : it->second;
  }

 private:
  struct Registry {
    std::mutex mutex;
    std::map<const StateStore*, std::mutex*> locks;
  };
  static Registry& State() {
    static Registry registry;
    return registry;
  }
};

}  // namespace brook::streams::detail
