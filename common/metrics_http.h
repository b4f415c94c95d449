#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/result.h"

namespace httplib {
class Server;
}

namespace brook::metrics {

// The `metrics.listener` endpoint of the broker and of a streams app: an HTTP server on its own
// thread answering GET /metrics with the text `scrape` returns, as Prometheus' text exposition
// format (Content-Type text/plain; version=0.0.4). Any other path is a 404. A scrape that
// throws is a 500 with the message.
class MetricsHttpServer {
 public:
  // `listener` is "http://HOST:PORT" (PORT 0: a free port; see port()). InvalidArgument for
  // another form, IOError when the address cannot be bound.
  static Result<std::unique_ptr<MetricsHttpServer>> Start(const std::string& listener,
                                                          std::function<std::string()> scrape);
  ~MetricsHttpServer();  // Stop()
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  int port() const { return port_; }
  // "http://HOST:PORT/metrics", with the bound port.
  std::string url() const;
  // Stops accepting and joins the thread. Idempotent.
  void Stop();

 private:
  MetricsHttpServer() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string host_;
  int port_ = 0;
};

// Parses "http://HOST:PORT" into host and port; InvalidArgument naming `key` otherwise.
Result<std::pair<std::string, int>> ParseMetricsListener(const std::string& key,
                                                         const std::string& listener);

}  // namespace brook::metrics
