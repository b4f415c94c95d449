// txn_ctp_worker: an exactly-once consume-transform-produce loop (KIP-447) with librdkafka, run
// as a child process by txn_crash_test, which SIGKILLs and restarts it.
//
//   txn_ctp_worker --bootstrap HOST:PORT --input TOPIC --output TOPIC --group GROUP
//                  --transactional-id ID [--instance-id ID] [--batch N] [--pause-ms N]
//                  [--events FILE]
//
// For every input record it writes one output record in the same partition number: the same key
// and the value "out:" + input value. Each poll's batch is one transaction that also carries the
// consumer's offsets (send_offsets_to_transaction with the group metadata), so output and input
// positions are committed together or not at all. The transactional producer is initialised
// before the consumer joins: init_transactions fences the previous incarnation and aborts its
// open transaction, so the consumer's committed offsets (fetched with RequireStable) are settled
// when it starts. group.instance.id makes a restart take over the old member at once.
//
// --pause-ms sleeps inside each transaction, half after producing and half after sending the
// offsets (widens the windows a kill lands in). With --events each step is appended to FILE as a
// line, written with write(2) so a SIGKILL loses none of them: "start", "init" (transactions
// initialised), "begin N" (producing), "offsets N" (send_offsets_to_transaction), "commit N"
// (offsets added; committing), "committed N", "aborted N", "stopped".
//
// Exit status: 0 after SIGTERM or SIGINT (the transaction in hand is finished first), 1 on a
// fatal error, 2 on bad usage.
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

volatile std::sig_atomic_t stop_requested = 0;

struct Options {
  std::string bootstrap;
  std::string input;
  std::string output;
  std::string group;
  std::string transactional_id;
  std::string instance_id = "ctp-worker";
  std::string events;
  int batch = 10;
  int pause_ms = 0;
};

int events_fd = -1;

// Appends one line to the events file (if any).
void Event(const std::string& line) {
  if (events_fd < 0) return;
  std::string text = line + "\n";
  if (::write(events_fd, text.data(), text.size()) < 0) std::perror("events");
}

[[noreturn]] void Fatal(const std::string& what, rd_kafka_error_t* error) {
  std::fprintf(stderr, "txn_ctp_worker: FATAL: %s: %s: %s\n", what.c_str(),
               rd_kafka_error_name(error), rd_kafka_error_string(error));
  Event("fatal " + what + " " + rd_kafka_error_name(error));
  std::exit(1);
}

[[noreturn]] void Fatal(const std::string& what) {
  std::fprintf(stderr, "txn_ctp_worker: FATAL: %s\n", what.c_str());
  Event("fatal " + what);
  std::exit(1);
}

bool ParseOptions(int argc, char** argv, Options* options) {
  std::map<std::string, std::string*> strings = {{"--bootstrap", &options->bootstrap},
                                                 {"--input", &options->input},
                                                 {"--output", &options->output},
                                                 {"--group", &options->group},
                                                 {"--transactional-id", &options->transactional_id},
                                                 {"--instance-id", &options->instance_id},
                                                 {"--events", &options->events}};
  std::map<std::string, int*> ints = {{"--batch", &options->batch},
                                      {"--pause-ms", &options->pause_ms}};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (auto s = strings.find(flag); s != strings.end()) {
      *s->second = argv[i + 1];
    } else if (auto n = ints.find(flag); n != ints.end()) {
      *n->second = std::atoi(argv[i + 1]);
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && !options->bootstrap.empty() && !options->input.empty() &&
         !options->output.empty() && !options->group.empty() &&
         !options->transactional_id.empty() && options->batch > 0;
}

rd_kafka_conf_t* MakeConf(const std::map<std::string, std::string>& settings) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      Fatal(key + "=" + value + ": " + err);
    }
  }
  return conf;
}

// Counts rebalances: a batch polled across one is dropped (its positions are gone).
int rebalances = 0;

void OnRebalance(rd_kafka_t* consumer, rd_kafka_resp_err_t err,
                 rd_kafka_topic_partition_list_t* partitions, void*) {
  ++rebalances;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    std::fprintf(stderr, "txn_ctp_worker: assigned %d partition(s)\n", partitions->cnt);
    rd_kafka_assign(consumer, partitions);
  } else {
    std::fprintf(stderr, "txn_ctp_worker: revoked %d partition(s)\n", partitions->cnt);
    rd_kafka_assign(consumer, nullptr);
  }
}

rd_kafka_t* CreateProducer(const Options& options) {
  rd_kafka_conf_t* conf = MakeConf({{"bootstrap.servers", options.bootstrap},
                                    {"transactional.id", options.transactional_id},
                                    {"linger.ms", "1"},
                                    {"log_level", "4"}});
  char err[512];
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (producer == nullptr) Fatal(std::string("producer: ") + err);
  // A retriable error (a timeout) may be retried; anything else ends this incarnation.
  for (int attempt = 0;; ++attempt) {
    rd_kafka_error_t* error = rd_kafka_init_transactions(producer, 30000);
    if (error == nullptr) break;
    if (!rd_kafka_error_is_retriable(error) || attempt == 5) Fatal("init_transactions", error);
    std::fprintf(stderr, "txn_ctp_worker: init_transactions: %s: retrying\n",
                 rd_kafka_error_string(error));
    rd_kafka_error_destroy(error);
  }
  return producer;
}

// Loads the output topic's partitions up front: librdkafka 2.0.2 otherwise learns them only at
// its next one-second metadata scan, which would hold up the first transaction.
void LoadMetadata(rd_kafka_t* producer, const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(producer, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(producer, 0, rkt, &metadata, 10000);
  if (err) std::fprintf(stderr, "txn_ctp_worker: metadata: %s\n", rd_kafka_err2str(err));
  if (metadata) rd_kafka_metadata_destroy(metadata);
  rd_kafka_topic_destroy(rkt);
}

rd_kafka_t* CreateConsumer(const Options& options) {
  rd_kafka_conf_t* conf = MakeConf({{"bootstrap.servers", options.bootstrap},
                                    {"group.id", options.group},
                                    {"group.instance.id", options.instance_id},
                                    {"isolation.level", "read_committed"},
                                    {"enable.auto.commit", "false"},
                                    {"auto.offset.reset", "earliest"},
                                    {"session.timeout.ms", "10000"},
                                    {"heartbeat.interval.ms", "500"},
                                    {"log_level", "4"}});
  rd_kafka_conf_set_rebalance_cb(conf, &OnRebalance);
  char err[512];
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (consumer == nullptr) Fatal(std::string("consumer: ") + err);
  rd_kafka_poll_set_consumer(consumer);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, options.input.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err_code = rd_kafka_subscribe(consumer, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err_code) Fatal(std::string("subscribe: ") + rd_kafka_err2str(err_code));
  return consumer;
}

// Moves the consumer back to the group's committed offsets (after an aborted transaction).
void Rewind(rd_kafka_t* consumer) {
  rd_kafka_topic_partition_list_t* offsets = nullptr;
  if (rd_kafka_assignment(consumer, &offsets) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  if (offsets->cnt > 0) {
    rd_kafka_resp_err_t err = rd_kafka_committed(consumer, offsets, 30000);
    if (err) Fatal(std::string("committed: ") + rd_kafka_err2str(err));
    for (int i = 0; i < offsets->cnt; ++i) {
      if (offsets->elems[i].offset < 0) offsets->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_error_t* error = rd_kafka_seek_partitions(consumer, offsets, 30000);
    if (error) Fatal("seek", error);
  }
  rd_kafka_topic_partition_list_destroy(offsets);
}

// Polls up to options.batch records for at most 100 ms.
std::vector<rd_kafka_message_t*> PollBatch(rd_kafka_t* consumer, const Options& options) {
  std::vector<rd_kafka_message_t*> batch;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  while (static_cast<int>(batch.size()) < options.batch && !stop_requested) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) break;
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, static_cast<int>(left));
    if (m == nullptr) continue;
    if (m->err) {
      std::fprintf(stderr, "txn_ctp_worker: consume: %s\n", rd_kafka_message_errstr(m));
      rd_kafka_message_destroy(m);
      continue;
    }
    batch.push_back(m);
  }
  return batch;
}

void Pause(int ms) {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// The next offset of each partition in `batch`.
rd_kafka_topic_partition_list_t* NextOffsets(const std::vector<rd_kafka_message_t*>& batch) {
  std::map<int32_t, int64_t> next;
  for (const rd_kafka_message_t* m : batch) next[m->partition] = m->offset + 1;
  rd_kafka_topic_partition_list_t* offsets =
      rd_kafka_topic_partition_list_new(static_cast<int>(next.size()));
  for (const auto& [partition, offset] : next) {
    rd_kafka_topic_partition_list_add(offsets, rd_kafka_topic_name(batch[0]->rkt), partition)
        ->offset = offset;
  }
  return offsets;
}

// Produces the outputs of `batch` and commits them with the input offsets. False when the
// transaction had to be aborted (the caller rewinds); exits on a fatal error.
bool ProcessInTransaction(rd_kafka_t* producer, rd_kafka_t* consumer, const Options& options,
                          const std::vector<rd_kafka_message_t*>& batch, int64_t transaction) {
  rd_kafka_error_t* error = rd_kafka_begin_transaction(producer);
  if (error) Fatal("begin_transaction", error);
  for (const rd_kafka_message_t* m : batch) {
    std::string value = "out:" + std::string(static_cast<const char*>(m->payload), m->len);
    void* key = m->key;
    size_t key_size = m->key_len;
    void* value_data = value.data();
    size_t value_size = value.size();
    rd_kafka_resp_err_t err;
    while ((err = rd_kafka_producev(
                producer, RD_KAFKA_V_TOPIC(options.output.c_str()),
                RD_KAFKA_V_PARTITION(m->partition), RD_KAFKA_V_KEY(key, key_size),
                RD_KAFKA_V_VALUE(value_data, value_size), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_END)) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(producer, 10);
    }
    if (err == RD_KAFKA_RESP_ERR__FATAL) Fatal("produce: fatal error");
    if (err) {
      // An abortable state: commit_transaction reports it below.
      std::fprintf(stderr, "txn_ctp_worker: produce: %s\n", rd_kafka_err2str(err));
      break;
    }
  }
  rd_kafka_poll(producer, 0);
  Pause(options.pause_ms / 2);

  Event("offsets " + std::to_string(transaction));
  rd_kafka_topic_partition_list_t* offsets = NextOffsets(batch);
  rd_kafka_consumer_group_metadata_t* group = rd_kafka_consumer_group_metadata(consumer);
  error = rd_kafka_send_offsets_to_transaction(producer, offsets, group, -1);
  rd_kafka_consumer_group_metadata_destroy(group);
  rd_kafka_topic_partition_list_destroy(offsets);
  if (error == nullptr) {
    Event("commit " + std::to_string(transaction));
    Pause(options.pause_ms - options.pause_ms / 2);
    error = rd_kafka_commit_transaction(producer, -1);
  }
  if (error == nullptr) return true;
  if (!rd_kafka_error_txn_requires_abort(error)) Fatal("send_offsets/commit", error);
  std::fprintf(stderr, "txn_ctp_worker: %s: aborting\n", rd_kafka_error_string(error));
  rd_kafka_error_destroy(error);
  error = rd_kafka_abort_transaction(producer, -1);
  if (error) Fatal("abort_transaction", error);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, &options)) {
    std::fputs(
        "usage: txn_ctp_worker --bootstrap HOST:PORT --input TOPIC --output TOPIC --group GROUP\n"
        "         --transactional-id ID [--instance-id ID] [--batch N] [--pause-ms N]\n"
        "         [--events FILE]\n",
        stderr);
    return 2;
  }
  if (!options.events.empty()) {
    events_fd = ::open(options.events.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (events_fd < 0) std::perror(options.events.c_str());
  }
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  std::signal(SIGINT, [](int) { stop_requested = 1; });

  Event("start");
  rd_kafka_t* producer = CreateProducer(options);  // first: fences the previous incarnation
  Event("init");
  LoadMetadata(producer, options.output);
  rd_kafka_t* consumer = CreateConsumer(options);

  int64_t transaction = 0;
  while (!stop_requested) {
    int rebalances_before = rebalances;
    std::vector<rd_kafka_message_t*> batch = PollBatch(consumer, options);
    if (rebalances != rebalances_before) {
      // Records polled across a rebalance may belong to the old assignment: drop them and
      // start again from the committed offsets.
      for (rd_kafka_message_t* m : batch) rd_kafka_message_destroy(m);
      batch.clear();
      Rewind(consumer);
    }
    if (!batch.empty()) {
      ++transaction;
      Event("begin " + std::to_string(transaction));
      if (ProcessInTransaction(producer, consumer, options, batch, transaction)) {
        Event("committed " + std::to_string(transaction));
      } else {
        Event("aborted " + std::to_string(transaction));
        Rewind(consumer);
      }
    }
    for (rd_kafka_message_t* m : batch) rd_kafka_message_destroy(m);
  }

  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  rd_kafka_destroy(producer);
  Event("stopped");
  return 0;
}
