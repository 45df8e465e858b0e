// What a REST route sees and returns. Requests are copied out of Qt's
// request object so that they can cross to the storage thread safely.
#pragma once

#include "core/Result.h"
#include "security/Access.h"

#include <QByteArray>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <QUrlQuery>

#include <functional>
#include <optional>

namespace Bulwark {

class EntityStore;

enum class HttpMethod
{
    Get,
    Post,
    Put,
    Delete,
    Other
};

struct ApiRequest
{
    HttpMethod method = HttpMethod::Other;
    QByteArray methodName;
    QString path;
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased
    QByteArray body;
    QJsonObject json; // the parsed body, for POST and PUT
    QHostAddress remoteAddress;
    QStringList arguments;      // the route's captured path segments
    QString user;               // the authenticated user
    bool administrator = false; // user is a member of Administrators (directly or nested)
    QString authMethod;         // "basic", "session", "cookie" or "appkey"
    QString appKey;             // the key's name when authMethod is "appkey"

    [[nodiscard]] QByteArray header(const QByteArray &lowerCaseName) const
    {
        for (const auto &[name, value] : headers) {
            if (name == lowerCaseName)
                return value;
        }
        return {};
    }
};

// A change authorization must see: one of the AccessModel's named
// invalidation points. A route lists the ones its write makes; they are
// applied to the model on the storage thread right after the commit, so the
// next request (and every live stream) decides on the new state.
struct AccessChange
{
    enum class Kind
    {
        Entity,        // created or changed (template, creator): facts reloaded
        EntityRemoved, // deleted: facts, rules and visibility dropped
        Rules,         // holder's rules
        Visibility,    // holder's visibility list
        Principals,    // users, groups or group members
        Organizations, // units, unit members (and grants that followed a rename)
        AllRules,      // rules anywhere (a principal was deleted)
        Everything,    // all of it (a user was deleted: creators cleared too)
    };
    Kind kind = Kind::Entity;
    Access::EntityRef entity; // Entity, EntityRemoved
    Access::Holder holder;    // Rules, Visibility

    static AccessChange entityChanged(const Access::EntityRef &ref)
    {
        return {Kind::Entity, ref, {}};
    }
    static AccessChange entityRemoved(const Access::EntityRef &ref)
    {
        return {Kind::EntityRemoved, ref, {}};
    }
    static AccessChange rules(const Access::Holder &holder) { return {Kind::Rules, {}, holder}; }
    static AccessChange visibility(const Access::Holder &holder)
    {
        return {Kind::Visibility, {}, holder};
    }
    static AccessChange of(Kind kind) { return {kind, {}, {}}; }
};

struct ApiResponse
{
    int status = 200;
    QJsonDocument body;                           // empty: no body (204)
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers
    QList<QJsonObject> events;                    // live events to publish once sent
    QStringList credentialsChanged;               // users whose remembered sign-ins end
    std::optional<QStringList> administrators;    // set after users or groups changed
    QList<AccessChange> accessChanges;            // applied once committed
    QByteArray rawBody;     // sent instead of body when contentType is set (file downloads)
    QByteArray contentType; // of rawBody

    static ApiResponse json(const QJsonObject &object, int status = 200)
    {
        return ApiResponse{status, QJsonDocument(object), {}, {}, {}, {}, {}, {}, {}};
    }
    static ApiResponse noContent() { return ApiResponse{204, {}, {}, {}, {}, {}, {}, {}, {}}; }
    static ApiResponse fromError(const Error &error);
    // {"error": {"code": code, "message": message}} with status: for codes of
    // the edge and file protocols, which no ErrorCode names.
    static ApiResponse failure(int status, const QString &code, const QString &message);
};

// Work a route does on the storage thread.
using StorageWork = std::function<ApiResponse(EntityStore &)>;

// What a route asks for: optional CPU-heavy preparation on the worker pool
// (password hashing), then its storage work.
struct RoutePlan
{
    RoutePlan(std::function<Status()> prepareStep, StorageWork storageWork,
              std::optional<ApiResponse> answer = std::nullopt)
        : prepare(std::move(prepareStep))
        , work(std::move(storageWork))
        , immediate(std::move(answer))
    {}

    std::function<Status()> prepare;
    StorageWork work;
    std::optional<ApiResponse> immediate; // answered without storage work
    // Optional network work (an LDAP test) on the worker pool after the
    // storage work answered below 400; its result is the answer. It must not
    // touch storage: the transaction has already ended.
    std::function<ApiResponse(ApiResponse)> afterStorage;
    // Optional: a device's part (the edge). On the I/O thread, after the
    // storage work answered below 400 with what it checked, it hands the
    // request to a device and calls finish exactly once, later: with the
    // answer, or with storage work (one transaction) whose answer is sent.
    using DeviceFinish = std::function<void(ApiResponse answer, StorageWork commit)>;
    std::function<void(const ApiResponse &checked, DeviceFinish finish)> throughDevice;
};

[[nodiscard]] int httpStatus(ErrorCode code);
[[nodiscard]] QString errorCodeName(ErrorCode code);

} // namespace Bulwark
