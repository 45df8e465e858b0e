#include "LoginStore.h"

#include "Database.h"
#include "Sql_p.h"
#include "wire/Wire.h"

#include <QHash>

namespace Bulwark {

Result<LoginRecord> LoginStore::record(const QString &user, const QDateTime &now,
                                       int maximumLockSeconds)
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT enabled, auth_source, password_hash, locked, locked_until, "
                      "credentials_version FROM users WHERE name = ?",
                      {user});
    if (!q)
        return q.error();
    LoginRecord r;
    if (!q->next())
        return r;
    r.exists = true;
    r.enabled = q->value(0).toInt() != 0;
    r.authSource = q->value(1).toString();
    r.passwordHash = q->value(2).toString();
    r.lockedUntil = q->value(4).isNull() ? QDateTime() : Sql::fromText(q->value(4));
    r.locked = q->value(3).toInt() != 0 && (r.lockedUntil.isNull() || r.lockedUntil > now);
    r.credentialsVersion = q->value(5).toLongLong();
    if (r.locked && maximumLockSeconds > 0 && r.lockedUntil.isValid() &&
        now.secsTo(r.lockedUntil) > maximumLockSeconds) {
        r.lockedUntil = now.addSecs(maximumLockSeconds);
        auto bounded = Sql::run(m_database.connection(),
                                "UPDATE users SET locked_until = ? WHERE name = ? AND locked = 1",
                                {Sql::toText(r.lockedUntil), user});
        if (!bounded)
            return bounded.error();
    }
    return r;
}

Result<bool> LoginStore::recordFailure(const QString &user, const QDateTime &now,
                                       const LockoutSettings &settings)
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT failed_logins, first_failure, locked, locked_until FROM users "
                      "WHERE name = ?",
                      {user});
    if (!q)
        return q.error();
    if (!q->next())
        return false;
    const QDateTime lockedUntil = q->value(3).isNull() ? QDateTime() : Sql::fromText(q->value(3));
    if (q->value(2).toInt() != 0 && (lockedUntil.isNull() || lockedUntil > now))
        return false; // already locked: failures meanwhile do not extend it
    int failures = q->value(0).toInt();
    QDateTime first = q->value(1).isNull() ? QDateTime() : Sql::fromText(q->value(1));
    if (first.isNull() || first.secsTo(now) > settings.windowSeconds) {
        failures = 0;
        first = now;
    } else if (first > now) {
        first = now; // the clock was set back: the window still ends within windowSeconds
    }
    ++failures;
    if (settings.threshold > 0 && failures >= settings.threshold) {
        const QVariant until = settings.durationSeconds > 0
                                   ? QVariant(Sql::toText(now.addSecs(settings.durationSeconds)))
                                   : Sql::nullable(QString());
        auto locked = Sql::run(m_database.connection(),
                               "UPDATE users SET locked = 1, locked_until = ?, failed_logins = 0, "
                               "first_failure = NULL WHERE name = ?",
                               {until, user});
        if (!locked)
            return locked.error();
        return true;
    }
    auto counted = Sql::run(m_database.connection(),
                            "UPDATE users SET locked = 0, locked_until = NULL, failed_logins = ?, "
                            "first_failure = ? WHERE name = ?",
                            {failures, Sql::toText(first), user});
    if (!counted)
        return counted.error();
    return false;
}

Status LoginStore::recordSuccess(const QString &user, const QDateTime &now, const QString &address)
{
    auto q = Sql::run(m_database.connection(),
                      "UPDATE users SET failed_logins = 0, first_failure = NULL, locked = 0, "
                      "locked_until = NULL, last_login = ?, last_login_address = ? WHERE name = ?",
                      {Sql::toText(now), Sql::nullable(address), user});
    if (!q)
        return q.error();
    return {};
}

Result<bool> LoginStore::unlock(const QString &user)
{
    auto current = record(user, QDateTime::currentDateTimeUtc());
    if (!current)
        return current.error();
    if (!current->exists)
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("There is no user named '%1'.").arg(user.left(64)));
    auto q = Sql::run(m_database.connection(),
                      "UPDATE users SET locked = 0, locked_until = NULL, failed_logins = 0, "
                      "first_failure = NULL WHERE name = ?",
                      {user});
    if (!q)
        return q.error();
    return current->locked;
}

Result<QStringList> LoginStore::usersOf(const QString &authSource)
{
    auto q = Sql::run(m_database.connection(), "SELECT name FROM users WHERE auth_source = ?",
                      {authSource});
    if (!q)
        return q.error();
    QStringList users;
    while (q->next())
        users.append(q->value(0).toString());
    return users;
}

Result<bool> LoginStore::directoryExists(const QString &name)
{
    auto q = Sql::run(m_database.connection(), "SELECT 1 FROM directory_services WHERE name = ?",
                      {name});
    if (!q)
        return q.error();
    return q->next();
}

Result<QSet<QString>> LoginStore::administrators()
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT group_name, member_kind, member_name FROM group_members");
    if (!q)
        return q.error();
    QHash<QString, QStringList> groupsIn; // group -> its member groups
    QHash<QString, QStringList> usersIn;  // group -> its member users
    while (q->next()) {
        const QString group = q->value(0).toString();
        if (q->value(1).toString() == u"Group")
            groupsIn[group].append(q->value(2).toString());
        else
            usersIn[group].append(q->value(2).toString());
    }
    QSet<QString> users;
    QSet<QString> seen;
    QStringList pending{QString(Wire::AdministratorsGroup)};
    while (!pending.isEmpty()) {
        const QString group = pending.takeLast();
        if (seen.contains(group))
            continue;
        seen.insert(group);
        for (const QString &user : usersIn.value(group))
            users.insert(user);
        pending += groupsIn.value(group);
    }
    return users;
}

} // namespace Bulwark
