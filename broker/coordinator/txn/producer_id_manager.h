#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "broker/log/env.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::coordinator::txn {

inline constexpr const char* kProducerIdBlockFile = "brook-producer-ids";

// Hands out producer ids that are never reused, across restarts: ids come from blocks of
// `block_size`, and the start of the next block is written to <log_dir>/brook-producer-ids
// before the first id of a block is given out (Kafka's controller allocates blocks of 1000 the
// same way). A restart therefore skips the rest of the current block. File: "1\n<next block>\n".
// Thread safety: all methods are safe from any thread.
class ProducerIdManager {
 public:
  // Corruption when the file exists but does not parse.
  static Result<std::unique_ptr<ProducerIdManager>> Open(log::Env* env, std::string path,
                                                         int64_t block_size = 1000);
  // The next unused producer id. IOError when the next block cannot be recorded.
  Result<ProducerId> Next();

 private:
  ProducerIdManager(log::Env* env, std::string path, int64_t block_size)
      : env_(env), path_(std::move(path)), block_size_(block_size) {}

  log::Env* env_;
  std::string path_;
  int64_t block_size_;
  std::mutex mutex_;
  int64_t next_ = 0;       // next id to hand out
  int64_t block_end_ = 0;  // first id of the next (unrecorded) block
};

}  // namespace brook::broker::coordinator::txn
