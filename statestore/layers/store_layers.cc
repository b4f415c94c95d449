#include "statestore/layers/store_layers.h"

#include "statestore/layers/caching_key_value_store.h"
#include "statestore/layers/caching_session_store.h"
#include "statestore/layers/caching_window_store.h"
#include "statestore/layers/change_logging_key_value_store.h"
#include "statestore/layers/change_logging_session_store.h"
#include "statestore/layers/change_logging_window_store.h"

namespace brook::statestore {

std::unique_ptr<streams::KeyValueBytesStore> BuildKeyValueLayers(
    const streams::KeyValueBytesStoreSupplier& supplier, bool logging, bool caching) {
  std::unique_ptr<streams::KeyValueBytesStore> store = supplier.get();
  if (logging) store = std::make_unique<ChangeLoggingKeyValueStore>(std::move(store));
  if (caching) store = std::make_unique<CachingKeyValueStore>(std::move(store));
  return store;
}

std::unique_ptr<streams::WindowBytesStore> BuildWindowLayers(
    const streams::WindowBytesStoreSupplier& supplier, bool logging, bool caching) {
  std::unique_ptr<streams::WindowBytesStore> store = supplier.get();
  if (logging) {
    store =
        std::make_unique<ChangeLoggingWindowStore>(std::move(store), supplier.retainDuplicates());
  }
  if (caching && !supplier.retainDuplicates()) {
    store = std::make_unique<CachingWindowStore>(std::move(store), supplier.windowSize());
  }
  return store;
}

std::unique_ptr<streams::SessionBytesStore> BuildSessionLayers(
    const streams::SessionBytesStoreSupplier& supplier, bool logging, bool caching) {
  std::unique_ptr<streams::SessionBytesStore> store = supplier.get();
  if (logging) store = std::make_unique<ChangeLoggingSessionStore>(std::move(store));
  if (caching) store = std::make_unique<CachingSessionStore>(std::move(store));
  return store;
}

}  // namespace brook::statestore
