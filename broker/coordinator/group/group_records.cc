#include "broker/coordinator/group/group_records.h"

#include <cstdlib>

#include <fmt/format.h>

#include "broker/protocol/reader.h"
#include "broker/protocol/writer.h"
#include "broker/record/control_record.h"
#include "broker/record/record.h"
#include "broker/record/record_batch.h"
#include "common/logging.h"

namespace brook::broker::coordinator {
namespace {

std::shared_ptr<spdlog::logger> Logger() {
  static auto logger = GetLogger("coordinator.group");
  return logger;
}

constexpr int16_t kOffsetKeyVersion = 1;
constexpr int16_t kGroupKeyVersion = 2;
constexpr int16_t kOffsetValueVersion = 3;
constexpr int16_t kOffsetValueVersionWithExpiry = 1;
constexpr int16_t kGroupValueVersion = 3;

template <typename Message>
Bytes Versioned(const Message& message, int16_t version) {
  Bytes out;
  out.reserve(2 + message.EncodedSize(version));
  protocol::Writer writer(&out);
  writer.WriteInt16(version);
  message.Encode(writer, version);
  return out;
}

// Reads `int16 version` + the message; versions above what we know decode as the newest we
// know (Kafka's values only ever append fields).
template <typename Message>
Status ReadVersioned(ByteView bytes, Message* message, bool clamp_version) {
  protocol::Reader reader(bytes);
  int16_t version = 0;
  BROOK_RETURN_IF_ERROR(reader.ReadInt16(&version, "version"));
  if (clamp_version && version > Message::kMaxVersion) version = Message::kMaxVersion;
  return message->Decode(reader, version);
}

}  // namespace

int32_t JavaStringHash(std::string_view text) {
  uint32_t h = 0;
  auto add = [&h](uint32_t unit) { h = 31 * h + unit; };
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<uint8_t>(text[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      len = 2;
      cp = c & 0x1F;
    }
    if (i + len > text.size()) len = 1, cp = c;  // truncated sequence: take the byte
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<uint8_t>(text[i + k]) & 0x3F);
    i += len;
    if (cp >= 0x10000) {  // a surrogate pair in UTF-16
      cp -= 0x10000;
      add(0xD800 + (cp >> 10));
      add(0xDC00 + (cp & 0x3FF));
    } else {
      add(cp);
    }
  }
  return static_cast<int32_t>(h);
}

int32_t GroupPartition(std::string_view group_id, int32_t partitions) {
  int32_t hash = JavaStringHash(group_id);
  // Kafka's Utils.abs: Integer.MIN_VALUE maps to 0.
  int32_t abs = hash == INT32_MIN ? 0 : std::abs(hash);
  return abs % partitions;
}

Bytes OffsetCommitKeyBytes(std::string_view group, std::string_view topic, int32_t partition) {
  protocol::OffsetCommitKey key;
  key.group = group;
  key.topic = topic;
  key.partition = partition;
  return Versioned(key, kOffsetKeyVersion);
}

Bytes OffsetCommitValueBytes(const CommittedOffset& offset) {
  protocol::OffsetCommitValue value;
  value.offset = offset.offset;
  value.leader_epoch = offset.leader_epoch;
  value.metadata = offset.metadata;
  value.commit_timestamp = offset.commit_timestamp_ms;
  if (offset.expire_timestamp_ms) {
    value.expire_timestamp = *offset.expire_timestamp_ms;
    return Versioned(value, kOffsetValueVersionWithExpiry);
  }
  return Versioned(value, kOffsetValueVersion);
}

Bytes GroupMetadataKeyBytes(std::string_view group) {
  protocol::GroupMetadataKey key;
  key.group = group;
  return Versioned(key, kGroupKeyVersion);
}

Bytes GroupMetadataValueBytes(const Group& group, int64_t now_ms) {
  protocol::GroupMetadataValue value;
  value.protocol_type = group.protocol_type.value_or("");
  value.generation = group.generation;
  value.protocol = group.protocol_name;
  value.leader = group.leader_id;
  value.current_state_timestamp = now_ms;
  for (const auto& [id, member] : group.members) {
    auto& m = value.members.emplace_back();
    m.member_id = id;
    m.group_instance_id = member.group_instance_id;
    m.client_id = member.client_id;
    m.client_host = member.client_host;
    m.rebalance_timeout = member.rebalance_timeout_ms;
    m.session_timeout = member.session_timeout_ms;
    if (group.protocol_name) {
      if (const Bytes* metadata = member.MetadataFor(*group.protocol_name))
        m.subscription = *metadata;
    }
    m.assignment = member.assignment;
  }
  return Versioned(value, kGroupValueVersion);
}

Result<std::variant<OffsetRecord, GroupRecord>> DecodeGroupRecord(std::optional<ByteView> key,
                                                                  std::optional<ByteView> value) {
  if (!key || key->size() < 2) return Status::Corruption("record without a readable key");
  int16_t key_version = LoadBigEndian<int16_t>(key->data());
  if (key_version == 0 || key_version == 1) {
    protocol::OffsetCommitKey k;
    BROOK_RETURN_IF_ERROR(ReadVersioned(*key, &k, false));
    OffsetRecord record{k.group, {k.topic, k.partition}, std::nullopt};
    if (value) {
      protocol::OffsetCommitValue v;
      BROOK_RETURN_IF_ERROR(ReadVersioned(*value, &v, true));
      CommittedOffset offset;
      offset.offset = v.offset;
      offset.leader_epoch = v.leader_epoch;
      offset.metadata = v.metadata;
      offset.commit_timestamp_ms = v.commit_timestamp;
      if (v.expire_timestamp >= 0) offset.expire_timestamp_ms = v.expire_timestamp;
      record.value = std::move(offset);
    }
    return std::variant<OffsetRecord, GroupRecord>(std::move(record));
  }
  if (key_version == 2) {
    protocol::GroupMetadataKey k;
    BROOK_RETURN_IF_ERROR(ReadVersioned(*key, &k, false));
    GroupRecord record{k.group, std::nullopt};
    if (value) {
      protocol::GroupMetadataValue v;
      BROOK_RETURN_IF_ERROR(ReadVersioned(*value, &v, true));
      StoredGroup stored;
      stored.protocol_type = v.protocol_type;
      stored.generation = v.generation;
      stored.protocol_name = v.protocol;
      stored.leader_id = v.leader;
      stored.state_timestamp_ms = v.current_state_timestamp;
      for (auto& m : v.members) {
        Member member;
        member.member_id = m.member_id;
        member.group_instance_id = m.group_instance_id;
        member.client_id = m.client_id;
        member.client_host = m.client_host;
        member.rebalance_timeout_ms = m.rebalance_timeout;
        member.session_timeout_ms = m.session_timeout;
        member.protocol_type = v.protocol_type;
        if (v.protocol) member.protocols.push_back({*v.protocol, m.subscription});
        member.assignment = std::move(m.assignment);
        stored.members.push_back(std::move(member));
      }
      record.value = std::move(stored);
    }
    return std::variant<OffsetRecord, GroupRecord>(std::move(record));
  }
  return Status::Unsupported(fmt::format("unknown key version {}", key_version));
}

namespace {

// Transactional offset commits seen during a replay and not yet resolved by a marker: per
// producer id, per group.
using PendingByProducer = std::map<ProducerId, std::map<std::string, OffsetMap>>;

// A COMMIT or ABORT marker ends the producer's pending offsets. Other control types, and a batch
// the cleaner emptied, change nothing.
void ReplayMarker(const log::Log& log, const record::RecordBatchView& batch,
                  PendingByProducer& pending, LoadedGroups& loaded) {
  auto decoded = record::DecodedBatch::Decode(batch);
  if (!decoded.ok()) {
    Logger()->warn("{}: skipping unreadable control batch at offset {}: {}", log.name(),
                   batch.base_offset(), decoded.status().ToString());
    loaded.skipped += batch.record_count();
    return;
  }
  if (decoded->records().empty()) return;
  auto control = record::ParseControlRecord(decoded->records().front());
  if (!control.ok()) {
    Logger()->warn("{}: skipping control record at offset {}: {}", log.name(), batch.base_offset(),
                   control.status().ToString());
    ++loaded.skipped;
    return;
  }
  bool commit = control->type == record::ControlType::kCommit;
  if (!commit && control->type != record::ControlType::kAbort) return;
  ++loaded.records;
  auto it = pending.find(batch.producer_id());
  if (it == pending.end()) return;
  if (commit) {
    for (auto& [group, offsets] : it->second) {
      MergeCommittedTxnOffsets(loaded.offsets[group], std::move(offsets));
    }
  }
  pending.erase(it);
}

// The records of a data batch: a transactional batch's offsets go to its producer's pending ones.
void ReplayRecords(const log::Log& log, const record::RecordBatchView& batch,
                   PendingByProducer& pending, LoadedGroups& loaded) {
  auto decoded = record::DecodedBatch::Decode(batch);
  if (!decoded.ok()) {
    Logger()->warn("{}: skipping unreadable batch at offset {}: {}", log.name(),
                   batch.base_offset(), decoded.status().ToString());
    loaded.skipped += batch.record_count();
    return;
  }
  for (const auto& r : decoded->records()) {
    auto record = DecodeGroupRecord(r.key, r.value);
    if (!record.ok()) {
      Logger()->warn("{}: skipping record at offset {}: {}", log.name(), r.offset,
                     record.status().ToString());
      ++loaded.skipped;
      continue;
    }
    ++loaded.records;
    if (auto* o = std::get_if<OffsetRecord>(&*record)) {
      OffsetMap& offsets = batch.is_transactional() ? pending[batch.producer_id()][o->group]
                                                    : loaded.offsets[o->group];
      if (o->value) {
        o->value->record_offset = r.offset;
        offsets[o->partition] = std::move(*o->value);
      } else {
        offsets.erase(o->partition);
      }
    } else {
      auto& g = std::get<GroupRecord>(*record);
      loaded.groups[g.group] = std::move(g.value);
    }
  }
}

}  // namespace

Result<LoadedGroups> LoadGroupPartition(const log::Log& log) {
  LoadedGroups loaded;
  PendingByProducer pending;
  Offset next = log.log_start_offset();
  Bytes buffer;
  while (next < log.log_end_offset()) {
    BROOK_ASSIGN_OR_RETURN(log::ReadResult range, log.Read(next, 4 << 20));
    if (range.empty()) break;
    BROOK_RETURN_IF_ERROR(range.ReadInto(&buffer));
    ByteView rest(buffer);
    Offset before = next;
    while (!rest.empty()) {
      BROOK_ASSIGN_OR_RETURN(record::RecordBatchView batch, record::RecordBatchView::Parse(rest));
      rest = rest.subspan(batch.size());
      if (batch.last_offset() < next) continue;  // the range starts at the batch holding `next`
      next = batch.next_offset();
      if (batch.is_control()) {
        ReplayMarker(log, batch, pending, loaded);
      } else {
        ReplayRecords(log, batch, pending, loaded);
      }
    }
    if (next == before) break;  // no progress: nothing more to read
  }
  // Transactions still open: their offsets stay pending in the coordinator.
  for (auto& [producer_id, groups] : pending) {
    for (auto& [group, offsets] : groups) {
      if (!offsets.empty()) loaded.pending_offsets[group][producer_id] = std::move(offsets);
    }
  }
  return loaded;
}

}  // namespace brook::broker::coordinator
