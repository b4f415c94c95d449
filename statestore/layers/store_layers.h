#pragma once

#include <memory>

#include "statestore/api/store_builder.h"

namespace brook::statestore {

// The bytes layers of a store, as the builders assemble them over a new backend from the
// supplier, always in this order (Kafka's *StoreBuilder.build): Caching? -> ChangeLogging? ->
// backend. The metered (typed) layer goes on top of what these return.
// A window store that retains duplicates gets no caching layer (as Kafka, which logs a
// warning): a cache keeps one value per key and window.

std::unique_ptr<streams::KeyValueBytesStore> BuildKeyValueLayers(
    const streams::KeyValueBytesStoreSupplier& supplier, bool logging, bool caching);

std::unique_ptr<streams::WindowBytesStore> BuildWindowLayers(
    const streams::WindowBytesStoreSupplier& supplier, bool logging, bool caching);

std::unique_ptr<streams::SessionBytesStore> BuildSessionLayers(
    const streams::SessionBytesStoreSupplier& supplier, bool logging, bool caching);

}  // namespace brook::statestore
