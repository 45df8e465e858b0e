// AccessModel: the authorization model of docs/security-model.md
// ("Authorization model") held in memory, and its resolver. The vocabulary
// and the words of explanations are in AccessText.cpp.
//
// The state is the snapshot as given plus indexes derived from it when it
// changes (who contains whom, unit children, rules bucketed by permission,
// template chains, and per entity everything of its own a decision reads).
// What depends on the asking user (its groups, the units it is a member of
// and the units whose grants it sees) is worked out once per user and
// remembered beside check()'s answers until the next change.
//
// Locking: every public method takes m_lock once (shared for a question,
// exclusive for a change) and so never calls another public method while
// holding it.
#include "Access.h"
#include "AccessText_p.h"

#include <algorithm>
#include <array>
#include <deque>
#include <mutex>

namespace Bulwark::Access {

using namespace Text;

namespace {

const QString NoMember;

constexpr qsizetype TombstoneLimit = 10'000;
constexpr qsizetype MemoLimit = 1'000'000;
constexpr qsizetype UserCacheLimit = 100'000;

using RuleBuckets = std::array<QList<Rule>, PermissionCount>; // indexed by Permission
using SharedRules = std::shared_ptr<const RuleBuckets>;
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

// Everything of its own an entity's decisions read, found with one lookup:
// its facts, its rules and its visibility list. A removed entity's is kept
// as its tombstone.
struct EntityEntry
{
    bool known = false; // the facts are known: the entity exists
    EntityFacts facts;
    SharedRules rules;         // null: none
    QList<UnitRef> visibility; // the units granted visibility of it

    [[nodiscard]] const EntityFacts *factsIfKnown() const { return known ? &facts : nullptr; }
    [[nodiscard]] bool isEmpty() const { return !known && !rules && visibility.isEmpty(); }
};

// What is kept of a removed entity for checkRemoved().
struct Tombstone
{
    EntityEntry entry;
    quint64 serial = 0;
};

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

// hash[key] = value, or no entry for an empty value.
template <typename Key, typename Value>
void setOrRemove(QHash<Key, Value> &hash, const Key &key, Value value)
{
    if (value.isEmpty())
        hash.remove(key);
    else
        hash.insert(key, std::move(value));
}

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

// ---- State ------------------------------------------------------------------

struct AccessModel::State
{
    AccessSnapshot s; // s.entities is kept in entries instead

    // Derived from s when the part it depends on changes.
    QHash<QString, QStringList> userParents;  // user -> groups listing it
    QHash<QString, QStringList> groupParents; // group -> groups listing it
    QHash<UnitRef, QList<UnitRef>> children;
    QHash<QString, QList<UnitRef>> userUnits;   // user -> units listing it
    QHash<QString, QList<UnitRef>> groupUnits;  // group -> units listing it
    QHash<EntityRef, EntityEntry> entries;      // facts, own rules, own visibility
    QHash<Holder, SharedRules> ruleIndex;       // templates' instance rules and collections'
    QHash<QString, QString> templateBase;       // every known template -> its base
    QHash<QString, QStringList> templateChains; // template -> itself, its base, …

    QHash<EntityRef, Tombstone> tombstones;
    std::deque<std::pair<EntityRef, quint64>> tombstoneOrder;
    quint64 tombstoneSerial = 0;

    void indexAll()
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

    void indexPrincipals()
    {
        indexMembers(s.groupMembers, userParents, groupParents);
        // Sorted, so that of two equally short paths the same one is reported every time.
        for (QStringList &l : userParents)
            l.sort();
        for (QStringList &l : groupParents)
            l.sort();
    }

    void indexOrganizations()
    {
        children.clear();
        for (auto org = s.units.cbegin(); org != s.units.cend(); ++org) {
            for (auto unit = org->cbegin(); unit != org->cend(); ++unit) {
                if (!unit.value().isEmpty())
                    children[UnitRef{org.key(), unit.value()}].append(
                        UnitRef{org.key(), unit.key()});
            }
        }
        indexMembers(s.unitMembers, userUnits, groupUnits);
    }

    // Calls change(entry) on the entry of holder's entity, creating it, and
    // drops the entry if it is left empty.
    template <typename Change> void changeEntry(const Holder &holder, Change change)
    {
        const EntityRef ref{holder.collection, holder.name};
        auto it = entries.find(ref);
        if (it == entries.end())
            it = entries.insert(ref, {});
        change(*it);
        if (it->isEmpty())
            entries.erase(it);
    }

    void indexRules(const Holder &holder, const QList<Rule> &rules)
    {
        if (holder.kind == HolderKind::Entity)
            changeEntry(holder, [&](EntityEntry &entry) { entry.rules = bucketed(rules); });
        else if (SharedRules buckets = bucketed(rules))
            ruleIndex.insert(holder, std::move(buckets));
        else
            ruleIndex.remove(holder);
    }

    void indexVisibility(const Holder &holder, const QList<UnitRef> &units)
    {
        if (holder.kind == HolderKind::Entity)
            changeEntry(holder, [&](EntityEntry &entry) { entry.visibility = units; });
    }

    // Forgets every entry's part, then indexes all of byHolder with index.
    template <typename Part, typename Value, typename Index>
    void indexEvery(Part EntityEntry::*part, const QHash<Holder, Value> &byHolder, Index index)
    {
        for (auto it = entries.begin(); it != entries.end();) {
            (*it).*part = {};
            it = it->isEmpty() ? entries.erase(it) : std::next(it);
        }
        for (auto it = byHolder.cbegin(); it != byHolder.cend(); ++it)
            index(it.key(), it.value());
    }

    void indexAllRules()
    {
        ruleIndex.clear();
        indexEvery(&EntityEntry::rules, s.rules,
                   [this](const Holder &h, const QList<Rule> &r) { indexRules(h, r); });
    }

    void indexAllVisibility()
    {
        indexEvery(&EntityEntry::visibility, s.visibility,
                   [this](const Holder &h, const QList<UnitRef> &u) { indexVisibility(h, u); });
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

    [[nodiscard]] const EntityEntry *entryOf(const EntityRef &ref) const
    {
        const auto it = entries.constFind(ref);
        return it == entries.cend() ? nullptr : &it.value();
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

    // A template's instance rules or a collection's.
    [[nodiscard]] const RuleBuckets *rulesOf(const Holder &holder) const
    {
        const auto it = ruleIndex.constFind(holder);
        return it == ruleIndex.cend() ? nullptr : it->get();
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

    // entry: ref's (entryOf(ref), or its tombstone); null if it has none.
    bool visible(const UserInfo &user, const EntityRef &ref, const EntityEntry *entry,
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

    // entry as for visible().
    bool resolve(const UserInfo &user, const EntityRef &ref, Permission permission,
                 const QString &member, const EntityEntry *entry, ResolutionExplanation *out) const
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
        return resolveCollection(r, collection);
    }

    // The last steps: the collection's rules, else default deny.
    bool resolveCollection(Resolver &r, const QString &collection) const
    {
        const Holder holder = Holder::collectionOf(collection);
        if (r.step(rulesOf(holder), NoMember, holder, Level::Collection))
            return r.allowed();
        r.noRule();
        return false;
    }

    Answer answer(const UserInfo &user, const EntityRef &ref, Permission permission,
                  const QString &member, const EntityEntry *entry) const
    {
        if (user.administrator)
            return Answer::Allow;
        if (!visible(user, ref, entry, nullptr))
            return Answer::NotFound;
        return resolve(user, ref, permission, member, entry, nullptr) ? Answer::Allow
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
        return rememberedIn(usersMutex, users, name, UserCacheLimit,
                            [&] { return state.computeUser(name); });
    }

    template <typename Compute> Answer remembered(const CheckKey &key, Compute compute)
    {
        Shard &shard = shards[qHash(key) % ShardCount];
        return rememberedIn(shard.mutex, shard.answers, key, MemoLimit / qsizetype(ShardCount),
                            compute);
    }

    // hash[key], computed (without holding mutex) and remembered if missing;
    // a hash that reaches limit is forgotten first.
    template <typename Key, typename Value, typename Compute>
    static Value rememberedIn(std::mutex &mutex, QHash<Key, Value> &hash, const Key &key,
                              qsizetype limit, Compute compute)
    {
        {
            std::lock_guard guard(mutex);
            const auto it = hash.constFind(key);
            if (it != hash.cend())
                return *it;
        }
        Value value = compute();
        std::lock_guard guard(mutex);
        if (hash.size() >= limit)
            hash.clear();
        hash.insert(key, value);
        return value;
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
        m_state->indexRules(holder, rules);
        setOrRemove(m_state->s.rules, holder, std::move(rules));
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
        m_state->indexVisibility(holder, units);
        setOrRemove(m_state->s.visibility, holder, std::move(units));
    });
}

void AccessModel::setAllVisibility(QHash<Holder, QList<UnitRef>> visibility)
{
    m_memo->change(m_lock, m_generation, [&] {
        m_state->s.visibility = std::move(visibility);
        m_state->indexAllVisibility();
    });
}

void AccessModel::setEntity(const EntityRef &ref, EntityFacts facts)
{
    m_memo->change(m_lock, m_generation, [&] {
        if (ref.collection == TemplatesCollection) {
            m_state->templateBase.insert(ref.name, facts.templateName);
            m_state->indexTemplates();
        }
        m_state->changeEntry(Holder::entity(ref), [&](EntityEntry &entry) {
            entry.known = true;
            entry.facts = std::move(facts);
        });
    });
}

void AccessModel::removeEntity(const EntityRef &ref)
{
    m_memo->change(m_lock, m_generation, [&] {
        State &st = *m_state;
        const Holder own = Holder::entity(ref);
        Tombstone tombstone{st.entries.take(ref), 0};
        tombstone.entry.known = true; // decided on as if it still existed
        st.s.rules.remove(own);
        st.s.visibility.remove(own);
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
    const EntityEntry *entry = m_state->entryOf(ref);
    return entry && entry->known;
}

EntityFacts AccessModel::facts(const EntityRef &ref) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    const EntityEntry *entry = m_state->entryOf(ref);
    return entry ? entry->facts : EntityFacts();
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
    m_state->visible(*m_memo->user(*m_state, user), ref, m_state->entryOf(ref), &out);
    return out;
}

bool AccessModel::isVisible(const QString &user, const EntityRef &ref) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_memo->remembered(CheckKey{user, ref, -1, {}}, [&] {
        return m_state->visible(*m_memo->user(*m_state, user), ref, m_state->entryOf(ref), nullptr)
                   ? Answer::Allow
                   : Answer::NotFound;
    }) == Answer::Allow;
}

namespace {

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

Decision AccessModel::decide(const QString &user, const EntityRef &ref, Permission permission,
                             const QString &member) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    const auto info = m_memo->user(*m_state, user);
    const EntityEntry *entry = m_state->entryOf(ref);
    return explained(
        *info, targetWords(ref), permission,
        [&](VisibilityExplanation &out) { return m_state->visible(*info, ref, entry, &out); },
        [&](ResolutionExplanation &out) {
            m_state->resolve(*info, ref, permission, member, entry, &out);
        });
}

Decision AccessModel::decideCreate(const QString &user, const QString &collection,
                                   const QString &templateName) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    const auto info = m_memo->user(*m_state, user);
    const EntityRef target = templateName.isEmpty() ? EntityRef{collection, {}}
                                                    : EntityRef{TemplatesCollection, templateName};
    return explained(
        *info, targetWords(target), Permission::Create,
        [&](VisibilityExplanation &out) {
            if (!templateName.isEmpty())
                return m_state->visible(*info, target, m_state->entryOf(target), &out);
            out.visible = true; // a collection is not subject to visibility
            return true;
        },
        [&](ResolutionExplanation &out) {
            m_state->resolveCreate(*info, collection, templateName, &out);
        });
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
    m_state->resolve(*info, ref, permission, member, m_state->entryOf(ref), &out);
    return out;
}

Answer AccessModel::check(const QString &user, const EntityRef &ref, Permission permission,
                          const QString &member) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_memo->remembered(CheckKey{user, ref, int(permission), member}, [&] {
        return m_state->answer(*m_memo->user(*m_state, user), ref, permission, member,
                               m_state->entryOf(ref));
    });
}

Answer AccessModel::evaluate(const QString &user, const EntityRef &ref, Permission permission,
                             const QString &member) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_state->answer(*m_memo->user(*m_state, user), ref, permission, member,
                           m_state->entryOf(ref));
}

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
    return forbidden(ref, permission, member);
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
        if (!templateName.isEmpty() &&
            !m_state->visible(*info, templateRef, m_state->entryOf(templateRef), nullptr))
            return notFound(templateRef);
        if (m_state->resolveCreate(*info, collection, templateName, nullptr))
            return {};
    }
    return forbiddenToCreate(collection, templateName);
}

Answer AccessModel::checkRemoved(const QString &user, const EntityRef &ref,
                                 Permission permission) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    const auto it = m_state->tombstones.constFind(ref);
    if (it == m_state->tombstones.cend())
        return Answer::NotFound;
    return m_state->answer(*m_memo->user(*m_state, user), ref, permission, {}, &it->entry);
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
