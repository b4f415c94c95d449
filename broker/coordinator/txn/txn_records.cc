#include "broker/coordinator/txn/txn_records.h"

#include <array>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>

#include "broker/coordinator/group/group_records.h"
#include "broker/protocol/reader.h"
#include "broker/protocol/transaction_coordinator_records.h"
#include "broker/protocol/writer.h"
#include "broker/record/record.h"
#include "broker/record/record_batch.h"
#include "common/assert.h"
#include "common/logging.h"

namespace brook::broker::coordinator::txn {
namespace {

std::shared_ptr<spdlog::logger> Logger() {
  static auto logger = GetLogger("coordinator.txn");
  return logger;
}

constexpr int16_t kKeyVersion = 0;
constexpr int16_t kValueVersion = 0;
constexpr int16_t kValueVersionWithProducerIds = 1;  // the first flexible version

// Indexed by the state's id.
constexpr std::array<std::string_view, 8> kStateNames = {
    "Empty",          "Ongoing",       "PrepareCommit", "PrepareAbort",
    "CompleteCommit", "CompleteAbort", "Dead",          "PrepareEpochFence"};

template <typename Message>
Bytes Versioned(const Message& message, int16_t version) {
  Bytes out;
  out.reserve(2 + message.EncodedSize(version));
  protocol::Writer writer(&out);
  writer.WriteInt16(version);
  message.Encode(writer, version);
  return out;
}

// Reads `int16 version` + the message. A version outside the message's range is Unsupported
// (Kafka skips such a value too: newer versions are not promised to read as older ones).
template <typename Message>
Status ReadVersioned(ByteView bytes, Message* message) {
  protocol::Reader reader(bytes);
  int16_t version = 0;
  BROOK_RETURN_IF_ERROR(reader.ReadInt16(&version, "version"));
  return message->Decode(reader, version);
}

// `status` with the transactional id in front of its message.
Status ForTxn(const Status& status, std::string_view transactional_id) {
  return Status(status.code(),
                fmt::format("transactional id '{}': {}", transactional_id, status.message()));
}

}  // namespace

std::string_view TxnStateName(TxnState state) {
  auto id = static_cast<int8_t>(state);
  if (id < 0 || static_cast<size_t>(id) >= kStateNames.size()) return "Unknown";
  return kStateNames[id];
}

std::optional<TxnState> ParseTxnStateName(std::string_view name) {
  for (size_t id = 0; id < kStateNames.size(); ++id) {
    if (kStateNames[id] == name) return static_cast<TxnState>(id);
  }
  return std::nullopt;
}

Bytes TxnKeyBytes(std::string_view transactional_id) {
  protocol::TransactionLogKey key;
  key.transactional_id = transactional_id;
  return Versioned(key, kKeyVersion);
}

Bytes TxnValueBytes(const StoredTxn& txn) {
  protocol::TransactionLogValue value;
  value.producer_id = txn.producer_id.value();
  value.previous_producer_id = txn.previous_producer_id.value();
  value.next_producer_id = txn.next_producer_id.value();
  value.producer_epoch = txn.producer_epoch.value();
  value.transaction_timeout_ms = txn.timeout_ms;
  value.transaction_status = static_cast<int8_t>(txn.state);
  value.transaction_last_update_timestamp_ms = txn.last_update_ms;
  value.transaction_start_timestamp_ms = txn.start_ms;
  if (txn.state == TxnState::kEmpty) {
    BROOK_CHECK(txn.partitions.empty());
    value.transaction_partitions = std::nullopt;
  } else {
    auto& partitions = value.transaction_partitions.emplace();
    for (const auto& [topic, ids] : txn.partitions) {
      auto& p = partitions.emplace_back();
      p.topic = topic;
      p.partition_ids.assign(ids.begin(), ids.end());
    }
  }
  bool with_producer_ids =
      txn.previous_producer_id.value() != -1 || txn.next_producer_id.value() != -1;
  return Versioned(value, with_producer_ids ? kValueVersionWithProducerIds : kValueVersion);
}

Result<TxnRecord> DecodeTxnRecord(std::optional<ByteView> key, std::optional<ByteView> value) {
  if (!key || key->size() < 2) return Status::Corruption("record without a readable key");
  int16_t key_version = LoadBigEndian<int16_t>(key->data());
  if (key_version != kKeyVersion) {
    return Status::Unsupported(fmt::format("unknown key version {}", key_version));
  }
  protocol::TransactionLogKey k;
  BROOK_RETURN_IF_ERROR(ReadVersioned(*key, &k));
  TxnRecord record{std::move(k.transactional_id), std::nullopt};
  if (!value) return record;

  protocol::TransactionLogValue v;
  if (Status read = ReadVersioned(*value, &v); !read.ok()) {
    return ForTxn(read, record.transactional_id);
  }
  if (v.transaction_status < 0 || static_cast<size_t>(v.transaction_status) >= kStateNames.size()) {
    return ForTxn(
        Status::Corruption(fmt::format("unknown transaction state {}", v.transaction_status)),
        record.transactional_id);
  }
  StoredTxn txn;
  txn.producer_id = ProducerId(v.producer_id);
  txn.previous_producer_id = ProducerId(v.previous_producer_id);
  txn.next_producer_id = ProducerId(v.next_producer_id);
  txn.producer_epoch = ProducerEpoch(v.producer_epoch);
  txn.timeout_ms = v.transaction_timeout_ms;
  txn.state = static_cast<TxnState>(v.transaction_status);
  txn.last_update_ms = v.transaction_last_update_timestamp_ms;
  txn.start_ms = v.transaction_start_timestamp_ms;
  if (txn.state != TxnState::kEmpty && v.transaction_partitions) {
    for (auto& p : *v.transaction_partitions) {
      txn.partitions[std::move(p.topic)].insert(p.partition_ids.begin(), p.partition_ids.end());
    }
  }
  record.value = std::move(txn);
  return record;
}

int32_t TxnPartition(std::string_view transactional_id, int32_t partitions) {
  int32_t hash = JavaStringHash(transactional_id);
  // Kafka's Utils.abs: Integer.MIN_VALUE maps to 0.
  int32_t abs = hash == INT32_MIN ? 0 : std::abs(hash);
  return abs % partitions;
}

Result<LoadedTxns> LoadTxnPartition(const log::Log& log) {
  LoadedTxns loaded;
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
      if (batch.is_control() || batch.is_transactional()) {
        // The coordinator writes its own records outside transactions: these are not its.
        loaded.skipped += batch.record_count();
        continue;
      }
      auto decoded = record::DecodedBatch::Decode(batch);
      if (!decoded.ok()) {
        Logger()->warn("{}: skipping unreadable batch at offset {}: {}", log.name(),
                       batch.base_offset(), decoded.status().ToString());
        loaded.skipped += batch.record_count();
        continue;
      }
      for (const auto& r : decoded->records()) {
        auto record = DecodeTxnRecord(r.key, r.value);
        if (!record.ok()) {
          Logger()->warn("{}: skipping record at offset {}: {}", log.name(), r.offset,
                         record.status().ToString());
          ++loaded.skipped;
          continue;
        }
        ++loaded.records;
        loaded.txns[std::move(record->transactional_id)] = std::move(record->value);
      }
    }
    if (next == before) break;  // no progress: nothing more to read
  }
  return loaded;
}

}  // namespace brook::broker::coordinator::txn
