#include "DeviceStep.h"

#include "EventHub.h"
#include "storage/EntityStore.h"
#include "storage/StorageThread.h"

#include <QLoggingCategory>
#include <QPointer>

namespace Bulwark {

namespace {

Q_LOGGING_CATEGORY(lcDevice, "bulwark.http.device")

} // namespace

void runDeviceStep(StorageThread &storage, EventHub &events, QObject *context,
                   const std::function<void(const ApiResponse &, RoutePlan::DeviceFinish)> &step,
                   const ApiResponse &checked, DeviceAudit record,
                   std::function<void(const ApiResponse &)> send)
{
    QPointer<QObject> guard(context);
    StorageThread *store = &storage;
    EventHub *hub = &events;
    step(checked, [guard, store, hub, record, send](ApiResponse answer, StorageWork commit) {
        if (!guard)
            return;
        if (!commit) {
            send(answer);
            if (record)
                store->run<Status>(
                    [record, answer](EntityStore &entities) { return record(entities, answer); },
                    guard,
                    [](const Status &status) {
                        if (!status)
                            qCWarning(lcDevice).noquote()
                                << "Could not write an audit record:" << status.error().message;
                    });
            return;
        }
        store->run<ApiResponse>(
            [commit, record](EntityStore &entities) {
                ApiResponse response;
                const Status status = entities.inTransaction([&]() -> Status {
                    response = commit(entities);
                    if (response.status >= 400)
                        return makeError(ErrorCode::Conflict, QStringLiteral("rolled back"));
                    return record ? record(entities, response) : Status();
                });
                if (!status && response.status < 400)
                    response = ApiResponse::fromError(status.error());
                if (response.status >= 400 && record) {
                    if (Status s = record(entities, response); !s)
                        qCWarning(lcDevice).noquote()
                            << "Could not write an audit record:" << s.error().message;
                }
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
