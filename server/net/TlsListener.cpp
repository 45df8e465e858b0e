#include "TlsListener.h"

#include <QLoggingCategory>
#include <QSslSocket>
#include <QTimer>

#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcTls)

namespace Bulwark {

namespace {
constexpr int kBacklog = 1024;
constexpr int kHandshakeTimeoutMs = 10000;
constexpr char kUpgradedProperty[] = "bulwark.upgraded";

// A request must be answered within this time of its first byte, and a
// connection with no traffic at all is closed after the idle time: a client
// that dribbles its headers cannot hold a connection (and a file) forever.
constexpr int kRequestTimeoutMs = 60 * 1000;
constexpr int kIdleTimeoutMs = 120 * 1000;

QByteArray timeoutResponse()
{
    const QByteArray body = QByteArrayLiteral(
        R"({"error":{"code":"request-timeout","message":"The request did not arrive in time; the connection is closed."}})");
    return QByteArrayLiteral("HTTP/1.1 408 Request Timeout\r\n"
                             "Content-Type: application/json\r\n"
                             "Connection: close\r\n"
                             "Cache-Control: no-store\r\n"
                             "X-Content-Type-Options: nosniff\r\n"
                             "Content-Length: ") +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

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
    auto *requestTimer = new QTimer(socket);
    requestTimer->setSingleShot(true);
    requestTimer->setInterval(kRequestTimeoutMs);
    auto *idleTimer = new QTimer(socket);
    idleTimer->setSingleShot(true);
    idleTimer->setInterval(kIdleTimeoutMs);
    idleTimer->start();

    const auto upgraded = [socket]() { return socket->property(kUpgradedProperty).toBool(); };
    connect(requestTimer, &QTimer::timeout, socket, [socket, upgraded]() {
        if (upgraded())
            return;
        qCInfo(lcTls) << "Closing a connection whose request did not arrive in time:"
                      << socket->peerAddress().toString();
        socket->write(timeoutResponse());
        socket->disconnectFromHost();
    });
    connect(idleTimer, &QTimer::timeout, socket, [socket, upgraded]() {
        if (!upgraded())
            socket->disconnectFromHost();
    });
    connect(socket, &QSslSocket::bytesWritten, socket, [received, requestTimer, idleTimer]() {
        // An answer went out: the next request starts afresh.
        *received = 0;
        requestTimer->stop();
        idleTimer->start();
    });
    connect(socket, &QSslSocket::readyRead, socket,
            [socket, received, refused, requestTimer, idleTimer, upgraded,
             limit = m_maximumRequestBytes]() {
                if (upgraded()) {
                    requestTimer->stop();
                    idleTimer->stop();
                    return;
                }
                if (*refused) {
                    socket->readAll();
                    return;
                }
                idleTimer->start();
                if (*received == 0)
                    requestTimer->start();
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
