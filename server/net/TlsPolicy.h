// The server's TLS policy: TLS 1.2 and 1.3 only, Mozilla "intermediate"
// AEAD suites with ECDHE key exchange, server cipher preference.
#pragma once

#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>

namespace Bulwark::TlsPolicy {

[[nodiscard]] QSslConfiguration serverConfiguration(const QSslCertificate &certificate,
                                                    const QSslKey &key);
[[nodiscard]] QStringList tls12CipherNames();

} // namespace Bulwark::TlsPolicy
