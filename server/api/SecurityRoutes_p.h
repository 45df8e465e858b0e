// What the files of the authorization routes share: SecurityRoutes.cpp
// (rules, visibility, export and import), UnitRoutes.cpp (units, unit and
// group members) and PermissionQueryRoutes.cpp (explain and effective). The
// parsing of bodies, the JSON and versions of lists, the checks of what
// exists, and listPlan, the one way a holder's list is read or replaced.
// Defined in SecurityCommon.cpp; not part of SecurityRoutes.h's API.
#pragma once

#include "ApiTypes.h"
#include "ThingRoutes.h"
#include "storage/EntityStore.h"
#include "wire/Wire.h"

#include <functional>
#include <optional>
#include <tuple>

namespace Bulwark::Routes::Authz {

namespace W = Wire;
using Access::AccessModel;
using Access::EntityRef;
using Access::Holder;
using Access::HolderKind;
using Access::Permission;
using Access::Principal;
using Access::Rule;
using Access::UnitRef;

// Who asks.
struct Caller
{
    QString user;
    bool administrator = false;
};

[[nodiscard]] Caller callerOf(const ApiRequest &request);

// ---- Errors -----------------------------------------------------------------

[[nodiscard]] Error badRequest(const QString &message);
// 403 "Only members of the Administrators group may <what>."
[[nodiscard]] Error onlyAdministrators(const QString &what);
// 404 for a path under a route that names no part it has; hint says which do.
[[nodiscard]] Error noSuchPath(const ApiRequest &request, const QString &hint);
// "PropertyRead, PropertyWrite, …": every permission, for messages.
[[nodiscard]] QString permissionList();

// ---- Parsing a body ---------------------------------------------------------

// what names the object in messages ("The rules of Things/Boiler1").
[[nodiscard]] Status checkFields(const QJsonObject &object, const QString &what,
                                 const QStringList &known);

enum class Presence
{
    Required,
    Optional, // absent: an empty array
};
// An array of at most 10,000 entries.
[[nodiscard]] Result<QJsonArray> arrayField(const QJsonObject &object, QLatin1StringView field,
                                            const QString &what, Presence presence);
// The optional "version" a PUT carries; empty when absent.
[[nodiscard]] Result<QString> versionField(const QJsonObject &object);
[[nodiscard]] Result<Principal> principalFromJson(const QJsonValue &value, const QString &what);

// ---- JSON and versions of lists ---------------------------------------------

[[nodiscard]] QJsonArray listToJson(const QList<Principal> &principals);
[[nodiscard]] QJsonArray listToJson(const QList<Rule> &rules);
[[nodiscard]] QJsonArray listToJson(const QList<UnitRef> &units);

// A holder has one rule per key; the effect is what may differ.
using RuleKey = std::tuple<QString, int, QString, int>;
[[nodiscard]] RuleKey keyOf(const Rule &rule);

// By kind, then name: the order of exports and of versions.
void sortPrincipals(QList<Principal> &principals);

// The first 16 hex digits of SHA-256 over the sorted list, so that the same
// list in any order has one version.
[[nodiscard]] QString listVersion(const QList<Rule> &rules);
[[nodiscard]] QString listVersion(const QList<UnitRef> &units);
[[nodiscard]] QString listVersion(const QList<Principal> &principals);

// 409 for a PUT whose version is not the current one; what: "rules of X".
[[nodiscard]] Error staleVersion(const QString &what);

// ---- What exists, read in the request's transaction -------------------------

[[nodiscard]] Status entityExists(EntityStore &store, const EntityRef &ref);
[[nodiscard]] Status principalExists(EntityStore &store, const Principal &principal);

enum class Need
{
    Read,          // reading rules, visibility, members: Read on the entity
    Administrator, // changing them, or an administrators-only read
};

// The entity exists and, for a non-administrator, is visible (404 otherwise,
// as for a missing one); then Read, or administrators only (403, naming
// change).
[[nodiscard]] Status checkEntity(EntityStore &store, const AccessModel &model, const Caller &caller,
                                 const EntityRef &ref, Need need, const QString &change);

// The units of organizations, looked up once per request.
class UnitDirectory final
{
public:
    explicit UnitDirectory(EntityStore &store)
        : m_store(store)
    {}

    // The unit, or NotFound naming it.
    [[nodiscard]] Result<OrganizationalUnit> unit(const UnitRef &ref);
    [[nodiscard]] Status exists(const UnitRef &ref);
    // NotFound for a missing organization.
    [[nodiscard]] Result<QList<OrganizationalUnit>> unitsOf(const QString &organization);

private:
    EntityStore &m_store;
    QHash<QString, QList<OrganizationalUnit>> m_units;
};

// What a member name is on a Thing or template (with inheritance): its kinds.
class MemberDirectory final
{
public:
    MemberDirectory(EntityStore &store, const Holder &holder);

    [[nodiscard]] const std::optional<Error> &error() const { return m_error; }
    [[nodiscard]] bool exists(const QString &member) const { return m_kinds.contains(member); }
    [[nodiscard]] Error missing(const QString &member, const QString &what) const;
    // 400 when the member is not of the kind the permission needs.
    [[nodiscard]] Status fits(const Rule &rule, const QString &what) const;

private:
    QHash<QString, QStringList> m_kinds;
    QString m_owner;
    std::optional<Error> m_error;
};

// ---- GET or versioned PUT of a list -----------------------------------------

// A list something holds (rules, visibility units, unit or group members):
// GET answers it with its version; PUT replaces it whole. A PUT that carries
// the version a GET answered is refused when the list changed since, so that
// two administrators do not overwrite each other's work unknowingly.
template <typename Item> struct ListRoute
{
    using List = QList<Item>;

    QString what;            // the body in messages: "The rules of Things/Boiler1"
    QLatin1StringView field; // the body's array: "rules", "units", "members"
    // What else an answer says ({"holder": "Things/Boiler1"}); a PUT may send
    // it back unchanged, since clients PUT what they GET.
    QJsonObject about;
    QString staleWhat; // "rules of Things/Boiler1"
    std::function<Result<List>(const QJsonArray &)> parse;
    // Existence, visibility and permission: Need::Read for GET, Administrator for PUT.
    std::function<Status(EntityStore &, Need)> check;
    std::function<Result<List>(EntityStore &)> read;
    // What the items name exists; before anything is written.
    std::function<Status(EntityStore &, const List &)> checkItems;
    std::function<Status(EntityStore &, const List &)> write;
    // The access changes and events of a replaced list.
    std::function<ApiResponse(ApiResponse)> changed;

    [[nodiscard]] ApiResponse answer(const List &list) const
    {
        QJsonObject o = about;
        o.insert(field, listToJson(list));
        o.insert(W::Version, listVersion(list));
        return ApiResponse::json(o);
    }
};

template <typename Item>
[[nodiscard]] Result<RoutePlan> listPlan(const ApiRequest &request, const ListRoute<Item> &route)
{
    if (request.method == HttpMethod::Get) {
        return RoutePlan{{}, [route](EntityStore &store) {
                             if (auto s = route.check(store, Need::Read); !s)
                                 return ApiResponse::fromError(s.error());
                             auto list = route.read(store);
                             return list ? route.answer(*list)
                                         : ApiResponse::fromError(list.error());
                         }};
    }
    if (request.method != HttpMethod::Put)
        return methodNotAllowed(request, "GET, PUT");
    if (auto s = checkFields(request.json, route.what,
                             QStringList{route.field, W::Version} + route.about.keys());
        !s)
        return s.error();
    auto array = arrayField(request.json, route.field, route.what, Presence::Required);
    if (!array)
        return array.error();
    auto parsed = route.parse(*array);
    if (!parsed)
        return parsed.error();
    auto version = versionField(request.json);
    if (!version)
        return version.error();
    return RoutePlan{{}, [route, list = *parsed, expected = *version](EntityStore &store) {
                         if (auto s = route.check(store, Need::Administrator); !s)
                             return ApiResponse::fromError(s.error());
                         if (!expected.isEmpty()) {
                             auto current = route.read(store);
                             if (!current)
                                 return ApiResponse::fromError(current.error());
                             if (listVersion(*current) != expected)
                                 return ApiResponse::fromError(staleVersion(route.staleWhat));
                         }
                         if (auto s = route.checkItems(store, list); !s)
                             return ApiResponse::fromError(s.error());
                         if (auto s = route.write(store, list); !s)
                             return ApiResponse::fromError(s.error());
                         auto stored = route.read(store);
                         if (!stored)
                             return ApiResponse::fromError(stored.error());
                         return route.changed(route.answer(*stored));
                     }};
}

// checkItems for lists whose items each must exist: the first error, its
// message prefixed with the item's place ("units[2]: Unit 'Acme/X' does not
// exist.").
template <typename Item, typename Exists>
[[nodiscard]] Status eachExists(const QList<Item> &items, QLatin1StringView field, Exists exists)
{
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (Status s = exists(items.at(i)); !s)
            return makeError(s.error().code,
                             QStringLiteral("%1[%2]: %3").arg(field).arg(i).arg(s.error().message));
    }
    return {};
}

} // namespace Bulwark::Routes::Authz
