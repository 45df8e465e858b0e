// What Access.cpp (AccessModel's public methods, its memory of answers and
// its locking) and AccessResolver.cpp (the state, its indexes and the
// resolution steps) share: the state decisions are made from. Not part of
// Access.h's API.
//
// The state is the snapshot as given plus indexes derived from it when it
// changes (who contains whom, unit children, rules bucketed by permission,
// template chains, and per entity everything of its own a decision reads).
// It does no locking: AccessModel holds its lock exclusively around the
// changes and shared around the questions.
#pragma once

#include "Access.h"

#include <array>
#include <deque>
#include <memory>
#include <utility>

namespace Bulwark::Access {

namespace Internal {

using RuleBuckets = std::array<QList<Rule>, PermissionCount>; // indexed by Permission
using SharedRules = std::shared_ptr<const RuleBuckets>;

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

// Everything about one user a decision needs, worked out once per change
// (and remembered by AccessModel until the next).
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
    [[nodiscard]] QStringList pathTo(const Principal &principal) const;
    [[nodiscard]] QStringList pathToGroup(const QString &group) const;
};

class Resolver; // walks the steps of the resolution table (AccessResolver.cpp)

} // namespace Internal

struct AccessModel::State
{
    using EntityEntry = Internal::EntityEntry;
    using UserInfo = Internal::UserInfo;

    AccessSnapshot s; // s.entities is kept in entries instead

    // Derived from s when the part it depends on changes.
    QHash<QString, QStringList> userParents;  // user -> groups listing it
    QHash<QString, QStringList> groupParents; // group -> groups listing it
    QHash<UnitRef, QList<UnitRef>> children;
    QHash<QString, QList<UnitRef>> userUnits;       // user -> units listing it
    QHash<QString, QList<UnitRef>> groupUnits;      // group -> units listing it
    QHash<EntityRef, EntityEntry> entries;          // facts, own rules, own visibility
    QHash<Holder, Internal::SharedRules> ruleIndex; // templates' instance rules and collections'
    QHash<QString, QString> templateBase;           // every known template -> its base
    QHash<QString, QStringList> templateChains;     // template -> itself, its base, …

    QHash<EntityRef, Internal::Tombstone> tombstones;
    std::deque<std::pair<EntityRef, quint64>> tombstoneOrder;
    quint64 tombstoneSerial = 0;

    // ---- Changes: AccessModel's replace a part of s, then index it ----
    void indexAll(); // moves s.entities into entries
    void indexPrincipals();
    void indexOrganizations();
    void indexRules(const Holder &holder, const QList<Rule> &rules);
    void indexVisibility(const Holder &holder, const QList<UnitRef> &units);
    void indexAllRules();
    void indexAllVisibility();
    // The entity's facts (AccessModel::setEntity), or the entity is gone and
    // becomes a tombstone (AccessModel::removeEntity).
    void setEntity(const EntityRef &ref, EntityFacts facts);
    void removeEntity(const EntityRef &ref);

    // ---- Questions ----
    [[nodiscard]] std::shared_ptr<const UserInfo> computeUser(const QString &user) const;
    [[nodiscard]] const EntityEntry *entryOf(const EntityRef &ref) const;
    [[nodiscard]] const QList<UnitRef> *visibilityOf(const Holder &holder) const;

    // entry: ref's (entryOf(ref), or its tombstone); null if it has none.
    // out, when given, receives the explanation.
    bool visible(const UserInfo &user, const EntityRef &ref, const EntityEntry *entry,
                 VisibilityExplanation *out) const;
    bool resolve(const UserInfo &user, const EntityRef &ref, Permission permission,
                 const QString &member, const EntityEntry *entry, ResolutionExplanation *out) const;
    bool resolveCreate(const UserInfo &user, const QString &collection, const QString &templateName,
                       ResolutionExplanation *out) const;
    [[nodiscard]] Answer answer(const UserInfo &user, const EntityRef &ref, Permission permission,
                                const QString &member, const EntityEntry *entry) const;

    // AccessModel's decide(), decideCreate() and resolve() for user.
    [[nodiscard]] Decision decide(const UserInfo &user, const EntityRef &ref, Permission permission,
                                  const QString &member) const;
    [[nodiscard]] Decision decideCreate(const UserInfo &user, const QString &collection,
                                        const QString &templateName) const;
    [[nodiscard]] ResolutionExplanation explainResolution(const UserInfo &user,
                                                          const EntityRef &ref,
                                                          Permission permission,
                                                          const QString &member) const;

private:
    void indexTemplates();
    template <typename Change> void changeEntry(const Holder &holder, Change change);
    template <typename Part, typename Value, typename Index>
    void indexEvery(Part EntityEntry::*part, const QHash<Holder, Value> &byHolder, Index index);
    void rememberTombstone(const EntityRef &ref, Internal::Tombstone tombstone);

    [[nodiscard]] QString parentOf(const UnitRef &unit) const;
    template <typename Visit> bool anyTemplate(const QString &first, Visit visit) const;
    // A template's instance rules or a collection's.
    [[nodiscard]] const Internal::RuleBuckets *rulesOf(const Holder &holder) const;
    bool resolveCollection(Internal::Resolver &r, const QString &collection) const;
};

} // namespace Bulwark::Access
