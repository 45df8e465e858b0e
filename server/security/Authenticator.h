// Every way in: HTTP Basic, session tokens (bearer or cookie), app keys, and
// the password check behind sign-in, local (Argon2id) or delegated to an LDAP
// directory. Nothing here blocks the I/O thread: stored state is read on the
// storage thread, hashing and LDAP run on a worker pool, and the answer comes
// back on the caller's thread.
//
// Failed sign-ins never say whether the user exists: one message, one status,
// and the same work (a decoy hash) for unknown users. Failures are counted
// per account (lockout) and per client address (throttle), and audited.
#pragma once

#include "AddressAllowlist.h"
#include "LoginThrottle.h"
#include "SecuritySettings.h"
#include "Sessions.h"
#include "core/Result.h"
#include "storage/AppKeyStore.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <functional>
#include <memory>

namespace Bulwark {

class AuditLog;
class EntityStore;
class StorageThread;
class Vault;
struct AuditRecord;

// Who a request acts as, and how it proved it.
struct Identity
{
    QString user;
    QString method;          // "basic", "session", "cookie", "appkey" or "password"
    QString appKey;          // the key's name, for "appkey"
    QByteArray sessionToken; // for "session" and "cookie"
    QByteArray csrfToken;    // for "cookie": writes must echo it in X-CSRF-Token
    QDateTime expires;       // when the credential ends (session lifetime, key expiry)
};

// The credentials a request carries.
struct Credentials
{
    QByteArray authorization; // Authorization header
    QByteArray appKey;        // appKey header
    QByteArray cookie;        // Cookie header
    QHostAddress address;     // the client

    [[nodiscard]] bool isEmpty() const
    {
        return authorization.isEmpty() && appKey.isEmpty() && sessionCookie().isEmpty();
    }
    // The value of the session cookie, or empty.
    [[nodiscard]] QByteArray sessionCookie() const;
};

inline constexpr QLatin1StringView SessionCookieName{"__Host-bulwark_session"};

class Authenticator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Authenticator)

public:
    using Done = std::function<void(Result<Identity>)>;

    Authenticator(StorageThread &storage, const Vault &vault, const AuditLog &audit,
                  const SecuritySettings &settings, QObject *parent = nullptr);
    ~Authenticator() override;

    // Any of the request credential forms.
    void authenticate(const Credentials &credentials, Done done);
    // A user name and password (sign-in, Basic, edge devices). method is
    // recorded in the identity and the audit log.
    void verifyPassword(const QString &user, const QString &password, const QHostAddress &address,
                        const QString &method, Done done);
    // An app key secret ("bwk_…").
    void verifyAppKey(const QByteArray &secret, const QHostAddress &address, Done done);

    [[nodiscard]] Sessions &sessions() { return m_sessions; }
    // Seconds until address may try a password again (Retry-After); 0: now.
    [[nodiscard]] int throttledFor(const QHostAddress &address)
    {
        return m_throttle.retryAfter(address);
    }
    [[nodiscard]] const SecuritySettings &settings() const { return m_settings; }

    // Members of Administrators, directly or nested; refreshed by the API
    // after every change of users or groups.
    [[nodiscard]] bool isAdministrator(const QString &user) const
    {
        return m_administrators.contains(user);
    }
    void setAdministrators(QSet<QString> users);

    // Password changed, user disabled or deleted: remembered checks and
    // sessions end, live connections are told (credentialsChanged).
    void forgetUser(const QString &user);
    // Logout: the session ends, and so do live streams opened with it.
    bool endSession(const QByteArray &token);
    // An app key was changed or deleted: connections that signed in with it
    // end (they sign in again, and are checked against its new state).
    void appKeyChanged(const QString &name);

    // Checks waiting for or running on the worker pool; past this, new
    // checks are refused as Unavailable instead of queueing without bound.
    static constexpr int MaximumInFlight = 64;

    [[nodiscard]] static Error rejected();

Q_SIGNALS:
    void credentialsChanged(const QString &user);
    void sessionEnded(const QByteArray &token);
    void appKeyEnded(const QString &name);
    void administratorsChanged();
    // Just-in-time provisioning made user and put it into groups.
    void userProvisioned(const QString &user);
    // Now and then: live connections check that what they signed in with
    // has not expired (a session's lifetime, an app key's expiry).
    void expiryCheck();

private:
    struct Remembered
    {
        QString user;
        QDeadlineTimer expiry;
    };
    struct PasswordCheck;
    // A verified app key, remembered for a short while.
    struct CachedKey
    {
        ApplicationKey key;
        AddressAllowlist::Ranges allowlist;
        QDeadlineTimer fresh;
    };

    void checkPassword(std::shared_ptr<PasswordCheck> check);
    void checkEnded(const PasswordCheck &check);
    [[nodiscard]] static QString shownName(const QString &typed);
    void finishPassword(std::shared_ptr<PasswordCheck> check);
    void useCachedAppKey(const QByteArray &hash, CachedKey &cached, const QHostAddress &address,
                         Done done);
    // Notes that the key with this secret hash was used from source; true
    // when source is not among its recent addresses.
    bool noteKeyAddress(const QByteArray &key, const QString &source);
    [[nodiscard]] static Error userCannotSignIn();
    void auditAddressRefused(EntityStore &store, const QString &key, const QString &source,
                             const QDateTime &time) const;
    void auditNewAddress(EntityStore &store, const ApplicationKey &key, const QString &source,
                         const QDateTime &time) const;
    void audit(EntityStore &store, AuditRecord record) const;

    StorageThread &m_storage;
    const Vault &m_vault;
    const AuditLog &m_audit;
    SecuritySettings m_settings;
    Sessions m_sessions;
    LoginThrottle m_throttle;
    QThreadPool m_pool;
    QTimer m_purge;
    QByteArray m_cacheKey; // random per process
    QHash<QByteArray, Remembered> m_remembered;
    QHash<QByteArray, CachedKey> m_appKeys; // by SHA-256 of the secret
    // The addresses each app key was used from lately (this process), most
    // recent first: a key shared by devices behind several addresses is not
    // audited and written back on every connection.
    QHash<QByteArray, QStringList> m_keyAddresses; // by SHA-256 of the secret
    QHash<QByteArray, std::weak_ptr<PasswordCheck>> m_runningBasic;
    QSet<QString> m_administrators;
    int m_inFlight = 0;
};

} // namespace Bulwark
