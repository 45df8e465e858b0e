// Routes of the DirectoryServices collection and its Test action.
#include "DirectoryRoutes.h"

#include "ThingRoutes.h"
#include "security/Ldap.h"
#include "storage/DirectoryStore.h"
#include "storage/EntityStore.h"
#include "storage/LoginStore.h"
#include "wire/Wire.h"

#include <QJsonArray>

#include <memory>

namespace Bulwark::Routes {

namespace W = Wire;

namespace {

constexpr qsizetype kMaximumPasswordLength = 1024;

QString timestamp(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QJsonObject toJson(const DirectoryService &service)
{
    QJsonObject json = DirectoryStore::settingsToJson(service.config);
    json.insert(W::Name, service.config.name);
    json.insert(W::Description, service.config.description);
    json.insert(W::Enabled, service.config.enabled);
    json.insert(W::HasBindPassword, service.hasBindPassword);
    json.insert(W::Created, timestamp(service.created));
    json.insert(W::Modified, timestamp(service.modified));
    return json;
}

Status requireAdministrator(const ApiRequest &request)
{
    if (request.administrator)
        return {};
    return makeError(ErrorCode::Forbidden,
                     QStringLiteral("Only administrators can see or change directory services."));
}

Status readStringField(const QJsonObject &json, QLatin1StringView field, QString &target)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("'%1' must be a string.").arg(field));
    target = value.toString();
    return {};
}

// The whole configuration from a request body; the password may be empty.
Result<DirectoryConfig> configFromRequest(const ApiRequest &request)
{
    QJsonObject settings = withName(request);
    DirectoryConfig config;
    if (auto s = readStringField(settings, W::Name, config.name); !s)
        return s.error();
    if (auto s = readStringField(settings, W::Description, config.description); !s)
        return s.error();
    if (auto s = readStringField(settings, W::BindPassword, config.bindPassword); !s)
        return s.error();
    const QJsonValue enabled = settings.value(W::Enabled);
    if (!enabled.isUndefined()) {
        if (!enabled.isBool())
            return makeError(ErrorCode::BadRequest, QStringLiteral("'enabled' must be true or "
                                                                   "false."));
        config.enabled = enabled.toBool();
    }
    // Read-only fields a client may send back from a GET are ignored.
    for (QLatin1StringView field : {W::Name, W::Description, W::BindPassword, W::Enabled,
                                    W::HasBindPassword, W::Created, W::Modified})
        settings.remove(field);
    if (auto s = DirectoryStore::settingsFromJson(settings, config); !s)
        return s.error();
    if (config.bindPassword.size() > kMaximumPasswordLength)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The bind password is longer than %1 characters.")
                             .arg(kMaximumPasswordLength));
    if (auto s = Ldap::validate(config); !s)
        return makeError(ErrorCode::BadRequest, s.error().message);
    return config;
}

QString nameArgument(const ApiRequest &request)
{
    return request.arguments.size() > 1 ? request.arguments.at(1) : request.arguments.value(0);
}

} // namespace

Result<RoutePlan> directoryServices(const ApiRequest &request, const Vault &vault)
{
    if (auto s = requireAdministrator(request); !s)
        return s.error();
    const bool item = request.arguments.size() > 1;
    const Vault *keys = &vault;
    if (!item && request.method == HttpMethod::Get) {
        return RoutePlan{{}, [keys](EntityStore &store) {
                             DirectoryStore directories(store.database(), *keys);
                             auto all = directories.list();
                             if (!all)
                                 return ApiResponse::fromError(all.error());
                             QJsonArray items;
                             for (const DirectoryService &service : *all)
                                 items.append(toJson(service));
                             return ApiResponse::json({{W::Items, items}});
                         }};
    }
    const bool allowed =
        item ? (request.method == HttpMethod::Get || request.method == HttpMethod::Put ||
                request.method == HttpMethod::Delete)
             : request.method == HttpMethod::Post;
    if (!allowed)
        return methodNotAllowed(request, item ? "GET, PUT, DELETE" : "GET, POST");
    const QString name = item ? request.arguments.at(1) : QString();
    if (request.method == HttpMethod::Get) {
        return RoutePlan{{}, [keys, name](EntityStore &store) {
                             DirectoryStore directories(store.database(), *keys);
                             auto service = directories.describe(name);
                             return service ? ApiResponse::json(toJson(*service))
                                            : ApiResponse::fromError(service.error());
                         }};
    }
    if (request.method == HttpMethod::Delete) {
        return RoutePlan{{}, [keys, name](EntityStore &store) {
                             DirectoryStore directories(store.database(), *keys);
                             if (auto s = directories.remove(name); !s)
                                 return ApiResponse::fromError(s.error());
                             ApiResponse r = ApiResponse::noContent();
                             r.events
                                 << entityEvent(W::EventEntityDeleted, W::DirectoryServices, name);
                             // Its users' sessions and remembered sign-ins end.
                             auto users = LoginStore(store.database()).usersOf(name);
                             if (!users)
                                 return ApiResponse::fromError(users.error());
                             r.credentialsChanged = *users;
                             return r;
                         }};
    }

    auto config = configFromRequest(request);
    if (!config)
        return config.error();
    if (auto s = checkNameMatches(request, config->name); !s)
        return s.error();
    const bool create = request.method == HttpMethod::Post;
    if (create && config->bindPassword.isEmpty())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("'bindPassword' is required: the service account '%1' "
                                        "needs its password to search the directory.")
                             .arg(config->bindDn));
    DirectoryService service{*config, true, {}, {}};
    return RoutePlan{
        {}, [keys, service, create](EntityStore &store) mutable {
            DirectoryStore directories(store.database(), *keys);
            QStringList ended; // users whose sessions and remembered sign-ins end
            service.modified = QDateTime::currentDateTimeUtc();
            if (create) {
                service.created = service.modified;
                if (auto s = directories.create(service); !s)
                    return ApiResponse::fromError(s.error());
            } else {
                auto before = directories.describe(service.config.name);
                if (!before)
                    return ApiResponse::fromError(before.error());
                const DirectoryConfig &was = before->config;
                const DirectoryConfig &now = service.config;
                // The stored password goes only where it went: pointing the
                // service somewhere else (or dropping TLS) needs it again,
                // or a change of URL would hand it to another server.
                if (service.config.bindPassword.isEmpty()) {
                    if (was.url != now.url || was.bindDn != now.bindDn ||
                        was.caFile != now.caFile || was.insecure != now.insecure)
                        return ApiResponse::fromError(makeError(
                            ErrorCode::BadRequest,
                            QStringLiteral("Changing 'url', 'bindDn', 'caFile' or 'insecure' "
                                           "needs 'bindPassword' again: the stored password "
                                           "is only sent where it was set for.")));
                }
                if (auto s = directories.update(service); !s)
                    return ApiResponse::fromError(s.error());
                // Switched off, or now asking another directory (or another
                // part of it): its users sign in again.
                if (!now.enabled || was.url != now.url || was.bindDn != now.bindDn ||
                    was.caFile != now.caFile || was.insecure != now.insecure ||
                    was.userBase != now.userBase || was.userFilter != now.userFilter) {
                    auto users = LoginStore(store.database()).usersOf(now.name);
                    if (!users)
                        return ApiResponse::fromError(users.error());
                    ended = *users;
                }
            }
            const QString name = service.config.name;
            auto stored = directories.describe(name);
            if (!stored)
                return ApiResponse::fromError(stored.error());
            ApiResponse r = ApiResponse::json(toJson(*stored), create ? 201 : 200);
            if (create)
                r.headers.append(
                    {QByteArray("Location"), "/api/DirectoryServices/" + name.toUtf8()});
            r.events << entityEvent(create ? W::EventEntityCreated : W::EventEntityUpdated,
                                    W::DirectoryServices, name);
            r.credentialsChanged = ended;
            return r;
        }};
}

Result<RoutePlan> directoryServiceTest(const ApiRequest &request, const Vault &vault)
{
    if (auto s = requireAdministrator(request); !s)
        return s.error();
    if (request.method != HttpMethod::Post)
        return methodNotAllowed(request, "POST");
    QString user;
    QString password;
    if (auto s = readStringField(request.json, W::User, user); !s)
        return s.error();
    if (auto s = readStringField(request.json, W::Password, password); !s)
        return s.error();
    for (auto it = request.json.constBegin(); it != request.json.constEnd(); ++it) {
        if (it.key() != W::User && it.key() != W::Password)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("Unknown field '%1': the test takes an optional "
                                            "'user' and 'password'.")
                                 .arg(it.key().left(64)));
    }
    const QString name = nameArgument(request);
    const Vault *keys = &vault;
    // The configuration (with its opened bind password) passes from the
    // storage work to the network work through this, never through a
    // response body.
    auto config = std::make_shared<DirectoryConfig>();
    RoutePlan plan{{}, [keys, name, config](EntityStore &store) {
                       DirectoryStore directories(store.database(), *keys);
                       auto service = directories.get(name);
                       if (!service)
                           return ApiResponse::fromError(service.error());
                       *config = service->config;
                       return ApiResponse::noContent();
                   }};
    plan.afterStorage = [config, user, password](ApiResponse stored) {
        if (stored.status >= 400)
            return stored;
        const QList<DirectoryTestStep> steps = Ldap::testSteps(*config, user, password);
        QJsonArray stepsJson;
        bool ok = !steps.isEmpty();
        for (const DirectoryTestStep &step : steps) {
            stepsJson.append(
                QJsonObject{{W::Step, step.step}, {W::Ok, step.ok}, {W::Message, step.message}});
            ok = ok && step.ok;
        }
        return ApiResponse::json({{W::Name, config->name}, {W::Ok, ok}, {W::Steps, stepsJson}});
    };
    return plan;
}

} // namespace Bulwark::Routes
