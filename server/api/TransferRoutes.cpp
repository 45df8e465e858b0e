#include "TransferRoutes.h"

#include "ThingRoutes.h"
#include "files/FileRepository.h"
#include "files/TransferManager.h"
#include "wire/Wire.h"

#include <QJsonArray>
#include <QUuid>

#include <memory>

namespace Bulwark::Routes {

namespace W = Wire;
using namespace Qt::StringLiterals;

namespace {

RoutePlan answer(Result<QJsonObject> result, int status = 200)
{
    if (!result)
        return RoutePlan{{}, {}, ApiResponse::fromError(result.error())};
    return RoutePlan{{}, {}, ApiResponse::json(*result, status)};
}

// Resolution and authorization on the storage thread (in the request's
// transaction), then the transfer is queued on the I/O thread: 202.
RoutePlan start(const QString &user, const Access::AccessModel &access,
                FileRepositories &repositories, TransferManager &transfers,
                const QJsonObject &source, const QJsonObject &target, bool overwrite)
{
    auto spec = std::make_shared<TransferSpec>();
    const Access::AccessModel *model = &access;
    const FileRepositories *files = &repositories;
    RoutePlan plan{{}, [spec, model, files, user, source, target, overwrite](EntityStore &store) {
                       auto resolved = TransferManager::resolve(store, *model, *files, user, source,
                                                                target, overwrite);
                       if (!resolved)
                           return ApiResponse::fromError(resolved.error());
                       *spec = *resolved;
                       return ApiResponse::json({});
                   }};
    TransferManager *manager = &transfers;
    // 202 once the transfer is saved: an accepted transfer survives a crash.
    plan.throughDevice = [manager, spec](const ApiResponse &, RoutePlan::DeviceFinish finish) {
        manager->create(*spec, [finish](Result<QJsonObject> created) {
            finish(created ? ApiResponse::json(*created, 202)
                           : ApiResponse::fromError(created.error()),
                   {});
        });
    };
    return plan;
}

} // namespace

Result<RoutePlan> transfers(const ApiRequest &request, const Access::AccessModel &access,
                            FileRepositories &repositories, TransferManager &transfers)
{
    const QStringList &arguments = request.arguments;
    const QString user = request.user;
    if (arguments.size() == 1) {
        if (request.method == HttpMethod::Get) {
            const QString state = request.query.queryItemValue(u"state"_s);
            const QStringList &states = TransferManager::stateNames();
            if (!state.isEmpty() && !states.contains(state))
                return makeError(ErrorCode::BadRequest,
                                 u"state must be one of %1."_s.arg(states.join(u", "_s)));
            return answer(QJsonObject{{W::Items, transfers.list(user, state)}});
        }
        if (request.method != HttpMethod::Post)
            return methodNotAllowed(request, "GET, POST");
        const QJsonObject &body = request.json;
        const QJsonValue overwrite = body.value("overwrite"_L1);
        const QStringList keys = body.keys();
        if (!body.value("source"_L1).isObject() || !body.value("target"_L1).isObject() ||
            !(overwrite.isUndefined() || overwrite.isBool()) ||
            std::any_of(keys.cbegin(), keys.cend(), [](const QString &k) {
                return k != u"source" && k != u"target" && k != u"overwrite";
            }))
            return makeError(ErrorCode::BadRequest,
                             u"Start a transfer with {\"source\": {\"thing\": \"…\", \"path\": "
                             "\"…\"}, \"target\": {\"thing\": \"…\", \"path\": \"…\"}, "
                             "\"overwrite\": false}."_s);
        return start(user, access, repositories, transfers, body.value("source"_L1).toObject(),
                     body.value("target"_L1).toObject(), overwrite.toBool());
    }
    const QString idText = arguments.at(1);
    const QUuid id = idText.size() == 36 ? QUuid::fromString(idText) : QUuid();
    if (arguments.size() == 2) {
        if (request.method != HttpMethod::Get)
            return methodNotAllowed(request, "GET");
        return answer(transfers.find(user, id));
    }
    const QString action = arguments.at(2);
    if (action != u"Cancel" && action != u"Retry")
        return makeError(
            ErrorCode::NotFound,
            u"There is no action '%1' on a transfer; there are Cancel and Retry."_s.arg(
                action.left(64)));
    if (request.method != HttpMethod::Post)
        return methodNotAllowed(request, "POST");
    if (action == u"Cancel") {
        // Answered once the cancellation is saved (on the I/O thread).
        RoutePlan plan{{}, [](EntityStore &) { return ApiResponse::json({}); }};
        TransferManager *manager = &transfers;
        plan.throughDevice = [manager, user, id](const ApiResponse &,
                                                 RoutePlan::DeviceFinish finish) {
            manager->cancel(user, id, [finish](Result<QJsonObject> cancelled) {
                finish(cancelled ? ApiResponse::json(*cancelled)
                                 : ApiResponse::fromError(cancelled.error()),
                       {});
            });
        };
        return plan;
    }
    bool overwrite = false;
    auto sides = transfers.retrySides(user, id, &overwrite);
    if (!sides)
        return sides.error();
    return start(user, access, repositories, transfers, sides->first, sides->second, overwrite);
}

} // namespace Bulwark::Routes
