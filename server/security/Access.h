// Authorization: who may see which entity (organizations, units and
// visibility lists) and who may do what to it (rules at the member, entity,
// template-chain and collection levels). docs/security-model.md states the
// model this implements; the names below follow it.
//
// AccessModel holds everything a decision needs in memory, loaded from
// storage at start-up and kept in step with it at named points (the
// AccessChange kinds), so that a change takes effect on the next request.
// Decisions are pure functions of that state; the fast ones are remembered
// until the next change. Thread-safe: the storage thread changes it, any
// thread may ask.
#pragma once

#include "core/Entities.h"
#include "core/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>
#include <shared_mutex>

namespace Bulwark::Access {

// ---- Vocabulary ------------------------------------------------------------

enum class Permission
{
    Create,
    Read,
    Update,
    Delete,
    PropertyRead,
    PropertyWrite,
    ServiceInvoke,
    EventInvoke,
    EventSubscribe,
};
inline constexpr int PermissionCount = 9;

[[nodiscard]] QString permissionName(Permission permission);                     // "PropertyRead"
[[nodiscard]] std::optional<Permission> permissionFromName(const QString &name); // exact name
[[nodiscard]] bool isRunTime(Permission permission);
[[nodiscard]] QList<Permission> allPermissions();
// The kind of member a run-time permission applies to: "property", "service"
// or "event"; empty for design-time permissions.
[[nodiscard]] QString memberKindOf(Permission permission);

enum class Effect
{
    Allow,
    Deny,
};
[[nodiscard]] QString effectName(Effect effect); // "Allow" | "Deny"
[[nodiscard]] std::optional<Effect> effectFromName(const QString &name);

// A user or a group.
using Principal = GroupMember;
[[nodiscard]] QString principalKindName(MemberKind kind); // "User" | "Group"
[[nodiscard]] std::optional<MemberKind> principalKindFromName(const QString &name);

struct Rule
{
    Principal principal;
    Permission permission = Permission::Read;
    Effect effect = Effect::Allow;
    QString member; // one property, service or event; empty: the whole entity
    friend bool operator==(const Rule &, const Rule &) = default;
};

// An entity of a secured collection ("Things/Boiler1").
struct EntityRef
{
    QString collection;
    QString name;
    [[nodiscard]] QString toString() const { return collection + u'/' + name; }
    [[nodiscard]] static std::optional<EntityRef> parse(const QString &text);
    friend bool operator==(const EntityRef &, const EntityRef &) = default;
};
[[nodiscard]] size_t qHash(const EntityRef &ref, size_t seed = 0) noexcept;

// An organizational unit ("Acme/Line1"; the root unit is "Acme/Acme").
struct UnitRef
{
    QString organization;
    QString unit;
    [[nodiscard]] QString toString() const { return organization + u'/' + unit; }
    [[nodiscard]] static std::optional<UnitRef> parse(const QString &text);
    friend bool operator==(const UnitRef &, const UnitRef &) = default;
};
[[nodiscard]] size_t qHash(const UnitRef &ref, size_t seed = 0) noexcept;

// Where rules and visibility lists are set.
enum class HolderKind
{
    Entity,           // one entity (its own rules, member overrides, visibility)
    TemplateInstance, // a ThingTemplate's instance rules / instance visibility
    Collection,       // every entity of a collection
};
struct Holder
{
    HolderKind kind = HolderKind::Entity;
    QString collection; // TemplateInstance: always "ThingTemplates"
    QString name;       // empty for a collection

    [[nodiscard]] static Holder entity(const EntityRef &ref)
    {
        return {HolderKind::Entity, ref.collection, ref.name};
    }
    [[nodiscard]] static Holder templateInstance(const QString &templateName);
    [[nodiscard]] static Holder collectionOf(const QString &collection)
    {
        return {HolderKind::Collection, collection, {}};
    }
    // "Things/Boiler1", "ThingTemplates/Sensor (instance)", "Things"
    [[nodiscard]] QString toString() const;
    // "entity" | "instance" | "collection": the holder_kind column.
    [[nodiscard]] QString kindName() const;
    [[nodiscard]] static std::optional<HolderKind> kindFromName(const QString &name);
    friend bool operator==(const Holder &, const Holder &) = default;
};
[[nodiscard]] size_t qHash(const Holder &holder, size_t seed = 0) noexcept;

// Collections that carry rules and visibility. Run-time permissions exist
// only on Things (and, as instance rules, on ThingTemplates).
[[nodiscard]] const QStringList &
securedCollections(); // Things, ThingTemplates, Users, Groups, Organizations
[[nodiscard]] bool isSecuredCollection(const QString &collection);
// "Thing", "ThingTemplate", "User", "Group", "Organization": the noun in messages.
[[nodiscard]] QString kindNoun(const QString &collection);

// The body every "does not exist" answer carries, whether the entity is
// missing or merely invisible: the same words as storage's.
[[nodiscard]] Error notFound(const EntityRef &ref);

// ---- The state decisions are made from -------------------------------------

struct EntityFacts
{
    // Things: the template built from. ThingTemplates: the base template.
    QString templateName;
    QString creator; // empty: unknown (created before this release, or by the system)
};

struct AccessSnapshot
{
    QSet<QString> users;
    QHash<QString, QList<Principal>> groupMembers; // every group, with its direct members
    // organization -> unit -> parent unit (empty for the root)
    QHash<QString, QHash<QString, QString>> units;
    QHash<UnitRef, QList<Principal>> unitMembers;
    QHash<Holder, QList<Rule>> rules;
    QHash<Holder, QList<UnitRef>> visibility;
    QHash<EntityRef, EntityFacts> entities; // every entity of a secured collection
};

// What a listing may show, as a storage query can apply it: the entities of
// the collection that are visible to the user (Read is checked afterwards on
// what the query returns).
struct ListFilter
{
    bool all = false;      // everything is visible (administrator or collection grant)
    QStringList units;     // units whose grants the user sees ("Org/Unit")
    QStringList templates; // Things built from these are visible (instance visibility)
    QString creator;       // entities this user created are visible
    QString self;          // Users: the user's own entry
    [[nodiscard]] static ListFilter everything()
    {
        ListFilter f;
        f.all = true;
        return f;
    }
};

// ---- Explanations -----------------------------------------------------------

struct VisibilityExplanation
{
    enum class Through
    {
        None, // not visible
        Administrator,
        Creator,
        Self,
        Unit,
    };
    bool visible = false;
    Through through = Through::None;
    UnitRef unit;          // Through::Unit: the user's unit
    UnitRef grantedUnit;   // the unit the grant names (unit or a unit below it)
    QString grantedOn;     // "Things/Boiler1", "Things", "ThingTemplates/Sensor (instance)"
    QStringList memberVia; // user, then each group down to the unit's listed member
    [[nodiscard]] QJsonObject toJson() const;
};

struct ResolutionExplanation
{
    enum class Level
    {
        Administrator,
        MemberOverride, // level 1
        Entity,         // level 2
        TemplateMember, // level 3, a template's instance rule naming the member
        Template,       // level 3
        Collection,     // level 4
        NoRule,         // default deny
    };
    Level level = Level::NoRule;
    bool allowed = false;
    Holder holder;             // the deciding step's holder (not for Administrator/NoRule)
    std::optional<Rule> rule;  // the deciding rule (a Deny if there is one)
    QStringList principalPath; // user, group, … , the rule's principal
    QList<Rule> otherMatches;  // the step's other matching rules
    [[nodiscard]] static QString levelName(Level level); // "member", "entity", "template", …
    [[nodiscard]] QJsonObject toJson() const;
};

struct Decision
{
    bool allowed = false; // visible and resolved to allow (or administrator)
    VisibilityExplanation visibility;
    ResolutionExplanation resolution;
    QString message; // the reasoning in one sentence, as docs/security-model.md shows
    // {"user","entity","permission","member"?,"decision","visibility","resolution","message"}
    [[nodiscard]] QJsonObject toJson(const QString &user, const EntityRef &entity,
                                     Permission permission, const QString &member) const;
};

enum class Answer
{
    Allow,
    Forbidden, // visible, but denied
    NotFound,  // invisible or missing: answer as if it did not exist
};

// ---- The model -------------------------------------------------------------

class AccessModel final
{
    Q_DISABLE_COPY_MOVE(AccessModel)

public:
    AccessModel();
    ~AccessModel();

    // Replaces everything (start-up, full reload).
    void reset(AccessSnapshot snapshot);

    // The named invalidation points: each replaces one part and drops every
    // remembered decision.
    void setPrincipals(QSet<QString> users, QHash<QString, QList<Principal>> groupMembers);
    void setOrganizations(QHash<QString, QHash<QString, QString>> units,
                          QHash<UnitRef, QList<Principal>> unitMembers);
    void setRules(const Holder &holder, QList<Rule> rules);
    void setAllRules(QHash<Holder, QList<Rule>> rules);
    void setVisibility(const Holder &holder, QList<UnitRef> units);
    void setAllVisibility(QHash<Holder, QList<UnitRef>> visibility);
    void setEntity(const EntityRef &ref, EntityFacts facts);
    // The entity is gone: its facts, rules and visibility (and a template's
    // instance rules and visibility) are dropped from decisions, but kept as
    // a tombstone (the most recent 10,000) for checkRemoved().
    void removeEntity(const EntityRef &ref);

    // Bumped by every change above.
    [[nodiscard]] quint64 generation() const;

    // ---- Questions (any thread) ----
    [[nodiscard]] bool isAdministrator(const QString &user) const;
    [[nodiscard]] bool userExists(const QString &user) const;
    [[nodiscard]] bool principalExists(const Principal &principal) const;
    [[nodiscard]] bool unitExists(const UnitRef &unit) const;
    [[nodiscard]] bool entityKnown(const EntityRef &ref) const;
    [[nodiscard]] EntityFacts facts(const EntityRef &ref) const;
    // The user and every group containing it, directly or through groups.
    [[nodiscard]] QSet<QString> groupsOf(const QString &user) const;
    // Every user whose principals include principal (for a group: its members, nested).
    [[nodiscard]] QSet<QString> usersOf(const Principal &principal) const;

    [[nodiscard]] VisibilityExplanation visibility(const QString &user, const EntityRef &ref) const;
    [[nodiscard]] bool isVisible(const QString &user, const EntityRef &ref) const; // remembered

    // The full decision with its explanation (not remembered).
    [[nodiscard]] Decision decide(const QString &user, const EntityRef &ref, Permission permission,
                                  const QString &member = {}) const;
    // "May user create an entity in collection (a Thing from templateName)?"
    // The template must be visible to the user (else NotFound for it).
    [[nodiscard]] Decision decideCreate(const QString &user, const QString &collection,
                                        const QString &templateName = {}) const;
    // Rules alone, as if visible (explain shows it for invisible entities).
    [[nodiscard]] ResolutionExplanation resolve(const QString &user, const EntityRef &ref,
                                                Permission permission,
                                                const QString &member = {}) const;

    // The fast path every request takes; remembered until the next change.
    [[nodiscard]] Answer check(const QString &user, const EntityRef &ref, Permission permission,
                               const QString &member = {}) const;
    // check() without the memory: what a cold decision costs (benchmarks, tests).
    [[nodiscard]] Answer evaluate(const QString &user, const EntityRef &ref, Permission permission,
                                  const QString &member = {}) const;
    // check() as a Status: NotFound with notFound(ref)'s body, or Forbidden
    // with words naming the permission and target (never the rule).
    [[nodiscard]] Status require(const QString &user, const EntityRef &ref, Permission permission,
                                 const QString &member = {}) const;
    [[nodiscard]] Status requireCreate(const QString &user, const QString &collection,
                                       const QString &templateName = {}) const;

    // The answer as it was just before ref was removed (NotFound if no
    // tombstone is kept): who receives the entityDeleted live event.
    [[nodiscard]] Answer checkRemoved(const QString &user, const EntityRef &ref,
                                      Permission permission) const;

    [[nodiscard]] ListFilter listFilter(const QString &user, const QString &collection) const;

    // The units a user is a member of (itself or through groups), across organizations.
    [[nodiscard]] QList<UnitRef> unitsOf(const QString &user) const;

    // Copies for export and for REST reads.
    [[nodiscard]] QList<Rule> rules(const Holder &holder) const;
    [[nodiscard]] QList<UnitRef> visibilityList(const Holder &holder) const;

private:
    struct State;
    struct Memo;
    mutable std::shared_mutex m_lock;
    std::unique_ptr<State> m_state;
    std::unique_ptr<Memo> m_memo;
    std::atomic<quint64> m_generation{0};
};

} // namespace Bulwark::Access
