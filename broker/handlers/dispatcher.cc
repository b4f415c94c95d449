#include "broker/handlers/dispatcher.h"

#include <array>
#include <chrono>

#include <fmt/format.h>

#include "broker/handlers/broker_metrics.h"
#include "broker/handlers/handler.h"
#include "broker/protocol/frame.h"
#include "common/logging.h"

namespace brook::broker::handlers {
namespace {

std::shared_ptr<spdlog::logger> Logger() {
  static auto logger = GetLogger("broker.request");
  return logger;
}

// Bad requests close their connection with a warning; a client (or a fuzzer) sending thousands
// gets one line a second, with the count of the ones left out.
template <typename... Args>
void WarnClosing(fmt::format_string<Args...> format, Args&&... args) {
  static RateLimiter limiter(1000);
  int64_t suppressed = 0;
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
                 .count();
  if (!limiter.Allow(now, &suppressed)) return;
  std::string line = fmt::format(format, std::forward<Args>(args)...);
  if (suppressed > 0) {
    Logger()->warn("{} ({} similar warnings suppressed)", line, suppressed);
  } else {
    Logger()->warn("{}", line);
  }
}

using Entry = std::function<void(RequestContext&, ByteView frame, const protocol::RequestFrame&,
                                 server::RequestDispatcher::Respond)>;

// Closes the connection without an answer: what Kafka does with a request it cannot parse.
server::Response CloseConnection() {
  server::Response response;
  response.close_after = true;
  return response;
}

// Collects where each external records field goes while a response is encoded.
class ExternalRecordsSplicer final : public protocol::RecordsSplicer {
 public:
  explicit ExternalRecordsSplicer(const std::vector<log::ReadResult>& ranges) : ranges_(ranges) {}
  std::optional<uint64_t> ExternalSize(ByteView field) const override {
    std::optional<size_t> index = ExternalRecordsIndex(field);
    if (!index || *index >= ranges_.size()) return std::nullopt;
    return ranges_[*index].size;
  }
  void Splice(ByteView field, size_t position) override {
    splices_.emplace_back(position, *ExternalRecordsIndex(field));
  }
  const std::vector<std::pair<size_t, size_t>>& splices() const { return splices_; }

 private:
  const std::vector<log::ReadResult>& ranges_;
  std::vector<std::pair<size_t, size_t>> splices_;  // (position in the encoding, range index)
};

// Encodes a response whose records fields are tokens standing for file ranges: the encoded bytes
// are cut at each token and the ranges go between them as parts, which the server reads
// straight into its send buffer (one copy of each record byte instead of three).
template <typename Response>
server::Response EncodeWithExternalRecords(int32_t correlation_id, const Response& response,
                                           int16_t version, std::vector<log::ReadResult> ranges) {
  ExternalRecordsSplicer splicer(ranges);
  Bytes encoded;
  encoded.reserve(response.EncodedSize(version) + 16);
  protocol::EncodeResponseFrame(correlation_id, response, version, &encoded, &splicer);
  server::Response out;
  size_t from = 0;
  for (const auto& [position, index] : splicer.splices()) {
    Bytes piece(encoded.begin() + static_cast<std::ptrdiff_t>(from),
                encoded.begin() + static_cast<std::ptrdiff_t>(position));
    if (from == 0) {
      out.head = std::move(piece);
    } else {
      out.parts.push_back({log::ReadResult(), std::move(piece)});
    }
    out.parts.push_back({ranges[index], Bytes()});
    from = position;
  }
  out.parts.push_back({log::ReadResult(),
                       Bytes(encoded.begin() + static_cast<std::ptrdiff_t>(from), encoded.end())});
  return out;
}

// Decodes the body as Request, runs `handler`, encodes its answer with the right header.
template <typename Request, typename Handler>
Entry Typed(Handler handler) {
  return [handler](RequestContext& ctx, ByteView frame, const protocol::RequestFrame& parsed,
                   server::RequestDispatcher::Respond respond) {
    auto request = protocol::DecodeRequestBody<Request>(frame, parsed);
    if (!request.ok()) {
      WarnClosing("[connection {} {}] closing: {}", ctx.connection.id, ctx.connection.peer,
                  request.status().ToString());
      return respond(CloseConnection());
    }
    int16_t version = parsed.api_version();
    int32_t correlation_id = parsed.header.correlation_id;
    using Response = typename Request::Response;
    auto close = ctx.close_connection;
    if constexpr (Request::kApiKey == protocol::ApiKey::kFetch) {
      ctx.external_records = std::make_shared<std::vector<log::ReadResult>>();
    }
    auto external = ctx.external_records;
    handler(ctx, *request,
            [respond, version, correlation_id, close, external](std::optional<Response> response) {
              if (!response)
                return respond(*close ? std::optional(CloseConnection()) : std::nullopt);
              server::Response out;
              if (external && !external->empty()) {
                return respond(EncodeWithExternalRecords(correlation_id, *response, version,
                                                         std::move(*external)));
              }
              // One allocation: a Fetch response can be megabytes; growing by doubling copies it.
              out.head.reserve(response->EncodedSize(version) + 16);
              protocol::EncodeResponseFrame(correlation_id, *response, version, &out.head);
              respond(std::move(out));
            });
  };
}

struct Table {
  std::array<Entry, 128> entries;
  std::vector<ServedApi> served;

  template <typename Request, typename Handler>
  void Add(Handler handler, int16_t max_version = Request::kMaxVersion) {
    auto key = static_cast<size_t>(Request::kApiKey);
    entries[key] = Typed<Request>(handler);
    served.push_back({Request::kApiKey, Request::kMinVersion, max_version});
  }
};

// The one table that drives both dispatch and the ApiVersions answer.
const Table& TheTable() {
  static const Table table = [] {
    Table t;
    t.Add<protocol::ProduceRequest>(&HandleProduce);
    t.Add<protocol::FetchRequest>(&HandleFetch);
    t.Add<protocol::ListOffsetsRequest>(&HandleListOffsets);
    t.Add<protocol::MetadataRequest>(&HandleMetadata);
    t.Add<protocol::OffsetCommitRequest>(&HandleOffsetCommit);
    t.Add<protocol::OffsetFetchRequest>(&HandleOffsetFetch);
    t.Add<protocol::FindCoordinatorRequest>(&HandleFindCoordinator);
    t.Add<protocol::JoinGroupRequest>(&HandleJoinGroup);
    t.Add<protocol::HeartbeatRequest>(&HandleHeartbeat);
    t.Add<protocol::LeaveGroupRequest>(&HandleLeaveGroup);
    t.Add<protocol::SyncGroupRequest>(&HandleSyncGroup);
    t.Add<protocol::DescribeGroupsRequest>(&HandleDescribeGroups);
    t.Add<protocol::ListGroupsRequest>(&HandleListGroups);
    t.Add<protocol::DeleteGroupsRequest>(&HandleDeleteGroups);
    t.Add<protocol::OffsetDeleteRequest>(&HandleOffsetDelete);
    t.Add<protocol::ApiVersionsRequest>(&HandleApiVersions);
    t.Add<protocol::CreateTopicsRequest>(&HandleCreateTopics);
    t.Add<protocol::DeleteTopicsRequest>(&HandleDeleteTopics);
    t.Add<protocol::DeleteRecordsRequest>(&HandleDeleteRecords);
    t.Add<protocol::OffsetForLeaderEpochRequest>(&HandleOffsetForLeaderEpoch);
    t.Add<protocol::DescribeConfigsRequest>(&HandleDescribeConfigs);
    t.Add<protocol::AlterConfigsRequest>(&HandleAlterConfigs);
    t.Add<protocol::CreatePartitionsRequest>(&HandleCreatePartitions);
    t.Add<protocol::IncrementalAlterConfigsRequest>(&HandleIncrementalAlterConfigs);
    t.Add<protocol::DescribeClusterRequest>(&HandleDescribeCluster);
    t.Add<protocol::InitProducerIdRequest>(&HandleInitProducerId);
    t.Add<protocol::AddPartitionsToTxnRequest>(&HandleAddPartitionsToTxn);
    t.Add<protocol::AddOffsetsToTxnRequest>(&HandleAddOffsetsToTxn);
    t.Add<protocol::EndTxnRequest>(&HandleEndTxn);
    t.Add<protocol::TxnOffsetCommitRequest>(&HandleTxnOffsetCommit);
    t.Add<protocol::DescribeProducersRequest>(&HandleDescribeProducers);
    t.Add<protocol::DescribeTransactionsRequest>(&HandleDescribeTransactions);
    t.Add<protocol::ListTransactionsRequest>(&HandleListTransactions);
    std::sort(t.served.begin(), t.served.end(),
              [](const ServedApi& a, const ServedApi& b) { return a.key < b.key; });
    return t;
  }();
  return table;
}

class Dispatcher final : public server::RequestDispatcher {
 public:
  explicit Dispatcher(BrokerContext* context) : context_(context) {}

  void Dispatch(const server::ConnectionInfo& connection, Bytes frame, Respond respond) override {
    auto parsed = protocol::ParseRequestFrame(frame);
    if (!parsed.ok()) {
      WarnClosing("[connection {} {}] closing: {}", connection.id, connection.peer,
                  parsed.status().ToString());
      return respond(CloseConnection());
    }
    const Table& table = TheTable();
    auto key = static_cast<size_t>(parsed->api_key());
    const Entry& entry = key < table.entries.size() ? table.entries[key] : Entry();
    int16_t version = parsed->api_version();
    bool served = false;
    for (const auto& api : table.served) {
      if (api.key == parsed->api_key())
        served = version >= api.min_version && version <= api.max_version;
    }
    if (!entry || !served) {
      if (parsed->api_key() == protocol::ApiKey::kApiVersions) {
        return respond(UnsupportedApiVersions(parsed->header.correlation_id));
      }
      WarnClosing("[connection {} {}] closing: {} v{} is not served", connection.id,
                  connection.peer, parsed->api->name, version);
      return respond(CloseConnection());
    }
    Logger()->trace("[connection {} {}] {} v{} correlation {} client {}", connection.id,
                    connection.peer, parsed->api->name, version, parsed->header.correlation_id,
                    parsed->header.client_id.value_or(""));
    RequestContext ctx{*context_, connection, version, parsed->header.correlation_id,
                       parsed->header.client_id.value_or("")};
    if (context_->metrics != nullptr) {
      // Kafka's TotalTimeMs: from here to the answer (the handler may answer later).
      respond = [respond = std::move(respond), metrics = context_->metrics, api = parsed->api_key(),
                 start = std::chrono::steady_clock::now()](std::optional<server::Response> out) {
        metrics->RequestDone(
            api, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        respond(std::move(out));
      };
    }
    entry(ctx, frame, *parsed, std::move(respond));
  }

 private:
  // KIP-511: an ApiVersions version the broker does not know gets a v0 answer with
  // UNSUPPORTED_VERSION and the versions it does serve, so the client can retry lower.
  static server::Response UnsupportedApiVersions(int32_t correlation_id) {
    protocol::ApiVersionsResponse body;
    body.error_code = Code(ErrorCode::kUnsupportedVersion);
    for (const auto& api : ServedApis()) {
      auto& entry = body.api_keys.emplace_back();
      entry.api_key = static_cast<int16_t>(api.key);
      entry.min_version = api.min_version;
      entry.max_version = api.max_version;
    }
    server::Response out;
    protocol::EncodeResponseFrame(correlation_id, body, 0, &out.head);
    return out;
  }

  BrokerContext* context_;
};

}  // namespace

const std::vector<ServedApi>& ServedApis() { return TheTable().served; }

namespace {
constexpr uint8_t kExternalRecordsMagic[4] = {0xff, 'B', 'R', 'K'};
}

Bytes ExternalRecordsToken(size_t index) {
  Bytes token(kExternalRecordsMagic, kExternalRecordsMagic + 4);
  AppendBigEndian<uint64_t>(token, index);
  return token;
}

std::optional<size_t> ExternalRecordsIndex(ByteView field) {
  if (field.size() != 12 || !std::equal(field.begin(), field.begin() + 4, kExternalRecordsMagic)) {
    return std::nullopt;
  }
  return static_cast<size_t>(LoadBigEndian<uint64_t>(field.data() + 4));
}

coordinator::RequestInfo GroupRequestInfo(const RequestContext& ctx) {
  coordinator::RequestInfo info;
  info.version = ctx.api_version;
  info.client_id = ctx.client_id;
  // Kafka shows a member's host as "/address".
  const std::string& peer = ctx.connection.peer;
  auto colon = peer.rfind(':');
  info.client_host = "/" + (colon == std::string::npos ? peer : peer.substr(0, colon));
  return info;
}

ErrorCode ErrorFromStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return ErrorCode::kNone;
    case StatusCode::kNotFound:
      return ErrorCode::kUnknownTopicOrPartition;
    case StatusCode::kOutOfRange:
      return ErrorCode::kOffsetOutOfRange;
    case StatusCode::kCorruption:
      return ErrorCode::kCorruptMessage;
    case StatusCode::kTooLarge:
      return ErrorCode::kMessageTooLarge;
    case StatusCode::kInvalidArgument:
      return ErrorCode::kInvalidRequest;
    case StatusCode::kAlreadyExists:
      return ErrorCode::kTopicAlreadyExists;
    case StatusCode::kUnavailable:
      return ErrorCode::kLeaderNotAvailable;
    case StatusCode::kTimedOut:
      return ErrorCode::kRequestTimedOut;
    default:
      return ErrorCode::kUnknownServerError;
  }
}

std::unique_ptr<server::RequestDispatcher> MakeDispatcher(BrokerContext* context) {
  return std::make_unique<Dispatcher>(context);
}

}  // namespace brook::broker::handlers
