// Encrypts sensitive values at rest (PASSWORD property values, and later
// keys and files) with AES-256-GCM under a master key. For now the master
// key lives in a 0600 file; the identity work moves it into the OS keychain
// and adds wrapped data keys.
#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace Bulwark {

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

    // "v1:" + base64(nonce || ciphertext || tag); context binds the value to
    // where it is stored, so a ciphertext moved elsewhere will not decrypt.
    [[nodiscard]] Result<QString> seal(const QByteArray &plaintext, const QString &context) const;
    [[nodiscard]] Result<QByteArray> open(const QString &sealed, const QString &context) const;

private:
    explicit Vault(QByteArray key)
        : m_key(std::move(key))
    {}
    QByteArray m_key;
};

} // namespace Bulwark
