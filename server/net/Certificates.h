// The server's certificate: loaded from --tls-cert/--tls-key, or a
// self-signed ECDSA P-256 certificate made with OpenSSL. Where the
// self-signed key is kept (sealed in the database) is Secrets.cpp's job;
// nothing here writes a private key to disk.
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

// Loads the PEM certificate (chain) and private key given on the command line.
[[nodiscard]] Result<Identity> loadFiles(const QString &certFile, const QString &keyFile);
// Parses PEM; the names say where it came from in error messages.
[[nodiscard]] Result<Identity> fromPem(const QByteArray &certPem, const QByteArray &keyPem,
                                       const QString &certSource, const QString &keySource);

// Makes a self-signed certificate for the given DNS names and IP addresses:
// {certificate PEM, private key PEM}.
[[nodiscard]] Result<std::pair<QByteArray, QByteArray>>
makeSelfSigned(const QStringList &dnsNames, const QStringList &ipAddresses, int validDays);
// makeSelfSigned for localhost, this host's name, 127.0.0.1 and ::1.
[[nodiscard]] Result<std::pair<QByteArray, QByteArray>> makeLocalSelfSigned();

// Writes a certificate (public) to path, replacing it atomically.
[[nodiscard]] Status writeCertificate(const QString &path, const QByteArray &pem);
// Overwrites a file with zeros, syncs it and removes it: for a private key
// that an older version left on disk.
[[nodiscard]] Status scrubFile(const QString &path);

// SHA-256 fingerprint as upper-case hex pairs joined by ':'.
[[nodiscard]] QString fingerprint(const QSslCertificate &certificate);

} // namespace Bulwark::Certificates
