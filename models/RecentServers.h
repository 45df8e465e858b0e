// The servers the console connected to, most recent first: address, user and
// the certificate fingerprint the user accepted, kept in QSettings. Passwords
// never go there: when the user asks to remember one, it lives in the OS
// keychain (Secret Service, macOS Keychain, Windows Credential Manager)
// through QtKeychain, with no plain-text fallback. Keychain calls are
// asynchronous and answer through a callback, never blocking the GUI.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <functional>

namespace QKeychain {
class Job;
}

namespace Bulwark::Models {

struct RecentServer
{
    QUrl url; // https://host:port
    QString user;
    QString fingerprint;             // SHA-256 "AB:CD:…" the user accepted
    bool passwordRemembered = false; // an entry for it is in the keychain

    // "Administrator @ https://host:8443", for lists.
    [[nodiscard]] QString displayName() const;
    [[nodiscard]] bool isSameAccount(const QUrl &otherUrl, const QString &otherUser) const;
};

// What a keychain call came to.
struct KeychainResult
{
    enum class Outcome
    {
        Done,        // stored, read or deleted
        NotFound,    // no entry for this server and user
        Unavailable, // no keychain to talk to (no Secret Service on the bus, …)
        Failed,      // the keychain answered with an error (access denied, …)
    };
    Outcome outcome = Outcome::Failed;
    QString password; // read: the stored password
    QString message;  // for Unavailable and Failed: what happened, for the user

    [[nodiscard]] bool isOk() const { return outcome == Outcome::Done; }
};

class RecentServers final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecentServers)

public:
    using Callback = std::function<void(const KeychainResult &)>;

    static constexpr int MaximumEntries = 10;
    static constexpr int KeychainTimeoutMs = 10000;

    explicit RecentServers(QObject *parent = nullptr);

    // From the application's QSettings, most recent first.
    [[nodiscard]] QList<RecentServer> servers() const;
    // Puts `server` first (replacing the entry of the same URL and user) and
    // drops the oldest beyond MaximumEntries. Never stores a password.
    void remember(const RecentServer &server);
    // Removes the entry from the list and its password from the keychain;
    // `done` gets the keychain's answer (NotFound counts as done).
    void forget(const QUrl &url, const QString &user, QObject *context, Callback done);

    // The keychain calls. `done` runs on the GUI thread unless `context` was
    // destroyed meanwhile.
    void storePassword(const QUrl &url, const QString &user, const QString &password,
                       QObject *context, Callback done);
    void readPassword(const QUrl &url, const QString &user, QObject *context, Callback done);
    void removePassword(const QUrl &url, const QString &user, QObject *context, Callback done);
    // Asks the keychain for an entry that does not exist: Unavailable when
    // there is no keychain to ask, NotFound when there is one.
    void checkKeychain(QObject *context, Callback done);

    // The keychain entry's service and key (visible in the OS's keychain tool).
    [[nodiscard]] static QString keychainService();
    [[nodiscard]] static QString keychainKey(const QUrl &url, const QString &user);
    // Said to the user when no keychain is reachable.
    [[nodiscard]] static QString unavailableMessage();

private:
    struct QueuedJob
    {
        QKeychain::Job *job = nullptr;
        QPointer<QObject> context;
        bool hasContext = false;
        Callback done;
    };

    // One keychain job at a time (see RecentServers.cpp for why).
    void schedule(QKeychain::Job *job, QObject *context, Callback done);
    void startNext();
    void setPasswordRemembered(const QUrl &url, const QString &user, bool remembered);
    void writeServers(const QList<RecentServer> &servers);

    QList<QueuedJob> m_queue;
    bool m_jobRunning = false;
};

} // namespace Bulwark::Models
