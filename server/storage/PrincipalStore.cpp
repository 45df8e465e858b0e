// EntityStore: users, groups and organizations.
#include "EntityStore.h"

#include "AccessStore.h"
#include "Database.h"
#include "Sql_p.h"

#include <QSet>

namespace Bulwark {

namespace {

Error notFound(const QString &kind, const QString &name)
{
    return makeError(ErrorCode::NotFound,
                     QStringLiteral("%1 '%2' does not exist.").arg(kind, name));
}

QString kindText(MemberKind kind)
{
    return kind == MemberKind::User ? QStringLiteral("User") : QStringLiteral("Group");
}

} // namespace

// ---- Users ----------------------------------------------------------------

namespace {

// Columns in the order of the SELECTs below.

User userFromRow(const QSqlQuery &q, const QDateTime &now)
{
    User u;
    u.name = q.value(0).toString();
    u.description = q.value(1).toString();
    u.enabled = q.value(2).toInt() != 0;
    u.created = Sql::fromText(q.value(3));
    u.modified = Sql::fromText(q.value(4));
    u.authSource = q.value(5).toString();
    u.lockedUntil = q.value(7).isNull() ? QDateTime() : Sql::fromText(q.value(7));
    // A lock with an end in the past has lapsed.
    u.locked = q.value(6).toInt() != 0 && (u.lockedUntil.isNull() || u.lockedUntil > now);
    if (!u.locked)
        u.lockedUntil = QDateTime();
    u.lastLogin = q.value(8).isNull() ? QDateTime() : Sql::fromText(q.value(8));
    u.lastLoginAddress = q.value(9).toString();
    return u;
}

} // namespace

Result<QList<User>> EntityStore::listUsers()
{
    return listUsers(Access::ListFilter::everything());
}

Result<QList<User>> EntityStore::listUsers(const Access::ListFilter &filter)
{
    QVariantList binds;
    const QString condition = AccessStore::visibilityCondition(QStringLiteral("Users"), filter,
                                                               QStringLiteral("u"), binds);
    auto q = Sql::run(m_database.connection(),
                      QStringLiteral("SELECT u.name, u.description, u.enabled, u.created, "
                                     "u.modified, u.auth_source, u.locked, u.locked_until, "
                                     "u.last_login, u.last_login_address FROM users u WHERE %1 "
                                     "ORDER BY u.name")
                          .arg(condition),
                      binds);
    if (!q)
        return q.error();
    QList<User> users;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    while (q->next())
        users.append(userFromRow(*q, now));
    return users;
}

Result<User> EntityStore::user(const QString &name)
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT name, description, enabled, created, modified, auth_source, locked, "
                      "locked_until, last_login, last_login_address FROM users WHERE name = ?",
                      {name});
    if (!q)
        return q.error();
    if (!q->next())
        return notFound(QStringLiteral("User"), name);
    return userFromRow(*q, QDateTime::currentDateTimeUtc());
}

Result<int> EntityStore::userCount()
{
    auto q = Sql::run(m_database.connection(), "SELECT COUNT(*) FROM users");
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toInt() : 0;
}

Status EntityStore::createUser(const User &user, const QString &passwordHash)
{
    auto found = exists("users", user.name);
    if (!found)
        return found.error();
    if (*found)
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("A user named '%1' already exists.").arg(user.name));
    auto q =
        Sql::run(m_database.connection(),
                 "INSERT INTO users (name, description, enabled, password_hash, created, "
                 "modified, auth_source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 {user.name, user.description, user.enabled ? 1 : 0, Sql::nullable(passwordHash),
                  Sql::toText(user.created), Sql::toText(user.modified),
                  user.authSource.isEmpty() ? QString(LocalAuthSource) : user.authSource});
    if (!q)
        return q.error();
    return {};
}

Status EntityStore::updateUser(const User &user)
{
    auto q = Sql::run(
        m_database.connection(),
        "UPDATE users SET description = ?, enabled = ?, modified = ?, auth_source = ? "
        "WHERE name = ?",
        {user.description, user.enabled ? 1 : 0, Sql::toText(user.modified),
         user.authSource.isEmpty() ? QString(LocalAuthSource) : user.authSource, user.name});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(QStringLiteral("User"), user.name);
    return {};
}

Status EntityStore::deleteUser(const QString &name)
{
    return inTransaction([&]() -> Status {
        auto memberships = Sql::run(m_database.connection(),
                                    "DELETE FROM group_members WHERE member_kind = 'User' AND "
                                    "member_name = ?",
                                    {name});
        if (!memberships)
            return memberships.error();
        auto q = Sql::run(m_database.connection(), "DELETE FROM users WHERE name = ?", {name});
        if (!q)
            return q.error();
        if (q->numRowsAffected() == 0)
            return notFound(QStringLiteral("User"), name);
        // What the user created no longer shows to whoever takes the name next.
        for (const char *table :
             {"things", "thing_templates", "users", "user_groups", "organizations"}) {
            auto cleared = Sql::run(m_database.connection(),
                                    QStringLiteral("UPDATE %1 SET creator = NULL WHERE creator = ?")
                                        .arg(QLatin1StringView(table)),
                                    QVariantList{name});
            if (!cleared)
                return cleared.error();
        }
        AccessStore access(m_database);
        if (auto s = access.forgetPrincipal({MemberKind::User, name}); !s)
            return s;
        return access.forgetEntity({QStringLiteral("Users"), name});
    });
}

Result<QString> EntityStore::passwordHash(const QString &user)
{
    auto q =
        Sql::run(m_database.connection(), "SELECT password_hash FROM users WHERE name = ?", {user});
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toString() : QString();
}

Status EntityStore::setPasswordHash(const QString &user, const QString &hash, PasswordChange change)
{
    auto q = change == PasswordChange::Rehash
                 ? Sql::run(m_database.connection(),
                            "UPDATE users SET password_hash = ? WHERE name = ?", {hash, user})
                 : Sql::run(m_database.connection(),
                            "UPDATE users SET password_hash = ?, credentials_version = "
                            "credentials_version + 1 WHERE name = ?",
                            {hash, user});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(QStringLiteral("User"), user);
    return {};
}

// ---- Groups ---------------------------------------------------------------

Result<QList<Group>> EntityStore::listGroups()
{
    return listGroups(Access::ListFilter::everything());
}

Result<QList<Group>> EntityStore::listGroups(const Access::ListFilter &filter)
{
    // Two queries whatever the number of groups: the groups, then the
    // members of those groups.
    QVariantList binds;
    const QString condition = AccessStore::visibilityCondition(QStringLiteral("Groups"), filter,
                                                               QStringLiteral("g"), binds);
    auto q = Sql::run(m_database.connection(),
                      QStringLiteral("SELECT g.name, g.description, g.created, g.modified FROM "
                                     "user_groups g WHERE %1 ORDER BY g.name")
                          .arg(condition),
                      binds);
    if (!q)
        return q.error();
    QList<Group> groups;
    QHash<QString, qsizetype> index;
    while (q->next()) {
        index.insert(q->value(0).toString(), groups.size());
        groups.append({q->value(0).toString(),
                       q->value(1).toString(),
                       {},
                       Sql::fromText(q->value(2)),
                       Sql::fromText(q->value(3))});
    }
    if (groups.isEmpty())
        return groups;
    auto m = Sql::run(m_database.connection(),
                      QStringLiteral("SELECT m.group_name, m.member_kind, m.member_name FROM "
                                     "group_members m WHERE m.group_name IN (SELECT g.name FROM "
                                     "user_groups g WHERE %1) ORDER BY m.group_name, "
                                     "m.member_kind DESC, m.member_name")
                          .arg(condition),
                      binds);
    if (!m)
        return m.error();
    while (m->next()) {
        const auto at = index.constFind(m->value(0).toString());
        if (at == index.constEnd())
            continue;
        groups[*at].members.append(
            {m->value(1).toString() == u"User" ? MemberKind::User : MemberKind::Group,
             m->value(2).toString()});
    }
    return groups;
}

Result<Group> EntityStore::group(const QString &name)
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT name, description, created, modified FROM user_groups "
                      "WHERE name = ?",
                      {name});
    if (!q)
        return q.error();
    if (!q->next())
        return notFound(QStringLiteral("Group"), name);
    Group g{q->value(0).toString(),
            q->value(1).toString(),
            {},
            Sql::fromText(q->value(2)),
            Sql::fromText(q->value(3))};
    auto m = Sql::run(m_database.connection(),
                      "SELECT member_kind, member_name FROM group_members WHERE group_name = ? "
                      "ORDER BY member_kind DESC, member_name",
                      {name});
    if (!m)
        return m.error();
    while (m->next())
        g.members.append({m->value(0).toString() == u"User" ? MemberKind::User : MemberKind::Group,
                          m->value(1).toString()});
    return g;
}

Status EntityStore::checkGroupMembers(const Group &g)
{
    for (const GroupMember &m : g.members) {
        auto found = exists(m.kind == MemberKind::User ? "users" : "user_groups", m.name);
        if (!found)
            return found.error();
        if (!*found)
            return notFound(kindText(m.kind), m.name);
    }
    // Refuse a cycle: no member group may contain g, directly or through others.
    QStringList frontier;
    for (const GroupMember &m : g.members) {
        if (m.kind == MemberKind::Group)
            frontier << m.name;
    }
    QSet<QString> seen;
    while (!frontier.isEmpty()) {
        const QString current = frontier.takeFirst();
        if (current == g.name)
            return makeError(ErrorCode::Conflict,
                             QStringLiteral("Group '%1' cannot contain these members: a member "
                                            "group already contains '%1', which would make a "
                                            "cycle.")
                                 .arg(g.name));
        if (seen.contains(current))
            continue;
        seen.insert(current);
        auto q = Sql::run(m_database.connection(),
                          "SELECT member_name FROM group_members WHERE group_name = ? AND "
                          "member_kind = 'Group'",
                          {current});
        if (!q)
            return q.error();
        while (q->next())
            frontier << q->value(0).toString();
    }
    return {};
}

Status EntityStore::writeGroupMembers(const Group &g)
{
    auto clear = Sql::run(m_database.connection(), "DELETE FROM group_members WHERE group_name = ?",
                          {g.name});
    if (!clear)
        return clear.error();
    for (const GroupMember &m : g.members) {
        auto q = Sql::run(m_database.connection(),
                          "INSERT INTO group_members (group_name, member_kind, member_name) "
                          "VALUES (?, ?, ?)",
                          {g.name, kindText(m.kind), m.name});
        if (!q)
            return q.error();
    }
    return {};
}

Status EntityStore::createGroup(const Group &g)
{
    return inTransaction([&]() -> Status {
        auto found = exists("user_groups", g.name);
        if (!found)
            return found.error();
        if (*found)
            return makeError(ErrorCode::Conflict,
                             QStringLiteral("A group named '%1' already exists.").arg(g.name));
        if (auto s = checkGroupMembers(g); !s)
            return s;
        auto q = Sql::run(m_database.connection(),
                          "INSERT INTO user_groups (name, description, created, modified) "
                          "VALUES (?, ?, ?, ?)",
                          {g.name, g.description, Sql::toText(g.created), Sql::toText(g.modified)});
        if (!q)
            return q.error();
        return writeGroupMembers(g);
    });
}

Status EntityStore::updateGroup(const Group &g)
{
    return inTransaction([&]() -> Status {
        auto q = Sql::run(m_database.connection(),
                          "UPDATE user_groups SET description = ?, modified = ? WHERE name = ?",
                          {g.description, Sql::toText(g.modified), g.name});
        if (!q)
            return q.error();
        if (q->numRowsAffected() == 0)
            return notFound(QStringLiteral("Group"), g.name);
        if (auto s = checkGroupMembers(g); !s)
            return s;
        return writeGroupMembers(g);
    });
}

Status EntityStore::deleteGroup(const QString &name)
{
    return inTransaction([&]() -> Status {
        auto memberships = Sql::run(m_database.connection(),
                                    "DELETE FROM group_members WHERE member_kind = 'Group' AND "
                                    "member_name = ?",
                                    {name});
        if (!memberships)
            return memberships.error();
        auto own = Sql::run(m_database.connection(),
                            "DELETE FROM group_members WHERE group_name = ?", {name});
        if (!own)
            return own.error();
        auto q =
            Sql::run(m_database.connection(), "DELETE FROM user_groups WHERE name = ?", {name});
        if (!q)
            return q.error();
        if (q->numRowsAffected() == 0)
            return notFound(QStringLiteral("Group"), name);
        AccessStore access(m_database);
        if (auto s = access.forgetPrincipal({MemberKind::Group, name}); !s)
            return s;
        return access.forgetEntity({QStringLiteral("Groups"), name});
    });
}

// ---- Organizations --------------------------------------------------------

Result<QList<Organization>> EntityStore::listOrganizations()
{
    return listOrganizations(Access::ListFilter::everything());
}

Result<QList<Organization>> EntityStore::listOrganizations(const Access::ListFilter &filter)
{
    QVariantList binds;
    const QString condition = AccessStore::visibilityCondition(QStringLiteral("Organizations"),
                                                               filter, QStringLiteral("o"), binds);
    auto q = Sql::run(m_database.connection(),
                      QStringLiteral("SELECT o.name, o.description, o.created, o.modified FROM "
                                     "organizations o WHERE %1 ORDER BY o.name")
                          .arg(condition),
                      binds);
    if (!q)
        return q.error();
    QList<Organization> organizations;
    QHash<QString, qsizetype> index;
    while (q->next()) {
        index.insert(q->value(0).toString(), organizations.size());
        organizations.append({q->value(0).toString(),
                              q->value(1).toString(),
                              {},
                              Sql::fromText(q->value(2)),
                              Sql::fromText(q->value(3))});
    }
    if (organizations.isEmpty())
        return organizations;
    auto u = Sql::run(m_database.connection(),
                      QStringLiteral("SELECT u.organization, u.name, u.description, u.parent FROM "
                                     "org_units u WHERE u.organization IN (SELECT o.name FROM "
                                     "organizations o WHERE %1) ORDER BY u.organization, "
                                     "u.position")
                          .arg(condition),
                      binds);
    if (!u)
        return u.error();
    while (u->next()) {
        const auto at = index.constFind(u->value(0).toString());
        if (at == index.constEnd())
            continue;
        organizations[*at].units.append(
            {u->value(1).toString(), u->value(2).toString(), u->value(3).toString()});
    }
    return organizations;
}

Result<Organization> EntityStore::organization(const QString &name)
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT name, description, created, modified FROM organizations "
                      "WHERE name = ?",
                      {name});
    if (!q)
        return q.error();
    if (!q->next())
        return notFound(QStringLiteral("Organization"), name);
    Organization o{q->value(0).toString(),
                   q->value(1).toString(),
                   {},
                   Sql::fromText(q->value(2)),
                   Sql::fromText(q->value(3))};
    auto u = Sql::run(m_database.connection(),
                      "SELECT name, description, parent FROM org_units WHERE organization = ? "
                      "ORDER BY position",
                      {name});
    if (!u)
        return u.error();
    while (u->next())
        o.units.append({u->value(0).toString(), u->value(1).toString(), u->value(2).toString()});
    return o;
}

Status EntityStore::writeUnits(const Organization &o)
{
    // A diff, not delete-and-insert: the members of a unit that remains and
    // the visibility grants to it are kept; a removed unit's are dropped.
    auto existing = Sql::run(m_database.connection(),
                             "SELECT name FROM org_units WHERE organization = ?", {o.name});
    if (!existing)
        return existing.error();
    QSet<QString> before;
    while (existing->next())
        before.insert(existing->value(0).toString());
    QSet<QString> after;
    int position = 0;
    for (const OrganizationalUnit &unit : o.units) {
        after.insert(unit.name);
        auto q = before.contains(unit.name)
                     ? Sql::run(m_database.connection(),
                                "UPDATE org_units SET parent = ?, description = ?, position = ? "
                                "WHERE organization = ? AND name = ?",
                                {Sql::nullable(unit.parent), unit.description, position, o.name,
                                 unit.name})
                     : Sql::run(m_database.connection(),
                                "INSERT INTO org_units (organization, name, parent, description, "
                                "position) VALUES (?, ?, ?, ?, ?)",
                                {o.name, unit.name, Sql::nullable(unit.parent), unit.description,
                                 position});
        if (!q)
            return q.error();
        ++position;
    }
    QStringList removed;
    for (const QString &name : std::as_const(before)) {
        if (after.contains(name))
            continue;
        removed << name;
        auto q =
            Sql::run(m_database.connection(),
                     "DELETE FROM org_units WHERE organization = ? AND name = ?", {o.name, name});
        if (!q)
            return q.error();
    }
    return AccessStore(m_database).forgetUnits(o.name, removed);
}

Status EntityStore::createOrganization(const Organization &o)
{
    return inTransaction([&]() -> Status {
        auto found = exists("organizations", o.name);
        if (!found)
            return found.error();
        if (*found)
            return makeError(
                ErrorCode::Conflict,
                QStringLiteral("An organization named '%1' already exists.").arg(o.name));
        auto q = Sql::run(m_database.connection(),
                          "INSERT INTO organizations (name, description, created, modified) "
                          "VALUES (?, ?, ?, ?)",
                          {o.name, o.description, Sql::toText(o.created), Sql::toText(o.modified)});
        if (!q)
            return q.error();
        return writeUnits(o);
    });
}

Status EntityStore::updateOrganization(const Organization &o)
{
    return inTransaction([&]() -> Status {
        auto q = Sql::run(m_database.connection(),
                          "UPDATE organizations SET description = ?, modified = ? WHERE name = ?",
                          {o.description, Sql::toText(o.modified), o.name});
        if (!q)
            return q.error();
        if (q->numRowsAffected() == 0)
            return notFound(QStringLiteral("Organization"), o.name);
        return writeUnits(o);
    });
}

Status EntityStore::deleteOrganization(const QString &name)
{
    return inTransaction([&]() -> Status {
        auto units = Sql::run(m_database.connection(),
                              "DELETE FROM org_units WHERE organization = ?", {name});
        if (!units)
            return units.error();
        auto q =
            Sql::run(m_database.connection(), "DELETE FROM organizations WHERE name = ?", {name});
        if (!q)
            return q.error();
        if (q->numRowsAffected() == 0)
            return notFound(QStringLiteral("Organization"), name);
        AccessStore access(m_database);
        if (auto s = access.forgetOrganization(name); !s)
            return s;
        return access.forgetEntity({QStringLiteral("Organizations"), name});
    });
}

} // namespace Bulwark
