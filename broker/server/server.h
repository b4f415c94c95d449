#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "broker/log/log.h"
#include "broker/server/delayed_operation.h"
#include "broker/server/timing_wheel.h"
#include "common/bytes.h"
#include "common/result.h"

namespace brook::broker::server {

// What a handler answers with: the response bytes after the size prefix (header + body), and
// optionally file ranges of a partition log to send after them (a Fetch's record batches) —
// the server writes them with sendfile when the file has a descriptor. nullopt = no response
// (Produce with acks=0).
struct Response {
  Bytes head;
  // Sent in order after `head`, then `tail` (bytes that follow the records in the message).
  struct Part {
    log::ReadResult range;  // a file range
    Bytes bytes;            // or plain bytes, when range.file is null
  };
  std::vector<Part> parts;
  // The frame's size prefix counts head + parts + tail; the server writes it.
  size_t size() const;
  // Whether to close the connection after this response is written (or instead of it when
  // `head` is empty: a protocol error Kafka answers by disconnecting).
  bool close_after = false;
};

// Facts about the connection a request came on, for handlers and logs.
struct ConnectionInfo {
  uint64_t id = 0;
  std::string peer;  // "127.0.0.1:53412"
};

// Receives each complete request frame (without the size prefix) on the event loop. It must
// call `respond` exactly once, now or later (from the event loop, e.g. from a delayed
// operation); responses leave in request order whatever order they are completed in.
class RequestDispatcher {
 public:
  using Respond = std::function<void(std::optional<Response>)>;
  virtual ~RequestDispatcher() = default;
  virtual void Dispatch(const ConnectionInfo& connection, Bytes frame, Respond respond) = 0;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 9092;                        // 0 = any free port
  int32_t max_request_bytes = 104857600;  // socket.request.max.bytes
  int64_t connections_max_idle_ms = 600000;
  // Requests read ahead of their responses on one connection before reading pauses.
  int max_in_flight_per_connection = 128;
};

// The network side of the broker: an Asio acceptor and connections on one event-loop thread.
// Frames are `int32 size` + bytes (Kafka framing). A size below 0 or above max_request_bytes
// closes the connection (as Kafka does), so does a peer idle for connections_max_idle_ms.
// Requests on a connection are pipelined; responses go back in request order.
//
// The loop also drives a TimingWheel (for delayed operations) and runs posted tasks, so every
// broker component that lives "on the loop" needs no locks.
// Thread safety: Start/Stop/Post/port from any thread; the rest only on the loop.
class Server {
 public:
  Server(ServerOptions options, RequestDispatcher* dispatcher);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the loop thread. IOError when the address cannot be bound.
  Status Start();
  // Stops accepting, lets in-flight requests finish (up to `grace_ms`), closes connections and
  // joins the loop thread. Idempotent.
  void Stop(int64_t grace_ms = 5000);
  // The bound port (after Start).
  int port() const { return bound_port_.load(); }

  // Runs `task` on the loop.
  void Post(std::function<void()> task);
  // On the loop: the wheel and purgatory of delayed operations, and the current time.
  TimingWheel& wheel();
  Purgatory& fetch_purgatory();
  int64_t NowMs() const;
  // On the loop: open connections.
  size_t connection_count() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<int> bound_port_{0};
};

}  // namespace brook::broker::server
