#include "statestore/rocksdb/rocksdb_resources.h"

#include <rocksdb/cache.h>
#include <rocksdb/write_buffer_manager.h>

#include <stdexcept>
#include <string>

namespace brook::statestore {

namespace {
// Kafka's INDEX_FILTER_BLOCK_RATIO: the cache's high-priority pool, where index and filter
// blocks go (cache_index_and_filter_blocks_with_high_priority).
constexpr double kHighPriorityPoolRatio = 0.1;
}  // namespace

RocksDBResources::RocksDBResources(size_t total_bytes, double write_buffer_ratio,
                                   std::shared_ptr<streams::RocksDBConfigSetter> config_setter)
    : total_bytes_(total_bytes), config_setter_(std::move(config_setter)) {
  if (total_bytes == 0) {
    throw std::invalid_argument("rocksdb.memory.max.bytes must be positive");
  }
  if (!(write_buffer_ratio > 0.0 && write_buffer_ratio < 1.0)) {
    throw std::invalid_argument("RocksDB write buffer ratio must be in (0, 1), got " +
                                std::to_string(write_buffer_ratio));
  }
  write_buffer_bytes_ = static_cast<size_t>(static_cast<double>(total_bytes) * write_buffer_ratio);
  rocksdb::LRUCacheOptions cache_options;
  cache_options.capacity = total_bytes;
  // Not strict, as Kafka: a strict cache fails reads (Status::Incomplete) when pinned blocks
  // fill it; a soft one overshoots for as long as they are pinned.
  cache_options.strict_capacity_limit = false;
  cache_options.high_pri_pool_ratio = kHighPriorityPoolRatio;
  // Small caches get fewer shards: each shard is a capacity / 2^bits LRU of its own, and a
  // block bigger than a shard's share would not stay cached.
  cache_options.num_shard_bits = total_bytes < (size_t{32} << 20) ? 0 : -1;
  cache_ = rocksdb::NewLRUCache(cache_options);
  write_buffer_manager_ = std::make_shared<rocksdb::WriteBufferManager>(write_buffer_bytes_, cache_,
                                                                        /*allow_stall=*/false);
}

RocksDBResources::~RocksDBResources() = default;

size_t RocksDBResources::cacheUsage() const { return cache_->GetUsage(); }

size_t RocksDBResources::cachePinnedUsage() const { return cache_->GetPinnedUsage(); }

size_t RocksDBResources::writeBufferUsage() const { return write_buffer_manager_->memory_usage(); }

}  // namespace brook::statestore
