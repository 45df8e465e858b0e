// The REST routes a device answers or reports on: a service call on a Thing
// (forwarded to the device that speaks for it) and its connection state.
#include "ThingRoutes.h"

#include "edge/EdgeEndpoint.h"
#include "storage/EntityStore.h"
#include "wire/Wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

namespace Bulwark::Routes {

namespace W = Wire;
using Access::EntityRef;
using Access::Permission;
using namespace Qt::StringLiterals;

namespace {

// Each declared input present and of its type; nothing undeclared.
Result<QJsonObject> checkParameters(const QString &thing, const ServiceDefinition &service,
                                    const QJsonObject &given)
{
    QJsonObject checked;
    for (const ServiceParameter &input : service.inputs) {
        if (!given.contains(input.name))
            return makeError(ErrorCode::BadRequest,
                             u"Service '%1' of Thing '%2' needs the parameter '%3' (%4)."_s.arg(
                                 service.name, thing, input.name, BaseTypes::name(input.baseType)));
        auto value =
            BaseTypes::check(input.baseType, given.value(input.name),
                             u"Parameter '%1' of service '%2'"_s.arg(input.name, service.name));
        if (!value)
            return value.error();
        checked.insert(input.name, *value);
    }
    for (auto it = given.constBegin(); it != given.constEnd(); ++it) {
        if (!checked.contains(it.key()))
            return makeError(ErrorCode::BadRequest,
                             u"Service '%1' of Thing '%2' has no parameter '%3'."_s.arg(
                                 service.name, thing, it.key().left(128)));
    }
    return checked;
}

} // namespace

Result<RoutePlan> thingService(const ApiRequest &request, const Access::AccessModel &access,
                               EdgeEndpoint &edge)
{
    if (request.method != HttpMethod::Post)
        return methodNotAllowed(request, "POST");
    const QString thingName = request.arguments.at(0);
    const QString serviceName = request.arguments.at(1);
    const QJsonValue parameters = request.json.value(W::Parameters);
    const QStringList keys = request.json.keys();
    if (!(parameters.isUndefined() || parameters.isObject()) ||
        std::any_of(keys.cbegin(), keys.cend(),
                    [](const QString &k) { return k != W::Parameters; }))
        return makeError(ErrorCode::BadRequest,
                         u"Call a service with {\"parameters\": {\"name\": value, …}}."_s);
    const QString user = request.user;
    const Access::AccessModel *model = &access;
    // What the storage work checked, for the device step (which runs after it).
    auto output = std::make_shared<std::optional<BaseType>>();
    auto checkedParameters = std::make_shared<QJsonObject>();
    RoutePlan plan{
        {},
        [thingName, serviceName, user, model, given = parameters.toObject(), output,
         checkedParameters](EntityStore &store) {
            const EntityRef ref{QString(W::Things), thingName};
            if (!model->isVisible(user, ref))
                return ApiResponse::fromError(Access::notFound(ref));
            auto thing = effectiveThing(store, thingName);
            if (!thing)
                return ApiResponse::fromError(thing.error());
            const auto &services = thing->definitions.services;
            const auto service =
                std::find_if(services.cbegin(), services.cend(),
                             [&](const ServiceDefinition &s) { return s.name == serviceName; });
            if (service == services.cend())
                return ApiResponse::fromError(
                    makeError(ErrorCode::NotFound,
                              u"Thing '%1' has no service '%2'."_s.arg(thingName, serviceName)));
            if (auto s = authorize(*model, user, ref, Permission::ServiceInvoke, serviceName); !s)
                return ApiResponse::fromError(s.error());
            auto checked = checkParameters(thingName, *service, given);
            if (!checked)
                return ApiResponse::fromError(checked.error());
            *output = service->output;
            *checkedParameters = *checked;
            return ApiResponse::json({{W::Parameters, *checked}});
        }};
    EdgeEndpoint *endpoint = &edge;
    plan.throughDevice = [endpoint, thingName, serviceName, output,
                          checkedParameters](const ApiResponse &, RoutePlan::DeviceFinish finish) {
        const int timeoutMs = endpoint->settings().invokeTimeoutSeconds * 1000;
        endpoint->requestDevice(
            thingName,
            {{W::Type, "invoke"_L1},
             {W::Thing, thingName},
             {W::Service, serviceName},
             {W::Parameters, *checkedParameters}},
            timeoutMs, [finish, thingName, serviceName, output](DeviceAnswer answer) {
                switch (answer.outcome) {
                case DeviceAnswer::Outcome::Done: {
                    QJsonValue result = answer.result.value(W::Output);
                    if (result.isUndefined())
                        result = QJsonValue();
                    if (*output && !result.isNull()) {
                        auto checked =
                            BaseTypes::check(**output, result,
                                             u"The output of service '%1' of Thing '%2'"_s.arg(
                                                 serviceName, thingName));
                        if (!checked) {
                            finish(ApiResponse::failure(502, "bad-device-answer"_L1,
                                                        u"The device answered, but: %1"_s.arg(
                                                            checked.error().message)),
                                   {});
                            return;
                        }
                        result = *checked;
                    }
                    finish(ApiResponse::json({{W::Output, result}}), {});
                    return;
                }
                case DeviceAnswer::Outcome::Refused:
                    finish(ApiResponse::failure(
                               409, W::EdgeDeviceRefused,
                               u"The device refused the call: %1"_s.arg(answer.message)),
                           {});
                    return;
                case DeviceAnswer::Outcome::TimedOut:
                    finish(ApiResponse::failure(504, W::EdgeDeviceTimeout,
                                                answer.message + u" It may or may not have run."_s),
                           {});
                    return;
                case DeviceAnswer::Outcome::NotConnected:
                    finish(ApiResponse::failure(
                               409, W::EdgeNotConnected,
                               answer.message + u" A service runs on the device: connect it and "
                                                "bind the Thing, then call again."_s),
                           {});
                    return;
                }
            });
    };
    return plan;
}

Result<RoutePlan> thingConnection(const ApiRequest &request, const Access::AccessModel &access,
                                  const ConnectionRegistry &connections)
{
    if (request.method != HttpMethod::Get)
        return methodNotAllowed(request, "GET");
    const QString thingName = request.arguments.at(0);
    // Decided in memory, on the I/O thread: visibility and Read (an
    // invisible Thing answers exactly like a missing one).
    if (auto s = access.require(request.user, {QString(W::Things), thingName}, Permission::Read);
        !s)
        return s.error();
    return RoutePlan{{}, {}, ApiResponse::json(connections.toJson(thingName))};
}

Result<RoutePlan> connections(const ApiRequest &request, const Access::AccessModel &access,
                              const ConnectionRegistry &connections)
{
    if (request.arguments.size() > 1)
        return makeError(ErrorCode::NotFound,
                         u"Connections is a list: GET /api/Connections, or GET "
                         "/api/Things/{name}/Connection for one Thing."_s);
    if (request.method != HttpMethod::Get)
        return methodNotAllowed(request, "GET");
    // The same decision per Thing as GET /api/Things/{n}/Connection (visible
    // and Read), taken with the remembered fast path as the other lists do.
    // Built and serialized on the worker pool: neither the I/O thread (it
    // carries the devices) nor the storage thread does the work for 10,000
    // Things (tens of milliseconds).
    const QString user = request.user;
    const Access::AccessModel *model = &access;
    const ConnectionRegistry *registry = &connections;
    auto body = std::make_shared<QByteArray>();
    return RoutePlan{
        [user, model, registry, body]() -> Status {
            const QJsonArray items = registry->list([&](const QString &thing) {
                return model->check(user, {QString(W::Things), thing}, Permission::Read) ==
                       Access::Answer::Allow;
            });
            *body = QJsonDocument(QJsonObject{{W::Items, items}}).toJson(QJsonDocument::Compact);
            return {};
        },
        [body](EntityStore &) {
            ApiResponse answer = ApiResponse::noContent();
            answer.status = 200;
            answer.rawBody = *body;
            answer.contentType = "application/json";
            return answer;
        }};
}

} // namespace Bulwark::Routes
