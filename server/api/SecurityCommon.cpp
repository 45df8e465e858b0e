// What the authorization routes share (SecurityRoutes_p.h): parsing, the JSON
// and versions of lists, and the checks of what exists.
#include "SecurityRoutes_p.h"

#include "core/Names.h"
#include "security/Access.h"
#include "security/Crypto.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace Bulwark::Routes::Authz {

namespace {

constexpr qsizetype kMaximumListLength = 10000;

QJsonObject principalToJson(const Principal &p)
{
    return {{W::Type, Access::principalKindName(p.kind)}, {W::Name, p.name}};
}

QJsonObject ruleToJson(const Rule &r)
{
    QJsonObject o{{W::AccessPrincipal, principalToJson(r.principal)},
                  {W::AccessPermission, Access::permissionName(r.permission)},
                  {W::AccessEffect, Access::effectName(r.effect)}};
    if (!r.member.isEmpty())
        o.insert(W::AccessMember, r.member);
    return o;
}

QString versionOf(const QJsonArray &canonical)
{
    return QString::fromLatin1(
        Crypto::sha256(QJsonDocument(canonical).toJson(QJsonDocument::Compact)).toHex().left(16));
}

template <typename T> Status foundAs(const Result<T> &result, const EntityRef &ref)
{
    if (result)
        return {};
    if (result.error().code == ErrorCode::NotFound)
        return Access::notFound(ref);
    return result.error();
}

} // namespace

Caller callerOf(const ApiRequest &request)
{
    return {request.user, request.administrator};
}

// ---- Errors -----------------------------------------------------------------

Error badRequest(const QString &message)
{
    return makeError(ErrorCode::BadRequest, message);
}

Error onlyAdministrators(const QString &what)
{
    return makeError(ErrorCode::Forbidden,
                     QStringLiteral("Only members of the Administrators group may %1.").arg(what));
}

Error noSuchPath(const ApiRequest &request, const QString &hint)
{
    return makeError(
        ErrorCode::NotFound,
        QStringLiteral("There is nothing at %1; %2").arg(request.path.left(200), hint));
}

QString permissionList()
{
    QStringList names;
    for (Permission p : Access::allPermissions())
        names << Access::permissionName(p);
    return names.join(QStringLiteral(", "));
}

// ---- Parsing a body ---------------------------------------------------------

Status checkFields(const QJsonObject &object, const QString &what, const QStringList &known)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            return badRequest(QStringLiteral("%1 has an unknown field '%2'; known fields are: %3.")
                                  .arg(what, it.key().left(64), known.join(QStringLiteral(", "))));
    }
    return {};
}

Result<QJsonArray> arrayField(const QJsonObject &object, QLatin1StringView field,
                              const QString &what, Presence presence)
{
    const QJsonValue v = object.value(field);
    if (v.isUndefined() && presence == Presence::Optional)
        return QJsonArray();
    if (!v.isArray())
        return badRequest(QStringLiteral("%1 needs '%2', an array.").arg(what, field));
    if (v.toArray().size() > kMaximumListLength)
        return badRequest(QStringLiteral("%1: '%2' has more than %3 entries.")
                              .arg(what, field)
                              .arg(kMaximumListLength));
    return v.toArray();
}

Result<QString> versionField(const QJsonObject &object)
{
    const QJsonValue v = object.value(W::Version);
    if (v.isUndefined() || v.isNull())
        return QString();
    if (!v.isString())
        return badRequest(
            QStringLiteral("'version' must be the string a GET answered, or left out."));
    return v.toString();
}

Result<Principal> principalFromJson(const QJsonValue &value, const QString &what)
{
    const QJsonObject o = value.toObject();
    const auto kind = Access::principalKindFromName(o.value(W::Type).toString());
    if (!value.isObject() || !kind || !o.value(W::Name).isString())
        return badRequest(QStringLiteral("%1 must be an object with 'type' User or Group and a "
                                         "'name'.")
                              .arg(what));
    if (auto s = checkFields(o, what, {W::Type, W::Name}); !s)
        return s.error();
    const QString name = o.value(W::Name).toString();
    if (auto s = Names::validate(Access::principalKindName(*kind), name); !s)
        return badRequest(QStringLiteral("%1: %2").arg(what, s.error().message));
    return Principal{*kind, name};
}

// ---- JSON and versions of lists ---------------------------------------------

QJsonArray listToJson(const QList<Principal> &principals)
{
    QJsonArray array;
    for (const Principal &p : principals)
        array.append(principalToJson(p));
    return array;
}

QJsonArray listToJson(const QList<Rule> &rules)
{
    QJsonArray array;
    for (const Rule &r : rules)
        array.append(ruleToJson(r));
    return array;
}

QJsonArray listToJson(const QList<UnitRef> &units)
{
    QJsonArray array;
    for (const UnitRef &u : units)
        array.append(u.toString());
    return array;
}

RuleKey keyOf(const Rule &rule)
{
    return {rule.member, int(rule.principal.kind), rule.principal.name, int(rule.permission)};
}

void sortPrincipals(QList<Principal> &principals)
{
    std::sort(principals.begin(), principals.end(), [](const Principal &a, const Principal &b) {
        return std::tie(a.kind, a.name) < std::tie(b.kind, b.name);
    });
}

QString listVersion(const QList<Rule> &rules)
{
    QList<Rule> sorted = rules;
    std::sort(sorted.begin(), sorted.end(), [](const Rule &a, const Rule &b) {
        return std::tuple_cat(keyOf(a), std::tuple<int>(int(a.effect))) <
               std::tuple_cat(keyOf(b), std::tuple<int>(int(b.effect)));
    });
    return versionOf(listToJson(sorted));
}

QString listVersion(const QList<UnitRef> &units)
{
    QStringList names;
    for (const UnitRef &u : units)
        names << u.toString();
    names.sort();
    return versionOf(QJsonArray::fromStringList(names));
}

QString listVersion(const QList<Principal> &principals)
{
    QList<Principal> sorted = principals;
    sortPrincipals(sorted);
    return versionOf(listToJson(sorted));
}

Error staleVersion(const QString &what)
{
    return makeError(ErrorCode::Conflict,
                     QStringLiteral("The %1 changed since you read them; reload and apply your "
                                    "changes again.")
                         .arg(what));
}

// ---- What exists ------------------------------------------------------------

Status entityExists(EntityStore &store, const EntityRef &ref)
{
    if (ref.collection == W::Things)
        return foundAs(store.thing(ref.name), ref);
    if (ref.collection == W::ThingTemplates)
        return foundAs(store.thingTemplate(ref.name), ref);
    if (ref.collection == W::Users)
        return foundAs(store.user(ref.name), ref);
    if (ref.collection == W::Groups)
        return foundAs(store.group(ref.name), ref);
    if (ref.collection == W::Organizations)
        return foundAs(store.organization(ref.name), ref);
    return Access::notFound(ref);
}

Status principalExists(EntityStore &store, const Principal &principal)
{
    if (principal.kind == MemberKind::User) {
        auto u = store.user(principal.name);
        return u ? Status() : Status(u.error());
    }
    auto g = store.group(principal.name);
    return g ? Status() : Status(g.error());
}

Status checkEntity(EntityStore &store, const AccessModel &model, const Caller &caller,
                   const EntityRef &ref, Need need, const QString &change)
{
    if (auto s = entityExists(store, ref); !s)
        return s;
    if (caller.administrator)
        return {};
    if (!model.isVisible(caller.user, ref))
        return Access::notFound(ref);
    if (need == Need::Read)
        return model.require(caller.user, ref, Permission::Read);
    return onlyAdministrators(change);
}

Result<OrganizationalUnit> UnitDirectory::unit(const UnitRef &ref)
{
    auto units = unitsOf(ref.organization);
    if (!units && units.error().code != ErrorCode::NotFound)
        return units.error();
    for (const OrganizationalUnit &u : units ? *units : QList<OrganizationalUnit>()) {
        if (u.name == ref.unit)
            return u;
    }
    return makeError(ErrorCode::NotFound,
                     QStringLiteral("Unit '%1' does not exist.").arg(ref.toString()));
}

Status UnitDirectory::exists(const UnitRef &ref)
{
    auto u = unit(ref);
    return u ? Status() : Status(u.error());
}

Result<QList<OrganizationalUnit>> UnitDirectory::unitsOf(const QString &organization)
{
    if (const auto it = m_units.constFind(organization); it != m_units.cend())
        return *it;
    auto org = m_store.organization(organization);
    if (!org) {
        if (org.error().code == ErrorCode::NotFound)
            return Access::notFound({QString(W::Organizations), organization});
        return org.error();
    }
    m_units.insert(organization, org->units);
    return org->units;
}

MemberDirectory::MemberDirectory(EntityStore &store, const Holder &holder)
{
    Result<Definitions> definitions = Definitions();
    if (holder.kind == HolderKind::TemplateInstance) {
        auto t = effectiveTemplate(store, holder.name);
        definitions = t ? Result<Definitions>(t->definitions) : Result<Definitions>(t.error());
        m_owner = QStringLiteral("ThingTemplate '%1'").arg(holder.name);
    } else if (holder.kind == HolderKind::Entity && holder.collection == W::Things) {
        auto t = effectiveThing(store, holder.name);
        definitions = t ? Result<Definitions>(t->definitions) : Result<Definitions>(t.error());
        m_owner = QStringLiteral("Thing '%1'").arg(holder.name);
    }
    if (!definitions) {
        m_error = definitions.error();
        return;
    }
    for (const auto &p : definitions->properties)
        m_kinds[p.name] << QStringLiteral("property");
    for (const auto &s : definitions->services)
        m_kinds[s.name] << QStringLiteral("service");
    for (const auto &e : definitions->events)
        m_kinds[e.name] << QStringLiteral("event");
}

Error MemberDirectory::missing(const QString &member, const QString &what) const
{
    return makeError(ErrorCode::NotFound,
                     QStringLiteral("%1: %2 has no property, service or event '%3'.")
                         .arg(what, m_owner, member));
}

Status MemberDirectory::fits(const Rule &rule, const QString &what) const
{
    const QString kind = Access::memberKindOf(rule.permission);
    const QStringList kinds = m_kinds.value(rule.member);
    if (kinds.contains(kind))
        return {};
    const auto article = [](const QString &noun) -> QString {
        return (noun.startsWith(u'e') ? QStringLiteral("an ") : QStringLiteral("a ")) + noun;
    };
    QStringList actual;
    for (const QString &k : kinds)
        actual << article(k);
    return badRequest(QStringLiteral("%1: %2 applies to %3, but '%4' of %5 is %6.")
                          .arg(what, Access::permissionName(rule.permission), article(kind),
                               rule.member, m_owner, actual.join(QStringLiteral(" and "))));
}

} // namespace Bulwark::Routes::Authz
