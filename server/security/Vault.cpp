#include "Vault.h"

#include "Crypto.h"

#include <QFile>
#include <QFileInfo>

#include <fcntl.h>
#include <unistd.h>

namespace Bulwark {

namespace {
constexpr auto kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
}

Result<Vault> Vault::openKeyFile(const QString &path, KeyFile mode)
{
    QFile file(path);
    if (!file.exists() && mode == KeyFile::MustExist)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The master key file %1 is missing, but the database "
                                        "already holds data encrypted with it. Restore the key "
                                        "file from your backup, or point --master-key-file at "
                                        "it.")
                             .arg(path));
    if (!file.exists()) {
        // NewOnly with permissions: the file never exists with wider access.
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerOnly))
            return makeError(ErrorCode::Internal,
                             QStringLiteral("Cannot create the master key file %1: %2")
                                 .arg(path, file.errorString()));
        const QByteArray key = Crypto::randomBytes(Crypto::AesKeySize);
        if (file.write(key.toBase64() + '\n') < 0 || !file.flush() || ::fsync(file.handle()) != 0)
            return makeError(ErrorCode::Internal,
                             QStringLiteral("Cannot write the master key file %1: %2")
                                 .arg(path, file.errorString()));
        file.close();
        // The directory entry too, so that the key outlives a power cut.
        if (const int dir = ::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(),
                                   O_RDONLY | O_DIRECTORY);
            dir >= 0) {
            ::fsync(dir);
            ::close(dir);
        }
        return Vault(key);
    }
    if ((QFileInfo(path).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                          QFileDevice::WriteGroup | QFileDevice::WriteOther)))
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The master key file %1 is readable or writable by other "
                                        "users; run chmod 600 on it and start again.")
                             .arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Internal, QStringLiteral("Cannot read the master key file "
                                                             "%1: %2")
                                                  .arg(path, file.errorString()));
    const QByteArray key = QByteArray::fromBase64(file.readAll().trimmed());
    if (key.size() != Crypto::AesKeySize)
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("The master key file %1 does not hold a 256-bit key.").arg(path));
    return Vault(key);
}

namespace {
QString aad(const SealContext &where)
{
    return where.table + u'\0' + where.column + u'\0' + where.row;
}
} // namespace

Result<QString> Vault::seal(const QByteArray &plaintext, const SealContext &where) const
{
    return seal(plaintext, aad(where));
}

Result<QByteArray> Vault::open(const QString &sealed, const SealContext &where) const
{
    return open(sealed, aad(where));
}

Result<QByteArray> Vault::macKey(const QString &purpose) const
{
    return Crypto::hmacSha256(m_key, "bulwark mac key\0" + purpose.toUtf8());
}

Result<QString> Vault::seal(const QByteArray &plaintext, const QString &context) const
{
    auto sealed = Crypto::aesGcmEncrypt(m_key, plaintext, context.toUtf8());
    if (!sealed)
        return sealed.error();
    return QString(QStringLiteral("v1:") + QString::fromLatin1(sealed->toBase64()));
}

Result<QByteArray> Vault::open(const QString &sealed, const QString &context) const
{
    if (!sealed.startsWith(u"v1:"))
        return makeError(ErrorCode::Internal, QStringLiteral("Unknown encrypted value format."));
    return Crypto::aesGcmDecrypt(m_key, QByteArray::fromBase64(sealed.mid(3).toLatin1()),
                                 context.toUtf8());
}

} // namespace Bulwark
