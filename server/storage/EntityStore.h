// Reads and writes the core entities through one Database. Every statement
// is prepared with bound values; every multi-row change runs in a
// transaction. Used only on the storage thread.
#pragma once

#include "core/Entities.h"

#include <QHash>
#include <QStringList>

#include <functional>

namespace Bulwark {

class Database;
namespace Access {
struct ListFilter;
}

// A property value as stored, with what the device said of it.
struct QualifiedValue
{
    QJsonValue value = QJsonValue::Null;
    QDateTime time;
    QString quality = QStringLiteral("good"); // "good" | "uncertain" | "bad"
};

class EntityStore final
{
    Q_DISABLE_COPY_MOVE(EntityStore)

public:
    explicit EntityStore(Database &database);

    // Runs work in one transaction: committed when it succeeds, rolled back
    // when it fails. Calls made inside join it.
    [[nodiscard]] Status inTransaction(const std::function<Status()> &work);
    // For the other stores on this thread (keys, audit, app keys, directories).
    [[nodiscard]] Database &database() { return m_database; }

    // The list* calls without a filter answer everything; with one, only
    // what it lets through, filtered in the query (AccessStore::visibilityCondition).
    // Deleting an entity also drops its rules and visibility (and a user's or
    // group's rules and unit memberships, an organization's unit members and
    // the grants to its units) in the same transaction.

    // Things
    [[nodiscard]] Result<QList<Thing>> listThings();
    [[nodiscard]] Result<QList<Thing>> listThings(const Access::ListFilter &filter);
    [[nodiscard]] Result<Thing> thing(const QString &name);
    [[nodiscard]] Status createThing(const Thing &thing);
    [[nodiscard]] Status updateThing(const Thing &thing);
    [[nodiscard]] Status deleteThing(const QString &name);

    // Templates
    [[nodiscard]] Result<QList<ThingTemplate>> listTemplates();
    [[nodiscard]] Result<QList<ThingTemplate>> listTemplates(const Access::ListFilter &filter);
    [[nodiscard]] Result<ThingTemplate> thingTemplate(const QString &name);
    [[nodiscard]] Status createTemplate(const ThingTemplate &thingTemplate);
    [[nodiscard]] Status updateTemplate(const ThingTemplate &thingTemplate);
    [[nodiscard]] Status deleteTemplate(const QString &name);
    // The Thing with its template chain's members merged in. Kept once
    // computed, and forgotten by every write of a Thing or template, every
    // rolled-back transaction and every Database::generation change, so
    // the next read after a change sees it (the ingest path reads one per
    // batch of values).
    [[nodiscard]] Result<Thing> effectiveThing(const QString &name);
    // Bumped by everything that forgets the kept effective Things.
    [[nodiscard]] quint64 entityGeneration() const { return m_entityGeneration; }
    // The templates name derives from, name itself first. Empty name: empty chain.
    [[nodiscard]] Result<QList<ThingTemplate>> templateChain(const QString &name);
    // Templates deriving from name (transitively) and the Things built from any of them.
    [[nodiscard]] Result<QStringList> derivedTemplates(const QString &name);
    [[nodiscard]] Result<QStringList> thingsUsingTemplates(const QStringList &templates);

    // Property values (stored as compact JSON)
    [[nodiscard]] Result<QHash<QString, PropertyValue>> propertyValues(const QString &thing);
    [[nodiscard]] Status setPropertyValue(const QString &thing, const QString &property,
                                          const PropertyValue &value);
    [[nodiscard]] Status deletePropertyValue(const QString &thing, const QString &property);
    // With the quality a device gave (REST writes are "good").
    [[nodiscard]] Result<QHash<QString, QualifiedValue>> qualifiedValues(const QString &thing);
    // Stores value unless the stored one is newer (the newest time wins; an
    // equal time replaces). Answers whether it was stored.
    [[nodiscard]] Result<bool> setNewestPropertyValue(const QString &thing, const QString &property,
                                                      const QualifiedValue &value);

    // Users
    [[nodiscard]] Result<QList<User>> listUsers();
    [[nodiscard]] Result<QList<User>> listUsers(const Access::ListFilter &filter);
    [[nodiscard]] Result<User> user(const QString &name);
    [[nodiscard]] Result<int> userCount();
    [[nodiscard]] Status createUser(const User &user, const QString &passwordHash);
    [[nodiscard]] Status updateUser(const User &user);
    [[nodiscard]] Status deleteUser(const QString &name);
    // Empty when the user does not exist or has no password.
    [[nodiscard]] Result<QString> passwordHash(const QString &user);
    enum class PasswordChange
    {
        New,    // a new password (or none): sign-ins checked against the old one fail
        Rehash, // the same password, hashed with stronger parameters
    };
    [[nodiscard]] Status setPasswordHash(const QString &user, const QString &hash,
                                         PasswordChange change = PasswordChange::New);

    // Groups
    [[nodiscard]] Result<QList<Group>> listGroups();
    [[nodiscard]] Result<QList<Group>> listGroups(const Access::ListFilter &filter);
    [[nodiscard]] Result<Group> group(const QString &name);
    [[nodiscard]] Status createGroup(const Group &group);
    [[nodiscard]] Status updateGroup(const Group &group);
    [[nodiscard]] Status deleteGroup(const QString &name);

    // Organizations
    [[nodiscard]] Result<QList<Organization>> listOrganizations();
    [[nodiscard]] Result<QList<Organization>> listOrganizations(const Access::ListFilter &filter);
    [[nodiscard]] Result<Organization> organization(const QString &name);
    [[nodiscard]] Status createOrganization(const Organization &organization);
    // Replaces the unit tree: units that remain keep their members and the
    // visibility grants to them; those of removed units are dropped.
    [[nodiscard]] Status updateOrganization(const Organization &organization);
    [[nodiscard]] Status deleteOrganization(const QString &name);

private:
    [[nodiscard]] Result<bool> exists(const char *table, const QString &name);
    [[nodiscard]] Status checkGroupMembers(const Group &group);
    [[nodiscard]] Status writeGroupMembers(const Group &group);
    [[nodiscard]] Status writeUnits(const Organization &organization);
    [[nodiscard]] Status deleteTemplateNow(const QString &name);
    // A Thing or template is about to change, or a transaction was undone.
    void forgetEffectiveThings();

    Database &m_database;
    int m_transactionDepth = 0;
    QHash<QString, Thing> m_effectiveThings;
    quint64 m_effectiveThingsDatabaseGeneration = 0;
    quint64 m_entityGeneration = 0;
};

} // namespace Bulwark
