// The sign-in state of users: what a password check needs in one read, and
// the failure counting behind account lockout. Storage thread only.
#pragma once

#include "core/Result.h"
#include "security/SecuritySettings.h"

#include <QDateTime>
#include <QSet>
#include <QString>

namespace Bulwark {

class Database;

struct LoginRecord
{
    bool exists = false;
    bool enabled = false;
    QString authSource;            // "local" or a directory service's name
    QString passwordHash;          // empty: no local password
    bool locked = false;           // locked out now
    QDateTime lockedUntil;         // null while locked: until unlocked
    qint64 credentialsVersion = 0; // bumped by password changes, not by rehashes
};

class LoginStore final
{
public:
    explicit LoginStore(Database &database)
        : m_database(database)
    {}

    [[nodiscard]] Result<LoginRecord> record(const QString &user, const QDateTime &now);
    // Counts a failed sign-in of an existing user; true when it locked the account.
    [[nodiscard]] Result<bool> recordFailure(const QString &user, const QDateTime &now,
                                             const LockoutSettings &settings);
    // Clears the failure count and a lapsed lock, and notes when and from where.
    [[nodiscard]] Status recordSuccess(const QString &user, const QDateTime &now,
                                       const QString &address);
    // False when the user was not locked. NotFound for an unknown user.
    [[nodiscard]] Result<bool> unlock(const QString &user);
    // Users who sign in through the named directory.
    [[nodiscard]] Result<QStringList> usersOf(const QString &authSource);
    // Whether a directory service of that name is configured.
    [[nodiscard]] Result<bool> directoryExists(const QString &name);
    // Users who are members of Administrators, directly or through nested groups.
    [[nodiscard]] Result<QSet<QString>> administrators();

private:
    Database &m_database;
};

} // namespace Bulwark
