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

    // maximumLockSeconds (lockout/duration_seconds; 0: no bound): a lock that
    // would end further ahead than that means the wall clock was set back
    // since it began; its end is brought to now + maximumLockSeconds (and
    // stored), so that a clock change never lengthens a lockout by more.
    [[nodiscard]] Result<LoginRecord> record(const QString &user, const QDateTime &now,
                                             int maximumLockSeconds = 0);
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
