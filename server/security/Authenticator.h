// Checks credentials without blocking the I/O thread: the stored hash is
// read on the storage thread, the key derivation runs on a worker pool, and
// the answer comes back on the caller's thread. A successful check is
// remembered for a few minutes under an HMAC of the credentials (never the
// password itself), so scripts sending Basic on every request stay fast.
#pragma once

#include "core/Result.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QObject>
#include <QThreadPool>

#include <functional>

namespace Bulwark {

class StorageThread;

class Authenticator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Authenticator)

public:
    using Done = std::function<void(Result<QString> user)>;

    explicit Authenticator(StorageThread &storage, QObject *parent = nullptr);
    ~Authenticator() override;

    // header is the value of an Authorization header ("Basic …").
    void verifyAuthorization(const QByteArray &header, Done done);
    void verifyPassword(const QString &user, const QString &password, Done done);
    // Drops remembered checks of user (password changed, user disabled or
    // deleted) and tells open sessions to end.
    void forgetUser(const QString &user);

    // Checks waiting for or running on the worker pool; past this, new
    // checks are refused as Unavailable instead of queueing without bound.
    static constexpr int MaximumInFlight = 64;

Q_SIGNALS:
    void credentialsChanged(const QString &user);

public:
    [[nodiscard]] static Error rejected();

private:
    struct Remembered
    {
        QString user;
        QDeadlineTimer expiry;
    };

    StorageThread &m_storage;
    QThreadPool m_pool;
    QByteArray m_cacheKey; // random per process
    QHash<QByteArray, Remembered> m_remembered;
    int m_inFlight = 0;
};

} // namespace Bulwark
