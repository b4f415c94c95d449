#pragma once

#include <string>

namespace brook::streams {

class StateStoreContext;

// A state store a processor reads and writes (Kafka Streams' StateStore). Every store, typed or
// bytes, layer or backend, implements this. The runtime makes one store per task from the
// topology's StoreBuilder, calls init() before the task's first record, flush() at each commit
// and close() when the task closes.
//
// Thread safety: a store belongs to one task, used by that task's stream thread (and by
// KafkaStreams::store() readers, which the runtime serializes with the thread).
class StateStore {
 public:
  virtual ~StateStore() = default;

  virtual const std::string& name() const = 0;
  // Opens the store for the task `context` describes. `root` is the outermost layer: the store
  // the processors see, which backends register for restoration (registerStore). Throws
  // StreamsException (or ProcessorStateException) when the store cannot be opened.
  virtual void init(StateStoreContext& context, StateStore& root) = 0;
  // Makes every write so far durable in the backend and sent to the changelog (caches flush).
  virtual void flush() = 0;
  // Flushes and releases the store; it may not be used afterwards. Closing twice is allowed.
  virtual void close() = 0;
  // True for stores that keep data on disk (RocksDB), false for in-memory ones.
  virtual bool persistent() const = 0;
  virtual bool isOpen() const = 0;
};

}  // namespace brook::streams
