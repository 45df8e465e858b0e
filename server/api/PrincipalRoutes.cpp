// Routes of the Users, Groups and Organizations collections.
#include "ThingRoutes.h"

#include "core/EntityJson.h"
#include "security/PasswordHasher.h"
#include "security/PasswordPolicy.h"
#include "storage/AccessStore.h"
#include "storage/EntityStore.h"
#include "storage/LoginStore.h"
#include "wire/Wire.h"

#include <QJsonArray>

#include <algorithm>
#include <memory>

namespace Bulwark::Routes {

namespace W = Wire;
using Access::EntityRef;
using Access::Permission;

namespace {

const QString kAdministrator = W::AdministratorUser;

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

// The quick checks on the I/O thread; the dictionary check and the hash
// run on the worker pool (see passwordPreparation).
Status checkPasswordShape(const QJsonValue &value, const PasswordSettings &settings)
{
    if (!value.isString())
        return makeError(ErrorCode::BadRequest, QStringLiteral("'password' must be a string."));
    // Far beyond any policy: refused before any work is spent on it.
    if (value.toString().size() > 4 * settings.maximumLength)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The password is longer than %1 characters.")
                             .arg(settings.maximumLength));
    return {};
}

// Policy (length, common passwords, the user's name) and Argon2id, on the
// worker pool: never on the I/O or storage thread.
std::function<Status()> passwordPreparation(std::shared_ptr<QString> hash, QString password,
                                            QString user, PasswordSettings settings)
{
    return [hash, password = std::move(password), user = std::move(user), settings]() -> Status {
        if (auto s = PasswordPolicy::check(password, user, settings); !s)
            return s;
        auto h = PasswordHasher::hash(password, PasswordHasher::Parameters::from(settings));
        if (!h)
            return h.error();
        *hash = *h;
        return {};
    };
}

// The user's authentication source names an existing directory (or "local").
Status checkAuthSource(EntityStore &store, const User &user)
{
    if (user.authSource == LocalAuthSource)
        return {};
    auto directory = LoginStore(store.database()).directoryExists(user.authSource);
    if (!directory)
        return directory.error();
    if (!*directory)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("There is no directory service named '%1': set "
                                        "'authSource' to \"local\" or to a configured directory.")
                             .arg(user.authSource.left(64)));
    return {};
}

// What deleting a principal or an organization changes for authorization.
QList<AccessChange> removalChanges(QLatin1StringView collection, const EntityRef &ref)
{
    QList<AccessChange> changes{AccessChange::entityRemoved(ref)};
    // A user's creations lose their creator: the whole state is reloaded.
    if (collection == W::Users)
        changes << AccessChange::of(AccessChange::Kind::Everything);
    else if (collection == W::Groups)
        changes << AccessChange::of(AccessChange::Kind::Principals)
                << AccessChange::of(AccessChange::Kind::AllRules)
                << AccessChange::of(AccessChange::Kind::Organizations);
    if (collection == W::Organizations)
        changes << AccessChange::of(AccessChange::Kind::Organizations);
    return changes;
}

// List/get/delete share one shape across these collections. Everyone may
// read their own user; everything else goes through access.
template <typename T>
Result<RoutePlan>
readOrDelete(const ApiRequest &request, const Access::AccessModel &access,
             QLatin1StringView collection,
             std::function<Result<QList<T>>(EntityStore &, const Access::ListFilter &)> list,
             std::function<Result<T>(EntityStore &, const QString &)> get,
             std::function<Status(EntityStore &, const QString &)> remove)
{
    const bool item = request.arguments.size() > 1;
    const QString name = item ? request.arguments.at(1) : QString();
    const QString user = request.user;
    const Access::AccessModel *model = &access;
    const EntityRef ref{QString(collection), name};
    const bool self = collection == W::Users && name == user;
    if (!item) {
        return RoutePlan{{}, [list, user, model, collection](EntityStore &store) {
                             auto all = list(store, model->listFilter(user, QString(collection)));
                             if (!all)
                                 return ApiResponse::fromError(all.error());
                             QJsonArray items;
                             for (const T &entity : *all) {
                                 const bool own = collection == W::Users && entity.name == user;
                                 if (own || model->check(user, {QString(collection), entity.name},
                                                         Permission::Read) == Access::Answer::Allow)
                                     items.append(EntityJson::toJson(entity));
                             }
                             return ApiResponse::json({{W::Items, items}});
                         }};
    }
    if (request.method == HttpMethod::Get) {
        return RoutePlan{{}, [get, name, user, model, ref, self](EntityStore &store) {
                             if (!self) {
                                 if (auto s = authorize(*model, user, ref, Permission::Read); !s)
                                     return ApiResponse::fromError(s.error());
                             }
                             auto entity = get(store, name);
                             return entity ? ApiResponse::json(EntityJson::toJson(*entity))
                                           : ApiResponse::fromError(entity.error());
                         }};
    }
    return RoutePlan{{}, [remove, name, collection, user, model, ref](EntityStore &store) {
                         if (collection == W::Organizations) {
                             // Organizations decide visibility: administrators only.
                             if (auto s = administratorsOnlyOn(
                                     *model, user, ref, QStringLiteral("delete an organization"));
                                 !s)
                                 return ApiResponse::fromError(s.error());
                         } else if (auto s = authorize(*model, user, ref, Permission::Delete); !s) {
                             return ApiResponse::fromError(s.error());
                         }
                         // Anything about an administrator (or the Administrators group) is
                         // for administrators.
                         if (!model->isAdministrator(user) &&
                             ((collection == W::Users && model->isAdministrator(name)) ||
                              (collection == W::Groups && name == W::AdministratorsGroup)))
                             return ApiResponse::fromError(
                                 administratorsOnly(QStringLiteral("delete an administrator")));
                         if (collection == W::Users && name == kAdministrator)
                             return ApiResponse::fromError(makeError(
                                 ErrorCode::Conflict,
                                 QStringLiteral("The Administrator user cannot be deleted.")));
                         if (collection == W::Groups && name == W::AdministratorsGroup)
                             return ApiResponse::fromError(makeError(
                                 ErrorCode::Conflict,
                                 QStringLiteral("The Administrators group cannot be deleted.")));
                         if (auto s = remove(store, name); !s)
                             return ApiResponse::fromError(s.error());
                         ApiResponse r = ApiResponse::noContent();
                         r.events << entityEvent(W::EventEntityDeleted, collection, name);
                         r.accessChanges = removalChanges(collection, ref);
                         if (collection == W::Users)
                             r.credentialsChanged << name;
                         return r;
                     }};
}

// Which methods the path allows; nullopt when the method is one of them.
std::optional<RoutePlan> rejectMethod(const ApiRequest &request)
{
    const bool item = request.arguments.size() > 1;
    const bool allowed =
        item ? (request.method == HttpMethod::Get || request.method == HttpMethod::Put ||
                request.method == HttpMethod::Delete)
             : (request.method == HttpMethod::Get || request.method == HttpMethod::Post);
    if (allowed)
        return std::nullopt;
    return methodNotAllowed(request, item ? "GET, PUT, DELETE" : "GET, POST");
}

ApiResponse saved(const QJsonObject &json, bool create, QLatin1StringView collection,
                  const QString &name)
{
    ApiResponse r = ApiResponse::json(json, create ? 201 : 200);
    if (create)
        r.headers.append(
            {QByteArray("Location"),
             "/api/" + QByteArray(collection.data(), collection.size()) + '/' + name.toUtf8()});
    r.events << entityEvent(create ? W::EventEntityCreated : W::EventEntityUpdated, collection,
                            name);
    return r;
}

} // namespace

Result<RoutePlan> users(const ApiRequest &request, const PasswordSettings &passwordSettings,
                        const Access::AccessModel &access)
{
    if (auto rejected = rejectMethod(request))
        return *rejected;
    if (request.method == HttpMethod::Get || request.method == HttpMethod::Delete)
        return readOrDelete<User>(
            request, access, W::Users,
            [](EntityStore &s, const Access::ListFilter &f) { return s.listUsers(f); },
            [](EntityStore &s, const QString &n) { return s.user(n); },
            [](EntityStore &s, const QString &n) { return s.deleteUser(n); });

    auto parsed = EntityJson::userFromJson(withName(request));
    if (!parsed)
        return parsed.error();
    if (auto s = checkNameMatches(request, parsed->name); !s)
        return s.error();
    const bool create = request.method == HttpMethod::Post;
    const QJsonValue password = request.json.value(W::Password);
    const bool setsPassword = !password.isUndefined() && !password.isNull();
    if (setsPassword) {
        if (auto s = checkPasswordShape(password, passwordSettings); !s)
            return s.error();
        if (parsed->authSource != LocalAuthSource)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("'%1' signs in through the directory service '%2': "
                                            "its password is managed there, not here.")
                                 .arg(parsed->name, parsed->authSource));
    }

    auto hash = std::make_shared<QString>();
    std::function<Status()> prepare;
    if (setsPassword)
        prepare = passwordPreparation(hash, password.toString(), parsed->name, passwordSettings);
    User user = *parsed;
    const QString actor = request.user;
    const Access::AccessModel *model = &access;
    return RoutePlan{
        std::move(prepare), [user, create, hash, actor, model](EntityStore &store) mutable {
            const EntityRef self{QString(W::Users), user.name};
            if (auto s = create ? model->requireCreate(actor, QString(W::Users))
                                : authorize(*model, actor, self, Permission::Update);
                !s)
                return ApiResponse::fromError(s.error());
            if (!create && model->isAdministrator(user.name) && !model->isAdministrator(actor))
                return ApiResponse::fromError(
                    administratorsOnly(QStringLiteral("change an administrator")));
            if (user.name == kAdministrator && !user.enabled)
                return ApiResponse::fromError(
                    makeError(ErrorCode::Conflict,
                              QStringLiteral("The Administrator user cannot be disabled.")));
            user.modified = now();
            bool credentialsChanged = false;
            if (auto s = checkAuthSource(store, user); !s)
                return ApiResponse::fromError(s.error());
            if (create) {
                user.created = user.modified;
                if (auto s = store.createUser(user, *hash); !s)
                    return ApiResponse::fromError(s.error());
                if (auto s = AccessStore(store.database()).setCreator(self, actor); !s)
                    return ApiResponse::fromError(s.error());
            } else {
                auto existing = store.user(user.name);
                if (!existing)
                    return ApiResponse::fromError(existing.error());
                user.created = existing->created;
                if (auto s = store.updateUser(user); !s)
                    return ApiResponse::fromError(s.error());
                credentialsChanged =
                    !hash->isEmpty() || !user.enabled || user.authSource != existing->authSource;
                // A user moved to a directory keeps no local password.
                if (user.authSource != LocalAuthSource && existing->authSource == LocalAuthSource) {
                    if (auto s = store.setPasswordHash(user.name, QString()); !s)
                        return ApiResponse::fromError(s.error());
                }
                if (!hash->isEmpty()) {
                    if (auto s = store.setPasswordHash(user.name, *hash); !s)
                        return ApiResponse::fromError(s.error());
                }
            }
            auto stored = store.user(user.name);
            if (!stored)
                return ApiResponse::fromError(stored.error());
            ApiResponse r = saved(EntityJson::toJson(*stored), create, W::Users, user.name);
            r.accessChanges << AccessChange::entityChanged(self);
            if (credentialsChanged)
                r.credentialsChanged << user.name;
            return r;
        }};
}

Result<RoutePlan> userPassword(const ApiRequest &request, const PasswordSettings &settings)
{
    const QString name = request.arguments.at(1);
    const QJsonValue password = request.json.value(W::Password);
    if (auto s = checkPasswordShape(password, settings); !s)
        return s.error();
    auto hash = std::make_shared<QString>();
    return RoutePlan{passwordPreparation(hash, password.toString(), name, settings),
                     [name, hash](EntityStore &store) {
                         auto user = store.user(name);
                         if (!user)
                             return ApiResponse::fromError(user.error());
                         if (user->authSource != LocalAuthSource)
                             return ApiResponse::fromError(makeError(
                                 ErrorCode::BadRequest,
                                 QStringLiteral("Your password is managed by the directory "
                                                "service '%1'; change it there.")
                                     .arg(user->authSource)));
                         if (auto s = store.setPasswordHash(name, *hash); !s)
                             return ApiResponse::fromError(s.error());
                         ApiResponse r = ApiResponse::noContent();
                         r.credentialsChanged << name;
                         return r;
                     }};
}

Result<std::function<ApiResponse()>> passwordCheck(const ApiRequest &request,
                                                   const PasswordSettings &settings)
{
    const QJsonValue userValue = request.json.value(W::User);
    if (!(userValue.isUndefined() || userValue.isString()))
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("Check a password with {\"password\": …, \"user\": …}: "
                                        "'user' must be a string (or left out for yourself)."));
    const QString user = userValue.isString() ? userValue.toString() : request.user;
    // A non-administrator learns nothing about another user, not even
    // whether the body was well formed.
    if (user != request.user && !request.administrator)
        return makeError(ErrorCode::Forbidden,
                         QStringLiteral("Only members of the Administrators group may check a "
                                        "password for another user; leave 'user' out to check "
                                        "one for yourself."));
    const QJsonValue password = request.json.value(W::Password);
    const QStringList keys = request.json.keys();
    if (!password.isString() || user.isEmpty() ||
        std::any_of(keys.cbegin(), keys.cend(),
                    [](const QString &k) { return k != W::Password && k != W::User; }))
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("Check a password with {\"password\": …, \"user\": …} "
                                        "('user' is optional: yourself)."));
    // The same words as POST /api/Users gives on refusal. The password goes
    // nowhere but the policy: not to a log, not to the audit trail.
    const auto refusal = [](const Error &error) {
        return error.code == ErrorCode::BadRequest
                   ? ApiResponse::json({{W::Acceptable, false}, {W::Message, error.message}})
                   : ApiResponse::fromError(error);
    };
    if (auto s = checkPasswordShape(password, settings); !s)
        return std::function<ApiResponse()>([response = refusal(s.error())]() { return response; });
    return std::function<ApiResponse()>(
        [password = password.toString(), user, settings, refusal]() {
            if (auto s = PasswordPolicy::check(password, user, settings); !s)
                return refusal(s.error());
            return ApiResponse::json({{W::Acceptable, true}});
        });
}

Result<RoutePlan> userAction(const ApiRequest &request, const QString &action)
{
    const QString name = request.arguments.at(1);
    if (action == W::UnlockAction) {
        return RoutePlan{
            {}, [name](EntityStore &store) {
                auto wasLocked = LoginStore(store.database()).unlock(name);
                if (!wasLocked)
                    return ApiResponse::fromError(wasLocked.error());
                ApiResponse r = ApiResponse::json({{W::Name, name}, {W::WasLocked, *wasLocked}});
                r.events << entityEvent(W::EventEntityUpdated, W::Users, name);
                return r;
            }};
    }
    // EndSessions
    return RoutePlan{{}, [name](EntityStore &store) {
                         auto user = store.user(name);
                         if (!user)
                             return ApiResponse::fromError(user.error());
                         ApiResponse r = ApiResponse::noContent();
                         r.credentialsChanged << name;
                         return r;
                     }};
}

Result<RoutePlan> groups(const ApiRequest &request, const Access::AccessModel &access)
{
    if (auto rejected = rejectMethod(request))
        return *rejected;
    if (request.method == HttpMethod::Get || request.method == HttpMethod::Delete)
        return readOrDelete<Group>(
            request, access, W::Groups,
            [](EntityStore &s, const Access::ListFilter &f) { return s.listGroups(f); },
            [](EntityStore &s, const QString &n) { return s.group(n); },
            [](EntityStore &s, const QString &n) { return s.deleteGroup(n); });
    auto parsed = EntityJson::groupFromJson(withName(request));
    if (!parsed)
        return parsed.error();
    if (auto s = checkNameMatches(request, parsed->name); !s)
        return s.error();
    const bool create = request.method == HttpMethod::Post;
    Group group = *parsed;
    const QString actor = request.user;
    const Access::AccessModel *model = &access;
    return RoutePlan{
        {}, [group, create, actor, model](EntityStore &store) mutable {
            const EntityRef self{QString(W::Groups), group.name};
            if (auto s = create ? model->requireCreate(actor, QString(W::Groups))
                                : authorize(*model, actor, self, Permission::Update);
                !s)
                return ApiResponse::fromError(s.error());
            std::optional<Group> existing;
            if (!create) {
                auto found = store.group(group.name);
                if (!found)
                    return ApiResponse::fromError(found.error());
                existing = *found;
            }
            // Members decide authorization: only administrators change them,
            // and only they touch the Administrators group.
            const bool membersChange =
                create ? !group.members.isEmpty() : group.members != existing->members;
            if (!model->isAdministrator(actor) &&
                (membersChange || group.name == W::AdministratorsGroup))
                return ApiResponse::fromError(
                    administratorsOnly(QStringLiteral("change the members of a group")));
            if (group.name == W::AdministratorsGroup &&
                !group.members.contains(GroupMember{MemberKind::User, kAdministrator}))
                return ApiResponse::fromError(makeError(
                    ErrorCode::Conflict, QStringLiteral("The Administrator user cannot leave the "
                                                        "Administrators group.")));
            group.modified = now();
            if (create) {
                group.created = group.modified;
                if (auto s = store.createGroup(group); !s)
                    return ApiResponse::fromError(s.error());
                if (auto s = AccessStore(store.database()).setCreator(self, actor); !s)
                    return ApiResponse::fromError(s.error());
            } else {
                group.created = existing->created;
                if (auto s = store.updateGroup(group); !s)
                    return ApiResponse::fromError(s.error());
            }
            auto stored = store.group(group.name);
            if (!stored)
                return ApiResponse::fromError(stored.error());
            ApiResponse r = saved(EntityJson::toJson(*stored), create, W::Groups, group.name);
            r.accessChanges << AccessChange::entityChanged(self)
                            << AccessChange::of(AccessChange::Kind::Principals);
            return r;
        }};
}

Result<RoutePlan> organizations(const ApiRequest &request, const Access::AccessModel &access)
{
    if (auto rejected = rejectMethod(request))
        return *rejected;
    if (request.method == HttpMethod::Get || request.method == HttpMethod::Delete)
        return readOrDelete<Organization>(
            request, access, W::Organizations,
            [](EntityStore &s, const Access::ListFilter &f) { return s.listOrganizations(f); },
            [](EntityStore &s, const QString &n) { return s.organization(n); },
            [](EntityStore &s, const QString &n) { return s.deleteOrganization(n); });
    auto parsed = EntityJson::organizationFromJson(withName(request));
    if (!parsed)
        return parsed.error();
    if (auto s = checkNameMatches(request, parsed->name); !s)
        return s.error();
    const bool create = request.method == HttpMethod::Post;
    Organization org = *parsed;
    const QString actor = request.user;
    const Access::AccessModel *model = &access;
    return RoutePlan{{}, [org, create, actor, model](EntityStore &store) mutable {
                         const EntityRef self{QString(W::Organizations), org.name};
                         // Organization trees decide visibility: administrators only.
                         if (create && !model->isAdministrator(actor))
                             return ApiResponse::fromError(
                                 administratorsOnly(QStringLiteral("create an organization")));
                         if (!create) {
                             if (auto s = administratorsOnlyOn(
                                     *model, actor, self, QStringLiteral("change an organization"));
                                 !s)
                                 return ApiResponse::fromError(s.error());
                         }
                         org.modified = now();
                         if (create) {
                             org.created = org.modified;
                             if (auto s = store.createOrganization(org); !s)
                                 return ApiResponse::fromError(s.error());
                             if (auto s = AccessStore(store.database()).setCreator(self, actor); !s)
                                 return ApiResponse::fromError(s.error());
                         } else {
                             auto existing = store.organization(org.name);
                             if (!existing)
                                 return ApiResponse::fromError(existing.error());
                             org.created = existing->created;
                             if (auto s = store.updateOrganization(org); !s)
                                 return ApiResponse::fromError(s.error());
                         }
                         ApiResponse r =
                             saved(EntityJson::toJson(org), create, W::Organizations, org.name);
                         r.accessChanges << AccessChange::entityChanged(self)
                                         << AccessChange::of(AccessChange::Kind::Organizations);
                         return r;
                     }};
}

} // namespace Bulwark::Routes
