// AccessModel's state (AccessState_p.h): keeping its indexes in step with
// each change, and the resolution of docs/security-model.md ("Authorization
// model") made from it: who the user is (its groups and units), visibility,
// the steps of the resolution table, and decisions with their explanation.
// The public methods, their memory of answers and the locking are in
// Access.cpp; the vocabulary and the words of explanations in AccessText.cpp.
#include "AccessState_p.h"
#include "AccessText_p.h"

#include <iterator>
#include <utility>

namespace Bulwark::Access {

using namespace Text;
using namespace Internal;

namespace {

const QString NoMember;

constexpr qsizetype TombstoneLimit = 10'000;

using Level = ResolutionExplanation::Level;
using Through = VisibilityExplanation::Through;

SharedRules bucketed(const QList<Rule> &rules)
{
    if (rules.isEmpty())
        return {};
    auto buckets = std::make_shared<RuleBuckets>();
    for (const Rule &rule : rules)
        (*buckets)[size_t(rule.permission)].append(rule);
    return buckets;
}

// Lists principals by what lists them: the users and the groups in lists
// (group -> members, or unit -> members), each with the keys listing it.
template <typename Key>
void indexMembers(const QHash<Key, QList<Principal>> &lists, QHash<QString, QList<Key>> &users,
                  QHash<QString, QList<Key>> &groups)
{
    users.clear();
    groups.clear();
    for (auto it = lists.cbegin(); it != lists.cend(); ++it) {
        for (const Principal &m : it.value())
            (m.kind == MemberKind::User ? users : groups)[m.name].append(it.key());
    }
}

// &hash[key], or null if there is none.
template <typename Key, typename Value>
const Value *valueIn(const QHash<Key, Value> &hash, const Key &key)
{
    const auto it = hash.constFind(key);
    return it == hash.cend() ? nullptr : &it.value();
}

// Whether list grants user visibility (a unit whose grants it sees), and
// through which unit.
bool grantIn(const UserInfo &user, const QList<UnitRef> *list, const Holder &on,
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

void explainAdministrator(const UserInfo &user, Decision &d)
{
    d.allowed = true;
    d.visibility.visible = true;
    d.visibility.through = Through::Administrator;
    d.resolution.level = Level::Administrator;
    d.resolution.allowed = true;
    d.resolution.principalPath = user.pathToGroup(AdministratorsGroup);
}

// A decision on target (in words) with its explanation: see(visibility)
// fills in and answers visibility, resolve(resolution) the rules.
template <typename See, typename Resolve>
Decision explained(const UserInfo &user, const QString &target, Permission permission, See see,
                   Resolve resolve)
{
    Decision d;
    if (user.administrator) {
        explainAdministrator(user, d);
    } else {
        const bool visible = see(d.visibility);
        resolve(d.resolution);
        d.allowed = visible && d.resolution.allowed;
        if (!visible) {
            d.message = invisibleMessage(user.user, target, d.resolution);
            return d;
        }
    }
    d.message = ruleMessage(user.user, target, permission, d.resolution);
    return d;
}

} // namespace

// ---- Who the user is ---------------------------------------------------------

namespace Internal {

QStringList UserInfo::pathTo(const Principal &principal) const
{
    QStringList path;
    if (principal.kind == MemberKind::Group) {
        for (QString g = principal.name; !g.isEmpty(); g = via.value(g))
            path.prepend(g);
    }
    path.prepend(user);
    return path;
}

QStringList UserInfo::pathToGroup(const QString &group) const
{
    return pathTo(Principal{group.isEmpty() ? MemberKind::User : MemberKind::Group,
                            group.isEmpty() ? user : group});
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

} // namespace Internal

std::shared_ptr<const UserInfo> AccessModel::State::computeUser(const QString &user) const
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

QString AccessModel::State::parentOf(const UnitRef &unit) const
{
    const auto org = s.units.constFind(unit.organization);
    return org == s.units.cend() ? QString() : org->value(unit.unit);
}

// ---- Changes and the indexes they keep in step ------------------------------

// Calls change(entry) on the entry of holder's entity, creating it, and
// drops the entry if it is left empty.
template <typename Change> void AccessModel::State::changeEntry(const Holder &holder, Change change)
{
    const EntityRef ref{holder.collection, holder.name};
    auto it = entries.find(ref);
    if (it == entries.end())
        it = entries.insert(ref, {});
    change(*it);
    if (it->isEmpty())
        entries.erase(it);
}

// Forgets every entry's part, then indexes all of byHolder with index.
template <typename Part, typename Value, typename Index>
void AccessModel::State::indexEvery(Part EntityEntry::*part, const QHash<Holder, Value> &byHolder,
                                    Index index)
{
    for (auto it = entries.begin(); it != entries.end();) {
        (*it).*part = {};
        it = it->isEmpty() ? entries.erase(it) : std::next(it);
    }
    for (auto it = byHolder.cbegin(); it != byHolder.cend(); ++it)
        index(it.key(), it.value());
}

void AccessModel::State::indexAll()
{
    indexPrincipals();
    indexOrganizations();
    entries.clear();
    templateBase.clear();
    for (auto it = s.entities.cbegin(); it != s.entities.cend(); ++it) {
        EntityEntry &entry = entries[it.key()];
        entry.known = true;
        entry.facts = it.value();
        if (it.key().collection == TemplatesCollection)
            templateBase.insert(it.key().name, it.value().templateName);
    }
    s.entities.clear();
    indexAllRules();
    indexAllVisibility();
    indexTemplates();
}

void AccessModel::State::indexPrincipals()
{
    indexMembers(s.groupMembers, userParents, groupParents);
    // Sorted, so that of two equally short paths the same one is reported every time.
    for (QStringList &l : userParents)
        l.sort();
    for (QStringList &l : groupParents)
        l.sort();
}

void AccessModel::State::indexOrganizations()
{
    children.clear();
    for (auto org = s.units.cbegin(); org != s.units.cend(); ++org) {
        for (auto unit = org->cbegin(); unit != org->cend(); ++unit) {
            if (!unit.value().isEmpty())
                children[UnitRef{org.key(), unit.value()}].append(UnitRef{org.key(), unit.key()});
        }
    }
    indexMembers(s.unitMembers, userUnits, groupUnits);
}

void AccessModel::State::indexRules(const Holder &holder, const QList<Rule> &rules)
{
    if (holder.kind == HolderKind::Entity)
        changeEntry(holder, [&](EntityEntry &entry) { entry.rules = bucketed(rules); });
    else if (SharedRules buckets = bucketed(rules))
        ruleIndex.insert(holder, std::move(buckets));
    else
        ruleIndex.remove(holder);
}

void AccessModel::State::indexVisibility(const Holder &holder, const QList<UnitRef> &units)
{
    if (holder.kind == HolderKind::Entity)
        changeEntry(holder, [&](EntityEntry &entry) { entry.visibility = units; });
}

void AccessModel::State::indexAllRules()
{
    ruleIndex.clear();
    indexEvery(&EntityEntry::rules, s.rules,
               [this](const Holder &h, const QList<Rule> &r) { indexRules(h, r); });
}

void AccessModel::State::indexAllVisibility()
{
    indexEvery(&EntityEntry::visibility, s.visibility,
               [this](const Holder &h, const QList<UnitRef> &u) { indexVisibility(h, u); });
}

void AccessModel::State::indexTemplates()
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

void AccessModel::State::rememberTombstone(const EntityRef &ref, Tombstone tombstone)
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

void AccessModel::State::setEntity(const EntityRef &ref, EntityFacts facts)
{
    if (ref.collection == TemplatesCollection) {
        templateBase.insert(ref.name, facts.templateName);
        indexTemplates();
    }
    changeEntry(Holder::entity(ref), [&](EntityEntry &entry) {
        entry.known = true;
        entry.facts = std::move(facts);
    });
}

void AccessModel::State::removeEntity(const EntityRef &ref)
{
    const Holder own = Holder::entity(ref);
    Tombstone tombstone{entries.take(ref), 0};
    tombstone.entry.known = true; // decided on as if it still existed
    s.rules.remove(own);
    s.visibility.remove(own);
    if (ref.collection == TemplatesCollection) {
        const Holder instance = Holder::templateInstance(ref.name);
        s.rules.remove(instance);
        ruleIndex.remove(instance);
        s.visibility.remove(instance);
        templateBase.remove(ref.name);
        indexTemplates();
    }
    rememberTombstone(ref, std::move(tombstone));
}

// ---- Visibility and resolution ----------------------------------------------

const EntityEntry *AccessModel::State::entryOf(const EntityRef &ref) const
{
    return valueIn(entries, ref);
}

const QList<UnitRef> *AccessModel::State::visibilityOf(const Holder &holder) const
{
    return valueIn(s.visibility, holder);
}

const RuleBuckets *AccessModel::State::rulesOf(const Holder &holder) const
{
    const SharedRules *rules = valueIn(ruleIndex, holder);
    return rules ? rules->get() : nullptr;
}

// Calls visit(template) for the template and each base, nearest first,
// until it returns true; true if it did.
template <typename Visit>
bool AccessModel::State::anyTemplate(const QString &first, Visit visit) const
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

bool AccessModel::State::visible(const UserInfo &user, const EntityRef &ref,
                                 const EntityEntry *entry, VisibilityExplanation *out) const
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
    const EntityFacts *facts = entry ? entry->factsIfKnown() : nullptr;
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

    if (entry && grantIn(user, &entry->visibility, Holder::entity(ref), out))
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

bool AccessModel::State::resolve(const UserInfo &user, const EntityRef &ref, Permission permission,
                                 const QString &member, const EntityEntry *entry,
                                 ResolutionExplanation *out) const
{
    Resolver r(user, permission, out);
    const bool isThing = ref.collection == ThingsCollection;
    const QString &stepMember = isThing && isRunTime(permission) ? member : NoMember;
    const Holder own = Holder::entity(ref);
    const RuleBuckets *ownRules = entry ? entry->rules.get() : nullptr;
    if (!stepMember.isEmpty() && r.step(ownRules, stepMember, own, Level::MemberOverride))
        return r.allowed();
    if (permission != Permission::Create && r.step(ownRules, NoMember, own, Level::Entity))
        return r.allowed();
    const EntityFacts *facts = entry ? entry->factsIfKnown() : nullptr;
    if (isThing && facts) {
        const bool decided = anyTemplate(facts->templateName, [&](const QString &t) {
            const Holder instance = Holder::templateInstance(t);
            const RuleBuckets *rules = rulesOf(instance);
            return (!stepMember.isEmpty() &&
                    r.step(rules, stepMember, instance, Level::TemplateMember)) ||
                   r.step(rules, NoMember, instance, Level::Template);
        });
        if (decided)
            return r.allowed();
    }
    return resolveCollection(r, ref.collection);
}

bool AccessModel::State::resolveCreate(const UserInfo &user, const QString &collection,
                                       const QString &templateName,
                                       ResolutionExplanation *out) const
{
    Resolver r(user, Permission::Create, out);
    const bool decided = anyTemplate(templateName, [&](const QString &t) {
        const Holder instance = Holder::templateInstance(t);
        return r.step(rulesOf(instance), NoMember, instance, Level::Template);
    });
    if (decided)
        return r.allowed();
    return resolveCollection(r, collection);
}

// The last steps: the collection's rules, else default deny.
bool AccessModel::State::resolveCollection(Resolver &r, const QString &collection) const
{
    const Holder holder = Holder::collectionOf(collection);
    if (r.step(rulesOf(holder), NoMember, holder, Level::Collection))
        return r.allowed();
    r.noRule();
    return false;
}

Answer AccessModel::State::answer(const UserInfo &user, const EntityRef &ref, Permission permission,
                                  const QString &member, const EntityEntry *entry) const
{
    if (user.administrator)
        return Answer::Allow;
    if (!visible(user, ref, entry, nullptr))
        return Answer::NotFound;
    return resolve(user, ref, permission, member, entry, nullptr) ? Answer::Allow
                                                                  : Answer::Forbidden;
}

// ---- Decisions with their explanation ----------------------------------------

Decision AccessModel::State::decide(const UserInfo &user, const EntityRef &ref,
                                    Permission permission, const QString &member) const
{
    const EntityEntry *entry = entryOf(ref);
    return explained(
        user, targetWords(ref), permission,
        [&](VisibilityExplanation &out) { return visible(user, ref, entry, &out); },
        [&](ResolutionExplanation &out) { resolve(user, ref, permission, member, entry, &out); });
}

Decision AccessModel::State::decideCreate(const UserInfo &user, const QString &collection,
                                          const QString &templateName) const
{
    const EntityRef target = templateName.isEmpty() ? EntityRef{collection, {}}
                                                    : EntityRef{TemplatesCollection, templateName};
    return explained(
        user, targetWords(target), Permission::Create,
        [&](VisibilityExplanation &out) {
            if (!templateName.isEmpty())
                return visible(user, target, entryOf(target), &out);
            out.visible = true; // a collection is not subject to visibility
            return true;
        },
        [&](ResolutionExplanation &out) { resolveCreate(user, collection, templateName, &out); });
}

ResolutionExplanation AccessModel::State::explainResolution(const UserInfo &user,
                                                            const EntityRef &ref,
                                                            Permission permission,
                                                            const QString &member) const
{
    if (user.administrator) {
        Decision d;
        explainAdministrator(user, d);
        return d.resolution;
    }
    ResolutionExplanation out;
    resolve(user, ref, permission, member, entryOf(ref), &out);
    return out;
}

} // namespace Bulwark::Access
