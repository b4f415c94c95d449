// The records of __transaction_state: Kafka's bytes, decoding errors, the partition of a
// transactional id and replaying a partition's log.
#include "broker/coordinator/txn/txn_records.h"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "broker/log/env.h"
#include "broker/record/batch_builder.h"
#include "broker/record/control_record.h"

namespace brook::broker::coordinator::txn {
namespace {

Bytes Hex(std::string_view hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

StoredTxn OngoingTxn() {
  StoredTxn txn;
  txn.producer_id = ProducerId(5);
  txn.producer_epoch = ProducerEpoch(2);
  txn.timeout_ms = 60000;
  txn.state = TxnState::kOngoing;
  txn.partitions["a"] = {0, 1};
  txn.last_update_ms = 1000;
  txn.start_ms = 900;
  return txn;
}

StoredTxn Decoded(std::string_view id, const Bytes& value) {
  Bytes key = TxnKeyBytes(id);
  auto record = DecodeTxnRecord(ByteView(key), ByteView(value));
  EXPECT_TRUE(record.ok()) << record.status().ToString();
  if (!record.ok()) return {};
  EXPECT_EQ(record->transactional_id, id);
  EXPECT_TRUE(record->value.has_value());
  return record->value.value_or(StoredTxn{});
}

TEST(TxnRecordsTest, StateNamesAreKafkas) {
  EXPECT_EQ(TxnStateName(TxnState::kEmpty), "Empty");
  EXPECT_EQ(TxnStateName(TxnState::kPrepareCommit), "PrepareCommit");
  EXPECT_EQ(TxnStateName(TxnState::kCompleteAbort), "CompleteAbort");
  EXPECT_EQ(TxnStateName(TxnState::kPrepareEpochFence), "PrepareEpochFence");
  EXPECT_EQ(TxnStateName(static_cast<TxnState>(9)), "Unknown");
  for (int id = 0; id <= 7; ++id) {
    auto state = static_cast<TxnState>(id);
    EXPECT_EQ(ParseTxnStateName(TxnStateName(state)), state) << id;
  }
  EXPECT_EQ(ParseTxnStateName("ongoing"), std::nullopt) << "names are case-sensitive";
  EXPECT_EQ(ParseTxnStateName("Unknown"), std::nullopt);
}

TEST(TxnRecordsTest, KeyAndVersionZeroValueHaveKafkasBytes) {
  EXPECT_EQ(HexString(TxnKeyBytes("t1")), "000000027431");
  EXPECT_EQ(HexString(TxnValueBytes(OngoingTxn())),
            "0000"                // value version 0
            "0000000000000005"    // ProducerId
            "0002"                // ProducerEpoch
            "0000ea60"            // TransactionTimeoutMs 60000
            "01"                  // TransactionStatus Ongoing
            "00000001"            // one topic
            "00016100000002"      // "a", two partitions
            "0000000000000001"    // partitions 0 and 1
            "00000000000003e8"    // TransactionLastUpdateTimestampMs 1000
            "0000000000000384");  // TransactionStartTimestampMs 900
}

TEST(TxnRecordsTest, EmptyStateWritesNullPartitions) {
  StoredTxn txn;
  txn.producer_id = ProducerId(5);
  txn.producer_epoch = ProducerEpoch(0);
  txn.timeout_ms = 60000;
  EXPECT_EQ(HexString(TxnValueBytes(txn)),
            "0000"                                // value version 0
            "00000000000000050000"                // ProducerId 5, epoch 0
            "0000ea6000"                          // timeout 60000, Empty
            "ffffffff"                            // null array, as Kafka writes it in Empty
            "ffffffffffffffffffffffffffffffff");  // no timestamps
  EXPECT_EQ(Decoded("t1", TxnValueBytes(txn)), txn);
}

TEST(TxnRecordsTest, VersionOneCarriesTheProducerIdsAsTaggedFields) {
  StoredTxn txn;
  txn.producer_id = ProducerId(5);
  txn.previous_producer_id = ProducerId(4);
  txn.producer_epoch = ProducerEpoch(0);
  txn.timeout_ms = 60000;
  txn.state = TxnState::kCompleteCommit;
  txn.last_update_ms = 1000;
  txn.start_ms = 900;
  EXPECT_EQ(HexString(TxnValueBytes(txn)),
            "0001"                              // value version 1, flexible
            "00000000000000050000"              // ProducerId 5, epoch 0
            "0000ea6004"                        // timeout 60000, CompleteCommit
            "01"                                // compact array, no partitions
            "00000000000003e80000000000000384"  // last update 1000, start 900
            "01"                                // one tagged field
            "00080000000000000004");            // tag 0 (PreviousProducerId), 8 bytes, 4
  EXPECT_EQ(Decoded("t1", TxnValueBytes(txn)), txn);
}

TEST(TxnRecordsTest, ValuesRoundTripInBothVersions) {
  StoredTxn v0 = OngoingTxn();
  v0.partitions["b"] = {7};
  v0.state = TxnState::kPrepareCommit;
  ASSERT_EQ(TxnValueBytes(v0)[1], 0);
  EXPECT_EQ(Decoded("app-1", TxnValueBytes(v0)), v0);

  StoredTxn v1 = OngoingTxn();
  v1.previous_producer_id = ProducerId(3);
  v1.next_producer_id = ProducerId(9);
  v1.producer_epoch = ProducerEpoch(32766);
  v1.state = TxnState::kPrepareEpochFence;
  ASSERT_EQ(TxnValueBytes(v1)[1], 1);
  EXPECT_EQ(Decoded("app-\xC3\xA9", TxnValueBytes(v1)), v1);

  StoredTxn only_next = OngoingTxn();
  only_next.next_producer_id = ProducerId(10);
  ASSERT_EQ(TxnValueBytes(only_next)[1], 1);
  EXPECT_EQ(Decoded("app-2", TxnValueBytes(only_next)), only_next);
}

TEST(TxnRecordsTest, NullPartitionsReadAsNone) {
  // Ongoing with a null partition array: no partitions, not an error.
  Bytes value =
      Hex("000000000000000000050002"            // version 0, ProducerId 5, epoch 2
          "0000ea6001"                          // timeout 60000, Ongoing
          "ffffffff"                            // null partitions
          "00000000000003e80000000000000384");  // last update 1000, start 900
  StoredTxn txn = Decoded("t1", value);
  EXPECT_EQ(txn.state, TxnState::kOngoing);
  EXPECT_TRUE(txn.partitions.empty());
  EXPECT_EQ(txn.producer_id, ProducerId(5));
  EXPECT_EQ(txn.start_ms, 900);
}

TEST(TxnRecordsTest, NullValueIsATombstone) {
  Bytes key = TxnKeyBytes("gone");
  auto record = DecodeTxnRecord(ByteView(key), std::nullopt);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->transactional_id, "gone");
  EXPECT_FALSE(record->value.has_value());
}

TEST(TxnRecordsTest, UnknownKeyOrValueVersionIsUnsupported) {
  Bytes key = Hex("000100027431");  // key version 1, "t1"
  Bytes value = TxnValueBytes(OngoingTxn());
  auto record = DecodeTxnRecord(ByteView(key), ByteView(value));
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().code(), StatusCode::kUnsupported) << record.status().ToString();

  key = TxnKeyBytes("t1");
  value[1] = 2;
  record = DecodeTxnRecord(ByteView(key), ByteView(value));
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().code(), StatusCode::kUnsupported) << record.status().ToString();
}

TEST(TxnRecordsTest, CutKeysAndValuesAreCorruption) {
  auto no_key = DecodeTxnRecord(std::nullopt, std::nullopt);
  EXPECT_EQ(no_key.status().code(), StatusCode::kCorruption);
  Bytes cut_key = Hex("0000000574");  // "t" of a 5-byte id
  auto record = DecodeTxnRecord(ByteView(cut_key), std::nullopt);
  EXPECT_EQ(record.status().code(), StatusCode::kCorruption) << record.status().ToString();

  Bytes key = TxnKeyBytes("t1");
  Bytes value = TxnValueBytes(OngoingTxn());
  value.resize(value.size() - 3);
  record = DecodeTxnRecord(ByteView(key), ByteView(value));
  ASSERT_EQ(record.status().code(), StatusCode::kCorruption) << record.status().ToString();
  EXPECT_NE(record.status().message().find("'t1'"), std::string::npos)
      << record.status().ToString();
}

TEST(TxnRecordsTest, UnknownStateIdIsCorruption) {
  Bytes key = TxnKeyBytes("t1");
  for (uint8_t state : {uint8_t{8}, uint8_t{0xff}}) {
    Bytes value = TxnValueBytes(OngoingTxn());
    value[2 + 8 + 2 + 4] = state;  // TransactionStatus, after ProducerId, epoch and timeout
    auto record = DecodeTxnRecord(ByteView(key), ByteView(value));
    ASSERT_EQ(record.status().code(), StatusCode::kCorruption) << record.status().ToString();
    EXPECT_NE(record.status().message().find("state"), std::string::npos)
        << record.status().ToString();
  }
}

TEST(TxnRecordsTest, PartitionIsKafkasPartitionFor) {
  // Java: Utils.abs("txn-1".hashCode()) % 50 with "txn-1".hashCode() = 110810510.
  EXPECT_EQ(TxnPartition("txn-1", 50), 110810510 % 50);
  // "my-transactional-id".hashCode() = -959806496: the absolute value, then the modulo.
  EXPECT_EQ(TxnPartition("my-transactional-id", 50), 959806496 % 50);
  // "polygenelubricants".hashCode() is Integer.MIN_VALUE, which Utils.abs maps to 0.
  EXPECT_EQ(TxnPartition("polygenelubricants", 50), 0);
  EXPECT_EQ(TxnPartition("polygenelubricants", 7), 0);
  EXPECT_EQ(TxnPartition("", 50), 0);
  EXPECT_EQ(TxnPartition("txn-1", 1), 0);
}

class LoadTxnPartitionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/txn_records_test-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    auto opened = log::Log::Open(log::Env::Posix(), dir_ + "/__transaction_state-0", {});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    log_ = std::move(opened).value();
  }
  void TearDown() override {
    if (log_) log_->Close().IgnoreError();
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  struct Put {
    Bytes key;
    std::optional<Bytes> value;  // nullopt: tombstone
  };
  void Append(const std::vector<Put>& puts) {
    record::RecordBatchBuilder builder;
    for (const auto& put : puts) {
      std::optional<ByteView> value;
      if (put.value) value = ByteView(*put.value);
      builder.Add(1000, ByteView(put.key), value);
    }
    Bytes batch = *builder.Build();
    ASSERT_TRUE(log_->Append(batch).ok());
  }

  std::string dir_;
  std::unique_ptr<log::Log> log_;
};

TEST_F(LoadTxnPartitionTest, LatestRecordPerIdWinsAndBadRecordsAreSkipped) {
  StoredTxn first = OngoingTxn();
  StoredTxn second = OngoingTxn();
  second.state = TxnState::kCompleteCommit;
  second.partitions["b"] = {3};
  StoredTxn other = OngoingTxn();
  other.producer_id = ProducerId(8);
  other.next_producer_id = ProducerId(11);

  Append({{TxnKeyBytes("app-1"), TxnValueBytes(first)},
          {TxnKeyBytes("app-2"), TxnValueBytes(other)},
          {TxnKeyBytes("app-3"), TxnValueBytes(first)}});
  // Garbage: an unknown key version, a cut value and a record without a key.
  Bytes cut = TxnValueBytes(first);
  cut.resize(10);
  Bytes unknown_key = Hex("000700016a");  // key version 7, "j"
  Append({{unknown_key, TxnValueBytes(first)}, {TxnKeyBytes("app-1"), cut}});
  {
    record::RecordBatchBuilder builder;
    builder.Add(1000, std::nullopt, AsBytes("value"));
    Bytes batch = *builder.Build();
    ASSERT_TRUE(log_->Append(batch).ok());
  }
  // A transaction marker is not a coordinator record.
  Bytes marker = record::BuildControlBatch(record::ControlType::kCommit, ProducerId(5),
                                           ProducerEpoch(2), 0, Offset(0), 1000);
  ASSERT_TRUE(log_->Append(marker).ok());
  Append({{TxnKeyBytes("app-1"), TxnValueBytes(second)}, {TxnKeyBytes("app-3"), std::nullopt}});

  auto loaded = LoadTxnPartition(*log_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->records, 5);
  EXPECT_EQ(loaded->skipped, 4) << "three unreadable records and the marker";
  ASSERT_EQ(loaded->txns.size(), 3u);
  EXPECT_EQ(loaded->txns.at("app-1"), second);
  EXPECT_EQ(loaded->txns.at("app-2"), other);
  EXPECT_EQ(loaded->txns.at("app-3"), std::nullopt) << "a tombstone";
}

TEST_F(LoadTxnPartitionTest, EmptyLogLoadsNothing) {
  auto loaded = LoadTxnPartition(*log_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->txns.empty());
  EXPECT_EQ(loaded->records, 0);
  EXPECT_EQ(loaded->skipped, 0);
}

}  // namespace
}  // namespace brook::broker::coordinator::txn
