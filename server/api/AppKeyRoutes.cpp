#include "AppKeyRoutes.h"

#include "ThingRoutes.h"
#include "core/Names.h"
#include "security/AddressAllowlist.h"
#include "security/AppKeys.h"
#include "storage/AppKeyStore.h"
#include "storage/EntityStore.h"
#include "wire/Wire.h"

#include <QJsonArray>

#include <optional>

namespace Bulwark::Routes {

namespace W = Wire;

namespace {

const QString kKind = QStringLiteral("application key");

// What a POST or PUT body asks for; unset members stay as they are.
struct KeyFields
{
    std::optional<QString> description;
    std::optional<QString> user;
    std::optional<QDateTime> expires;
    std::optional<QStringList> ipAllowlist;
    std::optional<bool> enabled;
    QByteArray secretHash; // a PUT repeating the secret
};

QString describeSeconds(qint64 seconds)
{
    if (seconds % 86400 == 0)
        return QStringLiteral("%1 days").arg(seconds / 86400);
    if (seconds % 3600 == 0)
        return QStringLiteral("%1 hours").arg(seconds / 3600);
    return QStringLiteral("%1 seconds").arg(seconds);
}

Error badField(QLatin1StringView field, const QString &why)
{
    return makeError(ErrorCode::BadRequest, QStringLiteral("'%1' %2").arg(QString(field), why));
}

Result<QDateTime> parseExpiry(const QJsonObject &body, const AppKeySettings &settings,
                              const QDateTime &now)
{
    const QJsonValue at = body.value(W::AppKeyExpires);
    const QJsonValue in = body.value(W::AppKeyExpiresInSeconds);
    const QString limit = QStringLiteral("the limit is %1 from now (appkeys/maximum_lifetime_"
                                         "seconds = %2)")
                              .arg(describeSeconds(settings.maximumLifetimeSeconds))
                              .arg(settings.maximumLifetimeSeconds);
    if (!at.isUndefined() && !in.isUndefined())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("Give 'expires' or 'expiresInSeconds', not both."));
    if (!in.isUndefined()) {
        const double seconds = in.toDouble(-1);
        if (!in.isDouble() || seconds != std::floor(seconds) || seconds < 1)
            return badField(W::AppKeyExpiresInSeconds,
                            QStringLiteral("must be a whole number of seconds, at least 1."));
        if (seconds > settings.maximumLifetimeSeconds)
            return badField(W::AppKeyExpiresInSeconds,
                            QStringLiteral("is %1 seconds; %2.").arg(qint64(seconds)).arg(limit));
        return now.addSecs(qint64(seconds));
    }
    if (!at.isString())
        return badField(W::AppKeyExpires, QStringLiteral("must be an ISO 8601 date and time "
                                                         "string such as 2026-11-26T14:30:00Z."));
    const QString text = at.toString();
    const QDateTime expires = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!expires.isValid())
        return badField(W::AppKeyExpires, QStringLiteral("'%1' is not an ISO 8601 date and time "
                                                         "such as 2026-11-26T14:30:00Z.")
                                              .arg(text.left(64)));
    if (expires.timeSpec() == Qt::LocalTime)
        return badField(W::AppKeyExpires,
                        QStringLiteral("'%1' has no time zone: add Z or an offset such as +01:00.")
                            .arg(text.left(64)));
    if (expires <= now)
        return badField(W::AppKeyExpires,
                        QStringLiteral("'%1' is in the past; a key must expire in the future, "
                                       "and %2.")
                            .arg(text.left(64), limit));
    if (now.secsTo(expires) > settings.maximumLifetimeSeconds)
        return badField(W::AppKeyExpires,
                        QStringLiteral("'%1' is too far ahead; %2.").arg(text.left(64), limit));
    return expires.toUTC();
}

Result<KeyFields> parseFields(const QJsonObject &body, bool create, const AppKeySettings &settings,
                              const QDateTime &now)
{
    static const QList<QLatin1StringView> known{W::Name,
                                                W::Description,
                                                W::User,
                                                W::AppKeyExpires,
                                                W::AppKeyExpiresInSeconds,
                                                W::AppKeyIpAllowlist,
                                                W::Enabled,
                                                W::AppKeySecret};
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            return makeError(
                ErrorCode::BadRequest,
                QStringLiteral("An application key has no field '%1'.").arg(it.key().left(64)));
    }
    KeyFields fields;
    if (const QJsonValue v = body.value(W::Description); !v.isUndefined()) {
        if (!v.isString())
            return badField(W::Description, QStringLiteral("must be a string."));
        fields.description = v.toString();
    }
    if (const QJsonValue v = body.value(W::User); !v.isUndefined()) {
        if (!v.isString())
            return badField(W::User, QStringLiteral("must be the name of a user."));
        if (auto s = Names::validate(QStringLiteral("user"), v.toString()); !s)
            return s.error();
        fields.user = v.toString();
    }
    if (create || body.contains(W::AppKeyExpires) || body.contains(W::AppKeyExpiresInSeconds)) {
        if (create && !body.contains(W::AppKeyExpires) &&
            !body.contains(W::AppKeyExpiresInSeconds)) {
            fields.expires = now.addSecs(settings.defaultLifetimeSeconds);
        } else {
            auto expires = parseExpiry(body, settings, now);
            if (!expires)
                return expires.error();
            fields.expires = *expires;
        }
    }
    if (const QJsonValue v = body.value(W::AppKeyIpAllowlist); !v.isUndefined()) {
        if (!v.isArray())
            return badField(W::AppKeyIpAllowlist,
                            QStringLiteral("must be an array of addresses and CIDR ranges, such "
                                           "as [\"192.0.2.7\", \"10.0.0.0/8\"]."));
        QStringList entries;
        for (const QJsonValue &entry : v.toArray()) {
            if (!entry.isString())
                return badField(W::AppKeyIpAllowlist,
                                QStringLiteral("must hold only strings (addresses and CIDR "
                                               "ranges)."));
            entries << entry.toString();
        }
        auto ranges = AddressAllowlist::parse(entries);
        if (!ranges)
            return ranges.error();
        fields.ipAllowlist = AddressAllowlist::normalized(*ranges);
    }
    if (const QJsonValue v = body.value(W::Enabled); !v.isUndefined()) {
        if (!v.isBool())
            return badField(W::Enabled, QStringLiteral("must be true or false."));
        fields.enabled = v.toBool();
    }
    if (const QJsonValue v = body.value(W::AppKeySecret); !v.isUndefined()) {
        if (create)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("The server makes the secret of a new application key "
                                            "and answers it once; do not send one."));
        if (!v.isString())
            return badField(W::AppKeySecret, QStringLiteral("must be a string."));
        fields.secretHash = AppKeys::secretHash(v.toString().toUtf8());
    }
    return fields;
}

// Someone else's key answers exactly like a missing one.
struct Caller
{
    QString user;
    bool administrator = false;
};

Result<ApplicationKey> visibleKey(AppKeyStore &keys, const Caller &caller, const QString &name)
{
    auto key = keys.get(name);
    if (!key)
        return key.error();
    if (!caller.administrator && key->user != caller.user)
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("Application key '%1' does not exist.").arg(name));
    return key;
}

ApiResponse created(const ApplicationKey &key, const QString &secret, const QDateTime &now)
{
    QJsonObject json = AppKeys::toJson(key, now);
    json.insert(W::AppKeySecret, secret);
    json.insert(W::AppKeyNote,
                QStringLiteral("Store the secret now: it is shown only this once and cannot be "
                               "recovered. Send it in the appKey header (appKey: <secret>) or as "
                               "Authorization: Bearer <secret>, never in a URL."));
    ApiResponse r = ApiResponse::json(json, 201);
    r.headers.append({QByteArray("Location"), "/api/ApplicationKeys/" + key.name.toUtf8()});
    // The body holds a secret: no cache may keep it.
    r.headers.append({QByteArray("Cache-Control"), QByteArray("no-store")});
    return r;
}

Result<RoutePlan> createKey(const ApiRequest &request, const AppKeySettings &settings)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QJsonValue nameValue = request.json.value(W::Name);
    if (!nameValue.isString())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The application key needs a 'name' string."));
    if (auto s = Names::validate(kKind, nameValue.toString()); !s)
        return s.error();
    auto fields = parseFields(request.json, true, settings, now);
    if (!fields)
        return fields.error();
    ApplicationKey key;
    key.name = nameValue.toString();
    key.description = fields->description.value_or(QString());
    key.user = fields->user.value_or(request.user);
    key.expires = *fields->expires;
    key.ipAllowlist = fields->ipAllowlist.value_or(QStringList());
    key.enabled = fields->enabled.value_or(true);
    if (key.user != request.user && !request.administrator)
        return makeError(ErrorCode::Forbidden,
                         QStringLiteral("Only administrators may make application keys for "
                                        "another user; leave out 'user' to make one for "
                                        "yourself."));
    // Made here (cheap), hashed here; only the hash reaches the storage thread.
    const QString secret = AppKeys::newSecret();
    const QByteArray hash = AppKeys::secretHash(secret.toLatin1());
    return RoutePlan{{}, [key, secret, hash](EntityStore &store) mutable {
                         if (auto user = store.user(key.user); !user) {
                             if (user.error().code == ErrorCode::NotFound)
                                 return ApiResponse::fromError(makeError(
                                     ErrorCode::BadRequest,
                                     QStringLiteral("User '%1' does not exist; an application "
                                                    "key acts as an existing user.")
                                         .arg(key.user)));
                             return ApiResponse::fromError(user.error());
                         }
                         const QDateTime now = QDateTime::currentDateTimeUtc();
                         key.created = key.modified = now;
                         AppKeyStore keys(store.database());
                         if (auto s = keys.create(key, hash); !s)
                             return ApiResponse::fromError(s.error());
                         return created(key, secret, now);
                     }};
}

Result<RoutePlan> updateKey(const ApiRequest &request, const AppKeySettings &settings)
{
    const QString name = request.arguments.at(1);
    if (auto s = checkNameMatches(request, withName(request).value(W::Name).toString()); !s)
        return s.error();
    auto fields = parseFields(request.json, false, settings, QDateTime::currentDateTimeUtc());
    if (!fields)
        return fields.error();
    return RoutePlan{
        {},
        [caller = Caller{request.user, request.administrator}, name,
         fields = *fields](EntityStore &store) {
            AppKeyStore keys(store.database());
            auto key = visibleKey(keys, caller, name);
            if (!key)
                return ApiResponse::fromError(key.error());
            if (fields.user && *fields.user != key->user)
                return ApiResponse::fromError(makeError(
                    ErrorCode::BadRequest,
                    QStringLiteral("The user of application key '%1' is '%2' and cannot change; "
                                   "make a new key for '%3'.")
                        .arg(name, key->user, *fields.user)));
            if (!fields.secretHash.isEmpty()) {
                auto same = keys.hasSecretHash(name, fields.secretHash);
                if (!same)
                    return ApiResponse::fromError(same.error());
                if (!*same)
                    return ApiResponse::fromError(makeError(
                        ErrorCode::BadRequest,
                        QStringLiteral("The secret of an application key cannot change; make a "
                                       "new key and delete this one.")));
            }
            key->description = fields.description.value_or(key->description);
            key->expires = fields.expires.value_or(key->expires);
            key->ipAllowlist = fields.ipAllowlist.value_or(key->ipAllowlist);
            key->enabled = fields.enabled.value_or(key->enabled);
            const QDateTime now = QDateTime::currentDateTimeUtc();
            key->modified = now;
            if (auto s = keys.update(*key); !s)
                return ApiResponse::fromError(s.error());
            return ApiResponse::json(AppKeys::toJson(*key, now));
        }};
}

} // namespace

Result<RoutePlan> applicationKeys(const ApiRequest &request, const AppKeySettings &settings)
{
    const bool item = request.arguments.size() > 1;
    const bool allowed =
        item ? (request.method == HttpMethod::Get || request.method == HttpMethod::Put ||
                request.method == HttpMethod::Delete)
             : (request.method == HttpMethod::Get || request.method == HttpMethod::Post);
    if (!allowed)
        return methodNotAllowed(request, item ? "GET, PUT, DELETE" : "GET, POST");
    // A key must not mint or prolong keys: that would escape its own expiry
    // and address allowlist.
    if (request.method != HttpMethod::Get && request.authMethod == u"appkey")
        return makeError(ErrorCode::Forbidden,
                         QStringLiteral("Application keys cannot be managed with an application "
                                        "key; sign in as the user instead."));

    if (!item && request.method == HttpMethod::Get) {
        QString user = request.administrator
                           ? request.query.queryItemValue(W::User, QUrl::FullyDecoded)
                           : request.user;
        // A non-administrator asking for another user's keys sees none.
        const QString asked = request.query.queryItemValue(W::User, QUrl::FullyDecoded);
        const bool nothing = !request.administrator && !asked.isEmpty() && asked != request.user;
        return RoutePlan{{}, [user, nothing](EntityStore &store) {
                             QJsonArray items;
                             if (!nothing) {
                                 auto list = AppKeyStore(store.database()).list(user);
                                 if (!list)
                                     return ApiResponse::fromError(list.error());
                                 const QDateTime now = QDateTime::currentDateTimeUtc();
                                 for (const ApplicationKey &key : *list)
                                     items.append(AppKeys::toJson(key, now));
                             }
                             return ApiResponse::json({{W::Items, items}});
                         }};
    }
    if (!item)
        return createKey(request, settings);

    const QString name = request.arguments.at(1);
    if (request.method == HttpMethod::Get) {
        return RoutePlan{
            {}, [caller = Caller{request.user, request.administrator}, name](EntityStore &store) {
                AppKeyStore keys(store.database());
                auto key = visibleKey(keys, caller, name);
                return key ? ApiResponse::json(
                                 AppKeys::toJson(*key, QDateTime::currentDateTimeUtc()))
                           : ApiResponse::fromError(key.error());
            }};
    }
    if (request.method == HttpMethod::Delete) {
        return RoutePlan{
            {}, [caller = Caller{request.user, request.administrator}, name](EntityStore &store) {
                AppKeyStore keys(store.database());
                auto key = visibleKey(keys, caller, name);
                if (!key)
                    return ApiResponse::fromError(key.error());
                if (auto s = keys.remove(name); !s)
                    return ApiResponse::fromError(s.error());
                return ApiResponse::noContent();
            }};
    }
    return updateKey(request, settings);
}

} // namespace Bulwark::Routes
