#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "statestore/api/key_value_store.h"
#include "statestore/api/session_store.h"
#include "statestore/api/window_store.h"

namespace brook::streams {
// Readable gtest failure messages for store results.
inline void PrintTo(const Windowed<std::string>& windowed, std::ostream* out) {
  *out << "[" << ::testing::PrintToString(windowed.key()) << "@" << windowed.window().start() << "/"
       << windowed.window().end() << "]";
}
template <typename K, typename V>
void PrintTo(const KeyValue<K, V>& entry, std::ostream* out) {
  *out << ::testing::PrintToString(entry.key) << "->" << ::testing::PrintToString(entry.value);
}
}  // namespace brook::streams

// Reference models of the bytes stores (std::map, written from the interfaces' contracts, not
// from the backends) and random operation helpers, shared by the in-memory and RocksDB tests.
namespace brook::statestore::testing {

inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

template <typename K, typename V>
std::vector<streams::KeyValue<K, V>> Drain(streams::KeyValueIteratorPtr<K, V> it) {
  std::vector<streams::KeyValue<K, V>> out;
  while (it->hasNext()) {
    K peeked = it->peekNextKey();
    out.push_back(it->next());
    EXPECT_EQ(peeked, out.back().key);
  }
  return out;
}

// Keys of 0-3 bytes over {0x00, 'a', 'b', 0xff}: prefixes of each other, NUL and high bytes,
// the cases a bytewise composite key would order wrongly.
inline std::string RandomKey(std::mt19937_64& random) {
  static const char kAlphabet[] = {'\0', 'a', 'b', '\xff'};
  std::string key;
  size_t length = random() % 4;
  for (size_t i = 0; i < length; ++i) key.push_back(kAlphabet[random() % 4]);
  return key;
}

inline std::optional<std::string> MaybeKey(std::mt19937_64& random) {
  if (random() % 4 == 0) return std::nullopt;
  return RandomKey(random);
}

inline int64_t MinLive(int64_t observed, int64_t retention) {
  return observed == kNoTime ? kNoTime : observed - retention + 1;
}

inline bool InKeyRange(const std::string& key, const std::optional<std::string>& from,
                       const std::optional<std::string>& to) {
  return (!from || key >= *from) && (!to || key <= *to);
}

template <typename T>
std::vector<T> Reversed(std::vector<T> v) {
  std::reverse(v.begin(), v.end());
  return v;
}

// A window store: (key, start, seqnum) -> value; a window is visible while its start is
// above observed - retention; puts of expired windows are dropped.
struct WindowModel {
  int64_t retention;
  int64_t window_size;
  bool duplicates;
  int64_t observed = kNoTime;
  int32_t seqnum = 0;
  std::map<std::tuple<std::string, int64_t, int32_t>, std::string> entries;

  bool Visible(int64_t start) const { return start >= MinLive(observed, retention); }
  void Put(const std::string& key, const std::string& value, int64_t start) {
    if (duplicates) seqnum = (seqnum + 1) & 0x7FFFFFFF;
    observed = std::max(observed, start);
    if (Visible(start)) entries[{key, start, duplicates ? seqnum : 0}] = value;
  }
  void Remove(const std::string& key, int64_t start) {
    if (duplicates) return;
    observed = std::max(observed, start);
    entries.erase({key, start, 0});
  }
  std::optional<std::string> Fetch(const std::string& key, int64_t start) const {
    for (const auto& [k, v] : entries) {
      if (std::get<0>(k) == key && std::get<1>(k) == start && Visible(start)) return v;
    }
    return std::nullopt;
  }
  std::vector<streams::KeyValue<int64_t, std::string>> FetchKey(const std::string& key,
                                                                int64_t from, int64_t to) const {
    std::vector<streams::KeyValue<int64_t, std::string>> out;
    for (const auto& [k, v] : entries) {
      auto& [entry_key, start, seq] = k;
      if (entry_key == key && start >= from && start <= to && Visible(start)) {
        out.push_back({start, v});
      }
    }
    return out;
  }
  std::vector<streams::KeyValue<streams::Windowed<std::string>, std::string>> FetchRange(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t from, int64_t to) const {
    std::vector<streams::KeyValue<streams::Windowed<std::string>, std::string>> out;
    for (const auto& [k, v] : entries) {
      auto& [key, start, seq] = k;
      if (InKeyRange(key, key_from, key_to) && start >= from && start <= to && Visible(start)) {
        out.push_back(
            {streams::Windowed<std::string>(key, streams::Window(start, start + window_size)), v});
      }
    }
    return out;
  }
};

// A session store: (key, end, start) -> value; visible while end is above observed - retention.
struct SessionModel {
  int64_t retention;
  int64_t observed = kNoTime;
  std::map<std::tuple<std::string, int64_t, int64_t>, std::string> entries;

  bool Visible(int64_t end) const { return end >= MinLive(observed, retention); }
  void Put(const streams::Windowed<std::string>& session, const std::string& value) {
    observed = std::max(observed, session.window().end());
    if (Visible(session.window().end())) {
      entries[{session.key(), session.window().end(), session.window().start()}] = value;
    }
  }
  void Remove(const streams::Windowed<std::string>& session) {
    observed = std::max(observed, session.window().end());
    entries.erase({session.key(), session.window().end(), session.window().start()});
  }
  std::optional<std::string> FetchSession(const std::string& key, int64_t start,
                                          int64_t end) const {
    auto it = entries.find({key, end, start});
    if (it == entries.end() || !Visible(end)) return std::nullopt;
    return it->second;
  }
  std::vector<streams::KeyValue<streams::Windowed<std::string>, std::string>> Find(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t earliest_end, int64_t latest_start) const {
    std::vector<streams::KeyValue<streams::Windowed<std::string>, std::string>> out;
    for (const auto& [k, v] : entries) {
      auto& [key, end, start] = k;
      if (InKeyRange(key, key_from, key_to) && end >= earliest_end && start <= latest_start &&
          Visible(end)) {
        out.push_back({streams::Windowed<std::string>(key, streams::Window(start, end)), v});
      }
    }
    return out;
  }
};

// Applies `ops` random operations to `store` and to a std::map, checking every read against
// the map. `exact_count`: approximateNumEntries must be exact (in-memory). `between(i)` runs
// every 500 operations (reopen tests close and reopen the store there) and returns the store
// to use from then on.
template <typename Between>
void RunKeyValueModel(streams::KeyValueBytesStore* store, uint64_t seed, int ops, bool exact_count,
                      Between between) {
  std::mt19937_64 random(seed);
  std::map<std::string, std::string> model;
  using Entries = std::vector<streams::KeyValue<std::string, std::string>>;
  auto model_range = [&](const std::optional<std::string>& from,
                         const std::optional<std::string>& to) {
    Entries out;
    for (const auto& [k, v] : model) {
      if (InKeyRange(k, from, to)) out.push_back({k, v});
    }
    return out;
  };
  for (int i = 0; i < ops; ++i) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " op " + std::to_string(i));
    if (i > 0 && i % 500 == 0) store = between(i);
    std::string key = RandomKey(random);
    std::string value = "v" + std::to_string(random() % 1000);
    switch (random() % 12) {
      case 0:
      case 1:
      case 2:
        store->put(key, value);
        model[key] = value;
        break;
      case 3: {
        auto it = model.find(key);
        std::optional<std::string> expected;
        if (it != model.end()) expected = it->second;
        ASSERT_EQ(store->putIfAbsent(key, value), expected);
        model.emplace(key, value);
        break;
      }
      case 4: {
        Entries batch;
        for (int j = random() % 5; j >= 0; --j) {
          batch.push_back({RandomKey(random), "b" + std::to_string(random() % 100)});
          model[batch.back().key] = batch.back().value;
        }
        store->putAll(batch);
        break;
      }
      case 5: {
        auto it = model.find(key);
        std::optional<std::string> expected;
        if (it != model.end()) expected = it->second;
        ASSERT_EQ(store->remove(key), expected);
        model.erase(key);
        break;
      }
      case 6: {
        auto it = model.find(key);
        ASSERT_EQ(store->get(key),
                  it == model.end() ? std::nullopt : std::optional<std::string>(it->second));
        break;
      }
      case 7: {
        auto from = MaybeKey(random), to = MaybeKey(random);
        ASSERT_EQ(Drain(store->range(from, to)), model_range(from, to));
        break;
      }
      case 8: {
        auto from = MaybeKey(random), to = MaybeKey(random);
        ASSERT_EQ(Drain(store->reverseRange(from, to)), Reversed(model_range(from, to)));
        break;
      }
      case 9:
        ASSERT_EQ(Drain(store->all()), model_range(std::nullopt, std::nullopt));
        ASSERT_EQ(Drain(store->reverseAll()), Reversed(model_range(std::nullopt, std::nullopt)));
        break;
      case 10: {
        std::string prefix = key.substr(0, random() % 3);
        Entries expected;
        for (const auto& [k, v] : model) {
          if (k.compare(0, prefix.size(), prefix) == 0) expected.push_back({k, v});
        }
        ASSERT_EQ(Drain(store->prefixScan(prefix)), expected);
        break;
      }
      case 11:
        if (exact_count) {
          ASSERT_EQ(store->approximateNumEntries(), static_cast<int64_t>(model.size()));
        } else {
          ASSERT_GE(store->approximateNumEntries(), 0);
        }
        break;
    }
  }
  ASSERT_EQ(Drain(store->all()), model_range(std::nullopt, std::nullopt));
}

// Random window operations: times move forward with jitter, some far behind (expired), on
// `store` and the model; every read is checked. `between` as in RunKeyValueModel.
template <typename Between>
void RunWindowModel(streams::WindowBytesStore* store, WindowModel& model, uint64_t seed, int ops,
                    Between between) {
  std::mt19937_64 random(seed);
  int64_t now = 0;
  const int64_t step = std::max<int64_t>(model.retention / 40, 1);
  auto random_time = [&] {
    // Mostly near now (some at the same starts as before), sometimes around the retention edge.
    int64_t back = static_cast<int64_t>(random() % static_cast<uint64_t>(model.retention + step));
    if (random() % 3 == 0) back = static_cast<int64_t>(random() % 4) * step;
    return std::max<int64_t>(0, now - back) / step * step;  // aligned: windows repeat
  };
  for (int i = 0; i < ops; ++i) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " op " + std::to_string(i));
    if (i > 0 && i % 500 == 0) store = between(i);
    if (random() % 10 == 0) now += step * static_cast<int64_t>(random() % 3);
    std::string key = RandomKey(random);
    int64_t t = random_time();
    int64_t t2 = random_time();
    int64_t from = std::min(t, t2), to = std::max(t, t2);
    if (random() % 10 == 0) std::swap(from, to);  // an empty range
    auto key_from = MaybeKey(random), key_to = MaybeKey(random);
    switch (random() % 10) {
      case 0:
      case 1:
      case 2: {
        std::string value = "v" + std::to_string(i);
        store->put(key, value, t);
        model.Put(key, value, t);
        break;
      }
      case 3:
        store->remove(key, t);
        model.Remove(key, t);
        break;
      case 4:
        if (!model.duplicates) {
          ASSERT_EQ(store->fetch(key, t), model.Fetch(key, t));
        }
        break;
      case 5:
        ASSERT_EQ(Drain(store->fetch(key, from, to)), model.FetchKey(key, from, to));
        ASSERT_EQ(Drain(store->backwardFetch(key, from, to)),
                  Reversed(model.FetchKey(key, from, to)));
        break;
      case 6:
        ASSERT_EQ(Drain(store->fetch(key_from, key_to, from, to)),
                  model.FetchRange(key_from, key_to, from, to));
        break;
      case 7:
        ASSERT_EQ(Drain(store->backwardFetch(key_from, key_to, from, to)),
                  Reversed(model.FetchRange(key_from, key_to, from, to)));
        break;
      case 8:
        ASSERT_EQ(Drain(store->fetchAll(from, to)),
                  model.FetchRange(std::nullopt, std::nullopt, from, to));
        ASSERT_EQ(Drain(store->backwardFetchAll(from, to)),
                  Reversed(model.FetchRange(std::nullopt, std::nullopt, from, to)));
        break;
      case 9:
        ASSERT_EQ(Drain(store->all()),
                  model.FetchRange(std::nullopt, std::nullopt, kNoTime, kMaxTime));
        ASSERT_EQ(Drain(store->backwardAll()),
                  Reversed(model.FetchRange(std::nullopt, std::nullopt, kNoTime, kMaxTime)));
        break;
    }
  }
  ASSERT_EQ(Drain(store->all()), model.FetchRange(std::nullopt, std::nullopt, kNoTime, kMaxTime));
}

// Random session operations against `store` and the model.
template <typename Between>
void RunSessionModel(streams::SessionBytesStore* store, SessionModel& model, uint64_t seed, int ops,
                     Between between) {
  std::mt19937_64 random(seed);
  int64_t now = 0;
  const int64_t step = std::max<int64_t>(model.retention / 40, 1);
  std::vector<streams::Windowed<std::string>> known;  // sessions put, for removes and fetches
  auto random_time = [&] {
    int64_t back = static_cast<int64_t>(random() % static_cast<uint64_t>(model.retention + step));
    return std::max<int64_t>(0, now - back);
  };
  for (int i = 0; i < ops; ++i) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " op " + std::to_string(i));
    if (i > 0 && i % 500 == 0) store = between(i);
    if (random() % 10 == 0) now += step * static_cast<int64_t>(random() % 3);
    std::string key = RandomKey(random);
    int64_t a = random_time(), b = random_time();
    auto key_from = MaybeKey(random), key_to = MaybeKey(random);
    int64_t start = std::min(a, b) / step * step;
    int64_t end = start + static_cast<int64_t>(random() % 3) * step;  // end may equal start
    streams::Windowed<std::string> session(key, streams::Window(start, end));
    if (!known.empty() && random() % 2 == 0) session = known[random() % known.size()];
    switch (random() % 8) {
      case 0:
      case 1:
      case 2: {
        std::string value = "s" + std::to_string(i);
        store->put(session, value);
        model.Put(session, value);
        known.push_back(session);
        break;
      }
      case 3:
        store->remove(session);
        model.Remove(session);
        break;
      case 4:
        ASSERT_EQ(
            store->fetchSession(session.key(), session.window().start(), session.window().end()),
            model.FetchSession(session.key(), session.window().start(), session.window().end()));
        break;
      case 5:
        ASSERT_EQ(Drain(store->findSessions(key, a, b)), model.Find(key, key, a, b));
        ASSERT_EQ(Drain(store->backwardFindSessions(key, a, b)),
                  Reversed(model.Find(key, key, a, b)));
        break;
      case 6:
        ASSERT_EQ(Drain(store->findSessions(key_from, key_to, a, b)),
                  model.Find(key_from, key_to, a, b));
        break;
      case 7:
        ASSERT_EQ(Drain(store->fetch(key)), model.Find(key, key, kNoTime, kMaxTime));
        ASSERT_EQ(Drain(store->fetch(key_from, key_to)),
                  model.Find(key_from, key_to, kNoTime, kMaxTime));
        break;
    }
  }
  ASSERT_EQ(Drain(store->fetch(std::nullopt, std::nullopt)),
            model.Find(std::nullopt, std::nullopt, kNoTime, kMaxTime));
}

}  // namespace brook::statestore::testing
