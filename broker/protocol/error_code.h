#pragma once

#include <cstdint>
#include <string_view>

namespace brook::broker::protocol {

// Kafka's wire error codes (org.apache.kafka.common.protocol.Errors). Only handlers map a
// brook::Status to one of these; everything below the handlers uses Status.
enum class ErrorCode : int16_t {
  // An unexpected failure on the broker.
  kUnknownServerError = -1,
  // Success.
  kNone = 0,
  // The offset is outside the partition's [log start, log end].
  kOffsetOutOfRange = 1,
  // A record batch failed its CRC or structure check.
  kCorruptMessage = 2,
  // The topic or partition does not exist.
  kUnknownTopicOrPartition = 3,
  // The requested fetch size is invalid.
  kInvalidFetchSize = 4,
  // The partition has no leader yet (topic being created).
  kLeaderNotAvailable = 5,
  // This broker does not lead the partition.
  kNotLeaderOrFollower = 6,
  // The request did not complete in its timeout.
  kRequestTimedOut = 7,
  // The broker is not available.
  kBrokerNotAvailable = 8,
  // A replica is not available.
  kReplicaNotAvailable = 9,
  // A batch is larger than the topic allows.
  kMessageTooLarge = 10,
  // The controller epoch is older than the broker's.
  kStaleControllerEpoch = 11,
  // Committed offset metadata is too long.
  kOffsetMetadataTooLarge = 12,
  // The connection closed before the response arrived.
  kNetworkException = 13,
  // The coordinator is still loading its state; retry.
  kCoordinatorLoadInProgress = 14,
  // The coordinator is not ready or the group is dead.
  kCoordinatorNotAvailable = 15,
  // This broker is not the coordinator for the key.
  kNotCoordinator = 16,
  // The topic name is not legal.
  kInvalidTopicException = 17,
  // The batch list is larger than the segment size.
  kRecordListTooLarge = 18,
  // Fewer in-sync replicas than min.insync.replicas.
  kNotEnoughReplicas = 19,
  // Written, but with fewer in-sync replicas than required.
  kNotEnoughReplicasAfterAppend = 20,
  // Acks is not 0, 1 or -1.
  kInvalidRequiredAcks = 21,
  // The group generation does not match.
  kIllegalGeneration = 22,
  // No protocol in common with the group, or another protocol type.
  kInconsistentGroupProtocol = 23,
  // The group id is empty or not legal.
  kInvalidGroupId = 24,
  // The member is not in the group.
  kUnknownMemberId = 25,
  // The session timeout is outside the broker's bounds.
  kInvalidSessionTimeout = 26,
  // The group is rebalancing; rejoin.
  kRebalanceInProgress = 27,
  // The offset commit is too large.
  kInvalidCommitOffsetSize = 28,
  // Not authorized for the topic.
  kTopicAuthorizationFailed = 29,
  // Not authorized for the group.
  kGroupAuthorizationFailed = 30,
  // Not authorized for the cluster.
  kClusterAuthorizationFailed = 31,
  // A record timestamp is outside the allowed range.
  kInvalidTimestamp = 32,
  // The SASL mechanism is not enabled.
  kUnsupportedSaslMechanism = 33,
  // The SASL request is not valid in this state.
  kIllegalSaslState = 34,
  // The API version is not supported.
  kUnsupportedVersion = 35,
  // The topic exists already.
  kTopicAlreadyExists = 36,
  // The partition count is not valid.
  kInvalidPartitions = 37,
  // The replication factor is not valid.
  kInvalidReplicationFactor = 38,
  // The replica assignment is not valid.
  kInvalidReplicaAssignment = 39,
  // A configuration value is not valid.
  kInvalidConfig = 40,
  // This broker is not the controller.
  kNotController = 41,
  // The request is malformed or breaks a rule of its API.
  kInvalidRequest = 42,
  // The feature needs a newer record format (magic 2).
  kUnsupportedForMessageFormat = 43,
  // A create/alter policy rejected the request.
  kPolicyViolation = 44,
  // An idempotent batch's sequence leaves a gap.
  kOutOfOrderSequenceNumber = 45,
  // An idempotent batch's sequence was seen already.
  kDuplicateSequenceNumber = 46,
  // The producer epoch is older than the current one.
  kInvalidProducerEpoch = 47,
  // The transaction is not in a state that allows the call.
  kInvalidTxnState = 48,
  // The producer id does not belong to the transactional id.
  kInvalidProducerIdMapping = 49,
  // The transaction timeout exceeds the broker's maximum.
  kInvalidTransactionTimeout = 50,
  // The previous transaction is still completing; retry.
  kConcurrentTransactions = 51,
  // A newer transaction coordinator exists.
  kTransactionCoordinatorFenced = 52,
  // Not authorized for the transactional id.
  kTransactionalIdAuthorizationFailed = 53,
  // Security features (ACLs) are disabled.
  kSecurityDisabled = 54,
  // Not attempted because another part of the request failed.
  kOperationNotAttempted = 55,
  // A disk error on the broker.
  kKafkaStorageError = 56,
  // The log directory does not exist.
  kLogDirNotFound = 57,
  // SASL authentication failed.
  kSaslAuthenticationFailed = 58,
  // The broker has no state for the producer id.
  kUnknownProducerId = 59,
  // A partition reassignment is running.
  kReassignmentInProgress = 60,
  // Delegation tokens are disabled.
  kDelegationTokenAuthDisabled = 61,
  // The delegation token does not exist.
  kDelegationTokenNotFound = 62,
  // The principal does not own the delegation token.
  kDelegationTokenOwnerMismatch = 63,
  // Delegation token requests are not allowed here.
  kDelegationTokenRequestNotAllowed = 64,
  // Not authorized for the delegation token.
  kDelegationTokenAuthorizationFailed = 65,
  // The delegation token has expired.
  kDelegationTokenExpired = 66,
  // The principal type is not supported.
  kInvalidPrincipalType = 67,
  // The group still has members.
  kNonEmptyGroup = 68,
  // The group does not exist.
  kGroupIdNotFound = 69,
  // The fetch session does not exist.
  kFetchSessionIdNotFound = 70,
  // The fetch session epoch is wrong.
  kInvalidFetchSessionEpoch = 71,
  // The leader has no listener with the request's name.
  kListenerNotFound = 72,
  // Topic deletion is disabled.
  kTopicDeletionDisabled = 73,
  // The client's leader epoch is older than the broker's.
  kFencedLeaderEpoch = 74,
  // The client's leader epoch is newer than the broker's.
  kUnknownLeaderEpoch = 75,
  // The compression type needs a newer API version.
  kUnsupportedCompressionType = 76,
  // The broker epoch is stale.
  kStaleBrokerEpoch = 77,
  // The leader's high watermark is not known yet.
  kOffsetNotAvailable = 78,
  // Rejoin with the member id the broker assigned.
  kMemberIdRequired = 79,
  // The preferred leader is not available.
  kPreferredLeaderNotAvailable = 80,
  // The group has as many members as allowed.
  kGroupMaxSizeReached = 81,
  // Another member took this static instance id.
  kFencedInstanceId = 82,
  // No eligible leader for the election.
  kEligibleLeadersNotAvailable = 83,
  // The leader election was not needed.
  kElectionNotNeeded = 84,
  // No partition reassignment is running.
  kNoReassignmentInProgress = 85,
  // The group still consumes the topic whose offsets are being deleted.
  kGroupSubscribedToTopic = 86,
  // A record failed validation.
  kInvalidRecord = 87,
  // A transaction holding offsets for the partition is pending.
  kUnstableOffsetCommit = 88,
  // A quota was exceeded.
  kThrottlingQuotaExceeded = 89,
  // A producer with a newer epoch exists.
  kProducerFenced = 90,
  // The resource does not exist.
  kResourceNotFound = 91,
  // The resource is named twice in the request.
  kDuplicateResource = 92,
  // The credential is not acceptable.
  kUnacceptableCredential = 93,
  // The voter set is inconsistent (KRaft).
  kInconsistentVoterSet = 94,
  // The update version is invalid.
  kInvalidUpdateVersion = 95,
  // The feature update failed.
  kFeatureUpdateFailed = 96,
  // The forwarded principal could not be read.
  kPrincipalDeserializationFailure = 97,
  // The snapshot does not exist (KRaft).
  kSnapshotNotFound = 98,
  // The snapshot position is out of range (KRaft).
  kPositionOutOfRange = 99,
  // No topic has this topic id.
  kUnknownTopicId = 100,
  // The broker id is registered already.
  kDuplicateBrokerRegistration = 101,
  // The broker id is not registered.
  kBrokerIdNotRegistered = 102,
  // The topic id does not match the topic name.
  kInconsistentTopicId = 103,
  // The cluster id does not match.
  kInconsistentClusterId = 104,
  // The transactional id does not exist.
  kTransactionalIdNotFound = 105,
  // A fetch session mixes topic ids and names inconsistently.
  kFetchSessionTopicIdError = 106,
  // The replica cannot join the ISR.
  kIneligibleReplica = 107,
  // A new leader was elected (the request no longer applies).
  kNewLeaderElected = 108,
  // The offset is only in tiered storage.
  kOffsetMovedToTieredStorage = 109,
  // The member epoch is fenced (KIP-848).
  kFencedMemberEpoch = 110,
  // The static instance id is still in use (KIP-848).
  kUnreleasedInstanceId = 111,
  // The assignor is not supported (KIP-848).
  kUnsupportedAssignor = 112,
  // The member epoch is stale (KIP-848).
  kStaleMemberEpoch = 113,
  // The request went to the wrong kind of endpoint.
  kMismatchedEndpointType = 114,
  // The endpoint does not support the request.
  kUnsupportedEndpointType = 115,
  // The controller id is not known.
  kUnknownControllerId = 116,
  // The client-metrics subscription is not known.
  kUnknownSubscriptionId = 117,
  // The client telemetry payload is too large.
  kTelemetryTooLarge = 118,
  // The controller registration is invalid.
  kInvalidRegistration = 119,
  // Abort the transaction and retry (KIP-890; not in Brook's versions).
  kTransactionAbortable = 120,
};

// Kafka's name for the code ("UNKNOWN_TOPIC_OR_PARTITION"), or "UNKNOWN_ERROR_CODE" for a
// code this list lacks.
std::string_view ErrorCodeName(ErrorCode code);

// Whether clients treat the code as retriable (they retry the request without user action).
bool IsRetriable(ErrorCode code);

}  // namespace brook::broker::protocol
