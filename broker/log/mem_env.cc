#include "broker/log/mem_env.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace brook::broker::log {

struct MemEnv::Node {
  mutable std::mutex mutex;
  Bytes data;
};

namespace {

class MemFile final : public File {
 public:
  MemFile(std::string path, std::shared_ptr<MemEnv::Node> node)
      : File(std::move(path)), node_(std::move(node)) {}

  Result<size_t> ReadAt(uint64_t position, uint8_t* out, size_t n) const override {
    std::lock_guard lock(node_->mutex);
    if (position >= node_->data.size()) return size_t{0};
    size_t count = std::min<uint64_t>(n, node_->data.size() - position);
    std::memcpy(out, node_->data.data() + position, count);
    return count;
  }
  Status Append(ByteView data) override {
    std::lock_guard lock(node_->mutex);
    node_->data.insert(node_->data.end(), data.begin(), data.end());
    return Status::Ok();
  }
  Status Truncate(uint64_t size) override {
    std::lock_guard lock(node_->mutex);
    if (size < node_->data.size()) node_->data.resize(size);
    return Status::Ok();
  }
  Status Sync() override { return Status::Ok(); }
  uint64_t Size() const override {
    std::lock_guard lock(node_->mutex);
    return node_->data.size();
  }

 private:
  std::shared_ptr<MemEnv::Node> node_;
};

std::string Parent(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

}  // namespace

Result<std::unique_ptr<File>> MemEnv::OpenFile(const std::string& path) {
  std::lock_guard lock(mutex_);
  auto& node = files_[path];
  if (!node) node = std::make_shared<Node>();
  return std::unique_ptr<File>(new MemFile(path, node));
}

bool MemEnv::FileExists(const std::string& path) {
  std::lock_guard lock(mutex_);
  return files_.count(path) > 0 || dirs_.count(path) > 0;
}

Result<std::vector<std::string>> MemEnv::ListDir(const std::string& dir) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  std::string prefix = dir + "/";
  auto collect = [&](const std::string& path) {
    if (path.compare(0, prefix.size(), prefix) != 0) return;
    std::string rest = path.substr(prefix.size());
    std::string name = rest.substr(0, rest.find('/'));
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  };
  for (const auto& [path, node] : files_) collect(path);
  for (const auto& [path, unused] : dirs_) collect(path);
  if (names.empty() && dirs_.count(dir) == 0) {
    return Status::NotFound(fmt::format("list {}: no such directory", dir));
  }
  return names;
}

Status MemEnv::CreateDirs(const std::string& dir) {
  std::lock_guard lock(mutex_);
  for (std::string d = dir; !d.empty(); d = Parent(d)) dirs_[d] = true;
  return Status::Ok();
}

Status MemEnv::DeleteFile(const std::string& path) {
  std::lock_guard lock(mutex_);
  files_.erase(path);
  return Status::Ok();
}

Status MemEnv::DeleteDirRecursively(const std::string& dir) {
  std::lock_guard lock(mutex_);
  std::string prefix = dir + "/";
  std::erase_if(files_,
                [&](const auto& kv) { return kv.first.compare(0, prefix.size(), prefix) == 0; });
  std::erase_if(dirs_, [&](const auto& kv) {
    return kv.first == dir || kv.first.compare(0, prefix.size(), prefix) == 0;
  });
  return Status::Ok();
}

Status MemEnv::RenameFile(const std::string& from, const std::string& to) {
  std::lock_guard lock(mutex_);
  auto it = files_.find(from);
  if (it == files_.end()) return Status::NotFound(fmt::format("rename {}: no such file", from));
  files_[to] = it->second;
  files_.erase(it);
  return Status::Ok();
}

Result<uint64_t> MemEnv::FileSize(const std::string& path) {
  std::lock_guard lock(mutex_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound(fmt::format("stat {}: no such file", path));
  std::lock_guard node_lock(it->second->mutex);
  return static_cast<uint64_t>(it->second->data.size());
}

Status MemEnv::TruncateFile(const std::string& path, uint64_t size) {
  std::lock_guard lock(mutex_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound(path);
  std::lock_guard node_lock(it->second->mutex);
  if (size < it->second->data.size()) it->second->data.resize(size);
  return Status::Ok();
}

Status MemEnv::FlipByte(const std::string& path, uint64_t position, uint8_t mask) {
  std::lock_guard lock(mutex_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound(path);
  std::lock_guard node_lock(it->second->mutex);
  if (position >= it->second->data.size()) return Status::OutOfRange(path);
  it->second->data[position] ^= mask;
  return Status::Ok();
}

std::map<std::string, Bytes> MemEnv::Snapshot() {
  std::lock_guard lock(mutex_);
  std::map<std::string, Bytes> copy;
  for (const auto& [path, node] : files_) {
    std::lock_guard node_lock(node->mutex);
    copy[path] = node->data;
  }
  return copy;
}

void MemEnv::Restore(const std::map<std::string, Bytes>& snapshot) {
  std::lock_guard lock(mutex_);
  files_.clear();
  for (const auto& [path, data] : snapshot) {
    auto node = std::make_shared<Node>();
    node->data = data;
    files_[path] = node;
    for (std::string d = Parent(path); !d.empty(); d = Parent(d)) dirs_[d] = true;
  }
}

}  // namespace brook::broker::log
