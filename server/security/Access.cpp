// AccessModel: the authorization model of docs/security-model.md
// ("Authorization model") held in memory. This file holds its public
// methods, the memory of answers and per-user facts, and the locking; the
// state, its indexes and the resolver are in AccessResolver.cpp (shared
// through AccessState_p.h), the vocabulary and the words of explanations in
// AccessText.cpp.
//
// What depends on the asking user (its groups, the units it is a member of
// and the units whose grants it sees) is worked out once per user and
// remembered beside check()'s answers until the next change.
//
// Locking: every public method takes m_lock once (shared for a question,
// exclusive for a change) and so never calls another public method while
// holding it.
#include "Access.h"
#include "AccessState_p.h"
#include "AccessText_p.h"

#include <algorithm>
#include <array>
#include <mutex>

namespace Bulwark::Access {

using namespace Text;
using Internal::EntityEntry;
using Internal::UserInfo;

namespace {

constexpr qsizetype MemoLimit = 1'000'000;
constexpr qsizetype UserCacheLimit = 100'000;

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

// hash[key] = value, or no entry for an empty value.
template <typename Key, typename Value>
void setOrRemove(QHash<Key, Value> &hash, const Key &key, Value value)
{
    if (value.isEmpty())
        hash.remove(key);
    else
        hash.insert(key, std::move(value));
}

} // namespace

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
    m_memo->change(m_lock, m_generation, [&] { m_state->setEntity(ref, std::move(facts)); });
}

void AccessModel::removeEntity(const EntityRef &ref)
{
    m_memo->change(m_lock, m_generation, [&] { m_state->removeEntity(ref); });
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

Decision AccessModel::decide(const QString &user, const EntityRef &ref, Permission permission,
                             const QString &member) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_state->decide(*m_memo->user(*m_state, user), ref, permission, member);
}

Decision AccessModel::decideCreate(const QString &user, const QString &collection,
                                   const QString &templateName) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_state->decideCreate(*m_memo->user(*m_state, user), collection, templateName);
}

ResolutionExplanation AccessModel::resolve(const QString &user, const EntityRef &ref,
                                           Permission permission, const QString &member) const
{
    const Memo::ReadLock lock(m_lock, *m_memo);
    return m_state->explainResolution(*m_memo->user(*m_state, user), ref, permission, member);
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
