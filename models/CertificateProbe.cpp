#include "CertificateProbe.h"

#include "CertificatePin.h"

namespace Bulwark::Models {

namespace {
constexpr int ProbeTimeoutMs = 10000;
constexpr quint16 DefaultHttpsPort = 443;
} // namespace

void CertificateProbe::fetch(const QUrl &url, QObject *context, Callback callback)
{
    // Parented to nothing: it outlives a closed dialog only until it completes.
    new CertificateProbe(url, context, std::move(callback));
}

CertificateProbe::CertificateProbe(const QUrl &url, QObject *context, Callback callback)
    : m_context(context)
    , m_callback(std::move(callback))
{
    connect(&m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        m_sawErrors = true;
        m_certificate = m_socket.peerCertificate();
        if (m_certificate.isNull() && !errors.isEmpty())
            m_certificate = errors.constFirst().certificate();
        CertificateProbeResult result;
        result.certificate = m_certificate;
        result.fingerprint = CertificatePin::fingerprint(m_certificate);
        if (!result.isOk())
            result.errorMessage = tr("The server did not present a certificate.");
        // Nothing is sent on this socket: we only wanted to see the certificate.
        complete(result);
    });
    connect(&m_socket, &QSslSocket::encrypted, this, [this] {
        CertificateProbeResult result;
        result.certificate = m_socket.peerCertificate();
        result.fingerprint = CertificatePin::fingerprint(result.certificate);
        result.trustedBySystem = !m_sawErrors;
        complete(result);
    });
    connect(&m_socket, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        CertificateProbeResult result;
        result.errorMessage =
            tr("Cannot fetch the server's certificate: %1").arg(m_socket.errorString());
        complete(result);
    });
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        CertificateProbeResult result;
        result.errorMessage =
            tr("The server did not answer within %1 seconds.").arg(ProbeTimeoutMs / 1000);
        complete(result);
    });

    if (url.scheme() != u"https" || url.host().isEmpty()) {
        // Deferred so that the callback never runs inside fetch().
        QTimer::singleShot(0, this, [this] {
            CertificateProbeResult result;
            result.errorMessage = tr("Enter a server address of the form https://host:port.");
            complete(result);
        });
        return;
    }
    m_timeout.start(ProbeTimeoutMs);
    m_socket.setPeerVerifyName(url.host());
    m_socket.connectToHostEncrypted(url.host(), quint16(url.port(DefaultHttpsPort)));
}

void CertificateProbe::complete(CertificateProbeResult result)
{
    if (m_done)
        return;
    m_done = true;
    m_timeout.stop();
    m_socket.abort();
    if (m_context && m_callback)
        m_callback(result);
    deleteLater();
}

} // namespace Bulwark::Models
