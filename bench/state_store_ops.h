#pragma once

// state_bench part 2: put/get through every layer of a Brook key-value store against RocksDB
// called directly, in this process.
//
// Both sides run the same sequence of operations: for each step, a get of a pseudo-random key of
// `keys` keys ("key-NNNNNNNNNN") and a put of the same key with a `value_bytes`-byte value (an
// aggregate's read-modify-write); ops/s counts the gets and the puts.
//   brook  Stores::keyValueStoreBuilder(Stores::persistentKeyValueStore("store"), String,
//          String) with caching on and logging on (Metered -> Caching -> ChangeLogging ->
//          RocksDB), built and opened by a framework/state ProcessorStateManager (the runtime's
//          StateStoreContext) with a ThreadCache of statestore.cache.max.bytes and the shared
//          RocksDBResources of rocksdb.memory.max.bytes, both at StreamsConfig's defaults. The
//          changelog writes go to a RecordCollector that only counts them (the producer's cost is
//          part 1's business). Every `commit_every` steps the caches are flushed, as a commit
//          does (FlushCache).
//   rocksdb  rocksdb::DB opened with the options the Brook store uses (statestore/rocksdb/
//          rocksdb_instance.cc: the same write buffers, block cache and write buffer manager of
//          the same size, bloom filter, LZ4, no write-ahead log), Get and Put.
// Neither side's timing includes opening, the final memtable flush or closing.

#include <cstdint>
#include <string>

#include "common/result.h"

namespace brook::bench {

struct StoreOpsOptions {
  uint64_t steps = 1'000'000;  // Each a get and a put.
  uint64_t keys = 200'000;
  size_t value_bytes = 100;
  uint64_t commit_every = 10'000;
  int runs = 3;
  std::string scratch;  // The stores' directories go under it.
};

struct StoreOpsFigures {
  double brook_rate = 0;  // Median ops/s.
  double rocksdb_rate = 0;
  double ratio() const { return rocksdb_rate > 0 ? brook_rate / rocksdb_rate : 0; }
};

// Runs both sides `runs` times, alternating which goes first, each run on fresh directories;
// prints a line per run and the medians. Internal when a side reads back a wrong value.
Result<StoreOpsFigures> RunStoreOps(const StoreOpsOptions& options);

}  // namespace brook::bench
