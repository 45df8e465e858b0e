#include "TlsListener.h"

#include <QLoggingCategory>
#include <QSslSocket>

#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcTls)

namespace Bulwark {

namespace {
constexpr int kBacklog = 1024;
constexpr int kHandshakeTimeoutMs = 10000;
constexpr char kUpgradedProperty[] = "bulwark.upgraded";

QByteArray tooLargeResponse(qint64 limit)
{
    const QByteArray body =
        QByteArrayLiteral(
            R"({"error":{"code":"payload-too-large","message":"The request is larger than the )") +
        QByteArray::number(limit / 1024) +
        QByteArrayLiteral(R"( KiB limit; the connection is closed."}})");
    return QByteArrayLiteral("HTTP/1.1 413 Payload Too Large\r\n"
                             "Content-Type: application/json\r\n"
                             "Connection: close\r\n"
                             "Cache-Control: no-store\r\n"
                             "X-Content-Type-Options: nosniff\r\n"
                             "Content-Length: ") +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}
} // namespace

TlsListener::TlsListener(qint64 maximumRequestBytes, QObject *parent)
    : QSslServer(parent)
    , m_maximumRequestBytes(maximumRequestBytes)
{
    setMaxPendingConnections(kBacklog);
    setListenBacklogSize(kBacklog);
    setHandshakeTimeout(kHandshakeTimeoutMs);
    connect(this, &QSslServer::startedEncryptionHandshake, this, [this](QSslSocket *socket) {
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        guard(socket);
    });
    connect(this, &QSslServer::errorOccurred, this,
            [](QSslSocket *socket, QAbstractSocket::SocketError) {
                qCDebug(lcTls) << "TLS connection from" << socket->peerAddress().toString()
                               << "failed:" << socket->errorString();
            });
}

void TlsListener::markUpgraded(QObject *socket)
{
    if (socket)
        socket->setProperty(kUpgradedProperty, true);
}

void TlsListener::guard(QSslSocket *socket)
{
    // Connected before QHttpServer's own readyRead slot, so it runs first and
    // sees each arrival before the request parser buffers it. The parser
    // reads all that is available, so bytesAvailable() is what just came.
    auto received = std::make_shared<qint64>(0);
    auto refused = std::make_shared<bool>(false);
    connect(socket, &QSslSocket::bytesWritten, socket, [received]() { *received = 0; });
    connect(socket, &QSslSocket::readyRead, socket,
            [socket, received, refused, limit = m_maximumRequestBytes]() {
                if (socket->property(kUpgradedProperty).toBool())
                    return;
                if (*refused) {
                    socket->readAll();
                    return;
                }
                *received += socket->bytesAvailable();
                if (*received <= limit)
                    return;
                *refused = true;
                socket->readAll();
                qCInfo(lcTls) << "Refused an oversized request from"
                              << socket->peerAddress().toString();
                socket->write(tooLargeResponse(limit));
                socket->disconnectFromHost();
            });
}

} // namespace Bulwark
