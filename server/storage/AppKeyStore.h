// Application keys at rest: everything but the secret, of which only a
// hash is kept (see security/AppKeys.h). Used only on the storage thread.
#pragma once

#include "core/Result.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace Bulwark {

class Database;

struct ApplicationKey
{
    QString name;
    QString description;
    QString user; // the user the key acts as, with exactly that user's rights
    QDateTime expires;
    QStringList ipAllowlist; // addresses and CIDR ranges; empty: any address
    bool enabled = true;
    QDateTime lastUsed;
    QString lastAddress;
    QDateTime created;
    QDateTime modified;
};

class AppKeyStore final
{
public:
    explicit AppKeyStore(Database &database)
        : m_database(database)
    {}

    // Sorted by name; an empty user lists every key.
    [[nodiscard]] Result<QList<ApplicationKey>> list(const QString &user = {});
    [[nodiscard]] Result<ApplicationKey> get(const QString &name);
    // secretHash: AppKeys::secretHash of the secret shown once to the caller.
    [[nodiscard]] Status create(const ApplicationKey &key, const QByteArray &secretHash);
    // Changes description, expiry, allowlist, enabled and modified; never
    // the user or the secret.
    [[nodiscard]] Status update(const ApplicationKey &key);
    [[nodiscard]] Status remove(const QString &name);
    [[nodiscard]] Result<std::optional<ApplicationKey>> findBySecretHash(const QByteArray &hash);
    // Whether the secret's hash is this key's (for a PUT that repeats it).
    [[nodiscard]] Result<bool> hasSecretHash(const QString &name, const QByteArray &hash);
    [[nodiscard]] Status recordUse(const QString &name, const QDateTime &time,
                                   const QString &address);

private:
    Database &m_database;
};

} // namespace Bulwark
