// librdkafka's idempotent producer against the in-process broker while requests fail after the
// broker acted on them: a proxy between client and broker drops connections instead of passing
// on responses (so librdkafka retries batches already appended), and the broker restarts in the
// middle of the stream. Every record must land exactly once, in order, at the offset its
// delivery report names.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <list>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>

#include <gtest/gtest.h>

#include "broker/app/embedded_broker.h"
#include "common/bytes.h"
#include "tests/integration/admin_helpers.h"
#include "tests/integration/broker_fixture.h"
#include "tests/integration/kafka_test_client.h"

namespace brook::testing {
namespace {

// A loopback TCP proxy in front of the broker. Each client connection gets its own connection to
// the broker's real port. Client bytes go upstream untouched; the broker's bytes are cut into
// response frames (4-byte big-endian size, then the body) and, for one frame in `drop_one_in`
// (chosen by a seeded generator), both connections are closed instead of passing the frame on:
// the broker has acted on the request, the client never hears so and must retry. The proxy also
// reads the client's request headers (without changing them) to count the dropped answers to
// Produce requests.
// Thread safety: the setters and counters may be called from any thread.
class DroppingProxy {
 public:
  explicit DroppingProxy(uint32_t seed) : random_(seed) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr = Loopback(0);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(listen_fd_, 64), 0);
    socklen_t size = sizeof(addr);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &size);
    port_ = ntohs(addr.sin_port);
    SetNonBlocking(listen_fd_);
    thread_ = std::thread([this] { Run(); });
  }
  ~DroppingProxy() {
    stop_ = true;
    thread_.join();
    for (auto& c : connections_) Close(c);
    ::close(listen_fd_);
  }
  DroppingProxy(const DroppingProxy&) = delete;
  DroppingProxy& operator=(const DroppingProxy&) = delete;

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Where new client connections go. Existing ones keep their broker connection.
  void set_upstream_port(int port) { upstream_port_ = port; }
  // 0: forward everything.
  void set_drop_one_in(int n) { drop_one_in_ = n; }
  int64_t dropped() const { return dropped_; }
  // Dropped answers to Produce requests: batches the broker took that the client must resend.
  int64_t dropped_produce() const { return dropped_produce_; }
  int64_t forwarded() const { return forwarded_; }

 private:
  struct Connection {
    int client = -1;
    int upstream = -1;
    Bytes to_client;
    Bytes to_upstream;
    Bytes partial_request;                // client bytes not yet a whole frame
    Bytes partial_response;               // broker bytes not yet a whole frame
    std::map<int32_t, int16_t> api_keys;  // of the requests awaiting an answer, by correlation id
    bool upstream_done = false;           // the broker closed: close once to_client is written
    bool closed = false;
  };
  static constexpr size_t kMaxBuffered = 4 << 20;

  static sockaddr_in Loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
  }
  static void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }
  static void Close(Connection& c) {
    if (c.closed) return;
    c.closed = true;
    ::close(c.client);
    ::close(c.upstream);
  }

  void Accept() {
    while (true) {
      int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0) return;
      int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr = Loopback(upstream_port_);
      if (::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        // The broker is down (restarting): the client sees a refused connection.
        ::close(upstream);
        ::close(client);
        continue;
      }
      SetNonBlocking(client);
      SetNonBlocking(upstream);
      connections_.push_back(Connection{.client = client, .upstream = upstream});
    }
  }

  bool ShouldDrop() {
    int n = drop_one_in_;
    return n > 0 && std::uniform_int_distribution<int>(1, n)(random_) == 1;
  }

  // Calls `take(frame)` for each whole frame (size prefix included) at the start of `buffer` and
  // removes them; stops early when `take` returns false.
  template <typename Take>
  static void TakeFrames(Bytes& buffer, Take take) {
    size_t used = 0;
    while (buffer.size() - used >= 4) {
      size_t size = static_cast<size_t>(LoadBigEndian<int32_t>(buffer.data() + used));
      if (buffer.size() - used < 4 + size) break;
      if (!take(ByteView(buffer).subspan(used, 4 + size))) return;
      used += 4 + size;
    }
    buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(used));
  }

  // Notes the api key of each whole request in partial_request (header: size, api key, api
  // version, correlation id).
  static void NoteRequests(Connection& c) {
    TakeFrames(c.partial_request, [&](ByteView frame) {
      if (frame.size() >= 12) {
        c.api_keys[LoadBigEndian<int32_t>(frame.data() + 8)] =
            LoadBigEndian<int16_t>(frame.data() + 4);
      }
      return true;
    });
  }

  // Moves whole response frames from partial_response to to_client, or drops the connection.
  void TakeResponses(Connection& c) {
    TakeFrames(c.partial_response, [&](ByteView frame) {
      int32_t correlation_id = frame.size() >= 8 ? LoadBigEndian<int32_t>(frame.data() + 4) : -1;
      auto request = c.api_keys.find(correlation_id);
      bool produce = request != c.api_keys.end() && request->second == 0;
      if (request != c.api_keys.end()) c.api_keys.erase(request);
      if (ShouldDrop()) {
        ++dropped_;
        if (produce) ++dropped_produce_;
        Close(c);
        return false;
      }
      ++forwarded_;
      AppendBytes(c.to_client, frame);
      return true;
    });
  }

  // Reads what `from` has into `into`; false when it closed or failed.
  static bool ReadInto(int from, Bytes& into) {
    uint8_t buffer[64 * 1024];
    ssize_t r = ::recv(from, buffer, sizeof(buffer), 0);
    if (r > 0) {
      AppendBytes(into, ByteView(buffer, static_cast<size_t>(r)));
      return true;
    }
    return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  }
  // Writes what it can of `bytes` to `to`; false when the socket failed.
  static bool WriteFrom(int to, Bytes& bytes) {
    ssize_t w = ::send(to, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (w < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    bytes.erase(bytes.begin(), bytes.begin() + w);
    return true;
  }

  void Run() {
    while (!stop_) {
      std::vector<pollfd> fds = {{listen_fd_, POLLIN, 0}};
      for (auto& c : connections_) {
        short client_events = c.to_upstream.size() < kMaxBuffered ? POLLIN : 0;
        if (!c.to_client.empty()) client_events |= POLLOUT;
        short upstream_events = !c.upstream_done && c.to_client.size() < kMaxBuffered ? POLLIN : 0;
        if (!c.to_upstream.empty()) upstream_events |= POLLOUT;
        fds.push_back({c.client, client_events, 0});
        fds.push_back({c.upstream, upstream_events, 0});
      }
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      size_t i = 1;
      for (auto& c : connections_) {
        short client = fds[i++].revents;
        short upstream = fds[i++].revents;
        if (client & (POLLIN | POLLHUP | POLLERR)) {
          size_t before = c.partial_request.size();
          if (ReadInto(c.client, c.partial_request)) {
            AppendBytes(c.to_upstream, ByteView(c.partial_request).subspan(before));
            NoteRequests(c);
          } else {
            Close(c);
          }
        }
        if (!c.closed && !c.upstream_done && (upstream & (POLLIN | POLLHUP | POLLERR))) {
          if (ReadInto(c.upstream, c.partial_response)) {
            TakeResponses(c);
          } else {
            c.upstream_done = true;
          }
        }
        if (!c.closed && (client & POLLOUT) && !WriteFrom(c.client, c.to_client)) Close(c);
        if (!c.closed && (upstream & POLLOUT) && !WriteFrom(c.upstream, c.to_upstream)) Close(c);
        if (!c.closed && c.upstream_done && c.to_client.empty()) Close(c);
      }
      connections_.remove_if([](const Connection& c) { return c.closed; });
      if (fds[0].revents & POLLIN) Accept();
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> upstream_port_{0};
  std::atomic<int> drop_one_in_{0};
  std::atomic<int64_t> dropped_{0};
  std::atomic<int64_t> dropped_produce_{0};
  std::atomic<int64_t> forwarded_{0};
  std::atomic<bool> stop_{false};
  std::mt19937 random_;                // only on the proxy thread
  std::list<Connection> connections_;  // only on the proxy thread
  std::thread thread_;
};

// An idempotent librdkafka producer tuned for many small requests and quick retries: batches of
// at most 40 records, 5 requests in flight, reconnecting within 20 ms, retrying forever within a
// 2-minute message timeout.
Config IdempotentProducerConfig() {
  return {{"enable.idempotence", "true"},
          {"acks", "all"},
          {"max.in.flight.requests.per.connection", "5"},
          {"linger.ms", "1"},
          {"batch.num.messages", "40"},
          {"message.timeout.ms", "120000"},
          {"retries", "2147483647"},
          {"retry.backoff.ms", "10"},
          {"reconnect.backoff.ms", "10"},
          {"reconnect.backoff.max.ms", "20"},
          {"log.connection.close", "false"}};
}

class IdempotenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("BROOK_TEST_BOOTSTRAP")) {
      GTEST_SKIP() << "restarts the broker: needs the in-process one";
    }
    proxy_ = std::make_unique<DroppingProxy>(/*seed=*/20240607);
    StartBroker(/*port=*/0);
    ASSERT_NE(broker_, nullptr);
    proxy_->set_upstream_port(broker_->port());
  }
  void TearDown() override {
    proxy_.reset();
    broker_.reset();
  }

  // Starts the broker on `port` (0: any) with the proxy as its advertised listener, so clients
  // only ever know the proxy's address.
  void StartBroker(int port) {
    auto broker = broker::app::EmbeddedBroker::Start(
        dir_.path() + "/data", {{"listeners", "PLAINTEXT://127.0.0.1:" + std::to_string(port)},
                                {"advertised.listeners", "PLAINTEXT://" + proxy_->address()}});
    ASSERT_TRUE(broker.ok()) << broker.status().ToString();
    broker_ = std::move(broker).value();
  }

  // Stops the broker gracefully and starts it again on the same port and data.
  void RestartBroker() {
    int port = broker_->port();
    broker_->Stop();
    broker_.reset();
    StartBroker(port);
  }

  void MakeTopic(const std::string& topic, int partitions) {
    Producer admin(proxy_->address());
    ASSERT_EQ(CreateTopic(admin.handle(), topic, partitions), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  static std::string TopicName() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::string(info->test_suite_name()) + "." + info->name();
  }

  // Queues "0".."per_partition-1" for every partition of `topic` (round robin, so the
  // partitions interleave), restarts the broker each time the delivery reports reach a fraction
  // in `restart_at` of the records (the rest still queued or in flight), and waits for every
  // report.
  void ProduceAll(Producer& producer, const std::string& topic, int partitions, int per_partition,
                  const std::vector<double>& restart_at) {
    int total = partitions * per_partition;
    for (int i = 0; i < total; ++i) {
      producer.Send(topic, i % partitions, std::nullopt, std::to_string(i / partitions));
    }
    for (double fraction : restart_at) {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (producer.delivered() < static_cast<int64_t>(fraction * total) &&
             std::chrono::steady_clock::now() < deadline) {
        rd_kafka_poll(producer.handle(), 5);
      }
      ASSERT_LT(producer.delivered(), total) << "the restart must meet records in flight";
      RestartBroker();
      ASSERT_NE(broker_, nullptr);
    }
    producer.Flush(/*timeout_ms=*/120000);
    char reason[512];
    EXPECT_EQ(rd_kafka_fatal_error(producer.handle(), reason, sizeof(reason)),
              RD_KAFKA_RESP_ERR_NO_ERROR)
        << reason;
  }

  // The proxy kept at least 30 Produce answers from the client: else the test proves nothing.
  void ExpectManyProduceResponsesDropped() {
    std::cout << "[ proxy    ] dropped " << proxy_->dropped() << " of "
              << proxy_->dropped() + proxy_->forwarded() << " responses, "
              << proxy_->dropped_produce() << " of them to Produce\n";
    EXPECT_GE(proxy_->dropped_produce(), 30) << "too few retries for the test to mean anything";
  }

  // Every delivery report succeeded at offsets 0..per_partition-1 of its partition, and a plain
  // consumer reads exactly "0".."per_partition-1" from each partition, at those offsets.
  void ExpectExactlyOnceInOrder(const Producer& producer, const std::string& topic, int partitions,
                                int per_partition) {
    proxy_->set_drop_one_in(0);
    EXPECT_EQ(producer.delivered(), partitions * per_partition);
    EXPECT_EQ(producer.failed(), 0) << producer.last_error();
    for (int p = 0; p < partitions; ++p) {
      const std::vector<int64_t>& offsets = producer.offsets().at(p);
      ASSERT_EQ(offsets.size(), static_cast<size_t>(per_partition)) << "partition " << p;
      for (int i = 0; i < per_partition; ++i) {
        ASSERT_EQ(offsets[i], i) << "delivery report " << i << " of partition " << p;
      }
    }

    Consumer consumer(proxy_->address());
    consumer.Assign(topic, partitions);
    std::vector<ConsumedRecord> records =
        consumer.Read(static_cast<size_t>(partitions * per_partition), 10000);
    // A duplicate past the expected count would arrive within this extra wait.
    std::vector<ConsumedRecord> more = consumer.Read(1, 1000);
    EXPECT_TRUE(more.empty()) << "an extra record: " << more[0].value.value_or("(null)");
    ASSERT_EQ(records.size(), static_cast<size_t>(partitions * per_partition));
    std::vector<int64_t> next(partitions, 0);
    for (const auto& r : records) {
      ASSERT_TRUE(r.value.has_value());
      int64_t expected = next[r.partition]++;
      ASSERT_EQ(*r.value, std::to_string(expected)) << "partition " << r.partition;
      ASSERT_EQ(r.offset, expected) << "partition " << r.partition;
    }
    for (int p = 0; p < partitions; ++p) EXPECT_EQ(next[p], per_partition) << "partition " << p;
  }

  TempDir dir_;
  std::unique_ptr<DroppingProxy> proxy_;
  std::unique_ptr<broker::app::EmbeddedBroker> broker_;
};

TEST_F(IdempotenceTest, DroppedResponsesAndARestartLeaveEveryRecordOnceInOrder) {
  constexpr int kRecords = 20000;
  std::string topic = TopicName();
  MakeTopic(topic, 1);
  proxy_->set_drop_one_in(7);
  Producer producer(proxy_->address(), IdempotentProducerConfig());
  ASSERT_NO_FATAL_FAILURE(ProduceAll(producer, topic, 1, kRecords, {0.5}));
  ExpectManyProduceResponsesDropped();
  ExpectExactlyOnceInOrder(producer, topic, 1, kRecords);
}

TEST_F(IdempotenceTest, DroppedResponsesAndARestartLeaveEveryPartitionOnceInOrder) {
  constexpr int kPartitions = 4;
  constexpr int kPerPartition = 5000;
  std::string topic = TopicName();
  MakeTopic(topic, kPartitions);
  proxy_->set_drop_one_in(7);
  Producer producer(proxy_->address(), IdempotentProducerConfig());
  ASSERT_NO_FATAL_FAILURE(ProduceAll(producer, topic, kPartitions, kPerPartition, {0.5}));
  ExpectManyProduceResponsesDropped();
  ExpectExactlyOnceInOrder(producer, topic, kPartitions, kPerPartition);
}

TEST_F(IdempotenceTest, TwoRestartsWithoutDroppedResponsesLeaveEveryRecordOnceInOrder) {
  constexpr int kRecords = 20000;
  std::string topic = TopicName();
  MakeTopic(topic, 1);
  Producer producer(proxy_->address(), IdempotentProducerConfig());
  ASSERT_NO_FATAL_FAILURE(ProduceAll(producer, topic, 1, kRecords, {0.3, 0.6}));
  EXPECT_EQ(proxy_->dropped(), 0);
  ExpectExactlyOnceInOrder(producer, topic, 1, kRecords);
}

}  // namespace
}  // namespace brook::testing
