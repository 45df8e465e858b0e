// Encrypts secrets at rest with AES-256-GCM under per-purpose data keys.
// Each data key is random, wrapped by the master key and kept in the
// data_keys table; the vault holds only the unwrapped data keys, never the
// master key, so a running server keeps working across a master key
// rotation. Finding the master key is Secrets.cpp's job.
#pragma once

#include "core/Result.h"
#include "storage/SecretStore.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace Bulwark {

// Where a sealed value lives: table, column and row id (primary key).
struct SealContext
{
    QString table;
    QString column;
    QString row;
};

class Vault final
{
public:
    // A data key as kept in the database: base64 of the AES-GCM wrapping by
    // the master key whose id is masterKeyId.
    using WrappedKey = SecretStore::WrappedKey;

    // The purposes every database has a data key for: the tables that hold
    // sealed values, plus the key that MAC keys derive from.
    [[nodiscard]] static const QStringList &purposes();
    // Kept only for databases that predate data keys: the old master key,
    // which opens values in the "v1:" format.
    static inline const QString LegacyPurpose = QStringLiteral("legacy-v1");

    // First 8 bytes of HMAC-SHA256(master, "bulwark master key id") as hex:
    // names a master key in the database and in messages without revealing it.
    [[nodiscard]] static QString masterKeyId(const QByteArray &masterKey);
    [[nodiscard]] static QByteArray newKey(); // 256 random bits
    [[nodiscard]] static Result<WrappedKey> wrap(const QByteArray &masterKey,
                                                 const QString &purpose, const QByteArray &dataKey);
    // Fails when the master key is not the one that wrapped it.
    [[nodiscard]] static Result<QByteArray> unwrap(const QByteArray &masterKey,
                                                   const WrappedKey &key);

    // A vault over unwrapped data keys (purpose → key).
    explicit Vault(QHash<QString, QByteArray> dataKeys)
        : m_keys(std::move(dataKeys))
    {}

    // Seals plaintext for one place in the database. The place is the
    // additional authenticated data, so a ciphertext copied into another row
    // or column fails to open. Thread-safe (const).
    [[nodiscard]] Result<QString> seal(const QByteArray &plaintext, const SealContext &where) const;
    [[nodiscard]] Result<QByteArray> open(const QString &sealed, const SealContext &where) const;
    // A 256-bit key for MACs of the given purpose (e.g. "audit-head"),
    // stable across restarts and master key rotations.
    [[nodiscard]] Result<QByteArray> macKey(const QString &purpose) const;

private:
    [[nodiscard]] Result<QByteArray> openLegacy(const QByteArray &sealed,
                                                const SealContext &where) const;

    QHash<QString, QByteArray> m_keys;
};

} // namespace Bulwark
