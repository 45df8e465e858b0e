// Keeps the AccessModel in step with storage: the whole state at start-up,
// then each named invalidation point a committed write lists. Runs on the
// storage thread, after the commit and before the next request's work.
#pragma once

#include "ApiTypes.h"

namespace Bulwark {
class EntityStore;
}

namespace Bulwark::AccessSync {

[[nodiscard]] Status loadAll(Access::AccessModel &model, EntityStore &store);

// Applies changes; if one cannot be read back, reloads everything, and if
// even that fails, logs it: the model then keeps the state before the change.
void apply(Access::AccessModel &model, EntityStore &store, const QList<AccessChange> &changes);

} // namespace Bulwark::AccessSync
