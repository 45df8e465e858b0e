// Persists what authorization decides from: rules, visibility lists, unit
// members and entity creators (tables of schema version 4), and loads it
// all for the AccessModel. Used only on the storage thread; every change
// runs inside the caller's transaction (EntityStore::inTransaction).
#pragma once

#include "security/Access.h"

#include <QVariantList>

namespace Bulwark {

class Database;

class AccessStore final
{
    Q_DISABLE_COPY_MOVE(AccessStore)

public:
    explicit AccessStore(Database &database);

    // Everything the model needs, in one pass.
    [[nodiscard]] Result<Access::AccessSnapshot> load();
    // Parts of it, for the model's named invalidation points.
    [[nodiscard]] Result<std::pair<QSet<QString>, QHash<QString, QList<Access::Principal>>>>
    loadPrincipals();
    [[nodiscard]] Result<std::pair<QHash<QString, QHash<QString, QString>>,
                                   QHash<Access::UnitRef, QList<Access::Principal>>>>
    loadOrganizations();
    [[nodiscard]] Result<QHash<Access::Holder, QList<Access::Rule>>> loadRules();
    [[nodiscard]] Result<QHash<Access::Holder, QList<Access::UnitRef>>> loadVisibility();
    // NotFound when the entity does not exist.
    [[nodiscard]] Result<Access::EntityFacts> loadFacts(const Access::EntityRef &ref);

    // Rules of one holder, replaced as a whole. Checks nothing about the
    // principals or members: the caller has (the routes do).
    [[nodiscard]] Result<QList<Access::Rule>> rules(const Access::Holder &holder);
    [[nodiscard]] Status setRules(const Access::Holder &holder, const QList<Access::Rule> &rules);

    // Visibility list of one holder, replaced as a whole.
    [[nodiscard]] Result<QList<Access::UnitRef>> visibility(const Access::Holder &holder);
    [[nodiscard]] Status setVisibility(const Access::Holder &holder,
                                       const QList<Access::UnitRef> &units);

    // Members of one unit, replaced as a whole. NotFound if the unit does not exist.
    [[nodiscard]] Result<QList<Access::Principal>> unitMembers(const Access::UnitRef &unit);
    [[nodiscard]] Status setUnitMembers(const Access::UnitRef &unit,
                                        const QList<Access::Principal> &members);

    // The unit tree. NotFound for a missing organization or unit; Conflict
    // for a duplicate name, a move that would make a cycle, deleting a unit
    // that has child units or the root, moving or renaming the root.
    [[nodiscard]] Status createUnit(const QString &organization, const OrganizationalUnit &unit);
    // Renames keep the unit's members, and every visibility grant to it follows.
    [[nodiscard]] Status renameUnit(const Access::UnitRef &unit, const QString &newName);
    [[nodiscard]] Status moveUnit(const Access::UnitRef &unit, const QString &newParent);
    [[nodiscard]] Status describeUnit(const Access::UnitRef &unit, const QString &description);
    // Drops the unit's members and every visibility grant to it.
    [[nodiscard]] Status deleteUnit(const Access::UnitRef &unit);

    // Clean-ups when something is deleted (the caller deletes the thing itself).
    // An entity: its rules and visibility, and a template's instance ones.
    [[nodiscard]] Status forgetEntity(const Access::EntityRef &ref);
    // A user or group: rules naming it and its unit memberships.
    [[nodiscard]] Status forgetPrincipal(const Access::Principal &principal);
    // An organization: its units' members and every grant to its units.
    [[nodiscard]] Status forgetOrganization(const QString &organization);
    // Units an organization PUT removed: as deleteUnit's clean-up, for each.
    [[nodiscard]] Status forgetUnits(const QString &organization, const QStringList &units);

    // The creator is written once, when the entity is created.
    [[nodiscard]] Status setCreator(const Access::EntityRef &ref, const QString &user);

    // The names in collection that filter lets the user see, in name order,
    // computed by the database (not by fetching everything).
    [[nodiscard]] Result<QStringList> visibleNames(const QString &collection,
                                                   const Access::ListFilter &filter);
    // The SQL condition behind visibleNames, for EntityStore's list queries:
    // keeps the rows of collection's table (its columns referred to through
    // alias: name, creator, and template for Things) that filter lets
    // through; appends the values to bind, in order, to binds.
    [[nodiscard]] static QString visibilityCondition(const QString &collection,
                                                     const Access::ListFilter &filter,
                                                     const QString &alias, QVariantList &binds);
    // Units whose visibility grants include unit or a unit below it, with
    // the entities granted (for "what can this unit see").
    [[nodiscard]] Result<QList<std::pair<Access::Holder, Access::UnitRef>>>
    grantsTo(const QList<Access::UnitRef> &units);

private:
    struct UnitRow
    {
        QString parent; // empty for the root
        int position = 0;
    };
    struct TreeUnit
    {
        QString name;
        QString parent;
        int position = 0;
    };
    // NotFound naming the organization or the unit.
    [[nodiscard]] Result<UnitRow> unitRow(const Access::UnitRef &unit);
    // An organization's units in stored order.
    [[nodiscard]] Result<QList<TreeUnit>> tree(const QString &organization);
    // Restores the stored order "root first, each unit after its parent".
    [[nodiscard]] Status renumber(const QString &organization);

    Database &m_database;
};

} // namespace Bulwark
