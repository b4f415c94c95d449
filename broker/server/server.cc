#include "broker/server/server.h"

#include <chrono>
#include <cstring>
#include <deque>
#include <future>
#include <memory>
#include <unordered_map>

#include <fmt/format.h>
#include <boost/asio.hpp>

#include "common/logging.h"

namespace brook::broker::server {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::shared_ptr<spdlog::logger> Logger() {
  static auto logger = GetLogger("broker.server");
  return logger;
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

size_t Response::size() const {
  size_t n = head.size();
  for (const auto& part : parts) n += part.range.file ? part.range.size : part.bytes.size();
  return n;
}

// A grow-only byte buffer whose new bytes are not zeroed (std::vector's resize would memset
// every Fetch's records before pread overwrites them). One per connection, reused.
class SendBuffer {
 public:
  void Clear() { size_ = 0; }
  // Makes `n` more bytes available at the end and returns where they start.
  uint8_t* Extend(size_t n) {
    if (size_ + n > capacity_) {
      size_t capacity = std::max(size_ + n, capacity_ * 2);
      std::unique_ptr<uint8_t[]> grown(new uint8_t[capacity]);
      if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
      data_ = std::move(grown);
      capacity_ = capacity;
    }
    uint8_t* at = data_.get() + size_;
    size_ += n;
    return at;
  }
  void Append(ByteView bytes) {
    if (!bytes.empty()) std::memcpy(Extend(bytes.size()), bytes.data(), bytes.size());
  }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

class Connection;

class Server::Impl {
 public:
  Impl(ServerOptions options, RequestDispatcher* dispatcher)
      : options_(std::move(options)),
        dispatcher_(dispatcher),
        acceptor_(io_),
        wheel_timer_(io_),
        idle_timer_(io_),
        wheel_(SteadyMs()),
        purgatory_(&wheel_) {}

  Status Bind();
  void Accept();
  void ArmWheelTimer();
  void ArmIdleTimer();
  void BeginShutdown();
  void Remove(uint64_t id);

  ServerOptions options_;
  RequestDispatcher* dispatcher_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::steady_timer wheel_timer_;
  asio::steady_timer idle_timer_;
  int64_t wheel_timer_at_ = INT64_MAX;
  TimingWheel wheel_;
  Purgatory purgatory_;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> connections_;
  uint64_t next_connection_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<bool> running_{false};
};

// One client connection: reads frames, hands them to the dispatcher, writes responses in
// request order. Lives on the loop; owned by Server::Impl::connections_ and by its pending
// asynchronous operations.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl* server, tcp::socket socket, uint64_t id)
      : server_(server), socket_(std::move(socket)) {
    info_.id = id;
    boost::system::error_code ec;
    auto peer = socket_.remote_endpoint(ec);
    info_.peer = ec ? "?" : fmt::format("{}:{}", peer.address().to_string(), peer.port());
    socket_.set_option(tcp::no_delay(true), ec);
    last_activity_ms_ = SteadyMs();
  }

  void Start() { ReadSize(); }

  // Stop reading; close once every accepted request is answered.
  void Drain() {
    draining_ = true;
    if (pending_.empty() && !writing_) Close();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    server_->Remove(info_.id);
  }

  bool IdleSince(int64_t cutoff_ms) const {
    return pending_.empty() && !writing_ && last_activity_ms_ < cutoff_ms;
  }

 private:
  struct Slot {
    uint64_t sequence;
    bool done = false;
    std::optional<Response> response;
  };

  void ReadSize() {
    if (closed_ || draining_) return;
    if (static_cast<int>(pending_.size()) >= server_->options_.max_in_flight_per_connection) {
      read_paused_ = true;  // resumed when a response leaves
      return;
    }
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(size_buffer_),
                     [this, self](const boost::system::error_code& ec, size_t) {
                       if (ec) return OnReadError(ec);
                       int32_t size = LoadBigEndian<int32_t>(size_buffer_);
                       if (size < 0 || size > server_->options_.max_request_bytes) {
                         Logger()->warn(
                             "[connection {} {}] closing: request frame size {} outside 0..{}",
                             info_.id, info_.peer, size, server_->options_.max_request_bytes);
                         return Close();
                       }
                       ReadBody(static_cast<size_t>(size));
                     });
  }

  void ReadBody(size_t size) {
    auto self = shared_from_this();
    frame_.resize(size);
    asio::async_read(
        socket_, asio::buffer(frame_), [this, self](const boost::system::error_code& ec, size_t) {
          if (ec) return OnReadError(ec);
          last_activity_ms_ = SteadyMs();
          uint64_t sequence = next_sequence_++;
          pending_.push_back(Slot{sequence});
          Bytes frame;
          frame.swap(frame_);
          std::weak_ptr<Connection> weak = self;
          asio::io_context* io = &server_->io_;
          server_->dispatcher_->Dispatch(
              info_, std::move(frame), [weak, sequence, io](std::optional<Response> response) {
                asio::dispatch(*io, [weak, sequence, response = std::move(response)]() mutable {
                  if (auto connection = weak.lock())
                    connection->Complete(sequence, std::move(response));
                });
              });
          server_->ArmWheelTimer();
          ReadSize();
        });
  }

  void OnReadError(const boost::system::error_code& ec) {
    if (ec != asio::error::eof && ec != asio::error::operation_aborted &&
        ec != asio::error::connection_reset) {
      Logger()->debug("[connection {} {}] read failed: {}", info_.id, info_.peer, ec.message());
    }
    // The peer closed its side: answer what it sent, then close.
    Drain();
  }

  void Complete(uint64_t sequence, std::optional<Response> response) {
    for (auto& slot : pending_) {
      if (slot.sequence == sequence) {
        slot.done = true;
        slot.response = std::move(response);
        break;
      }
    }
    WriteNext();
  }

  void WriteNext() {
    if (writing_ || closed_) return;
    while (!pending_.empty() && pending_.front().done && !pending_.front().response) {
      pending_.pop_front();  // no response (acks=0)
    }
    if (pending_.empty() || !pending_.front().done) {
      if (draining_ && pending_.empty()) Close();
      if (read_paused_ && !draining_) {
        read_paused_ = false;
        ReadSize();
      }
      return;
    }
    Response& response = *pending_.front().response;
    if (response.head.empty() && response.close_after) return Close();
    // Size prefix, head, then each part; file ranges are read into memory here.
    out_.Clear();
    uint8_t* prefix = out_.Extend(4);
    StoreBigEndian<int32_t>(prefix, static_cast<int32_t>(response.size()));
    out_.Append(response.head);
    for (auto& part : response.parts) {
      if (part.range.file) {
        // Read straight into the send buffer (not zeroed first: the read fills it).
        uint8_t* at = out_.Extend(part.range.size);
        auto n = part.range.file->ReadAt(part.range.position, at, part.range.size);
        if (!n.ok() || *n != part.range.size) {
          Logger()->error("[connection {} {}] reading {} failed: closing", info_.id, info_.peer,
                          part.range.file->path());
          return Close();
        }
      } else {
        out_.Append(part.bytes);
      }
    }
    bool close_after = response.close_after;
    writing_ = true;
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_.data(), out_.size()),
                      [this, self, close_after](const boost::system::error_code& ec, size_t) {
                        writing_ = false;
                        last_activity_ms_ = SteadyMs();
                        if (ec) return Close();
                        pending_.pop_front();
                        if (close_after) return Close();
                        WriteNext();
                      });
  }

  Server::Impl* server_;
  tcp::socket socket_;
  ConnectionInfo info_;
  uint8_t size_buffer_[4] = {};
  Bytes frame_;
  SendBuffer out_;
  std::deque<Slot> pending_;
  uint64_t next_sequence_ = 0;
  int64_t last_activity_ms_ = 0;
  bool writing_ = false;
  bool read_paused_ = false;
  bool draining_ = false;
  bool closed_ = false;
};

Status Server::Impl::Bind() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec) {
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec || results.empty()) {
      return Status::InvalidArgument(
          fmt::format("listener host '{}' does not resolve: {}", options_.host, ec.message()));
    }
    address = results.begin()->endpoint().address();
  }
  tcp::endpoint endpoint(address, static_cast<uint16_t>(options_.port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError(
        fmt::format("cannot listen on {}:{}: {}", options_.host, options_.port, ec.message()));
  }
  return Status::Ok();
}

void Server::Impl::Accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec) {
      if (ec != asio::error::operation_aborted && !stopping_) {
        Logger()->warn("accept failed: {}", ec.message());
        Accept();
      }
      return;
    }
    if (stopping_) return;
    uint64_t id = next_connection_id_++;
    auto connection = std::make_shared<Connection>(this, std::move(socket), id);
    connections_.emplace(id, connection);
    connection->Start();
    Accept();
  });
}

void Server::Impl::ArmWheelTimer() {
  auto next = wheel_.NextExpiration();
  if (!next || *next >= wheel_timer_at_) return;
  wheel_timer_at_ = *next;
  wheel_timer_.expires_at(std::chrono::steady_clock::time_point(std::chrono::milliseconds(*next)));
  wheel_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed earlier, or stopping
    wheel_timer_at_ = INT64_MAX;
    wheel_.Advance(SteadyMs());
    ArmWheelTimer();
  });
}

void Server::Impl::ArmIdleTimer() {
  int64_t period = std::clamp<int64_t>(options_.connections_max_idle_ms / 4, 10, 30'000);
  idle_timer_.expires_after(std::chrono::milliseconds(period));
  idle_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    int64_t cutoff = SteadyMs() - options_.connections_max_idle_ms;
    std::vector<std::shared_ptr<Connection>> idle;
    for (auto& [id, connection] : connections_) {
      if (connection->IdleSince(cutoff)) idle.push_back(connection);
    }
    for (auto& connection : idle) {
      Logger()->debug("closing a connection idle for over {} ms", options_.connections_max_idle_ms);
      connection->Close();
    }
    ArmIdleTimer();
  });
}

void Server::Impl::Remove(uint64_t id) { connections_.erase(id); }

void Server::Impl::BeginShutdown() {
  stopping_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  idle_timer_.cancel();
  std::vector<std::shared_ptr<Connection>> all;
  for (auto& [id, connection] : connections_) all.push_back(connection);
  for (auto& connection : all) connection->Drain();
}

Server::Server(ServerOptions options, RequestDispatcher* dispatcher)
    : impl_(std::make_unique<Impl>(std::move(options), dispatcher)) {}

Server::~Server() { Stop(0); }

Status Server::Start() {
  BROOK_RETURN_IF_ERROR(impl_->Bind());
  bound_port_ = impl_->acceptor_.local_endpoint().port();
  impl_->Accept();
  impl_->ArmIdleTimer();
  impl_->running_ = true;
  impl_->thread_ = std::thread([this] {
    auto guard = asio::make_work_guard(impl_->io_);
    impl_->io_.run();
  });
  Logger()->info("listening on {}:{}", impl_->options_.host, bound_port_.load());
  return Status::Ok();
}

void Server::Stop(int64_t grace_ms) {
  if (!impl_->running_.exchange(false)) return;
  asio::post(impl_->io_, [this] { impl_->BeginShutdown(); });
  // Wait for the connections to drain, then stop the loop.
  int64_t deadline = SteadyMs() + grace_ms;
  while (SteadyMs() < deadline) {
    // Shared: when the loop is busy past the wait (creating an internal topic), the task runs
    // after this iteration has ended and must not touch a promise of the stack.
    auto count = std::make_shared<std::promise<size_t>>();
    auto future = count->get_future();
    asio::post(impl_->io_, [this, count] { count->set_value(impl_->connections_.size()); });
    if (future.wait_for(std::chrono::milliseconds(200)) == std::future_status::ready &&
        future.get() == 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  impl_->io_.stop();
  if (impl_->thread_.joinable()) impl_->thread_.join();
  impl_->connections_.clear();
}

void Server::Post(std::function<void()> task) {
  asio::post(impl_->io_, [this, task = std::move(task)] {
    task();
    impl_->ArmWheelTimer();
  });
}

TimingWheel& Server::wheel() { return impl_->wheel_; }
Purgatory& Server::fetch_purgatory() { return impl_->purgatory_; }
int64_t Server::NowMs() const { return SteadyMs(); }
size_t Server::connection_count() const { return impl_->connections_.size(); }

}  // namespace brook::broker::server
