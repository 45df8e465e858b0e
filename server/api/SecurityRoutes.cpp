// The REST routes for the rules and visibility of an entity or collection,
// and the export and import of an entity's security (docs/rest-api.md,
// "Permissions and visibility"). Every check that depends on what exists (the
// entity, its visibility, principals, units, members) runs in the storage
// work, inside the request's transaction, so that what is checked is what is
// written. Units and members are in UnitRoutes.cpp, explain and effective in
// PermissionQueryRoutes.cpp.
#include "SecurityRoutes.h"

#include "SecurityRoutes_p.h"
#include "core/Names.h"
#include "storage/AccessStore.h"

#include <QJsonArray>

#include <map>

namespace Bulwark::Routes {

using namespace Authz;

namespace {

// ---- Parsing rules and units ------------------------------------------------

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
        principalFromJson(o.value(W::AccessPrincipal), what + QStringLiteral(": 'principal'"));
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

// ---- What rules name --------------------------------------------------------

// The principals and members the rules of one holder name, each looked up
// once. A PUT of rules refuses what is missing; an import may skip it.
class RuleReferences final
{
public:
    RuleReferences(EntityStore &store, const Holder &holder)
        : m_store(store)
        , m_holder(holder)
    {}

    // The principal's lookup: NotFound when it is missing.
    Status principal(const Principal &p)
    {
        const QString key = Access::principalKindName(p.kind) + u'/' + p.name;
        if (const auto it = m_principals.constFind(key); it != m_principals.cend())
            return *it;
        const Status s = principalExists(m_store, p);
        m_principals.insert(key, s);
        return s;
    }
    // The holder's members, read at the first rule that names one.
    Result<const MemberDirectory *> members()
    {
        if (!m_members)
            m_members.emplace(m_store, m_holder);
        if (m_members->error())
            return *m_members->error();
        return &*m_members;
    }

private:
    EntityStore &m_store;
    Holder m_holder;
    QHash<QString, Status> m_principals;
    std::optional<MemberDirectory> m_members;
};

// Principals and members of rules exist, and members fit (in index order).
Status checkRuleReferences(EntityStore &store, const Holder &holder, const QList<Rule> &rules,
                           QLatin1StringView field)
{
    RuleReferences references(store, holder);
    for (qsizetype i = 0; i < rules.size(); ++i) {
        const Rule &rule = rules.at(i);
        const QString what = QStringLiteral("%1[%2]").arg(field).arg(i);
        if (auto s = references.principal(rule.principal); !s)
            return makeError(s.error().code, QStringLiteral("%1: %2").arg(what, s.error().message));
        if (rule.member.isEmpty())
            continue;
        auto members = references.members();
        if (!members)
            return members.error();
        if (!(*members)->exists(rule.member))
            return (*members)->missing(rule.member, what);
        if (auto s = (*members)->fits(rule, what); !s)
            return s;
    }
    return {};
}

// ---- Rules and visibility of one holder -------------------------------------

QJsonObject holderEvent(QLatin1StringView type, const Holder &holder)
{
    return {{W::Type, type},
            {W::Collection, holder.collection},
            {W::Name, holder.name},
            {W::AccessHolder, holder.toString()}};
}

QString changeWhat(const Holder &holder)
{
    return QStringLiteral("change the rules and visibility of %1").arg(holder.toString());
}

// The check of a holder's lists: entity, when set, must exist and be visible
// and readable, or changeable by the caller. A collection's lists have none:
// entitySecurity lets only administrators at them.
std::function<Status(EntityStore &, Need)> holderCheck(const ApiRequest &request,
                                                       const Holder &holder,
                                                       const std::optional<EntityRef> &entity,
                                                       const AccessModel &access)
{
    return [model = &access, caller = callerOf(request), holder, entity](EntityStore &store,
                                                                         Need need) -> Status {
        if (!entity)
            return {};
        return checkEntity(store, *model, caller, *entity, need, changeWhat(holder));
    };
}

Result<RoutePlan> rulesPlan(const ApiRequest &request, const Holder &holder,
                            const std::optional<EntityRef> &entity, const AccessModel &access)
{
    return listPlan<Rule>(
        request,
        {.what = QStringLiteral("The rules of %1").arg(holder.toString()),
         .field = W::AccessRules,
         .about = {{W::AccessHolder, holder.toString()}, {W::AccessLevel, holder.kindName()}},
         .staleWhat = QStringLiteral("rules of %1").arg(holder.toString()),
         .parse =
             [holder](const QJsonArray &a) { return rulesFromJson(a, holder, W::AccessRules); },
         .check = holderCheck(request, holder, entity, access),
         .read =
             [holder](EntityStore &store) { return AccessStore(store.database()).rules(holder); },
         .checkItems =
             [holder](EntityStore &store, const QList<Rule> &rules) {
                 return checkRuleReferences(store, holder, rules, W::AccessRules);
             },
         .write =
             [holder](EntityStore &store, const QList<Rule> &rules) {
                 return AccessStore(store.database()).setRules(holder, rules);
             },
         .changed =
             [holder](ApiResponse r) {
                 r.accessChanges << AccessChange::rules(holder);
                 r.events << holderEvent(W::EventPermissionsChanged, holder);
                 return r;
             }});
}

Result<RoutePlan> visibilityPlan(const ApiRequest &request, const Holder &holder,
                                 const std::optional<EntityRef> &entity, const AccessModel &access)
{
    return listPlan<UnitRef>(
        request, {.what = QStringLiteral("The visibility of %1").arg(holder.toString()),
                  .field = W::Units,
                  .about = {{W::AccessHolder, holder.toString()}},
                  .staleWhat = QStringLiteral("visibility units of %1").arg(holder.toString()),
                  .parse = [](const QJsonArray &a) { return unitsFromJson(a, W::Units); },
                  .check = holderCheck(request, holder, entity, access),
                  .read =
                      [holder](EntityStore &store) {
                          return AccessStore(store.database()).visibility(holder);
                      },
                  .checkItems =
                      [](EntityStore &store, const QList<UnitRef> &units) {
                          UnitDirectory directory(store);
                          return eachExists(units, W::Units, [&directory](const UnitRef &u) {
                              return directory.exists(u);
                          });
                      },
                  .write =
                      [holder](EntityStore &store, const QList<UnitRef> &units) {
                          return AccessStore(store.database()).setVisibility(holder, units);
                      },
                  .changed =
                      [holder](ApiResponse r) {
                          r.accessChanges << AccessChange::visibility(holder);
                          r.events << holderEvent(W::EventVisibilityChanged, holder);
                          return r;
                      }});
}

// ---- Export and import of an entity's security ------------------------------

// What one holder of an entity has: its rules and its visibility units.
struct HolderSecurity
{
    Holder holder;
    QList<Rule> rules;
    QList<UnitRef> units;
};

// The entity's own holder, and a template's instance holder.
QList<Holder> holdersOf(const EntityRef &ref)
{
    QList<Holder> holders{Holder::entity(ref)};
    if (ref.collection == W::ThingTemplates)
        holders << Holder::templateInstance(ref.name);
    return holders;
}

// The document's fields for a holder's rules and visibility.
QLatin1StringView rulesField(const Holder &holder)
{
    return holder.kind == HolderKind::TemplateInstance ? W::AccessInstanceRules : W::AccessRules;
}

QLatin1StringView visibilityField(const Holder &holder)
{
    return holder.kind == HolderKind::TemplateInstance ? W::AccessInstanceVisibility
                                                       : W::AccessVisibility;
}

ApiResponse exportSecurity(EntityStore &store, const EntityRef &ref)
{
    AccessStore accessStore(store.database());
    QJsonObject document{{W::AccessFormat, W::AccessSecurityFormat},
                         {W::AccessEntity, ref.toString()}};
    // What the rules and grants name, so that an importer sees what it needs.
    QList<Principal> principals;
    QStringList units;
    for (const Holder &holder : holdersOf(ref)) {
        auto rules = accessStore.rules(holder);
        if (!rules)
            return ApiResponse::fromError(rules.error());
        auto visibility = accessStore.visibility(holder);
        if (!visibility)
            return ApiResponse::fromError(visibility.error());
        document.insert(rulesField(holder), listToJson(*rules));
        document.insert(visibilityField(holder), listToJson(*visibility));
        for (const Rule &r : *rules) {
            if (!principals.contains(r.principal))
                principals.append(r.principal);
        }
        for (const UnitRef &u : *visibility) {
            if (!units.contains(u.toString()))
                units << u.toString();
        }
    }
    sortPrincipals(principals);
    units.sort();
    document.insert(W::AccessPrincipals, listToJson(principals));
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

class MissingReferences final
{
public:
    MissingReference &note(const QString &type, const QString &name)
    {
        for (auto &m : m_list) {
            if (m.type == type && m.name == name)
                return m;
        }
        m_list.append({type, name, 0, 0});
        return m_list.last();
    }
    [[nodiscard]] bool isEmpty() const { return m_list.isEmpty(); }

    // 409 missingReferences, naming each.
    [[nodiscard]] ApiResponse refusal() const
    {
        QStringList names;
        QJsonArray list;
        bool members = false;
        for (const auto &m : m_list) {
            names << describe(m);
            list.append(QJsonObject{{W::Type, m.type}, {W::Name, m.name}});
            members = members || m.type == u"Member";
        }
        const QString message =
            QStringLiteral("The import names %1 %2 that do not exist here: %3. Create them, or "
                           "import with ?skipMissing=true to leave out the rules and grants "
                           "that name them.")
                .arg(m_list.size())
                .arg(members ? QStringLiteral("principals, units or members")
                             : QStringLiteral("principals or units"),
                     names.join(QStringLiteral(", ")));
        return ApiResponse::json({{W::Error, QJsonObject{{W::Code, W::AccessMissingReferences},
                                                         {W::Message, message},
                                                         {W::AccessMissing, list}}}},
                                 409);
    }

    // What an import with skipMissing left out, and how much of it.
    [[nodiscard]] QJsonArray skipped() const
    {
        QJsonArray skipped;
        for (const auto &m : m_list) {
            QJsonObject o{{W::Type, m.type}, {W::Name, m.name}};
            if (m.rules > 0)
                o.insert(W::AccessRules, m.rules);
            if (m.grants > 0)
                o.insert(W::AccessGrants, m.grants);
            skipped.append(o);
        }
        return skipped;
    }

private:
    static QString describe(const MissingReference &m)
    {
        if (m.type == u"Unit")
            return QStringLiteral("unit '%1'").arg(m.name);
        if (m.type == u"Member")
            return QStringLiteral("member '%1'").arg(m.name);
        return QStringLiteral("%1 '%2'").arg(m.type, m.name);
    }

    QList<MissingReference> m_list;
};

// The part of imported that names what exists; what does not goes to
// missing. An error only for a failed lookup or a member of the wrong kind.
Result<HolderSecurity> existingPart(EntityStore &store, UnitDirectory &directory,
                                    const HolderSecurity &imported, MissingReferences &missing)
{
    HolderSecurity kept{imported.holder, {}, {}};
    RuleReferences references(store, imported.holder);
    for (qsizetype i = 0; i < imported.rules.size(); ++i) {
        const Rule &rule = imported.rules.at(i);
        bool exists = true;
        if (const Status s = references.principal(rule.principal); !s) {
            if (s.error().code != ErrorCode::NotFound)
                return s.error();
            ++missing.note(Access::principalKindName(rule.principal.kind), rule.principal.name)
                  .rules;
            exists = false;
        }
        if (!rule.member.isEmpty()) {
            auto members = references.members();
            if (!members)
                return members.error();
            if (!(*members)->exists(rule.member)) {
                ++missing.note(QStringLiteral("Member"), rule.member).rules;
                exists = false;
            } else if (auto s = (*members)->fits(
                           rule, QStringLiteral("%1[%2]").arg(rulesField(imported.holder)).arg(i));
                       !s) {
                return s.error();
            }
        }
        if (exists)
            kept.rules << rule;
    }
    for (const UnitRef &unit : imported.units) {
        const Status s = directory.exists(unit);
        if (!s && s.error().code != ErrorCode::NotFound)
            return s.error();
        if (s)
            kept.units << unit;
        else
            ++missing.note(QStringLiteral("Unit"), unit.toString()).grants;
    }
    return kept;
}

ApiResponse importSecurity(EntityStore &store, const EntityRef &ref,
                           const QList<HolderSecurity> &parts, bool skipMissing)
{
    // Everything is checked before anything is written.
    MissingReferences missing;
    UnitDirectory directory(store);
    QList<HolderSecurity> kept;
    for (const HolderSecurity &part : parts) {
        auto existing = existingPart(store, directory, part, missing);
        if (!existing)
            return ApiResponse::fromError(existing.error());
        kept << *existing;
    }
    if (!missing.isEmpty() && !skipMissing)
        return missing.refusal();
    AccessStore accessStore(store.database());
    QJsonObject applied;
    ApiResponse r;
    for (const HolderSecurity &part : kept) {
        if (auto s = accessStore.setRules(part.holder, part.rules); !s)
            return ApiResponse::fromError(s.error());
        if (auto s = accessStore.setVisibility(part.holder, part.units); !s)
            return ApiResponse::fromError(s.error());
        applied.insert(rulesField(part.holder), int(part.rules.size()));
        applied.insert(visibilityField(part.holder), int(part.units.size()));
        r.accessChanges << AccessChange::rules(part.holder)
                        << AccessChange::visibility(part.holder);
        r.events << holderEvent(W::EventPermissionsChanged, part.holder)
                 << holderEvent(W::EventVisibilityChanged, part.holder);
    }
    const ApiResponse answer = ApiResponse::json({{W::AccessEntity, ref.toString()},
                                                  {W::AccessApplied, applied},
                                                  {W::AccessSkipped, missing.skipped()}});
    r.status = answer.status;
    r.body = answer.body;
    return r;
}

// A holder's rules and units in an imported document; both may be left out.
Result<HolderSecurity> holderSecurityFromJson(const QJsonObject &document, const Holder &holder,
                                              const QString &what)
{
    auto rulesArray = arrayField(document, rulesField(holder), what, Presence::Optional);
    if (!rulesArray)
        return rulesArray.error();
    auto rules = rulesFromJson(*rulesArray, holder, rulesField(holder));
    if (!rules)
        return rules.error();
    auto unitsArray = arrayField(document, visibilityField(holder), what, Presence::Optional);
    if (!unitsArray)
        return unitsArray.error();
    auto units = unitsFromJson(*unitsArray, visibilityField(holder));
    if (!units)
        return units.error();
    return HolderSecurity{holder, *rules, *units};
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

    const QString what = QStringLiteral("The security document");
    const QList<Holder> holders = holdersOf(ref);
    QStringList fields{W::AccessFormat,     W::AccessEntity,     W::AccessRules,
                       W::AccessVisibility, W::AccessPrincipals, W::Units};
    if (holders.size() > 1)
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

    QList<HolderSecurity> parts;
    for (const Holder &holder : holders) {
        auto part = holderSecurityFromJson(request.json, holder, what);
        if (!part)
            return part.error();
        parts << *part;
    }
    const bool skipMissing = skip == u"true";
    return RoutePlan{{}, [=](EntityStore &store) {
                         if (auto s = checkEntity(store, *model, caller, ref, Need::Administrator,
                                                  changeWhat(Holder::entity(ref)));
                             !s)
                             return ApiResponse::fromError(s.error());
                         return importSecurity(store, ref, parts, skipMissing);
                     }};
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

} // namespace Bulwark::Routes
