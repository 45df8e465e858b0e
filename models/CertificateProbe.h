// Fetches the certificate a TLS server presents, without trusting it and
// without sending anything, so the connect dialog can show its fingerprint
// and let the user decide before any password goes over the wire.
#pragma once

#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QSslSocket>
#include <QTimer>
#include <QUrl>

#include <functional>

namespace Bulwark::Models {

struct CertificateProbeResult
{
    QSslCertificate certificate;
    QString fingerprint;          // SHA-256 "AB:CD:…"; empty on failure
    bool trustedBySystem = false; // validated against the system's CAs and the host name
    QString errorMessage;         // set when no certificate could be fetched

    [[nodiscard]] bool isOk() const { return !fingerprint.isEmpty(); }
};

class CertificateProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CertificateProbe)

public:
    using Callback = std::function<void(const CertificateProbeResult &)>;

    // Starts probing `url` (https://host:port). The callback runs once, unless
    // `context` is destroyed first; the probe deletes itself afterwards.
    static void fetch(const QUrl &url, QObject *context, Callback callback);

private:
    CertificateProbe(const QUrl &url, QObject *context, Callback callback);
    void complete(CertificateProbeResult result);

    QSslSocket m_socket;
    QTimer m_timeout;
    QPointer<QObject> m_context;
    Callback m_callback;
    QSslCertificate m_certificate;
    bool m_sawErrors = false;
    bool m_done = false;
};

} // namespace Bulwark::Models
