#pragma once

#include <string_view>

// The prefixes of generated node names, as Kafka Streams spells them (KStreamImpl,
// BranchedKStreamImpl): a generated name is the prefix and the builder's counter as ten digits.
namespace brook::streams::detail::node_names {

inline constexpr std::string_view kSource = "KSTREAM-SOURCE-";
inline constexpr std::string_view kSink = "KSTREAM-SINK-";
inline constexpr std::string_view kFilter = "KSTREAM-FILTER-";
inline constexpr std::string_view kMap = "KSTREAM-MAP-";
inline constexpr std::string_view kMapValues = "KSTREAM-MAPVALUES-";
inline constexpr std::string_view kFlatMap = "KSTREAM-FLATMAP-";
inline constexpr std::string_view kFlatMapValues = "KSTREAM-FLATMAPVALUES-";
inline constexpr std::string_view kKeySelect = "KSTREAM-KEY-SELECT-";
inline constexpr std::string_view kPeek = "KSTREAM-PEEK-";
inline constexpr std::string_view kForeach = "KSTREAM-FOREACH-";
inline constexpr std::string_view kBranch = "KSTREAM-BRANCH-";
inline constexpr std::string_view kMerge = "KSTREAM-MERGE-";
inline constexpr std::string_view kPrinter = "KSTREAM-PRINTER-";
inline constexpr std::string_view kProcessor = "KSTREAM-PROCESSOR-";
inline constexpr std::string_view kProcessValues = "KSTREAM-PROCESSVALUES-";
inline constexpr std::string_view kRepartition = "KSTREAM-REPARTITION-";
inline constexpr std::string_view kAggregate = "KSTREAM-AGGREGATE-";
inline constexpr std::string_view kReduce = "KSTREAM-REDUCE-";
inline constexpr std::string_view kTableSource = "KTABLE-SOURCE-";
inline constexpr std::string_view kTableFilter = "KTABLE-FILTER-";
inline constexpr std::string_view kTableMapValues = "KTABLE-MAPVALUES-";
inline constexpr std::string_view kTableToStream = "KTABLE-TOSTREAM-";
inline constexpr std::string_view kTableSuppress = "KTABLE-SUPPRESS-";
// KTable::groupBy and KGroupedTable (KTableImpl, KGroupedTableImpl): the reduce's store is
// still named KTABLE-AGGREGATE-STATE-STORE-<n>, as in Kafka.
inline constexpr std::string_view kTableSelect = "KTABLE-SELECT-";
inline constexpr std::string_view kTableAggregate = "KTABLE-AGGREGATE-";
inline constexpr std::string_view kTableReduce = "KTABLE-REDUCE-";

// Joins (KStreamImpl, KTableImpl).
inline constexpr std::string_view kJoin = "KSTREAM-JOIN-";
inline constexpr std::string_view kLeftJoin = "KSTREAM-LEFTJOIN-";
inline constexpr std::string_view kJoinThis = "KSTREAM-JOINTHIS-";
inline constexpr std::string_view kJoinOther = "KSTREAM-JOINOTHER-";
inline constexpr std::string_view kOuterThis = "KSTREAM-OUTERTHIS-";
inline constexpr std::string_view kOuterOther = "KSTREAM-OUTEROTHER-";
inline constexpr std::string_view kWindowed = "KSTREAM-WINDOWED-";
inline constexpr std::string_view kOuterShared = "KSTREAM-OUTERSHARED-";
inline constexpr std::string_view kTableJoinThis = "KTABLE-JOINTHIS-";
inline constexpr std::string_view kTableJoinOther = "KTABLE-JOINOTHER-";
inline constexpr std::string_view kTableMerge = "KTABLE-MERGE-";

// Generated store names: an operator's prefix, then this, then the counter (Kafka's
// InternalStreamsBuilder.newStoreName): KSTREAM-AGGREGATE-STATE-STORE-0000000001.
inline constexpr std::string_view kStateStore = "STATE-STORE-";

// Appended to a repartition name to make its topic ("<name>-repartition").
inline constexpr std::string_view kRepartitionTopicSuffix = "-repartition";

}  // namespace brook::streams::detail::node_names
