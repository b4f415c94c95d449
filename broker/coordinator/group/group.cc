#include "broker/coordinator/group/group.h"

#include <algorithm>

#include "broker/protocol/reader.h"

namespace brook::broker::coordinator {

std::string_view GroupStateName(GroupState state) {
  switch (state) {
    case GroupState::kEmpty:
      return "Empty";
    case GroupState::kPreparingRebalance:
      return "PreparingRebalance";
    case GroupState::kCompletingRebalance:
      return "CompletingRebalance";
    case GroupState::kStable:
      return "Stable";
    case GroupState::kDead:
      return "Dead";
  }
  return "Unknown";
}

const Bytes* Member::MetadataFor(std::string_view protocol) const {
  for (const auto& p : protocols) {
    if (p.name == protocol) return &p.metadata;
  }
  return nullptr;
}

void MergeCommittedTxnOffsets(OffsetMap& committed, OffsetMap txn_offsets) {
  for (auto& [partition, offset] : txn_offsets) {
    auto it = committed.find(partition);
    if (it != committed.end() && it->second.record_offset > offset.record_offset) continue;
    committed[partition] = std::move(offset);
  }
}

bool Group::HasPendingTxnOffset(const TopicPartition& partition) const {
  return std::any_of(pending_txn_offsets.begin(), pending_txn_offsets.end(),
                     [&](const auto& producer) { return producer.second.count(partition) > 0; });
}

bool Group::IsStaticMemberFenced(const std::optional<std::string>& instance_id,
                                 const std::string& member_id) const {
  if (!instance_id) return false;
  auto it = static_members.find(*instance_id);
  return it != static_members.end() && it->second != member_id;
}

bool Group::SupportsProtocols(const std::string& type,
                              const std::vector<GroupProtocol>& protocols) const {
  if (members.empty()) return !type.empty() && !protocols.empty();
  if (!protocol_type || *protocol_type != type) return false;
  for (const auto& candidate : protocols) {
    bool everyone = std::all_of(members.begin(), members.end(), [&](const auto& m) {
      return m.second.MetadataFor(candidate.name) != nullptr;
    });
    if (everyone) return true;
  }
  return false;
}

std::optional<std::string> Group::SelectProtocol() const {
  if (members.empty()) return std::nullopt;
  // Candidates in a stable order: the leader's preference (or the first member's).
  const Member& reference =
      leader_id && members.count(*leader_id) ? members.at(*leader_id) : members.begin()->second;
  std::vector<std::string> candidates;
  for (const auto& p : reference.protocols) {
    bool everyone = std::all_of(members.begin(), members.end(), [&](const auto& m) {
      return m.second.MetadataFor(p.name) != nullptr;
    });
    if (everyone) candidates.push_back(p.name);
  }
  if (candidates.empty()) return std::nullopt;
  // Each member votes for the first candidate in its own order.
  std::map<std::string, int> votes;
  for (const auto& [id, member] : members) {
    for (const auto& p : member.protocols) {
      if (std::find(candidates.begin(), candidates.end(), p.name) != candidates.end()) {
        ++votes[p.name];
        break;
      }
    }
  }
  std::string best = candidates.front();
  for (const auto& c : candidates) {
    if (votes[c] > votes[best]) best = c;
  }
  return best;
}

bool Group::AllMembersJoined() const {
  if (!pending_members.empty()) return false;
  return std::all_of(members.begin(), members.end(),
                     [](const auto& m) { return m.second.awaiting_join_response(); });
}

int32_t Group::MaxRebalanceTimeoutMs() const {
  int32_t max = 0;
  for (const auto& [id, member] : members) max = std::max(max, member.rebalance_timeout_ms);
  return max;
}

std::optional<std::set<std::string>> Group::SubscribedTopics() const {
  if (protocol_type != "consumer" || !protocol_name) return std::nullopt;
  std::set<std::string> topics;
  for (const auto& [id, member] : members) {
    const Bytes* metadata = member.MetadataFor(*protocol_name);
    if (metadata == nullptr) return std::nullopt;
    protocol::Reader reader(*metadata);
    int16_t version = 0;
    if (!reader.ReadInt16(&version, "Version").ok() || version < 0) return std::nullopt;
    // A newer subscription starts with the fields of the newest version we know.
    version = std::min<int16_t>(version, protocol::ConsumerProtocolSubscription::kMaxVersion);
    protocol::ConsumerProtocolSubscription subscription;
    if (!subscription.Decode(reader, version).ok()) return std::nullopt;
    topics.insert(subscription.topics.begin(), subscription.topics.end());
  }
  return topics;
}

}  // namespace brook::broker::coordinator
