#include "DeviceStep.h"

#include "EventHub.h"
#include "storage/EntityStore.h"
#include "storage/StorageThread.h"

#include <QPointer>

namespace Bulwark {

void runDeviceStep(StorageThread &storage, EventHub &events, QObject *context,
                   const std::function<void(const ApiResponse &, RoutePlan::DeviceFinish)> &step,
                   const ApiResponse &checked, std::function<void(const ApiResponse &)> send)
{
    QPointer<QObject> guard(context);
    StorageThread *store = &storage;
    EventHub *hub = &events;
    step(checked, [guard, store, hub, send](ApiResponse answer, StorageWork commit) {
        if (!guard)
            return;
        if (!commit) {
            send(answer);
            return;
        }
        store->run<ApiResponse>(
            [commit](EntityStore &entities) {
                ApiResponse response;
                const Status status = entities.inTransaction([&]() -> Status {
                    response = commit(entities);
                    if (response.status >= 400)
                        return makeError(ErrorCode::Conflict, QStringLiteral("rolled back"));
                    return {};
                });
                if (!status && response.status < 400)
                    response = ApiResponse::fromError(status.error());
                return response;
            },
            guard,
            [hub, send](ApiResponse response) {
                send(response);
                for (const QJsonObject &event : response.events)
                    hub->publish(event);
            });
    });
}

} // namespace Bulwark
