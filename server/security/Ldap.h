// Delegated sign-in against an LDAP directory (OpenLDAP's libldap):
// search-then-bind over TLS, with every piece of user input escaped by
// libldap itself. All calls block on the network: the server runs them on
// its worker pool, never on the I/O or storage thread. Each call opens its
// own connection, so the functions are safe to call from several threads.
#pragma once

#include "core/Result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace Bulwark {

// One configured directory service. No libldap types here: the header is
// included by storage and routes.
struct DirectoryConfig
{
    QString name;
    QString description;
    QString url;           // ldaps://host:port or ldap://host:port (StartTLS)
    QString caFile;        // PEM bundle; empty: the system's trusted CAs
    bool insecure = false; // only then ldap:// without StartTLS (lab use)
    QString bindDn;
    QString bindPassword;
    QString userBase;
    QString userFilter = QStringLiteral("(uid={user})");
    QString groupBase; // empty: no group lookup
    QString groupFilter = QStringLiteral("(member={dn})");
    QHash<QString, QString> groupMapping; // directory group DN -> platform group
    bool provisionUsers = false;
    int timeoutSeconds = 5;
    bool enabled = true;
};

struct DirectoryLogin
{
    QString dn;
    QStringList directoryGroups; // DNs as the directory returned them
    QStringList platformGroups;  // mapped through groupMapping, sorted, unique
};

// One step of a connection test, in words for an administrator.
struct DirectoryTestStep
{
    QString step; // "connect", "tls", "bind", "search", "login", "groups"
    bool ok = false;
    QString message;
};

namespace Ldap {

inline constexpr int MinimumTimeoutSeconds = 1;
inline constexpr int MaximumTimeoutSeconds = 60;

// Search-then-bind. Unauthorized (one generic message) for an unknown user,
// an ambiguous user or a wrong password; Unavailable with the reason when
// the directory cannot be used (unreachable, TLS, service account, timeout).
[[nodiscard]] Result<DirectoryLogin> authenticate(const DirectoryConfig &config,
                                                  const QString &user, const QString &password);

// Connect, TLS, service bind and a base search; the success message says
// what was reached.
[[nodiscard]] Result<QString> testConnection(const DirectoryConfig &config);

// The same checks step by step, plus a login when user is not empty. Stops
// at the first failing step.
[[nodiscard]] QList<DirectoryTestStep>
testSteps(const DirectoryConfig &config, const QString &user = {}, const QString &password = {});

// RFC 4515 filter value escaping (libldap's ldap_bv2escaped_filter_value).
[[nodiscard]] QString escapeFilterValue(const QString &value);
// RFC 4514 attribute value escaping (libldap's ldap_dn2bv on a one-AVA DN).
[[nodiscard]] QString escapeDnValue(const QString &value);
// A DN parsed and re-serialised by libldap, lower-cased, for comparisons.
// Empty when the text is not a DN.
[[nodiscard]] QString normalizeDn(const QString &dn);

// Everything that can be checked without the network.
[[nodiscard]] Status validate(const DirectoryConfig &config);

} // namespace Ldap

} // namespace Bulwark
