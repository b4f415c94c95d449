#include "broker/coordinator/txn/producer_id_manager.h"

#include <fmt/format.h>

#include <charconv>

namespace brook::broker::coordinator::txn {

Result<std::unique_ptr<ProducerIdManager>> ProducerIdManager::Open(log::Env* env, std::string path,
                                                                   int64_t block_size) {
  std::unique_ptr<ProducerIdManager> manager(
      new ProducerIdManager(env, std::move(path), block_size));
  if (env->FileExists(manager->path_)) {
    Bytes data;
    BROOK_ASSIGN_OR_RETURN(data, env->ReadSmallFile(manager->path_));
    std::string_view text = AsChars(data);
    auto bad = [&] {
      return Status::Corruption(
          fmt::format("{}: expected \"1\\n<next block>\\n\", found {:?}", manager->path_, text));
    };
    if (text.substr(0, 2) != "1\n" || text.size() < 4 || text.back() != '\n') return bad();
    std::string_view number = text.substr(2, text.size() - 3);
    int64_t next = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), next);
    if (ec != std::errc() || end != number.data() + number.size() || next < 0) return bad();
    manager->next_ = next;
    manager->block_end_ = next;
  }
  return manager;
}

Result<ProducerId> ProducerIdManager::Next() {
  std::lock_guard lock(mutex_);
  if (next_ >= block_end_) {
    int64_t end = next_ + block_size_;
    std::string text = fmt::format("1\n{}\n", end);
    BROOK_RETURN_IF_ERROR(env_->WriteSmallFileAtomically(path_, AsBytes(text)));
    block_end_ = end;
  }
  return ProducerId(next_++);
}

}  // namespace brook::broker::coordinator::txn
