#include "bench/group_member.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

namespace brook::bench {
namespace {

constexpr int kPollTimeoutMs = 20;

}  // namespace

int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<GroupMember>> GroupMember::Create(const std::string& bootstrap,
                                                         const std::string& group_id,
                                                         const Settings& settings) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Settings all = {{"bootstrap.servers", bootstrap}, {"group.id", group_id}};
  all.insert(all.end(), settings.begin(), settings.end());
  for (const auto& [key, value] : all) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error)) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument(fmt::format("{}={}: {}", key, value, error));
    }
  }
  rd_kafka_conf_set_rebalance_cb(conf, &GroupMember::OnRebalance);
  // The member is created before the handle exists, so the callback can find it.
  std::unique_ptr<GroupMember> member(new GroupMember(nullptr));
  rd_kafka_conf_set_opaque(conf, member.get());
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof(error));
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::Internal(fmt::format("rd_kafka_new: {}", error));
  }
  member->handle_ = handle;
  // Logs and errors arrive through rd_kafka_consumer_poll(), on the member's thread.
  rd_kafka_poll_set_consumer(handle);
  return member;
}

GroupMember::~GroupMember() {
  RequestStop();
  if (poller_.joinable()) {
    poller_.join();
  } else if (handle_ != nullptr) {
    rd_kafka_destroy(handle_);
  }
}

Status GroupMember::Subscribe(const std::string& topic) {
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(handle_, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Internal(fmt::format("subscribe {}: {}", topic, rd_kafka_err2str(err)));
  }
  poller_ = std::thread([this] { Poll(); });
  return Status::Ok();
}

MemberState GroupMember::State() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_;
}

void GroupMember::OnRebalance(rd_kafka_t* handle, rd_kafka_resp_err_t err,
                              rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* member = static_cast<GroupMember*>(opaque);
  const int64_t now = SteadyNanos();
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rd_kafka_assign(handle, partitions);
    std::lock_guard<std::mutex> lock(member->mutex_);
    MemberState& state = member->state_;
    state.partitions.clear();
    for (int i = 0; i < partitions->cnt; ++i) {
      state.partitions.push_back(partitions->elems[i].partition);
    }
    state.assigned_ns = now;
    state.consuming_ns = 0;
    ++state.rebalances;
    return;
  }
  rd_kafka_assign(handle, nullptr);
  std::lock_guard<std::mutex> lock(member->mutex_);
  MemberState& state = member->state_;
  if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    state.last_error = fmt::format("rebalance: {}", rd_kafka_err2str(err));
  }
  state.partitions.clear();
  state.revoked_ns = now;
  state.consuming_ns = 0;
  ++state.rebalances;
}

void GroupMember::Poll() {
  while (!stop_.load()) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(handle_, kPollTimeoutMs);
    if (message == nullptr) continue;
    const int64_t now = SteadyNanos();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        state_.last_error = rd_kafka_message_errstr(message);
      } else {
        ++state_.records;
        // A record of the current assignment (librdkafka drops those fetched before it).
        const auto& assigned = state_.partitions;
        if (state_.consuming_ns == 0 &&
            std::find(assigned.begin(), assigned.end(), message->partition) != assigned.end()) {
          state_.consuming_ns = now;
        }
      }
    }
    rd_kafka_message_destroy(message);
  }
  // Revokes the assignment through OnRebalance, then leaves the group.
  rd_kafka_consumer_close(handle_);
  rd_kafka_destroy(handle_);
  handle_ = nullptr;
}

}  // namespace brook::bench
