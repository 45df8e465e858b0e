// Certificate pinning shared by every TLS connection the console opens: the
// server's self-signed certificate is trusted only when its SHA-256
// fingerprint equals the one the user (or the embedded server) pinned.
#pragma once

#include <QList>
#include <QSslConfiguration>
#include <QSslError>
#include <QString>

class QSslCertificate;

namespace Bulwark::Models::CertificatePin {

// "AB:CD:…", the form QSslCertificate::digest(Sha256) gives as upper-case hex.
[[nodiscard]] QString fingerprint(const QSslCertificate &certificate);

// Normalises user input ("ab cd …", "abcd…", "AB:CD:…") to the canonical form;
// empty when it is not 32 bytes of hex.
[[nodiscard]] QString normalized(const QString &fingerprint);

// True when every error is about the pinned certificate itself, so ignoring
// them trusts exactly that certificate and nothing else.
[[nodiscard]] bool errorsConcernOnlyPinned(const QList<QSslError> &errors,
                                           const QSslCertificate &peer, const QString &pin);

// A configuration that trusts no CA at all when a pin is set: every handshake
// then reports errors and the pin decides, so a CA-signed impostor certificate
// cannot slip past the pin.
[[nodiscard]] QSslConfiguration configurationFor(const QString &pin);

} // namespace Bulwark::Models::CertificatePin
