#include "common/metrics_http.h"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <exception>
#include <memory>

#include "common/logging.h"

namespace brook::metrics {

Result<std::pair<std::string, int>> ParseMetricsListener(const std::string& key,
                                                         const std::string& listener) {
  const auto bad = [&](const char* why) {
    return Status::InvalidArgument(
        fmt::format("{}: \"{}\" is not http://HOST:PORT ({})", key, listener, why));
  };
  constexpr std::string_view kScheme = "http://";
  if (!listener.starts_with(kScheme)) return bad("it must start with http://");
  const std::string rest = listener.substr(kScheme.size());
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad("no HOST:PORT");
  std::string host = rest.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]
  }
  const std::string port_text = rest.substr(colon + 1);
  int port = -1;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
      port > 65535) {
    return bad("the port must be 0 to 65535");
  }
  return std::pair<std::string, int>(std::move(host), port);
}

Result<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& listener, std::function<std::string()> scrape) {
  BROOK_ASSIGN_OR_RETURN(auto address, ParseMetricsListener("metrics.listener", listener));
  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer());
  server->server_ = std::make_unique<httplib::Server>();
  server->host_ = address.first;
  // cpp-httplib's default adds SO_REUSEPORT, which would let a second process bind the same
  // port and take half the scrapes: only SO_REUSEADDR (restarts while old connections linger).
  server->server_->set_socket_options([](socket_t socket) {
    int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server->server_->Get("/metrics", [scrape](const httplib::Request&, httplib::Response& res) {
    try {
      res.set_content(scrape(), "text/plain; version=0.0.4; charset=utf-8");
    } catch (const std::exception& e) {
      res.status = 500;
      res.set_content(fmt::format("scrape failed: {}\n", e.what()), "text/plain");
    }
  });
  int port = address.second;
  if (port == 0) {
    port = server->server_->bind_to_any_port(address.first);
  } else if (!server->server_->bind_to_port(address.first, port)) {
    port = -1;
  }
  if (port <= 0) {
    return Status::IOError(fmt::format("metrics.listener: cannot bind {}", listener));
  }
  server->port_ = port;
  httplib::Server* raw = server->server_.get();
  auto ended = std::make_shared<std::atomic<bool>>(false);
  server->thread_ = std::thread([raw, ended] {
    raw->listen_after_bind();
    ended->store(true);
  });
  // Until the loop runs, stop() would not reach it (and Stop() would wait forever). A loop that
  // ended at once (its accept failed) is an error.
  while (!raw->is_running() && !ended->load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (ended->load()) {
    server->thread_.join();
    return Status::IOError(fmt::format("metrics.listener: {} did not start serving", listener));
  }
  GetLogger("metrics")->info("serving Prometheus metrics at {}", server->url());
  return server;
}

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

std::string MetricsHttpServer::url() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}/metrics", v6 ? "[" : "", host_, v6 ? "]" : "", port_);
}

void MetricsHttpServer::Stop() {
  if (!server_) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

}  // namespace brook::metrics
