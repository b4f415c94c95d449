#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace brook::statestore {

// What the metered layer counts of one store (Kafka's per-store put/get/delete/range/flush
// rates and latencies): calls and their cumulative time in nanoseconds, through every layer
// below; the times stay 0 unless metrics.recording.level is DEBUG or TRACE. put counts put,
// putIfAbsent and each entry of putAll; range counts every iterator made (range, all,
// prefixScan, fetch ranges, findSessions).
struct StoreMetrics {
  int64_t puts = 0;
  int64_t gets = 0;
  int64_t deletes = 0;
  int64_t range_calls = 0;
  int64_t flushes = 0;
  int64_t put_latency_ns = 0;
  int64_t get_latency_ns = 0;
  int64_t delete_latency_ns = 0;
  int64_t range_latency_ns = 0;
  int64_t flush_latency_ns = 0;
};

// Implemented by the metered layers: what the metrics endpoint reads (stream-state-metrics), found
// with dynamic_cast from the StateStore the task holds. Thread safety: the store's (read the
// counters from the task's thread, or accept torn reads of single counters).
class MeteredStore {
 public:
  virtual ~MeteredStore() = default;
  virtual const StoreMetrics& metrics() const = 0;
  // The backend's supplier scope ("rocksdb", "in-memory", "rocksdb-window", ...).
  virtual const std::string& metricsScope() const = 0;
  // The store's approximate number of entries (a key-value store's approximateNumEntries,
  // RocksDB's estimate-num-keys), or -1 where the store has no such estimate (window and
  // session stores).
  virtual int64_t estimatedEntries() { return -1; }
};

// True when `configs` (StateStoreContext::appConfigs) ask for the stores' latencies:
// metrics.recording.level DEBUG or TRACE (Kafka records its store metrics at DEBUG).
inline bool RecordsStoreLatency(const std::map<std::string, std::string>& configs) {
  auto level = configs.find("metrics.recording.level");
  return level != configs.end() && (level->second == "DEBUG" || level->second == "TRACE");
}

// Adds the time from construction to destruction to a counter, when enabled.
class LatencyTimer {
 public:
  LatencyTimer(int64_t& total_ns, bool enabled) : total_ns_(total_ns), enabled_(enabled) {
    if (enabled_) start_ = std::chrono::steady_clock::now();
  }
  ~LatencyTimer() {
    if (!enabled_) return;
    total_ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(
                     std::chrono::steady_clock::now() - start_)
                     .count();
  }
  LatencyTimer(const LatencyTimer&) = delete;
  LatencyTimer& operator=(const LatencyTimer&) = delete;

 private:
  int64_t& total_ns_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace brook::statestore
