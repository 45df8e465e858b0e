// The server's certificate: loaded from --tls-cert/--tls-key, or on first
// start a self-signed ECDSA P-256 certificate made with OpenSSL and kept in
// the data directory (key file 0600).
#pragma once

#include "core/Result.h"

#include <QSslCertificate>
#include <QSslKey>

namespace Bulwark::Certificates {

struct Identity
{
    QSslCertificate certificate;
    QSslKey key;
    bool generated = false; // made at this start
};

// Loads certFile/keyFile when both are given; otherwise loads, or makes,
// dataDir/tls/server.crt and server.key.
[[nodiscard]] Result<Identity> loadOrCreate(const QString &certFile, const QString &keyFile,
                                            const QString &dataDir);

// Makes a self-signed certificate for the given DNS names and IP addresses.
[[nodiscard]] Result<std::pair<QByteArray, QByteArray>>
makeSelfSigned(const QStringList &dnsNames, const QStringList &ipAddresses, int validDays);

// SHA-256 fingerprint as upper-case hex pairs joined by ':'.
[[nodiscard]] QString fingerprint(const QSslCertificate &certificate);

} // namespace Bulwark::Certificates
