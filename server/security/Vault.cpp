#include "Vault.h"

#include "Crypto.h"

#include <QtEndian>

namespace Bulwark {

namespace {

const QString kMacPurpose = QStringLiteral("mac");

// Length-prefixed, so that ("ab", "c") and ("a", "bc") never share an AAD.
QByteArray placeData(const SealContext &where)
{
    QByteArray aad("bulwark v2");
    for (const QString *part : {&where.table, &where.column, &where.row}) {
        const QByteArray utf8 = part->toUtf8();
        char length[4];
        qToBigEndian(quint32(utf8.size()), length);
        aad.append(length, 4).append(utf8);
    }
    return aad;
}

QByteArray wrapData(const QString &purpose)
{
    return QByteArray("bulwark data key", 17) + purpose.toUtf8();
}

Error cannotOpen()
{
    // Deliberately vague about which check failed: the place, the key or
    // the bytes; none of them is the caller's to probe.
    return makeError(ErrorCode::Internal,
                     QStringLiteral("An encrypted value does not open: it was changed, moved to "
                                    "another place, or sealed under other keys."));
}

} // namespace

const QStringList &Vault::purposes()
{
    static const QStringList list{QStringLiteral("property_values"),
                                  QStringLiteral("directory_services"), QStringLiteral("secrets"),
                                  kMacPurpose,
                                  // per-file keys of file repositories (FileRepository.cpp)
                                  QStringLiteral("repository_files")};
    return list;
}

QString Vault::masterKeyId(const QByteArray &masterKey)
{
    return QString::fromLatin1(
        Crypto::hmacSha256(masterKey, "bulwark master key id").left(8).toHex());
}

QByteArray Vault::newKey()
{
    return Crypto::randomBytes(Crypto::AesKeySize);
}

Result<Vault::WrappedKey> Vault::wrap(const QByteArray &masterKey, const QString &purpose,
                                      const QByteArray &dataKey)
{
    auto wrapped = Crypto::aesGcmEncrypt(masterKey, dataKey, wrapData(purpose));
    if (!wrapped)
        return wrapped.error();
    return WrappedKey{purpose, QString::fromLatin1(wrapped->toBase64()), masterKeyId(masterKey)};
}

Result<QByteArray> Vault::unwrap(const QByteArray &masterKey, const WrappedKey &key)
{
    auto plain = Crypto::aesGcmDecrypt(masterKey, QByteArray::fromBase64(key.wrapped.toLatin1()),
                                       wrapData(key.purpose));
    if (!plain || plain->size() != Crypto::AesKeySize)
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("The master key does not open the data key '%1'.").arg(key.purpose));
    return *plain;
}

Result<QString> Vault::seal(const QByteArray &plaintext, const SealContext &where) const
{
    const auto key = m_keys.constFind(where.table);
    if (key == m_keys.cend())
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("The vault has no data key for the table '%1'.").arg(where.table));
    auto sealed = Crypto::aesGcmEncrypt(*key, plaintext, placeData(where));
    if (!sealed)
        return sealed.error();
    return QString(QStringLiteral("v2:") + QString::fromLatin1(sealed->toBase64()));
}

Result<QByteArray> Vault::open(const QString &sealed, const SealContext &where) const
{
    const QByteArray bytes = QByteArray::fromBase64(sealed.mid(3).toLatin1());
    if (sealed.startsWith(u"v1:"))
        return openLegacy(bytes, where);
    if (!sealed.startsWith(u"v2:"))
        return makeError(ErrorCode::Internal, QStringLiteral("Unknown encrypted value format."));
    const auto key = m_keys.constFind(where.table);
    if (key == m_keys.cend())
        return cannotOpen();
    auto plain = Crypto::aesGcmDecrypt(*key, bytes, placeData(where));
    if (!plain)
        return cannotOpen();
    return plain;
}

Result<QByteArray> Vault::openLegacy(const QByteArray &sealed, const SealContext &where) const
{
    // The foundation sealed PASSWORD values directly under the master key,
    // bound to "Things/<thing>/<property>"; that key is now a data key.
    const auto key = m_keys.constFind(LegacyPurpose);
    if (key == m_keys.cend() || where.table != u"property_values" || where.column != u"value")
        return cannotOpen();
    auto plain =
        Crypto::aesGcmDecrypt(*key, sealed, (QStringLiteral("Things/") + where.row).toUtf8());
    if (!plain)
        return cannotOpen();
    return plain;
}

Result<QByteArray> Vault::macKey(const QString &purpose) const
{
    const auto key = m_keys.constFind(kMacPurpose);
    if (key == m_keys.cend())
        return makeError(ErrorCode::Internal, QStringLiteral("The vault has no MAC data key."));
    return Crypto::hmacSha256(*key, QByteArray("bulwark mac key", 16) + purpose.toUtf8());
}

} // namespace Bulwark
