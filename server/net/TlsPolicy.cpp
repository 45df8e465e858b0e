#include "TlsPolicy.h"

#include <QSslDiffieHellmanParameters>

namespace Bulwark::TlsPolicy {

QStringList tls12CipherNames()
{
    // Mozilla "intermediate" (v5.7) less the DHE suites: forward secrecy from
    // ECDHE only, and only AEAD ciphers.
    return {
        QStringLiteral("ECDHE-ECDSA-AES128-GCM-SHA256"),
        QStringLiteral("ECDHE-RSA-AES128-GCM-SHA256"),
        QStringLiteral("ECDHE-ECDSA-AES256-GCM-SHA384"),
        QStringLiteral("ECDHE-RSA-AES256-GCM-SHA384"),
        QStringLiteral("ECDHE-ECDSA-CHACHA20-POLY1305"),
        QStringLiteral("ECDHE-RSA-CHACHA20-POLY1305"),
    };
}

QSslConfiguration serverConfiguration(const QSslCertificate &certificate, const QSslKey &key)
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setProtocol(QSsl::TlsV1_2OrLater);
    config.setLocalCertificate(certificate);
    config.setPrivateKey(key);
    config.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate over HTTP
    // TLS 1.2 suites through the cipher string; TLS 1.3 keeps OpenSSL's
    // default suites, which are all AEAD with ephemeral key exchange.
    config.setBackendConfigurationOption("CipherString", tls12CipherNames().join(u':').toLatin1());
    // No finite-field DH at all (Qt's default parameters are refused by
    // OpenSSL 3 at security level 2, and ECDHE is all we offer).
    config.setDiffieHellmanParameters(QSslDiffieHellmanParameters());
    config.setBackendConfigurationOption("Groups", QByteArrayLiteral("X25519:P-256:P-384"));
    config.setSslOption(QSsl::SslOptionDisableCompression, true);
    config.setSslOption(QSsl::SslOptionDisableSessionTickets, false);
    return config;
}

} // namespace Bulwark::TlsPolicy
