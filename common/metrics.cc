#include "common/metrics.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace brook::metrics {

namespace {

bool IsLabelName(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// The text format's escapes: backslash and newline everywhere, the double quote in label
// values only (HELP text keeps it).
std::string Escape(const std::string& text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeLabelValue(const std::string& value) { return Escape(value, true); }
std::string EscapeHelp(const std::string& help) { return Escape(help, false); }

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

// `{a="x",b="y"}`, with `extra` (a histogram's le) last; empty labels print nothing.
std::string FormatLabels(const Labels& labels, const std::pair<std::string, std::string>* extra) {
  if (labels.empty() && extra == nullptr) return "";
  std::string out = "{";
  bool first = true;
  auto add = [&](const std::pair<std::string, std::string>& label) {
    if (!first) out += ',';
    first = false;
    out += label.first + "=\"" + EscapeLabelValue(label.second) + "\"";
  };
  for (const auto& label : labels) add(label);
  if (extra) add(*extra);
  return out + "}";
}

void CheckLabels(const std::string& name, const Labels& labels) {
  for (const auto& [label, value] : labels) {
    if (!IsLabelName(label) || label.starts_with("__") || label == "le") {
      throw std::invalid_argument(fmt::format("metric {}: bad label name \"{}\"", name, label));
    }
  }
}

const char* TypeName(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

bool IsValidMetricName(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool start = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!start && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

const std::vector<double>& Histogram::LatencyBuckets() {
  static const std::vector<double> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                              0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[upper_bounds_.size() + 1]) {
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double seconds) {
  size_t bucket = 0;
  while (bucket < upper_bounds_.size() && seconds > upper_bounds_[bucket]) ++bucket;
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_nanos_.fetch_add(static_cast<uint64_t>(std::max(0.0, seconds) * 1e9),
                       std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot out;
  out.upper_bounds = upper_bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out.cumulative.push_back(running);
  }
  // The +Inf bucket is the count, so a scrape never shows count < a bucket.
  out.count = running;
  out.sum = static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9;
  return out;
}

Registry::Family& Registry::FamilyFor(const std::string& name, const std::string& help, Type type) {
  if (!IsValidMetricName(name)) {
    throw std::invalid_argument(fmt::format("\"{}\" is not a Prometheus metric name", name));
  }
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.type = type;
    it->second.help = help;
  } else if (it->second.type != type) {
    throw std::invalid_argument(fmt::format("metric {} is a {}, not a {}", name,
                                            TypeName(it->second.type), TypeName(type)));
  }
  return it->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  Family& family = FamilyFor(name, help, Type::kCounter);
  auto& slot = family.counters[labels];
  if (!slot) {
    CheckLabels(name, labels);
    slot = std::make_unique<Counter>();
  }
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const Labels& labels) {
  std::lock_guard lock(mu_);
  Family& family = FamilyFor(name, help, Type::kHistogram);
  auto& slot = family.histograms[labels];
  if (!slot) {
    CheckLabels(name, labels);
    slot = std::make_unique<Histogram>();
  }
  return *slot;
}

void Registry::collector(const std::string& name, const std::string& help, Type type,
                         std::function<std::vector<Sample>()> collect) {
  std::lock_guard lock(mu_);
  Family& family = FamilyFor(name, help, type);
  family.collect = std::move(collect);
}

std::string Registry::Scrape() const {
  // Under the lock: the stored samples, and which collectors to call. The collectors run
  // after, unlocked: one may wait for a thread that is itself updating this registry.
  struct Rendered {
    Type type;
    std::string help;
    std::string samples;
    std::function<std::vector<Sample>()> collect;
  };
  std::map<std::string, Rendered> rendered;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, family] : families_) {
      Rendered& out = rendered[name];
      out.type = family.type;
      out.help = family.help;
      out.collect = family.collect;
      for (const auto& [labels, counter] : family.counters) {
        out.samples +=
            name + FormatLabels(labels, nullptr) + " " + std::to_string(counter->value()) + "\n";
      }
      for (const auto& [labels, histogram] : family.histograms) {
        const Histogram::Snapshot snap = histogram->snapshot();
        for (size_t i = 0; i < snap.cumulative.size(); ++i) {
          const std::pair<std::string, std::string> le{
              "le", i < snap.upper_bounds.size() ? FormatValue(snap.upper_bounds[i]) : "+Inf"};
          out.samples += name + "_bucket" + FormatLabels(labels, &le) + " " +
                         std::to_string(snap.cumulative[i]) + "\n";
        }
        out.samples +=
            name + "_sum" + FormatLabels(labels, nullptr) + " " + FormatValue(snap.sum) + "\n";
        out.samples += name + "_count" + FormatLabels(labels, nullptr) + " " +
                       std::to_string(snap.count) + "\n";
      }
    }
  }
  std::string text;
  for (auto& [name, family] : rendered) {
    if (family.collect) {
      for (const Sample& sample : family.collect()) {
        CheckLabels(name, sample.labels);
        family.samples +=
            name + FormatLabels(sample.labels, nullptr) + " " + FormatValue(sample.value) + "\n";
      }
    }
    text += "# HELP " + name + " " + EscapeHelp(family.help) + "\n";
    text += "# TYPE " + name + " " + TypeName(family.type) + "\n";
    text += family.samples;
  }
  return text;
}

}  // namespace brook::metrics
