#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace brook::metrics {

// Metrics in Prometheus' model: families of counters, gauges and histograms, each sample told
// apart by its labels, written in the text exposition format (version 0.0.4) when scraped.
// The broker and the streams runtime each keep one Registry and serve it on
// `metrics.listener` (common/metrics_http.h). Names follow Kafka's metric groups turned into
// Prometheus style (docs/guides/observability.md).

// Label names and values, in the order they are printed.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A count that only grows. Updates are relaxed atomics: any thread, no lock.
class Counter {
 public:
  void Increment(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Observations (latencies, in seconds) counted into buckets with upper bounds. Observe is
// lock-free from any thread.
class Histogram {
 public:
  // 0.5 ms to 10 s, for request and processing latencies.
  static const std::vector<double>& LatencyBuckets();

  explicit Histogram(std::vector<double> upper_bounds = LatencyBuckets());
  void Observe(double seconds);

  struct Snapshot {
    std::vector<double> upper_bounds;  // without the final +Inf
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bucket, the last one is +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_nanos_{0};
};

enum class Type { kCounter, kGauge, kHistogram };

// One sample of a family computed at scrape time.
struct Sample {
  Labels labels;
  double value = 0;
};

// Thread safety: every method from any thread. The Counter and Histogram references it hands
// out live as long as the registry; keep them instead of looking them up per event.
class Registry {
 public:
  // The counter of family `name` with these labels, created at first use. `help` is taken from
  // the family's first use. Throws std::invalid_argument for a name that is not a Prometheus
  // metric name, or a family already registered with another type.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {});
  // A family whose samples `collect` computes at each scrape (sizes, lags, values kept
  // elsewhere). Called without the registry's lock held, on the scraping thread.
  void collector(const std::string& name, const std::string& help, Type type,
                 std::function<std::vector<Sample>()> collect);

  // The text exposition format: families by name, "# HELP" and "# TYPE" lines, then samples.
  std::string Scrape() const;

 private:
  struct Family {
    Type type = Type::kCounter;
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    std::function<std::vector<Sample>()> collect;
  };
  Family& FamilyFor(const std::string& name, const std::string& help, Type type);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

// For tests and tools: whether `name` is a valid Prometheus metric name.
bool IsValidMetricName(const std::string& name);

}  // namespace brook::metrics
