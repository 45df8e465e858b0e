// The part of a REST request that a device answers (a property write or a
// service call reaching a bound Thing over the edge): the responder stays
// pending while the device works, so the I/O thread never waits.
#pragma once

#include "ApiTypes.h"

class QObject;

namespace Bulwark {

class EntityStore;
class EventHub;
class StorageThread;

// Writes the audit record of a request with the device's outcome.
using DeviceAudit = std::function<Status(EntityStore &, const ApiResponse &outcome)>;

// Runs step on context's thread; its answer (or the answer of the storage
// work it asks for, run in one transaction) goes to send, and that answer's
// live events are published after it. record (optional) audits the outcome:
// in the same transaction as the storage work when it succeeds, on its own
// otherwise (a refusal, a timeout, an answer without storage work).
void runDeviceStep(StorageThread &storage, EventHub &events, QObject *context,
                   const std::function<void(const ApiResponse &, RoutePlan::DeviceFinish)> &step,
                   const ApiResponse &checked, DeviceAudit record,
                   std::function<void(const ApiResponse &)> send);

} // namespace Bulwark
