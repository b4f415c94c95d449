#include "operators/dsl/streams_builder.h"

namespace brook::streams {

StreamsBuilder::StreamsBuilder() : internal_(std::make_unique<detail::InternalStreamsBuilder>()) {}
StreamsBuilder::~StreamsBuilder() = default;
StreamsBuilder::StreamsBuilder(StreamsBuilder&&) noexcept = default;
StreamsBuilder& StreamsBuilder::operator=(StreamsBuilder&&) noexcept = default;

Topology StreamsBuilder::build() { return internal_->Build(); }

}  // namespace brook::streams
