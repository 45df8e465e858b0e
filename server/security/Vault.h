// Encrypts sensitive values at rest (PASSWORD property values, and later
// keys and files) with AES-256-GCM under a master key. For now the master
// key lives in a 0600 file; the identity work moves it into the OS keychain
// and adds wrapped data keys.
#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

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
    enum class KeyFile
    {
        CreateIfMissing,
        MustExist
    };

    // Loads the key file, or creates it (0600, 32 random bytes, synced to
    // disk) when it is missing and mode allows.
    [[nodiscard]] static Result<Vault> openKeyFile(const QString &path, KeyFile mode);

    // Seals plaintext for one place in the database. The place is the
    // additional authenticated data, so a ciphertext copied into another row
    // or column fails to open. Thread-safe (const).
    [[nodiscard]] Result<QString> seal(const QByteArray &plaintext, const SealContext &where) const;
    [[nodiscard]] Result<QByteArray> open(const QString &sealed, const SealContext &where) const;
    // A 256-bit key for MACs of the given purpose (e.g. "audit-head"),
    // stable across restarts and master key rotations.
    [[nodiscard]] Result<QByteArray> macKey(const QString &purpose) const;

    // Legacy form, to be removed by the data key work.
    [[nodiscard]] Result<QString> seal(const QByteArray &plaintext, const QString &context) const;
    [[nodiscard]] Result<QByteArray> open(const QString &sealed, const QString &context) const;

private:
    explicit Vault(QByteArray key)
        : m_key(std::move(key))
    {}
    QByteArray m_key;
};

} // namespace Bulwark
