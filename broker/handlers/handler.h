#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "broker/coordinator/group/group_coordinator.h"
#include "broker/handlers/broker_context.h"
#include "broker/protocol/error_code.h"
#include "broker/protocol/messages.h"
#include "broker/server/server.h"
#include "common/status.h"

namespace brook::broker::handlers {

// One request as a handler sees it. Valid only during the handler call: a handler that answers
// later copies what it needs.
struct RequestContext {
  BrokerContext& broker;
  const server::ConnectionInfo& connection;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::string client_id;
  // Set by a handler that answers with no response but wants the connection closed (a failed
  // Produce with acks=0, as Kafka does).
  std::shared_ptr<bool> close_connection = std::make_shared<bool>(false);
  // Fetch only: the record ranges its response's records fields stand for (see
  // ExternalRecordsToken); the dispatcher sends them from the segment files instead of copying
  // them into the encoded response.
  std::shared_ptr<std::vector<log::ReadResult>> external_records;
};

// A records field's token standing for external_records[index]: the bytes the encoder recognises
// (never a valid record batch, which is at least 61 bytes).
Bytes ExternalRecordsToken(size_t index);
// The index a token stands for, or nullopt for real record bytes.
std::optional<size_t> ExternalRecordsIndex(ByteView field);

// How a handler answers: exactly once, now or later on the event loop. nullopt = no response
// (Produce with acks=0).
template <typename Response>
using Reply = std::function<void(std::optional<Response>)>;

using protocol::ErrorCode;

// The wire error for a Status from the domain, where no API-specific mapping applies.
ErrorCode ErrorFromStatus(const Status& status);
inline int16_t Code(ErrorCode code) { return static_cast<int16_t>(code); }

// One handler per API, each in its own file (<api>_handler.cc).
void HandleApiVersions(RequestContext& ctx, const protocol::ApiVersionsRequest& request,
                       Reply<protocol::ApiVersionsResponse> reply);
void HandleMetadata(RequestContext& ctx, const protocol::MetadataRequest& request,
                    Reply<protocol::MetadataResponse> reply);
void HandleProduce(RequestContext& ctx, protocol::ProduceRequest& request,
                   Reply<protocol::ProduceResponse> reply);
void HandleFetch(RequestContext& ctx, const protocol::FetchRequest& request,
                 Reply<protocol::FetchResponse> reply);
void HandleListOffsets(RequestContext& ctx, const protocol::ListOffsetsRequest& request,
                       Reply<protocol::ListOffsetsResponse> reply);
void HandleFindCoordinator(RequestContext& ctx, const protocol::FindCoordinatorRequest& request,
                           Reply<protocol::FindCoordinatorResponse> reply);
void HandleCreateTopics(RequestContext& ctx, const protocol::CreateTopicsRequest& request,
                        Reply<protocol::CreateTopicsResponse> reply);
void HandleDeleteTopics(RequestContext& ctx, const protocol::DeleteTopicsRequest& request,
                        Reply<protocol::DeleteTopicsResponse> reply);
void HandleCreatePartitions(RequestContext& ctx, const protocol::CreatePartitionsRequest& request,
                            Reply<protocol::CreatePartitionsResponse> reply);
void HandleDescribeConfigs(RequestContext& ctx, const protocol::DescribeConfigsRequest& request,
                           Reply<protocol::DescribeConfigsResponse> reply);
void HandleAlterConfigs(RequestContext& ctx, const protocol::AlterConfigsRequest& request,
                        Reply<protocol::AlterConfigsResponse> reply);
void HandleIncrementalAlterConfigs(RequestContext& ctx,
                                   const protocol::IncrementalAlterConfigsRequest& request,
                                   Reply<protocol::IncrementalAlterConfigsResponse> reply);
void HandleDeleteRecords(RequestContext& ctx, const protocol::DeleteRecordsRequest& request,
                         Reply<protocol::DeleteRecordsResponse> reply);
void HandleOffsetForLeaderEpoch(RequestContext& ctx,
                                const protocol::OffsetForLeaderEpochRequest& request,
                                Reply<protocol::OffsetForLeaderEpochResponse> reply);
void HandleDescribeCluster(RequestContext& ctx, const protocol::DescribeClusterRequest& request,
                           Reply<protocol::DescribeClusterResponse> reply);

// Consumer groups: thin handlers over BrokerContext::groups (the GroupCoordinator).
void HandleJoinGroup(RequestContext& ctx, const protocol::JoinGroupRequest& request,
                     Reply<protocol::JoinGroupResponse> reply);
void HandleSyncGroup(RequestContext& ctx, const protocol::SyncGroupRequest& request,
                     Reply<protocol::SyncGroupResponse> reply);
void HandleHeartbeat(RequestContext& ctx, const protocol::HeartbeatRequest& request,
                     Reply<protocol::HeartbeatResponse> reply);
void HandleLeaveGroup(RequestContext& ctx, const protocol::LeaveGroupRequest& request,
                      Reply<protocol::LeaveGroupResponse> reply);
void HandleOffsetCommit(RequestContext& ctx, const protocol::OffsetCommitRequest& request,
                        Reply<protocol::OffsetCommitResponse> reply);
void HandleOffsetFetch(RequestContext& ctx, const protocol::OffsetFetchRequest& request,
                       Reply<protocol::OffsetFetchResponse> reply);
void HandleDescribeGroups(RequestContext& ctx, const protocol::DescribeGroupsRequest& request,
                          Reply<protocol::DescribeGroupsResponse> reply);
void HandleListGroups(RequestContext& ctx, const protocol::ListGroupsRequest& request,
                      Reply<protocol::ListGroupsResponse> reply);
void HandleDeleteGroups(RequestContext& ctx, const protocol::DeleteGroupsRequest& request,
                        Reply<protocol::DeleteGroupsResponse> reply);
void HandleOffsetDelete(RequestContext& ctx, const protocol::OffsetDeleteRequest& request,
                        Reply<protocol::OffsetDeleteResponse> reply);

void HandleTxnOffsetCommit(RequestContext& ctx, const protocol::TxnOffsetCommitRequest& request,
                           Reply<protocol::TxnOffsetCommitResponse> reply);

// Transactions: thin handlers over BrokerContext::txns (the TransactionCoordinator).
void HandleInitProducerId(RequestContext& ctx, const protocol::InitProducerIdRequest& request,
                          Reply<protocol::InitProducerIdResponse> reply);
void HandleAddPartitionsToTxn(RequestContext& ctx,
                              const protocol::AddPartitionsToTxnRequest& request,
                              Reply<protocol::AddPartitionsToTxnResponse> reply);
void HandleAddOffsetsToTxn(RequestContext& ctx, const protocol::AddOffsetsToTxnRequest& request,
                           Reply<protocol::AddOffsetsToTxnResponse> reply);
void HandleEndTxn(RequestContext& ctx, const protocol::EndTxnRequest& request,
                  Reply<protocol::EndTxnResponse> reply);
void HandleDescribeTransactions(RequestContext& ctx,
                                const protocol::DescribeTransactionsRequest& request,
                                Reply<protocol::DescribeTransactionsResponse> reply);
void HandleListTransactions(RequestContext& ctx, const protocol::ListTransactionsRequest& request,
                            Reply<protocol::ListTransactionsResponse> reply);
// From the partitions' producer state.
void HandleDescribeProducers(RequestContext& ctx, const protocol::DescribeProducersRequest& request,
                             Reply<protocol::DescribeProducersResponse> reply);

// Who sent a group request, as the coordinator records it (client id, "/host").
coordinator::RequestInfo GroupRequestInfo(const RequestContext& ctx);

// The APIs the dispatcher serves, for ApiVersions: key and version range.
struct ServedApi {
  protocol::ApiKey key;
  int16_t min_version;
  int16_t max_version;
};
const std::vector<ServedApi>& ServedApis();

}  // namespace brook::broker::handlers
