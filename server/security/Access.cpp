// AccessModel: the authorization model of docs/security-model.md
// ("Authorization model") held in memory, and its resolver.
//
// The state is the snapshot as given plus indexes derived from it when it
// changes (who contains whom, unit children, rules bucketed by permission,
// template chains). What depends on the asking user (its groups, the units it
// is a member of and the units whose grants it sees) is worked out once per
// user and remembered beside check()'s answers until the next change.
#include "Access.h"

#include <QJsonArray>

#include <algorithm>
#include <array>
#include <deque>
#include <mutex>

namespace Bulwark::Access {

namespace {

const QString ThingsCollection = QStringLiteral("Things");
const QString TemplatesCollection = QStringLiteral("ThingTemplates");
const QString UsersCollection = QStringLiteral("Users");
const QString AdministratorsGroup = QStringLiteral("Administrators");
const QString NoMember;

constexpr qsizetype TombstoneLimit = 10'000;
constexpr qsizetype MemoLimit = 1'000'000;
constexpr qsizetype UserCacheLimit = 100'000;

using RuleBuckets = std::array<QList<Rule>, PermissionCount>; // indexed by Permission
using Level = ResolutionExplanation::Level;
using Through = VisibilityExplanation::Through;

RuleBuckets bucketed(const QList<Rule> &rules)
{
    RuleBuckets buckets;
    for (const Rule &rule : rules)
        buckets[size_t(rule.permission)].append(rule);
    return buckets;
}

QString article(const QString &noun)
{
    const QChar first = noun.isEmpty() ? QChar() : noun.front().toLower();
    return QStringView(u"aeiou").contains(first) ? QStringLiteral("an") : QStringLiteral("a");
}

// "Thing Boiler1", "collection Things", "the instance rules of ThingTemplate Pump".
QString holderWords(const Holder &holder)
{
    switch (holder.kind) {
    case HolderKind::Entity:
        return kindNoun(holder.collection) + u' ' + holder.name;
    case HolderKind::TemplateInstance:
        return QStringLiteral("the instance rules of ThingTemplate ") + holder.name;
    case HolderKind::Collection:
        return QStringLiteral("collection ") + holder.collection;
    }
    return {};
}

QString targetWords(const EntityRef &ref)
{
    if (ref.name.isEmpty())
        return QStringLiteral("collection ") + ref.collection;
    return kindNoun(ref.collection) + u' ' + ref.name;
}

int levelNumber(Level level)
{
    switch (level) {
    case Level::MemberOverride:
        return 1;
    case Level::Entity:
        return 2;
    case Level::TemplateMember:
    case Level::Template:
        return 3;
    case Level::Collection:
        return 4;
    case Level::Administrator:
    case Level::NoRule:
        break;
    }
    return 0;
}

QJsonObject ruleJson(const Rule &rule)
{
    QJsonObject o{{QStringLiteral("principal"),
                   QJsonObject{{QStringLiteral("type"), principalKindName(rule.principal.kind)},
                               {QStringLiteral("name"), rule.principal.name}}},
                  {QStringLiteral("permission"), permissionName(rule.permission)},
                  {QStringLiteral("effect"), effectName(rule.effect)}};
    if (!rule.member.isEmpty())
        o.insert(QStringLiteral("member"), rule.member);
    return o;
}

// What is kept of a removed entity for checkRemoved().
struct Tombstone
{
    EntityFacts facts;
    RuleBuckets rules;
    QList<UnitRef> visibility;
    quint64 serial = 0;
};

// Everything about one user a decision needs, worked out once per change.
struct UserInfo
{
    QString user;
    bool administrator = false;
    QHash<QString, QString> via; // group -> group it was first reached from (empty: the user)
    QStringList groups;          // breadth first: nearest first
    QHash<UnitRef, QString> memberUnits; // unit -> its listed principal (empty: the user itself)
    QHash<UnitRef, UnitRef> seen;        // unit whose grants the user sees -> nearest member unit

    [[nodiscard]] bool has(const Principal &principal) const
    {
        return principal.kind == MemberKind::User ? principal.name == user
                                                  : via.contains(principal.name);
    }
    // user, group, …, group
    [[nodiscard]] QStringList pathTo(const Principal &principal) const
    {
        QStringList path;
        if (principal.kind == MemberKind::Group) {
            for (QString g = principal.name; !g.isEmpty(); g = via.value(g))
                path.prepend(g);
        }
        path.prepend(user);
        return path;
    }
    [[nodiscard]] QStringList pathToGroup(const QString &group) const
    {
        return pathTo(Principal{group.isEmpty() ? MemberKind::User : MemberKind::Group,
                                group.isEmpty() ? user : group});
    }
};

struct CheckKey
{
    QString user;
    EntityRef ref;
    int permission = 0; // -1: visibility only
    QString member;
    friend bool operator==(const CheckKey &, const CheckKey &) = default;
};

size_t qHash(const CheckKey &key, size_t seed = 0) noexcept
{
    return qHashMulti(seed, key.user, key.ref, key.permission, key.member);
}

// Walks the steps of docs/security-model.md's resolution table; the first
// step with a say decides. With an explanation to fill, it also records the
// deciding rule, its principal path and the step's other matches.
class Resolver
{
public:
    Resolver(const UserInfo &user, Permission permission, ResolutionExplanation *out)
        : m_user(user)
        , m_permission(permission)
        , m_out(out)
    {}

    // True when this step has a say (and so decides).
    bool step(const RuleBuckets *rules, const QString &member, const Holder &holder, Level level)
    {
        if (!rules)
            return false;
        const QList<Rule> &list = (*rules)[size_t(m_permission)];
        bool said = false;
        bool deny = false;
        for (const Rule &rule : list) {
            if (rule.member != member || !m_user.has(rule.principal))
                continue;
            said = true;
            if (rule.effect == Effect::Deny) {
                deny = true;
                if (!m_out)
                    break;
            }
        }
        if (!said)
            return false;
        m_allowed = !deny;
        if (m_out)
            explain(list, member, holder, level, deny);
        return true;
    }

    void noRule()
    {
        m_allowed = false;
        if (m_out) {
            m_out->level = Level::NoRule;
            m_out->allowed = false;
        }
    }

    [[nodiscard]] bool allowed() const { return m_allowed; }

private:
    void explain(const QList<Rule> &list, const QString &member, const Holder &holder, Level level,
                 bool deny)
    {
        // The deciding rule: of the deciding effect, the one nearest the user.
        const Effect deciding = deny ? Effect::Deny : Effect::Allow;
        qsizetype best = -1;
        qsizetype bestLength = 0;
        QList<qsizetype> matches;
        for (qsizetype i = 0; i < list.size(); ++i) {
            const Rule &rule = list[i];
            if (rule.member != member || !m_user.has(rule.principal))
                continue;
            matches.append(i);
            if (rule.effect != deciding)
                continue;
            const qsizetype length = m_user.pathTo(rule.principal).size();
            if (best < 0 || length < bestLength) {
                best = i;
                bestLength = length;
            }
        }
        m_out->level = level;
        m_out->allowed = !deny;
        m_out->holder = holder;
        m_out->rule = list[best];
        m_out->principalPath = m_user.pathTo(list[best].principal);
        m_out->otherMatches.clear();
        for (qsizetype i : matches) {
            if (i != best)
                m_out->otherMatches.append(list[i]);
        }
    }

    const UserInfo &m_user;
    Permission m_permission;
    ResolutionExplanation *m_out;
    bool m_allowed = false;
};

} // namespace

// ---- Vocabulary ------------------------------------------------------------

QString permissionName(Permission permission)
{
    switch (permission) {
    case Permission::Create:
        return QStringLiteral("Create");
    case Permission::Read:
        return QStringLiteral("Read");
    case Permission::Update:
        return QStringLiteral("Update");
    case Permission::Delete:
        return QStringLiteral("Delete");
    case Permission::PropertyRead:
        return QStringLiteral("PropertyRead");
    case Permission::PropertyWrite:
        return QStringLiteral("PropertyWrite");
    case Permission::ServiceInvoke:
        return QStringLiteral("ServiceInvoke");
    case Permission::EventInvoke:
        return QStringLiteral("EventInvoke");
    case Permission::EventSubscribe:
        return QStringLiteral("EventSubscribe");
    }
    return {};
}

std::optional<Permission> permissionFromName(const QString &name)
{
    for (Permission p : allPermissions()) {
        if (permissionName(p) == name)
            return p;
    }
    return std::nullopt;
}

bool isRunTime(Permission permission)
{
    return int(permission) >= int(Permission::PropertyRead);
}

QList<Permission> allPermissions()
{
    QList<Permission> all;
    for (int i = 0; i < PermissionCount; ++i)
        all.append(Permission(i));
    return all;
}

QString memberKindOf(Permission permission)
{
    switch (permission) {
    case Permission::PropertyRead:
    case Permission::PropertyWrite:
        return QStringLiteral("property");
    case Permission::ServiceInvoke:
        return QStringLiteral("service");
    case Permission::EventInvoke:
    case Permission::EventSubscribe:
        return QStringLiteral("event");
    default:
        return {};
    }
}

QString effectName(Effect effect)
{
    return effect == Effect::Allow ? QStringLiteral("Allow") : QStringLiteral("Deny");
}

std::optional<Effect> effectFromName(const QString &name)
{
    if (name == u"Allow")
        return Effect::Allow;
    if (name == u"Deny")
        return Effect::Deny;
    return std::nullopt;
}

QString principalKindName(MemberKind kind)
{
    return kind == MemberKind::User ? QStringLiteral("User") : QStringLiteral("Group");
}

std::optional<MemberKind> principalKindFromName(const QString &name)
{
    if (name == u"User")
        return MemberKind::User;
    if (name == u"Group")
        return MemberKind::Group;
    return std::nullopt;
}

namespace {
// "a/b" -> {a, b}; both parts non-empty, split at the first slash.
std::optional<std::pair<QString, QString>> splitPair(const QString &text)
{
    const qsizetype slash = text.indexOf(u'/');
    if (slash <= 0 || slash == text.size() - 1)
        return std::nullopt;
    return std::pair{text.left(slash), text.mid(slash + 1)};
}
} // namespace

std::optional<EntityRef> EntityRef::parse(const QString &text)
{
    const auto parts = splitPair(text);
    if (!parts)
        return std::nullopt;
    return EntityRef{parts->first, parts->second};
}

size_t qHash(const EntityRef &ref, size_t seed) noexcept
{
    return qHashMulti(seed, ref.collection, ref.name);
}

std::optional<UnitRef> UnitRef::parse(const QString &text)
{
    const auto parts = splitPair(text);
    if (!parts)
        return std::nullopt;
    return UnitRef{parts->first, parts->second};
}

size_t qHash(const UnitRef &ref, size_t seed) noexcept
{
    return qHashMulti(seed, ref.organization, ref.unit);
}

Holder Holder::templateInstance(const QString &templateName)
{
    return {HolderKind::TemplateInstance, TemplatesCollection, templateName};
}

QString Holder::toString() const
{
    switch (kind) {
    case HolderKind::Entity:
        return collection + u'/' + name;
    case HolderKind::TemplateInstance:
        return collection + u'/' + name + QStringLiteral(" (instance)");
    case HolderKind::Collection:
        return collection;
    }
    return {};
}

QString Holder::kindName() const
{
    switch (kind) {
    case HolderKind::Entity:
        return QStringLiteral("entity");
    case HolderKind::TemplateInstance:
        return QStringLiteral("instance");
    case HolderKind::Collection:
        return QStringLiteral("collection");
    }
    return {};
}

std::optional<HolderKind> Holder::kindFromName(const QString &name)
{
    if (name == u"entity")
        return HolderKind::Entity;
    if (name == u"instance")
        return HolderKind::TemplateInstance;
    if (name == u"collection")
        return HolderKind::Collection;
    return std::nullopt;
}

size_t qHash(const Holder &holder, size_t seed) noexcept
{
    return qHashMulti(seed, int(holder.kind), holder.collection, holder.name);
}

const QStringList &securedCollections()
{
    static const QStringList collections{ThingsCollection, TemplatesCollection, UsersCollection,
                                         QStringLiteral("Groups"), QStringLiteral("Organizations")};
    return collections;
}

bool isSecuredCollection(const QString &collection)
{
    return securedCollections().contains(collection);
}

QString kindNoun(const QString &collection)
{
    if (collection.endsWith(u's'))
        return collection.chopped(1); // Things, ThingTemplates, Users, Groups, Organizations
    return collection;
}

Error notFound(const EntityRef &ref)
{
    return makeError(
        ErrorCode::NotFound,
        QStringLiteral("%1 '%2' does not exist.").arg(kindNoun(ref.collection), ref.name));
}

// ---- Explanations -----------------------------------------------------------

QJsonObject VisibilityExplanation::toJson() const
{
    static const char *const names[] = {"none", "administrator", "creator", "self", "unit"};
    QJsonObject o{{QStringLiteral("visible"), visible},
                  {QStringLiteral("through"), QString::fromLatin1(names[int(through)])}};
    if (through == Through::Unit) {
        o.insert(QStringLiteral("organization"), unit.organization);
        o.insert(QStringLiteral("unit"), unit.unit);
        o.insert(QStringLiteral("grantedUnit"), grantedUnit.unit);
        o.insert(QStringLiteral("grantedOn"), grantedOn);
        o.insert(QStringLiteral("memberVia"), QJsonArray::fromStringList(memberVia));
    }
    return o;
}

QString ResolutionExplanation::levelName(Level level)
{
    switch (level) {
    case Level::Administrator:
        return QStringLiteral("administrator");
    case Level::MemberOverride:
        return QStringLiteral("member");
    case Level::Entity:
        return QStringLiteral("entity");
    case Level::TemplateMember:
        return QStringLiteral("template-member");
    case Level::Template:
        return QStringLiteral("template");
    case Level::Collection:
        return QStringLiteral("collection");
    case Level::NoRule:
        return QStringLiteral("none");
    }
    return {};
}

QJsonObject ResolutionExplanation::toJson() const
{
    QJsonObject o{{QStringLiteral("level"), levelName(level)}};
    if (level != Level::Administrator && level != Level::NoRule)
        o.insert(QStringLiteral("holder"), holder.toString());
    if (rule)
        o.insert(QStringLiteral("rule"), ruleJson(*rule));
    o.insert(QStringLiteral("principalPath"), QJsonArray::fromStringList(principalPath));
    QJsonArray others;
    for (const Rule &r : otherMatches)
        others.append(ruleJson(r));
    o.insert(QStringLiteral("otherMatches"), others);
    return o;
}

QJsonObject Decision::toJson(const QString &user, const EntityRef &entity, Permission permission,
                             const QString &member) const
{
    QJsonObject o{
        {QStringLiteral("user"), user},
        {QStringLiteral("entity"), entity.name.isEmpty() ? entity.collection : entity.toString()},
        {QStringLiteral("permission"), permissionName(permission)},
        {QStringLiteral("decision"), allowed ? QStringLiteral("allow") : QStringLiteral("deny")},
        {QStringLiteral("visibility"), visibility.toJson()},
        {QStringLiteral("resolution"), resolution.toJson()},
        {QStringLiteral("message"), message}};
    if (!member.isEmpty())
        o.insert(QStringLiteral("member"), member);
    return o;
}

// ---- State ------------------------------------------------------------------

struct AccessModel::State
{
    AccessSnapshot s;

    // Derived from s when the part it depends on changes.
    QHash<QString, QStringList> userParents;  // user -> groups listing it
    QHash<QString, QStringList> groupParents; // group -> groups listing it
    QHash<UnitRef, QList<UnitRef>> children;
    QHash<QString, QList<UnitRef>> userUnits;  // user -> units listing it
    QHash<QString, QList<UnitRef>> groupUnits; // group -> units listing it
    QHash<Holder, RuleBuckets> ruleIndex;
    QHash<QString, QString> templateBase;       // every known template -> its base
    QHash<QString, QStringList> templateChains; // template -> itself, its base, …

    QHash<EntityRef, Tombstone> tombstones;
    std::deque<std::pair<EntityRef, quint64>> tombstoneOrder;
    quint64 tombstoneSerial = 0;

    void indexAll()
    {
        indexPrincipals();
        indexOrganizations();
        indexAllRules();
        templateBase.clear();
        for (auto it = s.entities.cbegin(); it != s.entities.cend(); ++it) {
            if (it.key().collection == TemplatesCollection)
                templateBase.insert(it.key().name, it.value().templateName);
        }
        indexTemplates();
    }

    void indexPrincipals()
    {
        userParents.clear();
        groupParents.clear();
        for (auto it = s.groupMembers.cbegin(); it != s.groupMembers.cend(); ++it) {
            for (const Principal &m : it.value())
                (m.kind == MemberKind::User ? userParents : groupParents)[m.name].append(it.key());
        }
        // Sorted, so that of two equally short paths the same one is reported every time.
        for (QStringList &l : userParents)
            l.sort();
        for (QStringList &l : groupParents)
            l.sort();
    }

    void indexOrganizations()
    {
        children.clear();
        userUnits.clear();
        groupUnits.clear();
        for (auto org = s.units.cbegin(); org != s.units.cend(); ++org) {
            for (auto unit = org->cbegin(); unit != org->cend(); ++unit) {
                if (!unit.value().isEmpty())
                    children[UnitRef{org.key(), unit.value()}].append(
                        UnitRef{org.key(), unit.key()});
            }
        }
        for (auto it = s.unitMembers.cbegin(); it != s.unitMembers.cend(); ++it) {
            for (const Principal &m : it.value())
                (m.kind == MemberKind::User ? userUnits : groupUnits)[m.name].append(it.key());
        }
    }

    void indexRules(const Holder &holder)
    {
        const auto it = s.rules.constFind(holder);
        if (it == s.rules.cend() || it->isEmpty())
            ruleIndex.remove(holder);
        else
            ruleIndex.insert(holder, bucketed(*it));
    }

    void indexAllRules()
    {
        ruleIndex.clear();
        for (auto it = s.rules.cbegin(); it != s.rules.cend(); ++it) {
            if (!it->isEmpty())
                ruleIndex.insert(it.key(), bucketed(*it));
        }
    }

    void indexTemplates()
    {
        templateChains.clear();
        for (auto it = templateBase.cbegin(); it != templateBase.cend(); ++it) {
            QStringList chain{it.key()};
            for (QString base = it.value(); !base.isEmpty() && !chain.contains(base);
                 base = templateBase.value(base))
                chain.append(base);
            templateChains.insert(it.key(), chain);
        }
    }

    [[nodiscard]] QString parentOf(const UnitRef &unit) const
    {
        const auto org = s.units.constFind(unit.organization);
        return org == s.units.cend() ? QString() : org->value(unit.unit);
    }

    [[nodiscard]] std::shared_ptr<const UserInfo> computeUser(const QString &user) const
    {
        auto info = std::make_shared<UserInfo>();
        info->user = user;
        // Breadth first, so that each group is reached through a shortest chain.
        for (const QString &g : userParents.value(user)) {
            if (!info->via.contains(g)) {
                info->via.insert(g, QString());
                info->groups.append(g);
            }
        }
        for (qsizetype i = 0; i < info->groups.size(); ++i) {
            const QString group = info->groups[i];
            for (const QString &parent : groupParents.value(group)) {
                if (!info->via.contains(parent)) {
                    info->via.insert(parent, group);
                    info->groups.append(parent);
                }
            }
        }
        info->administrator = info->via.contains(AdministratorsGroup);

        // The user's own listings first, then its groups nearest first.
        const auto addUnits = [&](const QList<UnitRef> &units, const QString &listed) {
            for (const UnitRef &unit : units) {
                if (!info->memberUnits.contains(unit))
                    info->memberUnits.insert(unit, listed);
            }
        };
        addUnits(userUnits.value(user), QString());
        for (const QString &g : std::as_const(info->groups))
            addUnits(groupUnits.value(g), g);

        // A grant to a unit is seen from it and from every unit above it: the
        // user sees the grants to its units and to every unit below them.
        QList<UnitRef> pending = info->memberUnits.keys();
        QSet<UnitRef> reached(pending.cbegin(), pending.cend());
        while (!pending.isEmpty()) {
            const UnitRef unit = pending.takeLast();
            UnitRef nearest = unit;
            for (qsizetype hops = 0; !info->memberUnits.contains(nearest); ++hops) {
                const QString parent = parentOf(nearest);
                if (parent.isEmpty() || hops > s.units.value(unit.organization).size())
                    break; // cannot happen for a unit reached from a member unit
                nearest.unit = parent;
            }
            info->seen.insert(unit, nearest);
            for (const UnitRef &child : children.value(unit)) {
                if (!reached.contains(child)) {
                    reached.insert(child);
                    pending.append(child);
                }
            }
        }
        return info;
    }

    [[nodiscard]] const EntityFacts *factsOf(const EntityRef &ref, const Tombstone *removed) const
    {
        if (removed)
            return &removed->facts;
        const auto it = s.entities.constFind(ref);
        return it == s.entities.cend() ? nullptr : &it.value();
    }

    // Calls visit(template) for the template and each base, nearest first,
    // until it returns true; true if it did.
    template <typename Visit> bool anyTemplate(const QString &first, Visit visit) const
    {
        if (first.isEmpty())
            return false;
        const auto chain = templateChains.constFind(first);
        if (chain == templateChains.cend())
            return visit(first); // an unknown template: no base to follow
        for (const QString &t : *chain) {
            if (visit(t))
                return true;
        }
        return false;
    }

    [[nodiscard]] const RuleBuckets *rulesOf(const Holder &holder) const
    {
        const auto it = ruleIndex.constFind(holder);
        return it == ruleIndex.cend() ? nullptr : &it.value();
    }

    [[nodiscard]] const QList<UnitRef> *visibilityOf(const Holder &holder) const
    {
        const auto it = s.visibility.constFind(holder);
        return it == s.visibility.cend() ? nullptr : &it.value();
    }

    static bool grantIn(const UserInfo &user, const QList<UnitRef> *list, const Holder &on,
                        VisibilityExplanation *out)
    {
        if (!list)
            return false;
        for (const UnitRef &granted : *list) {
            const auto seen = user.seen.constFind(granted);
            if (seen == user.seen.cend())
                continue;
            if (out) {
                out->visible = true;
                out->through = Through::Unit;
                out->unit = seen.value();
                out->grantedUnit = granted;
                out->grantedOn = on.toString();
                out->memberVia = user.pathToGroup(user.memberUnits.value(seen.value()));
            }
            return true;
        }
        return false;
    }

    bool visible(const UserInfo &user, const EntityRef &ref, const Tombstone *removed,
                 VisibilityExplanation *out) const
    {
        const auto through = [out](Through how) {
            if (out) {
                out->visible = true;
                out->through = how;
            }
            return true;
        };
        if (user.administrator)
            return through(Through::Administrator);
        const EntityFacts *facts = factsOf(ref, removed);
        const bool self = ref.collection == UsersCollection && ref.name == user.user &&
                          (facts || s.users.contains(user.user));
        if (!facts && !self)
            return false; // missing
        if (facts && !facts->creator.isEmpty() && facts->creator == user.user)
            return through(Through::Creator);
        if (self)
            return through(Through::Self);
        if (user.seen.isEmpty())
            return false;

        const Holder own = Holder::entity(ref);
        if (grantIn(user, removed ? &removed->visibility : visibilityOf(own), own, out))
            return true;
        const Holder collection = Holder::collectionOf(ref.collection);
        if (grantIn(user, visibilityOf(collection), collection, out))
            return true;
        if (ref.collection != ThingsCollection)
            return false;
        return anyTemplate(facts->templateName, [&](const QString &t) {
            const Holder instance = Holder::templateInstance(t);
            return grantIn(user, visibilityOf(instance), instance, out);
        });
    }

    bool resolve(const UserInfo &user, const EntityRef &ref, Permission permission,
                 const QString &member, const Tombstone *removed, ResolutionExplanation *out) const
    {
        Resolver r(user, permission, out);
        const bool isThing = ref.collection == ThingsCollection;
        const QString &stepMember = isThing && isRunTime(permission) ? member : NoMember;
        const Holder own = Holder::entity(ref);
        const RuleBuckets *ownRules = removed ? &removed->rules : rulesOf(own);
        if (!stepMember.isEmpty() && r.step(ownRules, stepMember, own, Level::MemberOverride))
            return r.allowed();
        if (permission != Permission::Create && r.step(ownRules, NoMember, own, Level::Entity))
            return r.allowed();
        if (isThing) {
            const EntityFacts *facts = factsOf(ref, removed);
            const bool decided =
                facts && anyTemplate(facts->templateName, [&](const QString &t) {
                    const Holder instance = Holder::templateInstance(t);
                    const RuleBuckets *rules = rulesOf(instance);
                    return (!stepMember.isEmpty() &&
                            r.step(rules, stepMember, instance, Level::TemplateMember)) ||
                           r.step(rules, NoMember, instance, Level::Template);
                });
            if (decided)
                return r.allowed();
        }
        const Holder collection = Holder::collectionOf(ref.collection);
        if (r.step(rulesOf(collection), NoMember, collection, Level::Collection))
            return r.allowed();
        r.noRule();
        return false;
    }

    bool resolveCreate(const UserInfo &user, const QString &collection, const QString &templateName,
                       ResolutionExplanation *out) const
    {
        Resolver r(user, Permission::Create, out);
        const bool decided = anyTemplate(templateName, [&](const QString &t) {
            const Holder instance = Holder::templateInstance(t);
            return r.step(rulesOf(instance), NoMember, instance, Level::Template);
        });
        if (decided)
            return r.allowed();
        const Holder holder = Holder::collectionOf(collection);
        if (r.step(rulesOf(holder), NoMember, holder, Level::Collection))
            return r.allowed();
        r.noRule();
        return false;
    }

    Answer answer(const UserInfo &user, const EntityRef &ref, Permission permission,
                  const QString &member, const Tombstone *removed) const
    {
        if (user.administrator)
            return Answer::Allow;
        if (!visible(user, ref, removed, nullptr))
            return Answer::NotFound;
        return resolve(user, ref, permission, member, removed, nullptr) ? Answer::Allow
                                                                        : Answer::Forbidden;
    }

    void rememberTombstone(const EntityRef &ref, Tombstone tombstone)
    {
        tombstone.serial = ++tombstoneSerial;
        tombstoneOrder.emplace_back(ref, tombstone.serial);
        tombstones.insert(ref, std::move(tombstone));
        while (qsizetype(tombstoneOrder.size()) > TombstoneLimit) {
            const auto &[oldest, serial] = tombstoneOrder.front();
            const auto it = tombstones.constFind(oldest);
            if (it != tombstones.cend() && it->serial == serial)
                tombstones.erase(it);
            tombstoneOrder.pop_front();
        }
    }
};

// Remembered answers and per-user facts, valid until the next change. Readers
// hold m_lock shared and these mutexes; a change holds m_lock exclusively, so
// clearing needs no more. The answers are sharded so that readers on many
// threads rarely wait for one another.
struct AccessModel::Memo
{
    static constexpr size_t ShardCount = 16;
    struct Shard
    {
        std::mutex mutex;
        QHash<CheckKey, Answer> answers;
    };
    std::array<Shard, ShardCount> shards;
    std::mutex usersMutex;
    // glibc's shared mutex lets a steady stream of readers starve a change:
    // a change announces itself here and new readers wait for it to pass.
    std::atomic<int> changesWaiting{0};
    std::mutex turnstile;
    QHash<QString, std::shared_ptr<const UserInfo>> users;

    // Held by every question: shared with other questions, exclusive of changes.
    class ReadLock
    {
    public:
        ReadLock(std::shared_mutex &lock, Memo &memo)
            : m_lock(lock)
        {
            if (memo.changesWaiting.load(std::memory_order_acquire) > 0)
                std::lock_guard wait(memo.turnstile); // let the change go first
            m_lock.lock_shared();
        }
        ~ReadLock() { m_lock.unlock_shared(); }
        Q_DISABLE_COPY_MOVE(ReadLock)

    private:
        std::shared_mutex &m_lock;
    };

    // Applies a change holding the lock, then forgets what was remembered and
    // bumps the generation.
    template <typename Apply>
    void change(std::shared_mutex &lock, std::atomic<quint64> &generation, Apply apply)
    {
        changesWaiting.fetch_add(1, std::memory_order_acq_rel);
        {
            std::lock_guard first(turnstile);
            std::unique_lock guard(lock);
            apply();
            clear();
            generation.fetch_add(1, std::memory_order_acq_rel);
        }
        changesWaiting.fetch_sub(1, std::memory_order_acq_rel);
    }

    void clear()
    {
        for (Shard &shard : shards)
            shard.answers.clear();
        users.clear();
    }

    std::shared_ptr<const UserInfo> user(const State &state, const QString &name)
    {
        {
            std::lock_guard guard(usersMutex);
            const auto it = users.constFind(name);
            if (it != users.cend())
                return *it;
        }
        auto info = state.computeUser(name);
        std::lock_guard guard(usersMutex);
        if (users.size() >= UserCacheLimit)
            users.clear();
        users.insert(name, info);
        return info;
    }

    template <typename Compute> Answer remembered(const CheckKey &key, Compute compute)
    {
        Shard &shard = shards[qHash(key) % ShardCount];
        {
            std::lock_guard guard(shard.mutex);
            const auto it = shard.answers.constFind(key);
            if (it != shard.answers.cend())
                return *it;
        }
        const Answer a = compute();
        std::lock_guard guard(shard.mutex);
        if (shard.answers.size() >= MemoLimit / qsizetype(ShardCount))
            shard.answers.clear();
        shard.answers.insert(key, a);
        return a;
    }
};

// ---- The model -------------------------------------------------------------

AccessModel::AccessModel()
    : m_state(std::make_unique<State>())
    , m_memo(std::make_unique<Memo>())
{}

AccessModel::~AccessModel() = default;

void AccessModel::reset(AccessSnapshot snapshot)
{
    m_memo->change(m_lock, m_generation, [&] {
        m_state->s = std::move(snapshot);
        m_state->indexAll();
    });
}

void AccessModel::setPrincipals(QSet<QString> users, QHash<QString, QList<Principal>> groupMembers)
{
    m_memo->change(m_lock, m_generation, [&] {
        m_state->s.users = std::move(users);
        m_state->s.groupMembers = std::move(groupMembers);
        m_state->indexPrincipals();
    });
}

void AccessModel::setOrganizations(QHash<QString, QHash<QString, QString>> units,
                                   QHash<UnitRef, QList<Principal>> unitMembers)
{
    m_memo->change(m_lock, m_generation, [&] {
        m_state->s.units = std::move(units);
        m_state->s.unitMembers = std::move(unitMembers);
        m_state->indexOrganizations();
    });
}

void AccessModel::setRules(const Holder &holder, QList<Rule> rules)
{
    m_memo->change(m_lock, m_generation, [&] {
        if (rules.isEmpty())
            m_state->s.rules.remove(holder);
        else
            m_state->s.rules.insert(holder, std::move(rules));
        m_state->indexRules(holder);
    });
}

void AccessModel::setAllRules(QHash<Holder, QList<Rule>> rules)
{
    m_memo->change(m_lock, m_generation, [&] {
        m_state->s.rules = std::move(rules);
        m_state->indexAllRules();
    });
}

void AccessModel::setVisibility(const Holder &holder, QList<UnitRef> units)
{
    m_memo->change(m_lock, m_generation, [&] {
        if (units.isEmpty())
            m_state->s.visibility.remove(holder);
        else
            m_state->s.visibility.insert(holder, std::move(units));
    });
}

void AccessModel::setAllVisibility(QHash<Holder, QList<UnitRef>> visibility)
{
    m_memo->change(m_lock, m_generation, [&] { m_state->s.visibility = std::move(visibility); });
}

void AccessModel::setEntity(const EntityRef &ref, EntityFacts facts)
{
    m_memo->change(m_lock, m_generation, [&] {
        if (ref.collection == TemplatesCollection) {
            m_state->templateBase.insert(ref.name, facts.templateName);
            m_state->indexTemplates();
        }
        m_state->s.entities.insert(ref, std::move(facts));
    });
}

void AccessModel::removeEntity(const EntityRef &ref)
{
    m_memo->change(m_lock, m_generation, [&] {
        State &st = *m_state;
        const Holder own = Holder::entity(ref);
        Tombstone tombstone;
        tombstone.facts = st.s.entities.take(ref);
        tombstone.rules = st.ruleIndex.take(own);
        tombstone.visibility = st.s.visibility.take(own);
        st.s.rules.remove(own);
        if (ref.collection == TemplatesCollection) {
            const Holder instance = Holder::templateInstance(ref.name);
            st.s.rules.remove(instance);
            st.ruleIndex.remove(instance);
            st.s.visibility.remove(instance);
            st.templateBase.remove(ref.name);
            st.indexTemplates();
        }
        st.rememberTombstone(ref, std::move(tombstone));
    });
}

quint64 AccessModel::generation() const
{
    return m_generation.load(std::memory_order_acquire);
}

// ---- Questions ---------------------------------------------------------------

bool AccessModel::isAdministrator(const QString &user) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_memo->user(*m_state, user)->administrator;
}

bool AccessModel::userExists(const QString &user) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_state->s.users.contains(user);
}

bool AccessModel::principalExists(const Principal &principal) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return principal.kind == MemberKind::User ? m_state->s.users.contains(principal.name)
                                              : m_state->s.groupMembers.contains(principal.name);
}

bool AccessModel::unitExists(const UnitRef &unit) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    const auto org = m_state->s.units.constFind(unit.organization);
    return org != m_state->s.units.cend() && org->contains(unit.unit);
}

bool AccessModel::entityKnown(const EntityRef &ref) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_state->s.entities.contains(ref);
}

EntityFacts AccessModel::facts(const EntityRef &ref) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_state->s.entities.value(ref);
}

QSet<QString> AccessModel::groupsOf(const QString &user) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    const auto info = m_memo->user(*m_state, user);
    QSet<QString> all(info->groups.cbegin(), info->groups.cend());
    all.insert(user);
    return all;
}

QSet<QString> AccessModel::usersOf(const Principal &principal) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    if (principal.kind == MemberKind::User)
        return {principal.name};
    QSet<QString> users;
    QSet<QString> groups{principal.name};
    QStringList pending{principal.name};
    while (!pending.isEmpty()) {
        const QString group = pending.takeLast();
        for (const Principal &m : m_state->s.groupMembers.value(group)) {
            if (m.kind == MemberKind::User)
                users.insert(m.name);
            else if (!groups.contains(m.name)) {
                groups.insert(m.name);
                pending.append(m.name);
            }
        }
    }
    return users;
}

VisibilityExplanation AccessModel::visibility(const QString &user, const EntityRef &ref) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    VisibilityExplanation out;
    m_state->visible(*m_memo->user(*m_state, user), ref, nullptr, &out);
    return out;
}

bool AccessModel::isVisible(const QString &user, const EntityRef &ref) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_memo->remembered(CheckKey{user, ref, -1, {}}, [&] {
        return m_state->visible(*m_memo->user(*m_state, user), ref, nullptr, nullptr)
                   ? Answer::Allow
                   : Answer::NotFound;
    }) == Answer::Allow;
}

namespace {

QString throughWords(const QStringList &path)
{
    if (path.size() <= 1)
        return QStringLiteral("directly");
    return (path.size() == 2 ? QStringLiteral("through group ")
                             : QStringLiteral("through groups ")) +
           path.mid(1).join(QStringLiteral(" → "));
}

QString ruleMessage(const QString &user, const QString &target, Permission permission,
                    const ResolutionExplanation &r)
{
    const QString verdict = r.allowed ? QStringLiteral("Allowed") : QStringLiteral("Denied");
    switch (r.level) {
    case Level::Administrator: {
        // user, the groups in between, Administrators
        const QStringList between = r.principalPath.mid(1, r.principalPath.size() - 2);
        const QString via = between.isEmpty()
                                ? QString()
                                : QStringLiteral(" through ") + between.join(QStringLiteral(" → "));
        return QStringLiteral("Allowed: %1 is a member of Administrators%2, who may do everything.")
            .arg(user, via);
    }
    case Level::NoRule:
        return QStringLiteral("Denied: no rule for %1 applies to %2 on %3 at any level (default "
                              "deny).")
            .arg(permissionName(permission), user, target);
    default:
        break;
    }
    const Rule &rule = *r.rule;
    const QString member =
        rule.member.isEmpty() ? QString() : QStringLiteral(" for member ") + rule.member;
    return QStringLiteral("%1: the rule %2 %3 %4%5 on %6 (level %7, %8) applies to %9 %10.")
        .arg(verdict, rule.principal.name, permissionName(rule.permission), effectName(rule.effect),
             member, holderWords(r.holder), QString::number(levelNumber(r.level)),
             ResolutionExplanation::levelName(r.level), user, throughWords(r.principalPath));
}

QString invisibleMessage(const QString &user, const QString &target, const ResolutionExplanation &r)
{
    return QStringLiteral("Denied: %1 is not visible to %2, so for %2 it does not exist (the "
                          "rules alone would %3).")
        .arg(target, user, r.allowed ? QStringLiteral("allow") : QStringLiteral("deny"));
}

void explainAdministrator(const UserInfo &user, Decision &d)
{
    d.allowed = true;
    d.visibility.visible = true;
    d.visibility.through = Through::Administrator;
    d.resolution.level = Level::Administrator;
    d.resolution.allowed = true;
    d.resolution.principalPath = user.pathToGroup(AdministratorsGroup);
}

} // namespace

Decision AccessModel::decide(const QString &user, const EntityRef &ref, Permission permission,
                             const QString &member) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    const auto info = m_memo->user(*m_state, user);
    Decision d;
    const QString target = targetWords(ref);
    if (info->administrator) {
        explainAdministrator(*info, d);
    } else {
        const bool visible = m_state->visible(*info, ref, nullptr, &d.visibility);
        m_state->resolve(*info, ref, permission, member, nullptr, &d.resolution);
        d.allowed = visible && d.resolution.allowed;
        if (!visible) {
            d.message = invisibleMessage(user, target, d.resolution);
            return d;
        }
    }
    d.message = ruleMessage(user, target, permission, d.resolution);
    return d;
}

Decision AccessModel::decideCreate(const QString &user, const QString &collection,
                                   const QString &templateName) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    const auto info = m_memo->user(*m_state, user);
    Decision d;
    const EntityRef target = templateName.isEmpty() ? EntityRef{collection, {}}
                                                    : EntityRef{TemplatesCollection, templateName};
    const QString words = targetWords(target);
    if (info->administrator) {
        explainAdministrator(*info, d);
    } else {
        bool visible = true;
        if (templateName.isEmpty())
            d.visibility.visible = true; // a collection is not subject to visibility
        else
            visible = m_state->visible(*info, target, nullptr, &d.visibility);
        m_state->resolveCreate(*info, collection, templateName, &d.resolution);
        d.allowed = visible && d.resolution.allowed;
        if (!visible) {
            d.message = invisibleMessage(user, words, d.resolution);
            return d;
        }
    }
    d.message = ruleMessage(user, words, Permission::Create, d.resolution);
    return d;
}

ResolutionExplanation AccessModel::resolve(const QString &user, const EntityRef &ref,
                                           Permission permission, const QString &member) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    const auto info = m_memo->user(*m_state, user);
    if (info->administrator) {
        Decision d;
        explainAdministrator(*info, d);
        return d.resolution;
    }
    ResolutionExplanation out;
    m_state->resolve(*info, ref, permission, member, nullptr, &out);
    return out;
}

Answer AccessModel::check(const QString &user, const EntityRef &ref, Permission permission,
                          const QString &member) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_memo->remembered(CheckKey{user, ref, int(permission), member}, [&] {
        return m_state->answer(*m_memo->user(*m_state, user), ref, permission, member, nullptr);
    });
}

Answer AccessModel::evaluate(const QString &user, const EntityRef &ref, Permission permission,
                             const QString &member) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_state->answer(*m_memo->user(*m_state, user), ref, permission, member, nullptr);
}

namespace {

// "read property 'setpoint' of Thing 'Boiler1'", "change Thing 'Boiler1'".
QString actionWords(const EntityRef &ref, Permission permission, const QString &member)
{
    const QString target = QStringLiteral("%1 '%2'").arg(kindNoun(ref.collection), ref.name);
    const auto onMember = [&](const QString &verb, const QString &kind, const QString &plural) {
        if (member.isEmpty())
            return QStringLiteral("%1 the %2 of %3").arg(verb, plural, target);
        return QStringLiteral("%1 %2 '%3' of %4").arg(verb, kind, member, target);
    };
    switch (permission) {
    case Permission::Create:
        return QStringLiteral("create ") + target;
    case Permission::Read:
        return QStringLiteral("read ") + target;
    case Permission::Update:
        return QStringLiteral("change ") + target;
    case Permission::Delete:
        return QStringLiteral("delete ") + target;
    case Permission::PropertyRead:
        return onMember(QStringLiteral("read"), QStringLiteral("property"),
                        QStringLiteral("properties"));
    case Permission::PropertyWrite:
        return onMember(QStringLiteral("write"), QStringLiteral("property"),
                        QStringLiteral("properties"));
    case Permission::ServiceInvoke:
        return onMember(QStringLiteral("invoke"), QStringLiteral("service"),
                        QStringLiteral("services"));
    case Permission::EventInvoke:
        return onMember(QStringLiteral("fire"), QStringLiteral("event"), QStringLiteral("events"));
    case Permission::EventSubscribe:
        return onMember(QStringLiteral("subscribe to"), QStringLiteral("event"),
                        QStringLiteral("events"));
    }
    return {};
}

Status forbidden(const QString &action, Permission permission)
{
    return makeError(
        ErrorCode::Forbidden,
        QStringLiteral("You may not %1 (%2).").arg(action, permissionName(permission)));
}

} // namespace

Status AccessModel::require(const QString &user, const EntityRef &ref, Permission permission,
                            const QString &member) const
{
    switch (check(user, ref, permission, member)) {
    case Answer::Allow:
        return {};
    case Answer::NotFound:
        return notFound(ref);
    case Answer::Forbidden:
        break;
    }
    return forbidden(actionWords(ref, permission, member), permission);
}

Status AccessModel::requireCreate(const QString &user, const QString &collection,
                                  const QString &templateName) const
{
    {
        const Memo::ReadLock lock(m_lock, *m_memo);
        const auto info = m_memo->user(*m_state, user);
        if (info->administrator)
            return {};
        const EntityRef templateRef{TemplatesCollection, templateName};
        if (!templateName.isEmpty() && !m_state->visible(*info, templateRef, nullptr, nullptr))
            return notFound(templateRef);
        if (m_state->resolveCreate(*info, collection, templateName, nullptr))
            return {};
    }
    const QString noun = kindNoun(collection);
    QString action = QStringLiteral("create %1 %2").arg(article(noun), noun);
    if (!templateName.isEmpty())
        action += QStringLiteral(" from ThingTemplate '%1'").arg(templateName);
    return forbidden(action, Permission::Create);
}

Answer AccessModel::checkRemoved(const QString &user, const EntityRef &ref,
                                 Permission permission) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    const auto it = m_state->tombstones.constFind(ref);
    if (it == m_state->tombstones.cend())
        return Answer::NotFound;
    return m_state->answer(*m_memo->user(*m_state, user), ref, permission, {}, &it.value());
}

ListFilter AccessModel::listFilter(const QString &user, const QString &collection) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    const State &st = *m_state;
    const auto info = m_memo->user(st, user);
    if (info->administrator)
        return ListFilter::everything();
    const auto seenAny = [&](const QList<UnitRef> *list) {
        return list && std::any_of(list->cbegin(), list->cend(),
                                   [&](const UnitRef &u) { return info->seen.contains(u); });
    };
    if (seenAny(st.visibilityOf(Holder::collectionOf(collection))))
        return ListFilter::everything();

    ListFilter f;
    for (auto it = info->seen.cbegin(); it != info->seen.cend(); ++it)
        f.units.append(it.key().toString());
    f.units.sort();
    if (collection == ThingsCollection) {
        // Templates whose own instance visibility the user sees…
        QSet<QString> granted;
        for (auto it = st.s.visibility.cbegin(); it != st.s.visibility.cend(); ++it) {
            if (it.key().kind == HolderKind::TemplateInstance && seenAny(&it.value()))
                granted.insert(it.key().name);
        }
        // …and every template derived from one of them.
        QSet<QString> templates = granted;
        if (!granted.isEmpty()) {
            for (auto it = st.templateChains.cbegin(); it != st.templateChains.cend(); ++it) {
                if (std::any_of(it->cbegin(), it->cend(),
                                [&](const QString &t) { return granted.contains(t); }))
                    templates.insert(it.key());
            }
        }
        f.templates = QStringList(templates.cbegin(), templates.cend());
        f.templates.sort();
    }
    f.creator = user;
    if (collection == UsersCollection)
        f.self = user;
    return f;
}

QList<UnitRef> AccessModel::unitsOf(const QString &user) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    QList<UnitRef> units = m_memo->user(*m_state, user)->memberUnits.keys();
    std::sort(units.begin(), units.end(), [](const UnitRef &a, const UnitRef &b) {
        return std::pair(a.organization, a.unit) < std::pair(b.organization, b.unit);
    });
    return units;
}

QList<Rule> AccessModel::rules(const Holder &holder) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_state->s.rules.value(holder);
}

QList<UnitRef> AccessModel::visibilityList(const Holder &holder) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_state->s.visibility.value(holder);
}

} // namespace Bulwark::Access
