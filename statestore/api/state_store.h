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
  // The runtime calls it before it writes a checkpoint (Kafka's flush).
  virtual void flush() = 0;
  // Writes what caching layers hold through to the layers below (so to the changelog and
  // downstream), without making the backend durable (Kafka's flushCache): the runtime calls it
  // at every commit; flush() (a RocksDB memtable flush) only when it checkpoints. Layers pass it
  // down; stores without a cache have nothing to do.
  virtual void flushCache() {}
  // Flushes and releases the store; it may not be used afterwards. Closing twice is allowed.
  virtual void close() = 0;
  // True for stores that keep data on disk (RocksDB), false for in-memory ones.
  virtual bool persistent() const = 0;
  virtual bool isOpen() const = 0;
};

}  // namespace brook::streams
