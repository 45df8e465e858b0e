// Reads and writes the key material tables of schema 3: installation
// settings, the wrapped data keys and the sealed secrets. Values here are
// already wrapped or sealed by the vault; this class never sees a plain
// key. Used only on the storage thread, through EntityStore::database().
#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>

namespace Bulwark {

class Database;

class SecretStore final
{
public:
    // A data key as stored: wrapped (base64) by the master key with this id.
    struct WrappedKey
    {
        QString purpose;
        QString wrapped;
        QString masterKeyId;
    };

    // Names in the settings table.
    static inline const QString InstallationId = QStringLiteral("installation-id");

    explicit SecretStore(Database &database)
        : m_database(database)
    {}

    // Empty when the setting is absent.
    [[nodiscard]] Result<QString> setting(const QString &name);
    [[nodiscard]] Status setSetting(const QString &name, const QString &value);

    [[nodiscard]] Result<QList<WrappedKey>> dataKeys();
    // Adds keys for new purposes; an existing purpose is never overwritten.
    [[nodiscard]] Status addDataKey(const WrappedKey &key);
    // Replaces the wrapping of existing keys (rotation). Run it in a
    // transaction with all keys, so that no key is left under the old master.
    [[nodiscard]] Status rewrapDataKeys(const QList<WrappedKey> &keys);

    // Empty when the secret is absent.
    [[nodiscard]] Result<QString> secret(const QString &name);
    [[nodiscard]] Status setSecret(const QString &name, const QString &sealed);

private:
    Database &m_database;
};

} // namespace Bulwark
