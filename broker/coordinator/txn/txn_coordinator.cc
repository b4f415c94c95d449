#include "broker/coordinator/txn/txn_coordinator.h"

#include <fmt/format.h>

#include "broker/record/batch_builder.h"
#include "broker/record/control_record.h"
#include "common/logging.h"

namespace brook::broker::coordinator::txn {

using protocol::ErrorCode;

namespace {

std::shared_ptr<spdlog::logger> Logger() {
  static auto logger = GetLogger("broker.txn");
  return logger;
}

int16_t Code(ErrorCode code) { return static_cast<int16_t>(code); }

bool IsComplete(TxnState state) {
  return state == TxnState::kEmpty || state == TxnState::kCompleteCommit ||
         state == TxnState::kCompleteAbort;
}

bool IsPrepare(TxnState state) {
  return state == TxnState::kPrepareCommit || state == TxnState::kPrepareAbort ||
         state == TxnState::kPrepareEpochFence;
}

// Kafka bumps to a new producer id once the epoch reaches Short.MaxValue - 1.
constexpr int16_t kMaxUsableEpoch = INT16_MAX - 1;

ProducerEpoch Bumped(ProducerEpoch epoch) {
  return ProducerEpoch(static_cast<int16_t>(std::min<int>(epoch.value() + 1, INT16_MAX)));
}

}  // namespace

TransactionCoordinator::TransactionCoordinator(TxnCoordinatorOptions options,
                                               metadata::TopicManager* topics,
                                               ProducerIdManager* producer_ids,
                                               GroupCoordinator* groups,
                                               std::function<int64_t()> now_ms,
                                               std::function<void(const std::string&)> on_append)
    : options_(options),
      topics_(topics),
      producer_ids_(producer_ids),
      groups_(groups),
      now_ms_(std::move(now_ms)),
      on_append_(std::move(on_append)) {}

Status TransactionCoordinator::Startup() {
  std::string name(kTransactionStateTopic);
  std::optional<metadata::TopicInfo> info = topics_->Find(name);
  int64_t records = 0;
  if (info) {
    for (int32_t p = 0; p < info->partitions; ++p) {
      log::Log* log = topics_->GetLog(name, p);
      if (log == nullptr) continue;
      LoadedTxns loaded;
      BROOK_ASSIGN_OR_RETURN(loaded, LoadTxnPartition(*log));
      records += loaded.records;
      for (auto& [id, value] : loaded.txns) {
        if (!value) continue;
        txns_[id] = TxnMetadata{id, *value, ProducerEpoch(-1)};
      }
    }
  }
  loaded_ = true;
  int completed = 0;
  for (auto& [id, txn] : txns_) {
    if (!IsPrepare(txn.stored.state)) continue;
    bool commit = txn.stored.state == TxnState::kPrepareCommit;
    Logger()->info("[{}] completing the {} the broker left half-way (producer {} epoch {})", id,
                   commit ? "commit" : "abort", txn.stored.producer_id, txn.stored.producer_epoch);
    if (txn.stored.state == TxnState::kPrepareEpochFence) {
      txn.stored.state = TxnState::kPrepareAbort;
    }
    CompleteTransaction(txn, commit);
    ++completed;
  }
  if (info) {
    Logger()->info("loaded {} transactional ids from {} records of {}, completed {}", txns_.size(),
                   records, name, completed);
  }
  return Status::Ok();
}

ErrorCode TransactionCoordinator::EnsureStateTopic() {
  std::string name(kTransactionStateTopic);
  if (topics_->Find(name)) return ErrorCode::kNone;
  metadata::ConfigMap configs{{"cleanup.policy", "compact"},
                              {"segment.bytes", std::to_string(options_.state_topic_segment_bytes)},
                              {"compression.type", "uncompressed"}};
  auto created = topics_->CreateTopic(name, options_.state_topic_partitions, configs,
                                      /*validate_only=*/false, /*internal=*/true);
  if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) {
    Logger()->error("cannot create {}: {}", name, created.status().ToString());
    return ErrorCode::kCoordinatorNotAvailable;
  }
  if (created.ok()) {
    Logger()->info("created {} with {} partitions", name, options_.state_topic_partitions);
  }
  return ErrorCode::kNone;
}

const TxnMetadata* TransactionCoordinator::Find(const std::string& transactional_id) const {
  auto it = txns_.find(transactional_id);
  return it == txns_.end() ? nullptr : &it->second;
}

ErrorCode TransactionCoordinator::CheckProducer(const TxnMetadata* txn, ProducerId producer_id,
                                                ProducerEpoch epoch, int16_t version,
                                                int16_t fenced_min_version) const {
  if (txn == nullptr || txn->stored.producer_id != producer_id) {
    return ErrorCode::kInvalidProducerIdMapping;
  }
  if (txn->stored.producer_epoch != epoch) {
    return version >= fenced_min_version ? ErrorCode::kProducerFenced
                                         : ErrorCode::kInvalidProducerEpoch;
  }
  return ErrorCode::kNone;
}

Status TransactionCoordinator::Persist(TxnMetadata& txn, const StoredTxn& stored) {
  std::string name(kTransactionStateTopic);
  std::optional<metadata::TopicInfo> info = topics_->Find(name);
  if (!info) return Status::Unavailable(fmt::format("{} does not exist", name));
  int32_t partition = TxnPartition(txn.transactional_id, info->partitions);
  log::Log* log = topics_->GetLog(name, partition);
  if (log == nullptr) {
    return Status::Unavailable(fmt::format("{}-{} is missing", name, partition));
  }
  record::RecordBatchBuilder builder;
  Bytes key = TxnKeyBytes(txn.transactional_id);
  Bytes value = TxnValueBytes(stored);
  builder.Add(now_ms_(), ByteView(key), std::optional<ByteView>(ByteView(value)));
  BROOK_ASSIGN_OR_RETURN(Bytes batch, builder.Build());
  auto appended = log->Append(std::span<uint8_t>(batch));
  if (!appended.ok()) return appended.status();
  txn.stored = stored;
  return Status::Ok();
}

ErrorCode TransactionCoordinator::StateTopicError() {
  if (!loaded_) return ErrorCode::kCoordinatorLoadInProgress;
  return EnsureStateTopic();
}

protocol::InitProducerIdResponse TransactionCoordinator::InitProducerId(
    const protocol::InitProducerIdRequest& request, int16_t version) {
  protocol::InitProducerIdResponse response;
  response.producer_id = -1;
  response.producer_epoch = -1;
  auto fail = [&](ErrorCode code) {
    response.error_code = Code(code);
    return response;
  };
  if (!request.transactional_id) {
    // An idempotent producer: a fresh id, epoch 0, nothing stored.
    auto id = producer_ids_->Next();
    if (!id.ok()) {
      Logger()->error("cannot allocate a producer id: {}", id.status().ToString());
      return fail(ErrorCode::kCoordinatorNotAvailable);
    }
    response.error_code = Code(ErrorCode::kNone);
    response.producer_id = id->value();
    response.producer_epoch = 0;
    return response;
  }
  const std::string& id = *request.transactional_id;
  if (id.empty()) return fail(ErrorCode::kInvalidRequest);
  if (request.transaction_timeout_ms <= 0 ||
      request.transaction_timeout_ms > options_.max_timeout_ms) {
    return fail(ErrorCode::kInvalidTransactionTimeout);
  }
  if (ErrorCode code = StateTopicError(); code != ErrorCode::kNone) return fail(code);
  int64_t now = now_ms_();

  auto it = txns_.find(id);
  if (it == txns_.end()) {
    auto pid = producer_ids_->Next();
    if (!pid.ok()) {
      Logger()->error("cannot allocate a producer id: {}", pid.status().ToString());
      return fail(ErrorCode::kCoordinatorNotAvailable);
    }
    TxnMetadata txn{id, {}, ProducerEpoch(-1)};
    StoredTxn stored;
    stored.producer_id = *pid;
    stored.producer_epoch = ProducerEpoch(0);
    stored.timeout_ms = request.transaction_timeout_ms;
    stored.state = TxnState::kEmpty;
    stored.last_update_ms = now;
    if (Status s = Persist(txn, stored); !s.ok()) {
      Logger()->error("[{}] cannot store the new transactional id: {}", id, s.ToString());
      return fail(ErrorCode::kCoordinatorNotAvailable);
    }
    it = txns_.emplace(id, std::move(txn)).first;
    Logger()->info("[{}] new transactional id: producer {} epoch 0", id, *pid);
    response.error_code = Code(ErrorCode::kNone);
    response.producer_id = pid->value();
    response.producer_epoch = 0;
    return response;
  }

  TxnMetadata& txn = it->second;
  if (request.producer_id != -1) {
    // KIP-360: the producer says which id and epoch it had.
    ProducerId expected(request.producer_id);
    ProducerEpoch expected_epoch(request.producer_epoch);
    bool current =
        expected == txn.stored.producer_id &&
        (expected_epoch == txn.stored.producer_epoch ||
         (txn.last_producer_epoch.value() >= 0 && expected_epoch == txn.last_producer_epoch));
    bool previous = expected == txn.stored.previous_producer_id;
    if (!current && !previous) {
      return fail(version >= 4 ? ErrorCode::kProducerFenced : ErrorCode::kInvalidProducerEpoch);
    }
    if (expected == txn.stored.producer_id && txn.last_producer_epoch.value() >= 0 &&
        expected_epoch == txn.last_producer_epoch && txn.stored.state == TxnState::kEmpty) {
      // A retry of the InitProducerId that already bumped the epoch: answer it again.
      response.error_code = Code(ErrorCode::kNone);
      response.producer_id = txn.stored.producer_id.value();
      response.producer_epoch = txn.stored.producer_epoch.value();
      return response;
    }
  }
  if (IsPrepare(txn.stored.state)) {
    // Markers of the last decision are not all written (an I/O error): try again now.
    if (txn.stored.state == TxnState::kPrepareEpochFence)
      txn.stored.state = TxnState::kPrepareAbort;
    CompleteTransaction(txn, txn.stored.state == TxnState::kPrepareCommit);
    if (IsPrepare(txn.stored.state)) return fail(ErrorCode::kConcurrentTransactions);
  }
  if (txn.stored.state == TxnState::kOngoing) {
    ErrorCode code = FenceAndAbort(txn, "a new InitProducerId fenced its producer");
    if (code != ErrorCode::kNone) return fail(code);
  }
  StoredTxn next = txn.stored;
  ProducerEpoch old_epoch = next.producer_epoch;
  ProducerEpoch last_epoch(-1);
  if (next.producer_epoch.value() >= kMaxUsableEpoch) {
    auto pid = producer_ids_->Next();
    if (!pid.ok()) return fail(ErrorCode::kCoordinatorNotAvailable);
    next.previous_producer_id = next.producer_id;
    next.producer_id = *pid;
    next.producer_epoch = ProducerEpoch(0);
  } else {
    next.producer_epoch = Bumped(next.producer_epoch);
    last_epoch = old_epoch;
  }
  next.timeout_ms = request.transaction_timeout_ms;
  next.state = TxnState::kEmpty;
  next.partitions.clear();
  next.last_update_ms = now;
  next.start_ms = -1;
  if (Status s = Persist(txn, next); !s.ok()) {
    Logger()->error("[{}] cannot store the new epoch: {}", id, s.ToString());
    return fail(ErrorCode::kCoordinatorNotAvailable);
  }
  txn.last_producer_epoch = last_epoch;
  Logger()->info("[{}] producer {} epoch {}", id, next.producer_id, next.producer_epoch);
  response.error_code = Code(ErrorCode::kNone);
  response.producer_id = next.producer_id.value();
  response.producer_epoch = next.producer_epoch.value();
  return response;
}

protocol::AddPartitionsToTxnResponse TransactionCoordinator::AddPartitions(
    const protocol::AddPartitionsToTxnRequest& request, int16_t version) {
  protocol::AddPartitionsToTxnResponse response;
  // Every partition gets `code`, except those `per_partition` names.
  auto answer = [&](ErrorCode code,
                    const std::map<std::pair<std::string, int32_t>, ErrorCode>& per_partition) {
    for (const auto& topic : request.v3_and_below_topics) {
      auto& out = response.results_by_topic_v3_and_below.emplace_back();
      out.name = topic.name;
      for (int32_t p : topic.partitions) {
        auto& r = out.results_by_partition.emplace_back();
        r.partition_index = p;
        auto it = per_partition.find({topic.name, p});
        r.partition_error_code = Code(it == per_partition.end() ? code : it->second);
      }
    }
    return response;
  };
  const std::string& id = request.v3_and_below_transactional_id;
  if (id.empty()) return answer(ErrorCode::kInvalidRequest, {});
  if (!loaded_) return answer(ErrorCode::kCoordinatorLoadInProgress, {});

  std::map<std::pair<std::string, int32_t>, ErrorCode> unknown;
  for (const auto& topic : request.v3_and_below_topics) {
    std::optional<metadata::TopicInfo> info = topics_->Find(topic.name);
    for (int32_t p : topic.partitions) {
      if (!info || p < 0 || p >= info->partitions) {
        unknown[{topic.name, p}] = ErrorCode::kUnknownTopicOrPartition;
      }
    }
  }
  if (!unknown.empty()) return answer(ErrorCode::kOperationNotAttempted, unknown);

  auto it = txns_.find(id);
  ErrorCode code = CheckProducer(it == txns_.end() ? nullptr : &it->second,
                                 ProducerId(request.v3_and_below_producer_id),
                                 ProducerEpoch(request.v3_and_below_producer_epoch), version, 2);
  if (code != ErrorCode::kNone) return answer(code, {});
  TxnMetadata& txn = it->second;
  if (IsPrepare(txn.stored.state)) return answer(ErrorCode::kConcurrentTransactions, {});

  StoredTxn next = txn.stored;
  if (next.state != TxnState::kOngoing) {
    next.partitions.clear();
    next.start_ms = now_ms_();
  }
  bool added = false;
  for (const auto& topic : request.v3_and_below_topics) {
    for (int32_t p : topic.partitions) added |= next.partitions[topic.name].insert(p).second;
  }
  if (!added && next.state == TxnState::kOngoing) return answer(ErrorCode::kNone, {});
  next.state = TxnState::kOngoing;
  next.last_update_ms = now_ms_();
  if (Status s = Persist(txn, next); !s.ok()) {
    Logger()->error("[{}] cannot store added partitions: {}", id, s.ToString());
    return answer(ErrorCode::kCoordinatorNotAvailable, {});
  }
  return answer(ErrorCode::kNone, {});
}

protocol::AddOffsetsToTxnResponse TransactionCoordinator::AddOffsets(
    const protocol::AddOffsetsToTxnRequest& request, int16_t version) {
  protocol::AddOffsetsToTxnResponse response;
  auto answer = [&](ErrorCode code) {
    response.error_code = Code(code);
    return response;
  };
  if (request.transactional_id.empty()) return answer(ErrorCode::kInvalidRequest);
  if (request.group_id.empty()) return answer(ErrorCode::kInvalidGroupId);
  if (!loaded_) return answer(ErrorCode::kCoordinatorLoadInProgress);
  auto it = txns_.find(request.transactional_id);
  ErrorCode code =
      CheckProducer(it == txns_.end() ? nullptr : &it->second, ProducerId(request.producer_id),
                    ProducerEpoch(request.producer_epoch), version, 2);
  if (code != ErrorCode::kNone) return answer(code);
  TxnMetadata& txn = it->second;
  if (IsPrepare(txn.stored.state)) return answer(ErrorCode::kConcurrentTransactions);
  if (groups_->EnsureOffsetsTopic() != ErrorCode::kNone) {
    return answer(ErrorCode::kCoordinatorNotAvailable);
  }
  int32_t partition = GroupPartition(request.group_id, groups_->offsets_partitions());
  std::string offsets_topic(kConsumerOffsetsTopic);
  StoredTxn next = txn.stored;
  if (next.state != TxnState::kOngoing) {
    next.partitions.clear();
    next.start_ms = now_ms_();
  }
  bool added = next.partitions[offsets_topic].insert(partition).second;
  if (!added && next.state == TxnState::kOngoing) return answer(ErrorCode::kNone);
  next.state = TxnState::kOngoing;
  next.last_update_ms = now_ms_();
  if (Status s = Persist(txn, next); !s.ok()) {
    Logger()->error("[{}] cannot store added offsets: {}", request.transactional_id, s.ToString());
    return answer(ErrorCode::kCoordinatorNotAvailable);
  }
  return answer(ErrorCode::kNone);
}

protocol::EndTxnResponse TransactionCoordinator::EndTxn(const protocol::EndTxnRequest& request,
                                                        int16_t version) {
  protocol::EndTxnResponse response;
  auto answer = [&](ErrorCode code) {
    response.error_code = Code(code);
    return response;
  };
  if (request.transactional_id.empty()) return answer(ErrorCode::kInvalidRequest);
  if (!loaded_) return answer(ErrorCode::kCoordinatorLoadInProgress);
  auto it = txns_.find(request.transactional_id);
  ErrorCode code =
      CheckProducer(it == txns_.end() ? nullptr : &it->second, ProducerId(request.producer_id),
                    ProducerEpoch(request.producer_epoch), version, 2);
  if (code != ErrorCode::kNone) return answer(code);
  TxnMetadata& txn = it->second;
  bool commit = request.committed;
  switch (txn.stored.state) {
    case TxnState::kOngoing:
      return answer(CompleteTransaction(txn, commit));
    case TxnState::kCompleteCommit:
      return answer(commit ? ErrorCode::kNone : ErrorCode::kInvalidTxnState);
    case TxnState::kCompleteAbort:
      return answer(commit ? ErrorCode::kInvalidTxnState : ErrorCode::kNone);
    case TxnState::kPrepareCommit:
      return answer(commit ? ErrorCode::kConcurrentTransactions : ErrorCode::kInvalidTxnState);
    case TxnState::kPrepareAbort:
      return answer(commit ? ErrorCode::kInvalidTxnState : ErrorCode::kConcurrentTransactions);
    case TxnState::kPrepareEpochFence:
      return answer(ErrorCode::kConcurrentTransactions);
    case TxnState::kEmpty:
    case TxnState::kDead:
      break;
  }
  return answer(ErrorCode::kInvalidTxnState);
}

ErrorCode TransactionCoordinator::CompleteTransaction(TxnMetadata& txn, bool commit) {
  const std::string& id = txn.transactional_id;
  if (!IsPrepare(txn.stored.state)) {
    StoredTxn prepare = txn.stored;
    prepare.state = commit ? TxnState::kPrepareCommit : TxnState::kPrepareAbort;
    prepare.last_update_ms = now_ms_();
    if (Status s = Persist(txn, prepare); !s.ok()) {
      Logger()->error("[{}] cannot store the {} decision: {}", id, commit ? "commit" : "abort",
                      s.ToString());
      return ErrorCode::kCoordinatorNotAvailable;
    }
  }
  // Decided: from here on the transaction ends this way whatever happens; the client hears NONE.
  if (Status s = WriteMarkers(txn, commit); !s.ok()) {
    Logger()->error("[{}] markers not all written, will retry: {}", id, s.ToString());
    return ErrorCode::kNone;
  }
  StoredTxn complete = txn.stored;
  complete.state = commit ? TxnState::kCompleteCommit : TxnState::kCompleteAbort;
  complete.partitions.clear();
  complete.last_update_ms = now_ms_();
  if (Status s = Persist(txn, complete); !s.ok()) {
    Logger()->error("[{}] cannot store the completion, will retry: {}", id, s.ToString());
  }
  return ErrorCode::kNone;
}

Status TransactionCoordinator::WriteMarkers(const TxnMetadata& txn, bool commit) {
  const StoredTxn& stored = txn.stored;
  record::ControlType type = commit ? record::ControlType::kCommit : record::ControlType::kAbort;
  Status first_error = Status::Ok();
  for (const auto& [topic, partitions] : stored.partitions) {
    for (int32_t partition : partitions) {
      if (topic == kConsumerOffsetsTopic) {
        Status s = groups_->WriteTxnMarker(partition, stored.producer_id, stored.producer_epoch,
                                           /*coordinator_epoch=*/0, commit);
        if (!s.ok() && s.code() != StatusCode::kNotFound && first_error.ok()) first_error = s;
        continue;
      }
      log::Log* log = topics_->GetLog(topic, partition);
      if (log == nullptr) {
        Logger()->info("[{}] no marker for {}-{}: the partition no longer exists",
                       txn.transactional_id, topic, partition);
        continue;
      }
      Bytes marker = record::BuildControlBatch(type, stored.producer_id, stored.producer_epoch,
                                               /*coordinator_epoch=*/0, Offset(0), now_ms_());
      log::AppendOptions options;
      options.origin = log::AppendOrigin::kCoordinator;
      auto appended = log->Append(std::span<uint8_t>(marker), options);
      if (!appended.ok()) {
        if (first_error.ok()) first_error = appended.status();
        continue;
      }
      if (appended->rejected()) {
        // The partition knows a newer epoch of this producer: nothing of ours is open there.
        Logger()->warn("[{}] marker for {} refused: {}", txn.transactional_id, log->name(),
                       appended->producer_error);
        continue;
      }
      if (on_append_) on_append_(log->name());
    }
  }
  return first_error;
}

ErrorCode TransactionCoordinator::FenceAndAbort(TxnMetadata& txn, const std::string& reason) {
  ProducerEpoch old_epoch = txn.stored.producer_epoch;
  StoredTxn abort = txn.stored;
  abort.state = TxnState::kPrepareAbort;
  abort.producer_epoch = Bumped(old_epoch);  // the markers carry it: the old producer is fenced
  abort.last_update_ms = now_ms_();
  txn.stored.state = TxnState::kPrepareEpochFence;
  if (Status s = Persist(txn, abort); !s.ok()) {
    txn.stored.state = TxnState::kOngoing;
    Logger()->error("[{}] cannot store the abort: {}", txn.transactional_id, s.ToString());
    return ErrorCode::kCoordinatorNotAvailable;
  }
  txn.last_producer_epoch = ProducerEpoch(-1);
  Logger()->info("[{}] aborting the transaction of producer {} (epoch {} -> {}): {}",
                 txn.transactional_id, abort.producer_id, old_epoch, abort.producer_epoch, reason);
  CompleteTransaction(txn, /*commit=*/false);
  return txn.stored.state == TxnState::kCompleteAbort ? ErrorCode::kNone
                                                      : ErrorCode::kConcurrentTransactions;
}

protocol::DescribeTransactionsResponse TransactionCoordinator::Describe(
    const protocol::DescribeTransactionsRequest& request) const {
  protocol::DescribeTransactionsResponse response;
  for (const auto& id : request.transactional_ids) {
    auto& out = response.transaction_states.emplace_back();
    out.transactional_id = id;
    out.transaction_state = "";
    out.producer_id = -1;
    out.producer_epoch = -1;
    out.transaction_start_time_ms = -1;
    if (!loaded_) {
      out.error_code = Code(ErrorCode::kCoordinatorLoadInProgress);
      continue;
    }
    const TxnMetadata* txn = Find(id);
    if (txn == nullptr) {
      out.error_code = Code(ErrorCode::kTransactionalIdNotFound);
      continue;
    }
    const StoredTxn& s = txn->stored;
    out.error_code = Code(ErrorCode::kNone);
    out.transaction_state = std::string(TxnStateName(s.state));
    out.transaction_timeout_ms = s.timeout_ms;
    out.transaction_start_time_ms = s.start_ms;
    out.producer_id = s.producer_id.value();
    out.producer_epoch = s.producer_epoch.value();
    for (const auto& [topic, partitions] : s.partitions) {
      auto& t = out.topics.emplace_back();
      t.topic = topic;
      t.partitions.assign(partitions.begin(), partitions.end());
    }
  }
  return response;
}

protocol::ListTransactionsResponse TransactionCoordinator::List(
    const protocol::ListTransactionsRequest& request) const {
  protocol::ListTransactionsResponse response;
  if (!loaded_) {
    response.error_code = Code(ErrorCode::kCoordinatorLoadInProgress);
    return response;
  }
  response.error_code = Code(ErrorCode::kNone);
  std::set<TxnState> states;
  for (const auto& name : request.state_filters) {
    if (auto state = ParseTxnStateName(name)) {
      states.insert(*state);
    } else {
      response.unknown_state_filters.push_back(name);
    }
  }
  // Kafka: filters that name only unknown states match nothing.
  if (states.empty() && !request.state_filters.empty()) return response;
  std::set<int64_t> producers(request.producer_id_filters.begin(),
                              request.producer_id_filters.end());
  for (const auto& [id, txn] : txns_) {
    if (!states.empty() && !states.count(txn.stored.state)) continue;
    if (!producers.empty() && !producers.count(txn.stored.producer_id.value())) continue;
    auto& out = response.transaction_states.emplace_back();
    out.transactional_id = id;
    out.producer_id = txn.stored.producer_id.value();
    out.transaction_state = std::string(TxnStateName(txn.stored.state));
  }
  return response;
}

ErrorCode TransactionCoordinator::CheckTransactionalProduce(const std::string& transactional_id,
                                                            ProducerId producer_id,
                                                            ProducerEpoch epoch,
                                                            const std::string& topic,
                                                            int32_t partition) const {
  const TxnMetadata* txn = Find(transactional_id);
  if (txn == nullptr || txn->stored.producer_id != producer_id) return ErrorCode::kNone;
  if (epoch < txn->stored.producer_epoch) return ErrorCode::kInvalidProducerEpoch;
  if (epoch != txn->stored.producer_epoch) return ErrorCode::kNone;
  if (txn->stored.state != TxnState::kOngoing) return ErrorCode::kInvalidTxnState;
  auto it = txn->stored.partitions.find(topic);
  if (it == txn->stored.partitions.end() || !it->second.count(partition)) {
    return ErrorCode::kInvalidTxnState;
  }
  return ErrorCode::kNone;
}

int TransactionCoordinator::AbortTimedOutTransactions() {
  if (!loaded_) return 0;
  int64_t now = now_ms_();
  int aborted = 0;
  for (auto& [id, txn] : txns_) {
    if (IsPrepare(txn.stored.state)) {
      if (txn.stored.state == TxnState::kPrepareEpochFence) {
        txn.stored.state = TxnState::kPrepareAbort;
      }
      CompleteTransaction(txn, txn.stored.state == TxnState::kPrepareCommit);
      continue;
    }
    if (txn.stored.state != TxnState::kOngoing) continue;
    if (now - txn.stored.start_ms <= txn.stored.timeout_ms) continue;
    FenceAndAbort(txn, fmt::format("open for {} ms, over its transaction.timeout.ms {}",
                                   now - txn.stored.start_ms, txn.stored.timeout_ms));
    ++aborted;
  }
  return aborted;
}

int TransactionCoordinator::ExpireTransactionalIds() {
  if (!loaded_) return 0;
  std::string name(kTransactionStateTopic);
  std::optional<metadata::TopicInfo> info = topics_->Find(name);
  if (!info) return 0;
  int64_t now = now_ms_();
  int expired = 0;
  for (auto it = txns_.begin(); it != txns_.end();) {
    const StoredTxn& stored = it->second.stored;
    int64_t idle_ms = now - stored.last_update_ms;
    if (!IsComplete(stored.state) || idle_ms < options_.transactional_id_expiration_ms) {
      ++it;
      continue;
    }
    log::Log* log = topics_->GetLog(name, TxnPartition(it->first, info->partitions));
    record::RecordBatchBuilder builder;
    Bytes key = TxnKeyBytes(it->first);
    builder.Add(now, ByteView(key), std::nullopt);
    auto batch = builder.Build();
    Status s = log == nullptr ? Status::Unavailable("partition missing")
               : !batch.ok()  ? batch.status()
                              : log->Append(std::span<uint8_t>(*batch)).status();
    if (!s.ok()) {
      Logger()->warn("[{}] cannot expire the transactional id: {}", it->first, s.ToString());
      ++it;
      continue;
    }
    Logger()->info("[{}] transactional id expired after {} ms idle", it->first, idle_ms);
    it = txns_.erase(it);
    ++expired;
  }
  return expired;
}

}  // namespace brook::broker::coordinator::txn
