#include "PasswordHasher.h"

#include "Crypto.h"

#include <QStringList>

namespace Bulwark::PasswordHasher {

namespace {
constexpr int SaltSize = 16;
constexpr int HashSize = 32;
constexpr int MinimumIterations = 1000;
constexpr int MaximumIterations = 10000000;
const auto kBase64 = QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals;
} // namespace

Result<QString> hash(const QString &password, int iterations)
{
    const QByteArray salt = Crypto::randomBytes(SaltSize);
    auto derived = Crypto::pbkdf2Sha256(password.toUtf8(), salt, iterations, HashSize);
    if (!derived)
        return derived.error();
    return QStringLiteral("$pbkdf2-sha256$i=%1$%2$%3")
        .arg(iterations)
        .arg(QString::fromLatin1(salt.toBase64(kBase64)),
             QString::fromLatin1(derived->toBase64(kBase64)));
}

bool verify(const QString &password, const QString &stored)
{
    // "", "pbkdf2-sha256", "i=N", salt, hash
    const QStringList parts = stored.split(u'$');
    if (parts.size() != 5 || parts.at(1) != u"pbkdf2-sha256" || !parts.at(2).startsWith(u"i="))
        return false;
    bool ok = false;
    const int iterations = parts.at(2).mid(2).toInt(&ok);
    if (!ok || iterations < MinimumIterations || iterations > MaximumIterations)
        return false;
    const auto salt = QByteArray::fromBase64Encoding(parts.at(3).toLatin1(), kBase64);
    const auto expected = QByteArray::fromBase64Encoding(parts.at(4).toLatin1(), kBase64);
    if (!salt || !expected || expected.decoded.size() != HashSize)
        return false;
    auto derived = Crypto::pbkdf2Sha256(password.toUtf8(), salt.decoded, iterations, HashSize);
    return derived && Crypto::constantTimeEquals(*derived, expected.decoded);
}

const QString &decoyHash()
{
    static const QString decoy = [] {
        auto h = hash(QString::fromLatin1(Crypto::randomBytes(24).toBase64()));
        return h ? *h : QString();
    }();
    return decoy;
}

} // namespace Bulwark::PasswordHasher
