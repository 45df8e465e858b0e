// The REST routes that manage authorization (docs/rest-api.md, "Permissions
// and visibility"). Every check that depends on what exists (the entity, its
// visibility, principals, units, members) runs in the storage work, inside
// the request's transaction, so that what is checked is what is written.
#include "SecurityRoutes.h"

#include "ThingRoutes.h"
#include "core/Names.h"
#include "security/Crypto.h"
#include "storage/AccessStore.h"
#include "storage/EntityStore.h"
#include "wire/Wire.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>
#include <map>
#include <tuple>

namespace Bulwark::Routes {

namespace W = Wire;
using Access::AccessModel;
using Access::EntityRef;
using Access::Holder;
using Access::HolderKind;
using Access::Permission;
using Access::Principal;
using Access::Rule;
using Access::UnitRef;

namespace {

constexpr qsizetype kMaximumListLength = 10000;

// Who asks.
struct Caller
{
    QString user;
    bool administrator = false;
};

Caller callerOf(const ApiRequest &request)
{
    return {request.user, request.administrator};
}

Error badRequest(const QString &message)
{
    return makeError(ErrorCode::BadRequest, message);
}

QString permissionList()
{
    QStringList names;
    for (Permission p : Access::allPermissions())
        names << Access::permissionName(p);
    return names.join(QStringLiteral(", "));
}

Error onlyAdministrators(const QString &what)
{
    return makeError(ErrorCode::Forbidden,
                     QStringLiteral("Only members of the Administrators group may %1.").arg(what));
}

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
                              const QString &what, bool required)
{
    const QJsonValue v = object.value(field);
    if (v.isUndefined() && !required)
        return QJsonArray();
    if (!v.isArray())
        return badRequest(QStringLiteral("%1 needs '%2', an array.").arg(what, field));
    if (v.toArray().size() > kMaximumListLength)
        return badRequest(QStringLiteral("%1: '%2' has more than %3 entries.")
                              .arg(what, field)
                              .arg(kMaximumListLength));
    return v.toArray();
}

// The optional "version" a PUT carries; empty when absent.
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

// ---- JSON of the model's values --------------------------------------------

QJsonObject principalToJson(const Principal &p)
{
    return {{W::Type, Access::principalKindName(p.kind)}, {W::Name, p.name}};
}

QJsonArray principalsToJson(const QList<Principal> &principals)
{
    QJsonArray array;
    for (const Principal &p : principals)
        array.append(principalToJson(p));
    return array;
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

QJsonArray rulesToJson(const QList<Rule> &rules)
{
    QJsonArray array;
    for (const Rule &r : rules)
        array.append(ruleToJson(r));
    return array;
}

QJsonArray unitsToJson(const QList<UnitRef> &units)
{
    QJsonArray array;
    for (const UnitRef &u : units)
        array.append(u.toString());
    return array;
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

// Members of a unit or group: duplicates collapse into one.
Result<QList<Principal>> principalsFromJson(const QJsonObject &body, const QString &what)
{
    auto array = arrayField(body, W::Members, what, true);
    if (!array)
        return array.error();
    QList<Principal> principals;
    for (qsizetype i = 0; i < array->size(); ++i) {
        auto p = principalFromJson(array->at(i), QStringLiteral("members[%1]").arg(i));
        if (!p)
            return p.error();
        if (!principals.contains(*p))
            principals.append(*p);
    }
    return principals;
}

// One rule's shape; what fits where is checked by checkRuleFits.
Result<Rule> ruleFromJson(const QJsonValue &value, const QString &what)
{
    if (!value.isObject())
        return badRequest(
            QStringLiteral("%1 must be an object with 'principal', 'permission', 'effect' and "
                           "optionally 'member'.")
                .arg(what));
    const QJsonObject o = value.toObject();
    if (auto s = checkFields(
            o, what, {W::AccessPrincipal, W::AccessPermission, W::AccessEffect, W::AccessMember});
        !s)
        return s.error();
    Rule rule;
    auto principal =
        principalFromJson(o.value(W::AccessPrincipal), what + QStringLiteral(": "
                                                                             "'principal'"));
    if (!principal)
        return principal.error();
    rule.principal = *principal;
    const QString permissionText = o.value(W::AccessPermission).toString();
    const auto permission = Access::permissionFromName(permissionText);
    if (!permission)
        return badRequest(QStringLiteral("%1: '%2' is not a permission; permissions are %3.")
                              .arg(what, permissionText.left(64), permissionList()));
    rule.permission = *permission;
    const QString effectText = o.value(W::AccessEffect).toString();
    const auto effect = Access::effectFromName(effectText);
    if (!effect)
        return badRequest(QStringLiteral("%1: '%2' is not an effect; use Allow or Deny.")
                              .arg(what, effectText.left(64)));
    rule.effect = *effect;
    const QJsonValue member = o.value(W::AccessMember);
    if (!member.isUndefined() && !member.isNull()) {
        if (!member.isString())
            return badRequest(
                QStringLiteral("%1: 'member' must name a property, service or event.").arg(what));
        rule.member = member.toString();
        if (auto s = Names::validate(QStringLiteral("member"), rule.member); !s)
            return badRequest(QStringLiteral("%1: %2").arg(what, s.error().message));
    }
    return rule;
}

// Whether a rule may be set on holder at all (docs/security-model.md, "Rules
// and where they are set").
Status checkRuleFits(const Holder &holder, const Rule &rule, const QString &what)
{
    const QString permission = Access::permissionName(rule.permission);
    if (rule.permission == Permission::Create && holder.kind == HolderKind::Entity)
        return badRequest(QStringLiteral("%1: Create cannot be set on %2, which exists already; "
                                         "set it on a collection (Collections/%3), or as an "
                                         "instance rule of a ThingTemplate (\"create Things "
                                         "from it\").")
                              .arg(what, holder.toString(), holder.collection));
    const bool thingHolder =
        holder.kind == HolderKind::TemplateInstance || holder.collection == W::Things;
    if (Access::isRunTime(rule.permission) && !thingHolder)
        return badRequest(QStringLiteral("%1: %2 is a run-time permission; it can be set only on "
                                         "a Thing, a ThingTemplate's instance rules or the Things "
                                         "collection, not on %3.")
                              .arg(what, permission, holder.toString()));
    if (!rule.member.isEmpty()) {
        if (holder.kind == HolderKind::Collection)
            return badRequest(QStringLiteral("%1: a collection rule cannot name a member "
                                             "('%2'); set it on the Thing or as an instance rule "
                                             "of its template.")
                                  .arg(what, rule.member));
        if (!Access::isRunTime(rule.permission))
            return badRequest(QStringLiteral("%1: %2 applies to the whole entity, not to the "
                                             "member '%3'; a member rule takes PropertyRead or "
                                             "PropertyWrite (property), ServiceInvoke (service), "
                                             "EventInvoke or EventSubscribe (event).")
                                  .arg(what, permission, rule.member));
    }
    return {};
}

using RuleKey = std::tuple<QString, int, QString, int>;
RuleKey keyOf(const Rule &r)
{
    return {r.member, int(r.principal.kind), r.principal.name, int(r.permission)};
}

QString describeKey(const Rule &r)
{
    return QStringLiteral("%1 '%2', %3%4")
        .arg(Access::principalKindName(r.principal.kind), r.principal.name,
             Access::permissionName(r.permission),
             r.member.isEmpty() ? QString() : QStringLiteral(", member '%1'").arg(r.member));
}

// Parses, fits and de-duplicates a rule list; field names the array in messages.
Result<QList<Rule>> rulesFromJson(const QJsonArray &array, const Holder &holder,
                                  QLatin1StringView field)
{
    QList<Rule> rules;
    std::map<RuleKey, qsizetype> seen;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString what = QStringLiteral("%1[%2]").arg(field).arg(i);
        auto rule = ruleFromJson(array.at(i), what);
        if (!rule)
            return rule.error();
        if (auto s = checkRuleFits(holder, *rule, what); !s)
            return s.error();
        const RuleKey key = keyOf(*rule);
        if (const auto it = seen.find(key); it != seen.end())
            return badRequest(QStringLiteral("%1 repeats %2[%3] (%4): a holder has one rule per "
                                             "member, principal and permission; keep one and "
                                             "choose its effect.")
                                  .arg(what, field)
                                  .arg(it->second)
                                  .arg(describeKey(*rule)));
        seen.emplace(key, i);
        rules.append(*rule);
    }
    return rules;
}

Result<QList<UnitRef>> unitsFromJson(const QJsonArray &array, QLatin1StringView field)
{
    QList<UnitRef> units;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString what = QStringLiteral("%1[%2]").arg(field).arg(i);
        const QString text = array.at(i).toString();
        const auto unit = array.at(i).isString() ? UnitRef::parse(text) : std::nullopt;
        if (!unit)
            return badRequest(QStringLiteral("%1 must name a unit as Organization/Unit "
                                             "(\"Acme/Line1\"; the root unit is \"Acme/Acme\").")
                                  .arg(what));
        if (units.contains(*unit))
            return badRequest(
                QStringLiteral("%1 names '%2' a second time.").arg(what, unit->toString()));
        units.append(*unit);
    }
    return units;
}

// ---- Versions: the first 16 hex digits of SHA-256 over the sorted list ------

QString versionOf(const QJsonArray &canonical)
{
    return QString::fromLatin1(
        Crypto::sha256(QJsonDocument(canonical).toJson(QJsonDocument::Compact)).toHex().left(16));
}

QString rulesVersion(QList<Rule> rules)
{
    std::sort(rules.begin(), rules.end(), [](const Rule &a, const Rule &b) {
        return std::tuple_cat(keyOf(a), std::tuple<int>(int(a.effect))) <
               std::tuple_cat(keyOf(b), std::tuple<int>(int(b.effect)));
    });
    return versionOf(rulesToJson(rules));
}

QString unitsVersion(const QList<UnitRef> &units)
{
    QStringList names;
    for (const UnitRef &u : units)
        names << u.toString();
    names.sort();
    return versionOf(QJsonArray::fromStringList(names));
}

QString principalsVersion(QList<Principal> principals)
{
    std::sort(principals.begin(), principals.end(), [](const Principal &a, const Principal &b) {
        return std::tie(a.kind, a.name) < std::tie(b.kind, b.name);
    });
    return versionOf(principalsToJson(principals));
}

Error staleVersion(const QString &what)
{
    return makeError(ErrorCode::Conflict,
                     QStringLiteral("The %1 changed since you read them; reload and apply your "
                                    "changes again.")
                         .arg(what));
}

// ---- What exists, read in the request's transaction -------------------------

template <typename T> Status foundAs(const Result<T> &result, const EntityRef &ref)
{
    if (result)
        return {};
    if (result.error().code == ErrorCode::NotFound)
        return Access::notFound(ref);
    return result.error();
}

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

enum class Need
{
    Read,          // reading rules, visibility, members: Read on the entity
    Administrator, // changing them, or an administrators-only read
};

// The entity exists and, for a non-administrator, is visible (404 otherwise,
// as for a missing one); then Read, or administrators only (403).
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

Status principalExists(EntityStore &store, const Principal &p)
{
    if (p.kind == MemberKind::User) {
        auto u = store.user(p.name);
        return u ? Status() : Status(u.error());
    }
    auto g = store.group(p.name);
    return g ? Status() : Status(g.error());
}

// The units of organizations, looked up once per request.
class UnitDirectory final
{
public:
    explicit UnitDirectory(EntityStore &store)
        : m_store(store)
    {}

    // The unit, or NotFound naming it.
    Result<OrganizationalUnit> unit(const UnitRef &ref)
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
    Status exists(const UnitRef &ref)
    {
        auto u = unit(ref);
        return u ? Status() : Status(u.error());
    }
    // NotFound for a missing organization.
    Result<QList<OrganizationalUnit>> unitsOf(const QString &organization)
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

private:
    EntityStore &m_store;
    QHash<QString, QList<OrganizationalUnit>> m_units;
};

// What a member name is on a Thing or template (with inheritance): its kinds.
class MemberDirectory final
{
public:
    MemberDirectory(EntityStore &store, const Holder &holder)
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

    [[nodiscard]] const std::optional<Error> &error() const { return m_error; }
    [[nodiscard]] bool exists(const QString &member) const { return m_kinds.contains(member); }
    [[nodiscard]] QString owner() const { return m_owner; }
    [[nodiscard]] Error missing(const QString &member, const QString &what) const
    {
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("%1: %2 has no property, service or event '%3'.")
                             .arg(what, m_owner, member));
    }
    // 400 when the member is not of the kind the permission needs.
    [[nodiscard]] Status fits(const Rule &rule, const QString &what) const
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

private:
    QHash<QString, QStringList> m_kinds;
    QString m_owner;
    std::optional<Error> m_error;
};

// Principals and members of rules exist, and members fit (in index order).
Status checkRuleReferences(EntityStore &store, const Holder &holder, const QList<Rule> &rules,
                           QLatin1StringView field)
{
    std::optional<MemberDirectory> members;
    QSet<QString> known;
    for (qsizetype i = 0; i < rules.size(); ++i) {
        const Rule &rule = rules.at(i);
        const QString what = QStringLiteral("%1[%2]").arg(field).arg(i);
        const QString key =
            Access::principalKindName(rule.principal.kind) + u'/' + rule.principal.name;
        if (!known.contains(key)) {
            if (auto s = principalExists(store, rule.principal); !s)
                return makeError(s.error().code,
                                 QStringLiteral("%1: %2").arg(what, s.error().message));
            known.insert(key);
        }
        if (rule.member.isEmpty())
            continue;
        if (!members) {
            members.emplace(store, holder);
            if (members->error())
                return *members->error();
        }
        if (!members->exists(rule.member))
            return members->missing(rule.member, what);
        if (auto s = members->fits(rule, what); !s)
            return s;
    }
    return {};
}

QJsonObject holderEvent(QLatin1StringView type, const Holder &holder)
{
    return {{W::Type, type},
            {W::Collection, holder.collection},
            {W::Name, holder.name},
            {W::AccessHolder, holder.toString()}};
}

ApiResponse rulesAnswer(const Holder &holder, const QList<Rule> &rules)
{
    return ApiResponse::json({{W::AccessHolder, holder.toString()},
                              {W::AccessLevel, holder.kindName()},
                              {W::AccessRules, rulesToJson(rules)},
                              {W::Version, rulesVersion(rules)}});
}

ApiResponse visibilityAnswer(const Holder &holder, const QList<UnitRef> &units)
{
    return ApiResponse::json({{W::AccessHolder, holder.toString()},
                              {W::Units, unitsToJson(units)},
                              {W::Version, unitsVersion(units)}});
}

QString changeWhat(const Holder &holder)
{
    return QStringLiteral("change the rules and visibility of %1").arg(holder.toString());
}

// ---- Rules and visibility of one holder -------------------------------------

Result<RoutePlan> rulesPlan(const ApiRequest &request, const Holder &holder,
                            std::optional<EntityRef> entity, const AccessModel &access)
{
    const AccessModel *model = &access;
    const Caller caller = callerOf(request);
    if (request.method == HttpMethod::Get) {
        return RoutePlan{
            {}, [=](EntityStore &store) {
                if (entity) {
                    if (auto s = checkEntity(store, *model, caller, *entity, Need::Read, {}); !s)
                        return ApiResponse::fromError(s.error());
                }
                auto rules = AccessStore(store.database()).rules(holder);
                if (!rules)
                    return ApiResponse::fromError(rules.error());
                return rulesAnswer(holder, *rules);
            }};
    }
    if (request.method != HttpMethod::Put)
        return methodNotAllowed(request, "GET, PUT");
    const QString what = QStringLiteral("The rules of %1").arg(holder.toString());
    if (auto s = checkFields(request.json, what,
                             {W::AccessRules, W::Version, W::AccessHolder, W::AccessLevel});
        !s)
        return s.error();
    auto array = arrayField(request.json, W::AccessRules, what, true);
    if (!array)
        return array.error();
    auto parsed = rulesFromJson(*array, holder, W::AccessRules);
    if (!parsed)
        return parsed.error();
    auto version = versionField(request.json);
    if (!version)
        return version.error();
    const QList<Rule> rules = *parsed;
    const QString expected = *version;
    return RoutePlan{{}, [=](EntityStore &store) {
                         if (entity) {
                             if (auto s = checkEntity(store, *model, caller, *entity,
                                                      Need::Administrator, changeWhat(holder));
                                 !s)
                                 return ApiResponse::fromError(s.error());
                         }
                         AccessStore accessStore(store.database());
                         if (!expected.isEmpty()) {
                             auto current = accessStore.rules(holder);
                             if (!current)
                                 return ApiResponse::fromError(current.error());
                             if (rulesVersion(*current) != expected)
                                 return ApiResponse::fromError(staleVersion(
                                     QStringLiteral("rules of %1").arg(holder.toString())));
                         }
                         if (auto s = checkRuleReferences(store, holder, rules, W::AccessRules); !s)
                             return ApiResponse::fromError(s.error());
                         if (auto s = accessStore.setRules(holder, rules); !s)
                             return ApiResponse::fromError(s.error());
                         auto stored = accessStore.rules(holder);
                         if (!stored)
                             return ApiResponse::fromError(stored.error());
                         ApiResponse r = rulesAnswer(holder, *stored);
                         r.accessChanges << AccessChange::rules(holder);
                         r.events << holderEvent(W::EventPermissionsChanged, holder);
                         return r;
                     }};
}

Result<RoutePlan> visibilityPlan(const ApiRequest &request, const Holder &holder,
                                 std::optional<EntityRef> entity, const AccessModel &access)
{
    const AccessModel *model = &access;
    const Caller caller = callerOf(request);
    if (request.method == HttpMethod::Get) {
        return RoutePlan{
            {}, [=](EntityStore &store) {
                if (entity) {
                    if (auto s = checkEntity(store, *model, caller, *entity, Need::Read, {}); !s)
                        return ApiResponse::fromError(s.error());
                }
                auto units = AccessStore(store.database()).visibility(holder);
                if (!units)
                    return ApiResponse::fromError(units.error());
                return visibilityAnswer(holder, *units);
            }};
    }
    if (request.method != HttpMethod::Put)
        return methodNotAllowed(request, "GET, PUT");
    const QString what = QStringLiteral("The visibility of %1").arg(holder.toString());
    if (auto s = checkFields(request.json, what, {W::Units, W::Version, W::AccessHolder}); !s)
        return s.error();
    auto array = arrayField(request.json, W::Units, what, true);
    if (!array)
        return array.error();
    auto parsed = unitsFromJson(*array, W::Units);
    if (!parsed)
        return parsed.error();
    auto version = versionField(request.json);
    if (!version)
        return version.error();
    const QList<UnitRef> units = *parsed;
    const QString expected = *version;
    return RoutePlan{
        {}, [=](EntityStore &store) {
            if (entity) {
                if (auto s = checkEntity(store, *model, caller, *entity, Need::Administrator,
                                         changeWhat(holder));
                    !s)
                    return ApiResponse::fromError(s.error());
            }
            AccessStore accessStore(store.database());
            if (!expected.isEmpty()) {
                auto current = accessStore.visibility(holder);
                if (!current)
                    return ApiResponse::fromError(current.error());
                if (unitsVersion(*current) != expected)
                    return ApiResponse::fromError(staleVersion(
                        QStringLiteral("visibility units of %1").arg(holder.toString())));
            }
            UnitDirectory directory(store);
            for (qsizetype i = 0; i < units.size(); ++i) {
                if (auto s = directory.exists(units.at(i)); !s)
                    return ApiResponse::fromError(
                        makeError(s.error().code,
                                  QStringLiteral("units[%1]: %2").arg(i).arg(s.error().message)));
            }
            if (auto s = accessStore.setVisibility(holder, units); !s)
                return ApiResponse::fromError(s.error());
            auto stored = accessStore.visibility(holder);
            if (!stored)
                return ApiResponse::fromError(stored.error());
            ApiResponse r = visibilityAnswer(holder, *stored);
            r.accessChanges << AccessChange::visibility(holder);
            r.events << holderEvent(W::EventVisibilityChanged, holder);
            return r;
        }};
}

// ---- Export and import of an entity's security ------------------------------

QList<Principal> principalsOf(const QList<Rule> &rules, QList<Principal> into)
{
    for (const Rule &r : rules) {
        if (!into.contains(r.principal))
            into.append(r.principal);
    }
    return into;
}

ApiResponse exportSecurity(EntityStore &store, const EntityRef &ref)
{
    AccessStore accessStore(store.database());
    const bool isTemplate = ref.collection == W::ThingTemplates;
    const Holder own = Holder::entity(ref);
    auto rules = accessStore.rules(own);
    auto visibility = accessStore.visibility(own);
    if (!rules)
        return ApiResponse::fromError(rules.error());
    if (!visibility)
        return ApiResponse::fromError(visibility.error());
    QList<Rule> instanceRules;
    QList<UnitRef> instanceVisibility;
    if (isTemplate) {
        const Holder instance = Holder::templateInstance(ref.name);
        auto ir = accessStore.rules(instance);
        auto iv = accessStore.visibility(instance);
        if (!ir)
            return ApiResponse::fromError(ir.error());
        if (!iv)
            return ApiResponse::fromError(iv.error());
        instanceRules = *ir;
        instanceVisibility = *iv;
    }
    QList<Principal> principals = principalsOf(instanceRules, principalsOf(*rules, {}));
    std::sort(principals.begin(), principals.end(), [](const Principal &a, const Principal &b) {
        return std::tie(a.kind, a.name) < std::tie(b.kind, b.name);
    });
    QStringList units;
    for (const UnitRef &u : *visibility + instanceVisibility) {
        if (!units.contains(u.toString()))
            units << u.toString();
    }
    units.sort();
    QJsonObject document{{W::AccessFormat, W::AccessSecurityFormat},
                         {W::AccessEntity, ref.toString()},
                         {W::AccessRules, rulesToJson(*rules)},
                         {W::AccessVisibility, unitsToJson(*visibility)}};
    if (isTemplate) {
        document.insert(W::AccessInstanceRules, rulesToJson(instanceRules));
        document.insert(W::AccessInstanceVisibility, unitsToJson(instanceVisibility));
    }
    document.insert(W::AccessPrincipals, principalsToJson(principals));
    document.insert(W::Units, QJsonArray::fromStringList(units));
    return ApiResponse::json(document);
}

// One principal, unit or member an import names that does not exist here.
struct MissingReference
{
    QString type; // "User", "Group", "Unit", "Member"
    QString name;
    int rules = 0;
    int grants = 0;
};

struct ImportPart
{
    Holder holder;
    QList<Rule> rules;
    QList<UnitRef> units;
};

QString describeMissing(const MissingReference &m)
{
    if (m.type == u"Unit")
        return QStringLiteral("unit '%1'").arg(m.name);
    if (m.type == u"Member")
        return QStringLiteral("member '%1'").arg(m.name);
    return QStringLiteral("%1 '%2'").arg(m.type, m.name);
}

ApiResponse importSecurity(EntityStore &store, const EntityRef &ref, QList<ImportPart> parts,
                           bool skipMissing)
{
    QList<MissingReference> missing;
    auto note = [&missing](const QString &type, const QString &name) -> MissingReference & {
        for (auto &m : missing) {
            if (m.type == type && m.name == name)
                return m;
        }
        missing.append({type, name, 0, 0});
        return missing.last();
    };
    // Everything is checked before anything is written.
    QHash<QString, bool> principalKnown;
    UnitDirectory directory(store);
    QList<QList<bool>> keepRule;
    QList<QList<bool>> keepUnit;
    for (const ImportPart &part : parts) {
        std::optional<MemberDirectory> members;
        QList<bool> keep;
        const QLatin1StringView field = part.holder.kind == HolderKind::TemplateInstance
                                            ? W::AccessInstanceRules
                                            : W::AccessRules;
        for (qsizetype i = 0; i < part.rules.size(); ++i) {
            const Rule &rule = part.rules.at(i);
            bool kept = true;
            const QString type = Access::principalKindName(rule.principal.kind);
            const QString key = type + u'/' + rule.principal.name;
            if (!principalKnown.contains(key)) {
                const Status s = principalExists(store, rule.principal);
                if (!s && s.error().code != ErrorCode::NotFound)
                    return ApiResponse::fromError(s.error());
                principalKnown.insert(key, bool(s));
            }
            if (!principalKnown.value(key)) {
                ++note(type, rule.principal.name).rules;
                kept = false;
            }
            if (!rule.member.isEmpty()) {
                if (!members) {
                    members.emplace(store, part.holder);
                    if (members->error())
                        return ApiResponse::fromError(*members->error());
                }
                if (!members->exists(rule.member)) {
                    ++note(QStringLiteral("Member"), rule.member).rules;
                    kept = false;
                } else if (auto s = members->fits(rule, QStringLiteral("%1[%2]").arg(field).arg(i));
                           !s) {
                    return ApiResponse::fromError(s.error());
                }
            }
            keep << kept;
        }
        keepRule << keep;
        QList<bool> unitsKept;
        for (const UnitRef &unit : part.units) {
            const Status s = directory.exists(unit);
            if (!s && s.error().code != ErrorCode::NotFound)
                return ApiResponse::fromError(s.error());
            if (!s)
                ++note(QStringLiteral("Unit"), unit.toString()).grants;
            unitsKept << bool(s);
        }
        keepUnit << unitsKept;
    }
    if (!missing.isEmpty() && !skipMissing) {
        QStringList names;
        QJsonArray list;
        bool members = false;
        for (const auto &m : missing) {
            names << describeMissing(m);
            list.append(QJsonObject{{W::Type, m.type}, {W::Name, m.name}});
            members = members || m.type == u"Member";
        }
        const QString message =
            QStringLiteral("The import names %1 %2 that do not exist here: %3. Create them, or "
                           "import with ?skipMissing=true to leave out the rules and grants "
                           "that name them.")
                .arg(missing.size())
                .arg(members ? QStringLiteral("principals, units or members")
                             : QStringLiteral("principals or units"),
                     names.join(QStringLiteral(", ")));
        return ApiResponse::json({{W::Error, QJsonObject{{W::Code, W::AccessMissingReferences},
                                                         {W::Message, message},
                                                         {W::AccessMissing, list}}}},
                                 409);
    }
    AccessStore accessStore(store.database());
    QJsonObject applied;
    ApiResponse r;
    for (qsizetype p = 0; p < parts.size(); ++p) {
        const ImportPart &part = parts.at(p);
        QList<Rule> rules;
        for (qsizetype i = 0; i < part.rules.size(); ++i) {
            if (keepRule.at(p).at(i))
                rules << part.rules.at(i);
        }
        QList<UnitRef> units;
        for (qsizetype i = 0; i < part.units.size(); ++i) {
            if (keepUnit.at(p).at(i))
                units << part.units.at(i);
        }
        if (auto s = accessStore.setRules(part.holder, rules); !s)
            return ApiResponse::fromError(s.error());
        if (auto s = accessStore.setVisibility(part.holder, units); !s)
            return ApiResponse::fromError(s.error());
        const bool instance = part.holder.kind == HolderKind::TemplateInstance;
        applied.insert(instance ? W::AccessInstanceRules : W::AccessRules, int(rules.size()));
        applied.insert(instance ? W::AccessInstanceVisibility : W::AccessVisibility,
                       int(units.size()));
        r.accessChanges << AccessChange::rules(part.holder)
                        << AccessChange::visibility(part.holder);
        r.events << holderEvent(W::EventPermissionsChanged, part.holder)
                 << holderEvent(W::EventVisibilityChanged, part.holder);
    }
    QJsonArray skipped;
    for (const auto &m : missing) {
        QJsonObject o{{W::Type, m.type}, {W::Name, m.name}};
        if (m.rules > 0)
            o.insert(W::AccessRules, m.rules);
        if (m.grants > 0)
            o.insert(W::AccessGrants, m.grants);
        skipped.append(o);
    }
    const ApiResponse answer = ApiResponse::json({{W::AccessEntity, ref.toString()},
                                                  {W::AccessApplied, applied},
                                                  {W::AccessSkipped, skipped}});
    r.status = answer.status;
    r.body = answer.body;
    return r;
}

Result<RoutePlan> securityPlan(const ApiRequest &request, const EntityRef &ref,
                               const AccessModel &access)
{
    const AccessModel *model = &access;
    const Caller caller = callerOf(request);
    if (request.method == HttpMethod::Get) {
        return RoutePlan{{}, [=](EntityStore &store) {
                             if (auto s = checkEntity(store, *model, caller, ref, Need::Read, {});
                                 !s)
                                 return ApiResponse::fromError(s.error());
                             return exportSecurity(store, ref);
                         }};
    }
    if (request.method != HttpMethod::Put)
        return methodNotAllowed(request, "GET, PUT");

    const bool isTemplate = ref.collection == W::ThingTemplates;
    const QString what = QStringLiteral("The security document");
    QStringList fields{W::AccessFormat,     W::AccessEntity,     W::AccessRules,
                       W::AccessVisibility, W::AccessPrincipals, W::Units};
    if (isTemplate)
        fields << W::AccessInstanceRules << W::AccessInstanceVisibility;
    if (auto s = checkFields(request.json, what, fields); !s)
        return s.error();
    if (request.json.value(W::AccessFormat).toString() != W::AccessSecurityFormat)
        return badRequest(QStringLiteral("The security document needs \"format\": \"%1\" (what "
                                         "GET %2/Security answers).")
                              .arg(W::AccessSecurityFormat, ref.toString()));
    const QString skip = request.query.queryItemValue(W::AccessSkipMissing);
    if (!skip.isEmpty() && skip != u"true" && skip != u"false")
        return badRequest(QStringLiteral("skipMissing must be true or false."));

    QList<ImportPart> parts;
    const Holder own = Holder::entity(ref);
    auto rulesArray = arrayField(request.json, W::AccessRules, what, false);
    if (!rulesArray)
        return rulesArray.error();
    auto rules = rulesFromJson(*rulesArray, own, W::AccessRules);
    if (!rules)
        return rules.error();
    auto unitsArray = arrayField(request.json, W::AccessVisibility, what, false);
    if (!unitsArray)
        return unitsArray.error();
    auto units = unitsFromJson(*unitsArray, W::AccessVisibility);
    if (!units)
        return units.error();
    parts.append({own, *rules, *units});
    if (isTemplate) {
        const Holder instance = Holder::templateInstance(ref.name);
        auto ir = arrayField(request.json, W::AccessInstanceRules, what, false);
        if (!ir)
            return ir.error();
        auto instanceRules = rulesFromJson(*ir, instance, W::AccessInstanceRules);
        if (!instanceRules)
            return instanceRules.error();
        auto iv = arrayField(request.json, W::AccessInstanceVisibility, what, false);
        if (!iv)
            return iv.error();
        auto instanceUnits = unitsFromJson(*iv, W::AccessInstanceVisibility);
        if (!instanceUnits)
            return instanceUnits.error();
        parts.append({instance, *instanceRules, *instanceUnits});
    }
    const bool skipMissing = skip == u"true";
    return RoutePlan{{}, [=](EntityStore &store) {
                         if (auto s = checkEntity(store, *model, caller, ref, Need::Administrator,
                                                  changeWhat(own));
                             !s)
                             return ApiResponse::fromError(s.error());
                         return importSecurity(store, ref, parts, skipMissing);
                     }};
}

// ---- Units ------------------------------------------------------------------

QJsonObject unitToJson(const OrganizationalUnit &u)
{
    QJsonObject o{{W::Name, u.name}, {W::Description, u.description}};
    o.insert(W::Parent, u.parent.isEmpty() ? QJsonValue() : QJsonValue(u.parent));
    return o;
}

// The organization exists and, for a non-administrator, is visible (404);
// everything under its Units is for administrators only (403).
Status checkOrganization(EntityStore &store, const AccessModel &model, const Caller &caller,
                         const QString &organization, const QString &what)
{
    return checkEntity(store, model, caller, {QString(W::Organizations), organization},
                       Need::Administrator, what);
}

Result<QString> optionalUnitName(const QJsonObject &body, QLatin1StringView field)
{
    const QJsonValue v = body.value(field);
    if (v.isUndefined() || v.isNull())
        return QString();
    if (!v.isString())
        return badRequest(QStringLiteral("'%1' must be the name of a unit.").arg(field));
    if (auto s = Names::validate(QStringLiteral("organizational unit"), v.toString()); !s)
        return s.error();
    return v.toString();
}

Result<std::optional<QString>> optionalDescription(const QJsonObject &body)
{
    const QJsonValue v = body.value(W::Description);
    if (v.isUndefined())
        return std::optional<QString>();
    if (!v.isString() && !v.isNull())
        return badRequest(QStringLiteral("'description' must be a string."));
    if (v.toString().size() > 4096)
        return badRequest(QStringLiteral("'description' is longer than 4096 characters."));
    return std::optional<QString>(v.toString());
}

ApiResponse organizationChanged(ApiResponse r, const QString &organization)
{
    r.accessChanges << AccessChange::of(AccessChange::Kind::Organizations);
    r.events << entityEvent(W::EventEntityUpdated, W::Organizations, organization);
    return r;
}

Result<RoutePlan> unitList(const ApiRequest &request, const AccessModel *model)
{
    const Caller caller = callerOf(request);
    const QString org = request.arguments.at(0);
    if (request.method == HttpMethod::Get) {
        return RoutePlan{
            {}, [=](EntityStore &store) {
                if (auto s =
                        checkOrganization(store, *model, caller, org, QStringLiteral("read units"));
                    !s)
                    return ApiResponse::fromError(s.error());
                auto units = UnitDirectory(store).unitsOf(org);
                if (!units)
                    return ApiResponse::fromError(units.error());
                QJsonArray items;
                for (const OrganizationalUnit &u : *units)
                    items.append(unitToJson(u));
                return ApiResponse::json({{W::AccessOrganization, org}, {W::Items, items}});
            }};
    }
    if (request.method != HttpMethod::Post)
        return methodNotAllowed(request, "GET, POST");
    const QString what = QStringLiteral("The new unit");
    if (auto s = checkFields(request.json, what, {W::Name, W::Parent, W::Description}); !s)
        return s.error();
    auto name = optionalUnitName(request.json, W::Name);
    if (!name)
        return name.error();
    auto parent = optionalUnitName(request.json, W::Parent);
    if (!parent)
        return parent.error();
    auto description = optionalDescription(request.json);
    if (!description)
        return description.error();
    if (name->isEmpty() || parent->isEmpty())
        return badRequest(QStringLiteral("A new unit needs a 'name' and a 'parent' (the root "
                                         "unit bears the organization's name, '%1').")
                              .arg(org));
    const OrganizationalUnit unit{*name, description->value_or(QString()), *parent};
    return RoutePlan{
        {}, [=](EntityStore &store) {
            if (auto s =
                    checkOrganization(store, *model, caller, org, QStringLiteral("create units"));
                !s)
                return ApiResponse::fromError(s.error());
            UnitDirectory directory(store);
            if (auto s = directory.exists({org, unit.parent}); !s)
                return ApiResponse::fromError(s.error());
            if (directory.exists({org, unit.name}))
                return ApiResponse::fromError(
                    makeError(ErrorCode::Conflict,
                              QStringLiteral("Unit '%1/%2' exists already.").arg(org, unit.name)));
            if (auto s = AccessStore(store.database()).createUnit(org, unit); !s)
                return ApiResponse::fromError(s.error());
            ApiResponse r = ApiResponse::json(unitToJson(unit), 201);
            r.headers.append({QByteArray("Location"), QByteArray("/api/Organizations/") +
                                                          org.toUtf8() + "/Units/" +
                                                          unit.name.toUtf8()});
            return organizationChanged(r, org);
        }};
}

Result<RoutePlan> unitItem(const ApiRequest &request, const AccessModel *model)
{
    const Caller caller = callerOf(request);
    const QString org = request.arguments.at(0);
    const UnitRef ref{org, request.arguments.at(2)};
    if (request.method == HttpMethod::Get) {
        return RoutePlan{{}, [=](EntityStore &store) {
                             if (auto s = checkOrganization(store, *model, caller, org,
                                                            QStringLiteral("read units"));
                                 !s)
                                 return ApiResponse::fromError(s.error());
                             auto unit = UnitDirectory(store).unit(ref);
                             return unit ? ApiResponse::json(unitToJson(*unit))
                                         : ApiResponse::fromError(unit.error());
                         }};
    }
    if (request.method == HttpMethod::Delete) {
        return RoutePlan{{}, [=](EntityStore &store) {
                             if (auto s = checkOrganization(store, *model, caller, org,
                                                            QStringLiteral("delete units"));
                                 !s)
                                 return ApiResponse::fromError(s.error());
                             auto unit = UnitDirectory(store).unit(ref);
                             if (!unit)
                                 return ApiResponse::fromError(unit.error());
                             if (unit->parent.isEmpty())
                                 return ApiResponse::fromError(makeError(
                                     ErrorCode::Conflict,
                                     QStringLiteral("'%1' is the root unit of organization "
                                                    "'%2': it goes only with the organization.")
                                         .arg(ref.toString(), org)));
                             if (auto s = AccessStore(store.database()).deleteUnit(ref); !s)
                                 return ApiResponse::fromError(s.error());
                             return organizationChanged(ApiResponse::noContent(), org);
                         }};
    }
    if (request.method != HttpMethod::Put)
        return methodNotAllowed(request, "GET, PUT, DELETE");
    const QString what = QStringLiteral("The change of unit '%1'").arg(ref.toString());
    if (auto s = checkFields(request.json, what, {W::Name, W::Parent, W::Description}); !s)
        return s.error();
    auto newName = optionalUnitName(request.json, W::Name);
    if (!newName)
        return newName.error();
    auto newParent = optionalUnitName(request.json, W::Parent);
    if (!newParent)
        return newParent.error();
    auto description = optionalDescription(request.json);
    if (!description)
        return description.error();
    if (newName->isEmpty() && newParent->isEmpty() && !*description)
        return badRequest(QStringLiteral("Change a unit with any of 'name' (rename), 'parent' "
                                         "(move) and 'description'."));
    const QString name = *newName;
    const QString parent = *newParent;
    const std::optional<QString> describe = *description;
    return RoutePlan{
        {}, [=](EntityStore &store) {
            if (auto s =
                    checkOrganization(store, *model, caller, org, QStringLiteral("change units"));
                !s)
                return ApiResponse::fromError(s.error());
            UnitDirectory directory(store);
            auto unit = directory.unit(ref);
            if (!unit)
                return ApiResponse::fromError(unit.error());
            const bool rename = !name.isEmpty() && name != unit->name;
            const bool move = !parent.isEmpty() && parent != unit->parent;
            if (unit->parent.isEmpty() && (rename || move))
                return ApiResponse::fromError(makeError(
                    ErrorCode::Conflict,
                    QStringLiteral("'%1' is the root unit: it bears the organization's name and "
                                   "cannot be renamed or moved.")
                        .arg(ref.toString())));
            AccessStore accessStore(store.database());
            if (describe && *describe != unit->description) {
                if (auto s = accessStore.describeUnit(ref, *describe); !s)
                    return ApiResponse::fromError(s.error());
                unit->description = *describe;
            }
            if (move) {
                if (auto s = directory.exists({org, parent}); !s)
                    return ApiResponse::fromError(s.error());
                if (auto s = accessStore.moveUnit(ref, parent); !s)
                    return ApiResponse::fromError(s.error());
                unit->parent = parent;
            }
            if (rename) {
                if (directory.exists({org, name}))
                    return ApiResponse::fromError(
                        makeError(ErrorCode::Conflict,
                                  QStringLiteral("Unit '%1/%2' exists already.").arg(org, name)));
                if (auto s = accessStore.renameUnit(ref, name); !s)
                    return ApiResponse::fromError(s.error());
                unit->name = name;
            }
            // Organizations covers the grants that followed a rename.
            return organizationChanged(ApiResponse::json(unitToJson(*unit)), org);
        }};
}

ApiResponse unitMembersAnswer(const UnitRef &unit, const QList<Principal> &members)
{
    return ApiResponse::json({{W::AccessUnit, unit.toString()},
                              {W::Members, principalsToJson(members)},
                              {W::Version, principalsVersion(members)}});
}

Result<RoutePlan> unitMembers(const ApiRequest &request, const AccessModel *model)
{
    const Caller caller = callerOf(request);
    const QString org = request.arguments.at(0);
    const UnitRef ref{org, request.arguments.at(2)};
    if (request.method == HttpMethod::Get) {
        return RoutePlan{{}, [=](EntityStore &store) {
                             if (auto s = checkOrganization(store, *model, caller, org,
                                                            QStringLiteral("read unit members"));
                                 !s)
                                 return ApiResponse::fromError(s.error());
                             if (auto s = UnitDirectory(store).exists(ref); !s)
                                 return ApiResponse::fromError(s.error());
                             auto members = AccessStore(store.database()).unitMembers(ref);
                             return members ? unitMembersAnswer(ref, *members)
                                            : ApiResponse::fromError(members.error());
                         }};
    }
    if (request.method != HttpMethod::Put)
        return methodNotAllowed(request, "GET, PUT");
    const QString what = QStringLiteral("The members of unit '%1'").arg(ref.toString());
    if (auto s = checkFields(request.json, what, {W::Members, W::Version, W::AccessUnit}); !s)
        return s.error();
    auto members = principalsFromJson(request.json, what);
    if (!members)
        return members.error();
    auto version = versionField(request.json);
    if (!version)
        return version.error();
    const QList<Principal> list = *members;
    const QString expected = *version;
    return RoutePlan{
        {}, [=](EntityStore &store) {
            if (auto s = checkOrganization(store, *model, caller, org,
                                           QStringLiteral("change unit members"));
                !s)
                return ApiResponse::fromError(s.error());
            if (auto s = UnitDirectory(store).exists(ref); !s)
                return ApiResponse::fromError(s.error());
            AccessStore accessStore(store.database());
            if (!expected.isEmpty()) {
                auto current = accessStore.unitMembers(ref);
                if (!current)
                    return ApiResponse::fromError(current.error());
                if (principalsVersion(*current) != expected)
                    return ApiResponse::fromError(
                        staleVersion(QStringLiteral("members of unit %1").arg(ref.toString())));
            }
            for (qsizetype i = 0; i < list.size(); ++i) {
                if (auto s = principalExists(store, list.at(i)); !s)
                    return ApiResponse::fromError(
                        makeError(s.error().code,
                                  QStringLiteral("members[%1]: %2").arg(i).arg(s.error().message)));
            }
            if (auto s = accessStore.setUnitMembers(ref, list); !s)
                return ApiResponse::fromError(s.error());
            auto stored = accessStore.unitMembers(ref);
            if (!stored)
                return ApiResponse::fromError(stored.error());
            return organizationChanged(unitMembersAnswer(ref, *stored), org);
        }};
}

Result<RoutePlan> unitVisible(const ApiRequest &request, const AccessModel *model)
{
    if (request.method != HttpMethod::Get)
        return methodNotAllowed(request, "GET");
    const Caller caller = callerOf(request);
    const QString org = request.arguments.at(0);
    const UnitRef ref{org, request.arguments.at(2)};
    return RoutePlan{
        {}, [=](EntityStore &store) {
            if (auto s = checkOrganization(store, *model, caller, org,
                                           QStringLiteral("read what a unit sees"));
                !s)
                return ApiResponse::fromError(s.error());
            UnitDirectory directory(store);
            if (auto s = directory.exists(ref); !s)
                return ApiResponse::fromError(s.error());
            // A grant flows up: the unit's members see grants to it and to
            // every unit below it.
            auto tree = directory.unitsOf(org);
            if (!tree)
                return ApiResponse::fromError(tree.error());
            QList<UnitRef> below{ref};
            for (qsizetype i = 0; i < below.size(); ++i) {
                for (const OrganizationalUnit &u : *tree) {
                    if (!u.parent.isEmpty() && u.parent == below.at(i).unit)
                        below.append({org, u.name});
                }
            }
            auto grants = AccessStore(store.database()).grantsTo(below);
            if (!grants)
                return ApiResponse::fromError(grants.error());
            QList<QJsonObject> items;
            for (const auto &[holder, granted] : *grants) {
                const QJsonObject base{{W::AccessGrantedOn, holder.toString()},
                                       {W::AccessUnit, granted.toString()}};
                auto item = [&base](const QString &entity) {
                    QJsonObject o = base;
                    o.insert(W::AccessEntity, entity);
                    return o;
                };
                if (holder.kind == HolderKind::Entity) {
                    items << item(holder.collection + u'/' + holder.name);
                } else if (holder.kind == HolderKind::Collection) {
                    items << item(holder.collection); // every entity of the collection
                } else {
                    // Things built from the template or from one derived from it.
                    auto derived = store.derivedTemplates(holder.name);
                    if (!derived)
                        return ApiResponse::fromError(derived.error());
                    auto things = store.thingsUsingTemplates(QStringList{holder.name} + *derived);
                    if (!things)
                        return ApiResponse::fromError(things.error());
                    for (const QString &thing : *things)
                        items << item(QString(W::Things) + u'/' + thing);
                }
            }
            std::sort(items.begin(), items.end(), [](const QJsonObject &a, const QJsonObject &b) {
                return std::tuple(a.value(W::AccessEntity).toString(),
                                  a.value(W::AccessGrantedOn).toString()) <
                       std::tuple(b.value(W::AccessEntity).toString(),
                                  b.value(W::AccessGrantedOn).toString());
            });
            QJsonArray array;
            for (const QJsonObject &o : items)
                array.append(o);
            return ApiResponse::json({{W::AccessUnit, ref.toString()}, {W::Items, array}});
        }};
}

// ---- explain and effective --------------------------------------------------

struct Question
{
    QString user;
    QString entityText;           // as asked
    std::optional<EntityRef> ref; // empty: a collection alone
    QString collection;           // the collection alone, or the entity's
};

QJsonObject decisionJson(const Access::Decision &d, const QString &user, const Question &q,
                         Permission permission, const QString &member)
{
    QJsonObject o = d.toJson(user, q.ref.value_or(EntityRef{q.collection, {}}), permission, member);
    o.insert(W::AccessEntity, q.entityText);
    return o;
}

Access::Decision decideOne(const AccessModel &model, const Question &q, Permission permission,
                           const QString &member)
{
    if (permission == Permission::Create) {
        if (!q.ref)
            return model.decideCreate(q.user, q.collection);
        return model.decideCreate(q.user, QString(W::Things), q.ref->name);
    }
    return model.decide(q.user, *q.ref, permission, member);
}

// The permissions a kind of entity has, without members.
QList<Permission> permissionsFor(const Question &q)
{
    if (!q.ref)
        return {Permission::Create};
    QList<Permission> list;
    if (q.collection == W::ThingTemplates)
        list << Permission::Create;
    list << Permission::Read << Permission::Update << Permission::Delete;
    if (q.collection == W::Things) {
        for (Permission p : Access::allPermissions()) {
            if (Access::isRunTime(p))
                list << p;
        }
    }
    return list;
}

Result<RoutePlan> permissionQueryPlan(const ApiRequest &request, const AccessModel *model,
                                      bool explain)
{
    const Caller caller = callerOf(request);
    Question q;
    q.user = request.query.queryItemValue(W::User, QUrl::FullyDecoded);
    if (q.user.isEmpty())
        q.user = caller.user;
    // Before anything is looked up, so that nothing is revealed.
    if (!caller.administrator && q.user != caller.user)
        return onlyAdministrators(QStringLiteral("ask about another user's permissions; ask "
                                                 "about yourself (user=%1)")
                                      .arg(caller.user));
    q.entityText = request.query.queryItemValue(W::AccessEntity, QUrl::FullyDecoded);
    if (q.entityText.isEmpty())
        return badRequest(QStringLiteral("Name the entity: entity=Things/Boiler1 (or a "
                                         "collection alone, entity=Things, with "
                                         "permission=Create)."));
    if (!q.entityText.contains(u'/')) {
        q.collection = q.entityText;
    } else {
        q.ref = EntityRef::parse(q.entityText);
        if (!q.ref)
            return badRequest(QStringLiteral("'%1' is not an entity; write it as "
                                             "Collection/name, as in Things/Boiler1.")
                                  .arg(q.entityText.left(140)));
        q.collection = q.ref->collection;
    }
    if (!Access::isSecuredCollection(q.collection))
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("There is no collection '%1' with permissions; "
                                        "collections: %2.")
                             .arg(q.collection.left(64),
                                  Access::securedCollections().join(QStringLiteral(", "))));

    std::optional<Permission> permission;
    QString member;
    if (explain) {
        const QString text = request.query.queryItemValue(W::AccessPermission);
        permission = Access::permissionFromName(text);
        if (!permission)
            return badRequest(
                QStringLiteral("%1; permissions are %2.")
                    .arg(text.isEmpty()
                             ? QStringLiteral("Name the permission: permission=…")
                             : QStringLiteral("'%1' is not a permission").arg(text.left(64)),
                         permissionList()));
        member = request.query.queryItemValue(W::AccessMember, QUrl::FullyDecoded);
        if (*permission == Permission::Create) {
            if (q.ref && q.collection != W::ThingTemplates)
                return badRequest(
                    QStringLiteral(
                        "Create is asked of a collection (entity=Things: \"may the user create a "
                        "Thing without a template\") or of a template (entity=ThingTemplates/T: "
                        "\"may the user create Things from T\"), not of %1.")
                        .arg(q.entityText));
        } else if (!q.ref) {
            return badRequest(QStringLiteral("A collection alone is asked only about Create; "
                                             "for %1 name an entity (%2/name).")
                                  .arg(Access::permissionName(*permission), q.collection));
        } else if (Access::isRunTime(*permission) && q.collection != W::Things) {
            return badRequest(QStringLiteral("%1 is a run-time permission: it applies only to "
                                             "Things.")
                                  .arg(Access::permissionName(*permission)));
        }
        if (!member.isEmpty() && !Access::isRunTime(*permission))
            return badRequest(QStringLiteral("%1 applies to the whole entity, not to a member; "
                                             "leave out 'member'.")
                                  .arg(Access::permissionName(*permission)));
    }

    return RoutePlan{
        {}, [=](EntityStore &store) {
            const AccessModel &access = *model;
            // The entity asked about (for Create, the template), as the asker sees it.
            if (q.ref) {
                if (auto s = entityExists(store, *q.ref); !s)
                    return ApiResponse::fromError(s.error());
                if (!caller.administrator && !access.isVisible(caller.user, *q.ref))
                    return ApiResponse::fromError(Access::notFound(*q.ref));
            }
            if (caller.administrator && q.user != caller.user) {
                if (auto u = store.user(q.user); !u)
                    return ApiResponse::fromError(u.error());
            }
            // The members of a Thing (with inheritance), by name.
            std::optional<MemberDirectory> members;
            if (q.ref && q.collection == W::Things) {
                members.emplace(store, Holder::entity(*q.ref));
                if (members->error())
                    return ApiResponse::fromError(*members->error());
            }
            if (explain) {
                if (!member.isEmpty()) {
                    const Rule probe{{}, *permission, Access::Effect::Allow, member};
                    if (!members->exists(member))
                        return ApiResponse::fromError(
                            members->missing(member, QStringLiteral("member")));
                    if (auto s = members->fits(probe, QStringLiteral("member")); !s)
                        return ApiResponse::fromError(s.error());
                }
                const auto decision = decideOne(access, q, *permission, member);
                return ApiResponse::json(decisionJson(decision, q.user, q, *permission, member));
            }

            auto entry = [&](Permission p, const QString &m) {
                const QJsonObject d = decisionJson(decideOne(access, q, p, m), q.user, q, p, m);
                return QJsonObject{{W::AccessPermission, Access::permissionName(p)},
                                   {W::AccessDecision, d.value(W::AccessDecision)},
                                   {W::AccessResolution, d.value(W::AccessResolution)}};
            };
            QJsonObject answer{{W::User, q.user}, {W::AccessEntity, q.entityText}};
            if (q.ref)
                answer.insert(W::AccessVisibility, access.visibility(q.user, *q.ref).toJson());
            QJsonArray permissions;
            for (Permission p : permissionsFor(q))
                permissions.append(entry(p, {}));
            answer.insert(W::AccessPermissions, permissions);
            if (q.ref && q.collection == W::Things) {
                auto thing = effectiveThing(store, q.ref->name);
                if (!thing)
                    return ApiResponse::fromError(thing.error());
                QJsonArray list;
                auto add = [&](const QString &name, const QString &kind) {
                    QJsonArray perMember;
                    for (Permission p : Access::allPermissions()) {
                        if (Access::memberKindOf(p) == kind)
                            perMember.append(entry(p, name));
                    }
                    list.append(QJsonObject{{W::AccessMember, name},
                                            {W::AccessKind, kind},
                                            {W::AccessPermissions, perMember}});
                };
                for (const auto &p : thing->definitions.properties)
                    add(p.name, QStringLiteral("property"));
                for (const auto &s : thing->definitions.services)
                    add(s.name, QStringLiteral("service"));
                for (const auto &e : thing->definitions.events)
                    add(e.name, QStringLiteral("event"));
                answer.insert(W::Members, list);
            }
            return ApiResponse::json(answer);
        }};
}

Error noSuchPath(const ApiRequest &request, const QString &hint)
{
    return makeError(
        ErrorCode::NotFound,
        QStringLiteral("There is nothing at %1; %2").arg(request.path.left(200), hint));
}

} // namespace

Result<RoutePlan> entitySecurity(const ApiRequest &request, const AccessModel &access)
{
    const QStringList &args = request.arguments;
    if (args.size() != 3)
        return noSuchPath(request, QStringLiteral("use /api/{Collection}/{name}/Permissions."));
    const bool onCollection = args.at(0) == W::CollectionsPseudo;
    const QString collection = onCollection ? args.at(1) : args.at(0);
    const QString part = args.at(2);
    if (!Access::isSecuredCollection(collection))
        return makeError(
            ErrorCode::NotFound,
            QStringLiteral("There is no collection '%1' with rules and visibility; "
                           "collections: %2.")
                .arg(collection.left(64), Access::securedCollections().join(QStringLiteral(", "))));
    if (onCollection) {
        if (!request.administrator)
            return onlyAdministrators(
                QStringLiteral("read or change the rules and visibility of a collection"));
        const Holder holder = Holder::collectionOf(collection);
        if (part == W::PermissionsPart)
            return rulesPlan(request, holder, std::nullopt, access);
        if (part == W::VisibilityPart)
            return visibilityPlan(request, holder, std::nullopt, access);
        return noSuchPath(request, QStringLiteral("a collection has Permissions and Visibility."));
    }
    const EntityRef ref{collection, args.at(1)};
    const bool isTemplate = collection == W::ThingTemplates;
    if (part == W::PermissionsPart)
        return rulesPlan(request, Holder::entity(ref), ref, access);
    if (part == W::VisibilityPart)
        return visibilityPlan(request, Holder::entity(ref), ref, access);
    if (part == W::SecurityPart)
        return securityPlan(request, ref, access);
    if (isTemplate && part == W::InstancePermissionsPart)
        return rulesPlan(request, Holder::templateInstance(ref.name), ref, access);
    if (isTemplate && part == W::InstanceVisibilityPart)
        return visibilityPlan(request, Holder::templateInstance(ref.name), ref, access);
    return noSuchPath(
        request, isTemplate ? QStringLiteral("a template has Permissions, Visibility, Security, "
                                             "InstancePermissions and InstanceVisibility.")
                            : QStringLiteral("an entity has Permissions, Visibility and Security "
                                             "(instance ones are a ThingTemplate's)."));
}

Result<RoutePlan> organizationUnits(const ApiRequest &request, const AccessModel &access)
{
    const QStringList &args = request.arguments;
    if (args.size() == 2)
        return unitList(request, &access);
    if (args.size() == 3)
        return unitItem(request, &access);
    if (args.size() == 4 && args.at(3) == W::MembersPart)
        return unitMembers(request, &access);
    if (args.size() == 4 && args.at(3) == W::VisiblePart)
        return unitVisible(request, &access);
    return noSuchPath(request, QStringLiteral("a unit has Members and Visible."));
}

Result<RoutePlan> groupMembers(const ApiRequest &request, const AccessModel &access)
{
    const AccessModel *model = &access;
    const Caller caller = callerOf(request);
    const QString name = request.arguments.value(1);
    const EntityRef ref{QString(W::Groups), name};
    auto answer = [](const Group &g) {
        return ApiResponse::json({{W::AccessGroup, g.name},
                                  {W::Members, principalsToJson(g.members)},
                                  {W::Version, principalsVersion(g.members)}});
    };
    if (request.method == HttpMethod::Get) {
        return RoutePlan{{}, [=](EntityStore &store) {
                             if (auto s = checkEntity(store, *model, caller, ref, Need::Read, {});
                                 !s)
                                 return ApiResponse::fromError(s.error());
                             auto group = store.group(name);
                             return group ? answer(*group) : ApiResponse::fromError(group.error());
                         }};
    }
    if (request.method != HttpMethod::Put)
        return methodNotAllowed(request, "GET, PUT");
    const QString what = QStringLiteral("The members of group '%1'").arg(name);
    if (auto s = checkFields(request.json, what, {W::Members, W::Version, W::AccessGroup}); !s)
        return s.error();
    auto members = principalsFromJson(request.json, what);
    if (!members)
        return members.error();
    auto version = versionField(request.json);
    if (!version)
        return version.error();
    const QList<Principal> list = *members;
    const QString expected = *version;
    return RoutePlan{
        {}, [=](EntityStore &store) {
            if (auto s = checkEntity(store, *model, caller, ref, Need::Administrator,
                                     QStringLiteral("change group members"));
                !s)
                return ApiResponse::fromError(s.error());
            auto group = store.group(name);
            if (!group)
                return ApiResponse::fromError(group.error());
            if (!expected.isEmpty() && principalsVersion(group->members) != expected)
                return ApiResponse::fromError(
                    staleVersion(QStringLiteral("members of group %1").arg(name)));
            if (name == W::AdministratorsGroup &&
                !list.contains(Principal{MemberKind::User, QString(W::AdministratorUser)}))
                return ApiResponse::fromError(
                    makeError(ErrorCode::Conflict, QStringLiteral("The Administrator user cannot "
                                                                  "leave the Administrators "
                                                                  "group.")));
            Group changed = *group;
            changed.members = list;
            changed.modified = QDateTime::currentDateTimeUtc();
            if (auto s = store.updateGroup(changed); !s)
                return ApiResponse::fromError(s.error());
            auto stored = store.group(name);
            if (!stored)
                return ApiResponse::fromError(stored.error());
            ApiResponse r = answer(*stored);
            r.accessChanges << AccessChange::of(AccessChange::Kind::Principals);
            r.events << entityEvent(W::EventEntityUpdated, W::Groups, name);
            return r;
        }};
}

Result<RoutePlan> permissionQuery(const ApiRequest &request, const AccessModel &access)
{
    if (request.method != HttpMethod::Get)
        return methodNotAllowed(request, "GET");
    const QString which = request.arguments.value(1);
    if (which == W::ExplainQuery)
        return permissionQueryPlan(request, &access, true);
    if (which == W::EffectiveQuery)
        return permissionQueryPlan(request, &access, false);
    return noSuchPath(request, QStringLiteral("ask /api/Permissions/explain or "
                                              "/api/Permissions/effective."));
}

} // namespace Bulwark::Routes
