#include "CertificatePin.h"

#include <QCryptographicHash>
#include <QSslCertificate>

namespace Bulwark::Models::CertificatePin {

QString fingerprint(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

QString normalized(const QString &fingerprint)
{
    QByteArray hex;
    for (const QChar c : fingerprint) {
        if (c.isSpace() || c == u':')
            continue;
        const char16_t u = c.unicode();
        const bool isHex =
            (u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f') || (u >= u'A' && u <= u'F');
        if (!isHex)
            return {};
        hex.append(c.toLatin1());
    }
    const QByteArray bytes = QByteArray::fromHex(hex);
    if (hex.size() != 64 || bytes.size() != 32)
        return {};
    return QString::fromLatin1(bytes.toHex(':').toUpper());
}

bool errorsConcernOnlyPinned(const QList<QSslError> &errors, const QSslCertificate &peer,
                             const QString &pin)
{
    if (pin.isEmpty() || fingerprint(peer) != pin)
        return false;
    for (const QSslError &error : errors) {
        // An error about another certificate (a chain member) means the peer
        // sent something we did not pin.
        if (!error.certificate().isNull() && error.certificate() != peer)
            return false;
    }
    return true;
}

QSslConfiguration configurationFor(const QString &pin)
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    if (!pin.isEmpty())
        configuration.setCaCertificates({});
    return configuration;
}

} // namespace Bulwark::Models::CertificatePin
