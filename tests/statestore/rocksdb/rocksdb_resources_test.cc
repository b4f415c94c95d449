#include "statestore/rocksdb/rocksdb_resources.h"

#include <gtest/gtest.h>
#include <rocksdb/options.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "statestore/rocksdb/rocksdb_key_value_store.h"
#include "statestore/rocksdb/rocksdb_window_store.h"
#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

namespace fs = std::filesystem;

std::string RandomValue(std::mt19937_64& random, size_t size) {
  std::string value(size, '\0');
  for (char& c : value) c = static_cast<char>(random());  // incompressible
  return value;
}

TEST(RocksDBResourcesTest, TwoStoresShareOneCacheThatStaysWithinTheBound) {
  constexpr size_t kBound = size_t{4} << 20;
  // What the cache may hold beyond its capacity: the memtable charge is reserved in 256 KiB
  // steps and blocks being read are pinned until inserted, so allow 12.5%.
  constexpr size_t kSlack = kBound / 8;
  RocksDBResources resources(kBound, 0.5);
  TestStoreContext context;
  context.rocksdb = &resources;
  RocksDBKeyValueStore left("left");
  RocksDBKeyValueStore right("right");
  left.init(context, left);
  right.init(context, right);

  // 40 MiB of values through the two stores, ten times the bound, reading as we go.
  std::mt19937_64 random(7);
  constexpr int kPerStore = 20'000;
  constexpr size_t kValueSize = 1024;
  size_t max_usage = 0;
  size_t max_write_buffer = 0;
  auto key = [](int i) { return "key" + std::to_string(1'000'000 + i); };
  for (int i = 0; i < kPerStore; ++i) {
    left.put(key(i), RandomValue(random, kValueSize));
    right.put(key(i), RandomValue(random, kValueSize));
    if (i % 200 == 199) {
      for (int j = 0; j < 50; ++j) {
        int k = static_cast<int>(random() % static_cast<uint64_t>(i));
        ASSERT_TRUE(left.get(key(k)).has_value());
        ASSERT_TRUE(right.get(key(k)).has_value());
      }
      max_usage = std::max(max_usage, resources.cacheUsage());
      max_write_buffer = std::max(max_write_buffer, resources.writeBufferUsage());
    }
  }
  left.flush();
  right.flush();
  for (int j = 0; j < 5000; ++j) {
    int k = static_cast<int>(random() % kPerStore);
    ASSERT_EQ(left.get(key(k))->size(), kValueSize);
    ASSERT_EQ(right.get(key(k))->size(), kValueSize);
    max_usage = std::max(max_usage, resources.cacheUsage());
  }
  ::testing::Test::RecordProperty("max_cache_usage", std::to_string(max_usage));
  ::testing::Test::RecordProperty("max_write_buffer_usage", std::to_string(max_write_buffer));
  EXPECT_LE(max_usage, kBound + kSlack);
  EXPECT_EQ(resources.capacity(), kBound);
  // The bound is not vacuous: the stores did fill the shared cache and charge memtables to it.
  EXPECT_GE(max_usage, kBound / 2);
  EXPECT_GT(max_write_buffer, 0u);
  EXPECT_LE(max_write_buffer, resources.writeBufferBytes() + kSlack);
  // 40 MiB went to disk, not to memory.
  EXPECT_EQ(left.all()->hasNext(), true);
}

TEST(RocksDBResourcesTest, EachStoreUsesTheSharedCache) {
  RocksDBResources resources(size_t{8} << 20);
  TestStoreContext context;
  context.rocksdb = &resources;
  RocksDBKeyValueStore store("only");
  store.init(context, store);
  size_t before = resources.cacheUsage();
  std::mt19937_64 random(3);
  for (int i = 0; i < 2000; ++i) store.put("k" + std::to_string(i), RandomValue(random, 512));
  store.flush();
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE(store.get("k" + std::to_string(i)).has_value());
  // Data, index and filter blocks of the store landed in the shared cache.
  EXPECT_GT(resources.cacheUsage(), before + 512 * 1000);
}

TEST(RocksDBResourcesTest, BadBoundsAreRejected) {
  EXPECT_THROW(RocksDBResources(0), std::invalid_argument);
  EXPECT_THROW(RocksDBResources(1 << 20, 0.0), std::invalid_argument);
  EXPECT_THROW(RocksDBResources(1 << 20, 1.0), std::invalid_argument);
}

class RecordingSetter final : public streams::RocksDBConfigSetter {
 public:
  void setConfig(const std::string& store_name, rocksdb::Options& options,
                 const std::map<std::string, std::string>& configs) override {
    set.push_back(store_name);
    seen_config = configs.count("custom") ? configs.at("custom") : "";
    options.max_write_buffer_number = 5;
  }
  void close(const std::string& store_name, rocksdb::Options& options) override {
    closed.push_back(store_name);
    EXPECT_EQ(options.max_write_buffer_number, 5);
  }
  std::vector<std::string> set;
  std::vector<std::string> closed;
  std::string seen_config;
};

// The newest OPTIONS file RocksDB wrote in `dir`.
std::string OptionsFile(const fs::path& dir) {
  fs::path newest;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("OPTIONS-", 0) == 0 &&
        entry.path().filename().string() > newest.filename().string()) {
      newest = entry.path();
    }
  }
  std::ifstream in(newest);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RocksDBResourcesTest, TheConfigSetterTunesEveryInstanceAStoreOpens) {
  auto setter = std::make_shared<RecordingSetter>();
  RocksDBResources resources(size_t{16} << 20, 0.5, setter);
  TestStoreContext context;
  context.configs["custom"] = "yes";
  context.rocksdb = &resources;
  {
    RocksDBKeyValueStore store("counts");
    store.init(context, store);
    EXPECT_EQ(setter->set, (std::vector<std::string>{"counts"}));
    EXPECT_EQ(setter->seen_config, "yes");
    EXPECT_NE(
        OptionsFile(context.stateDir() / "rocksdb" / "counts").find("max_write_buffer_number=5"),
        std::string::npos);
    store.close();
    EXPECT_EQ(setter->closed, (std::vector<std::string>{"counts"}));
  }
  setter->set.clear();
  setter->closed.clear();
  RocksDBWindowStore windows("windows", 120'000, 60'000, 1000, false);
  windows.init(context, windows);
  windows.put("a", "1", 0);
  windows.put("a", "2", 60'000);
  // One call per segment, with the store's name.
  EXPECT_EQ(setter->set, (std::vector<std::string>{"windows", "windows"}));
  windows.close();
  EXPECT_EQ(setter->closed.size(), 2u);
}

}  // namespace
}  // namespace brook::statestore
