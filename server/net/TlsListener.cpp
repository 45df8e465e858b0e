#include "TlsListener.h"

#include <QJsonDocument>
#include <QJsonObject>
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
// The object that owns an HTTP connection's timers and watches, deleted
// when the connection becomes a WebSocket: a held WebSocket then costs no
// timer restart per frame (with thousands of devices, each QTimer::start
// walks the event loop's timer list).
constexpr char kGuardName[] = "bulwark.httpguard";

// A request must be answered within this time of its first byte, and a
// connection with no traffic at all is closed after the idle time: a client
// that dribbles its headers cannot hold a connection (and a file) forever.
constexpr int kRequestTimeoutMs = 60 * 1000;
constexpr int kIdleTimeoutMs = 120 * 1000;

// An answer written straight to the socket, before QHttpServer has a
// request to answer; the connection is closed after it.
QByteArray closingResponse(const QByteArray &statusLine, const QString &code,
                           const QString &message)
{
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("error"),
                                   QJsonObject{{QStringLiteral("code"), code},
                                               {QStringLiteral("message"), message}}}})
            .toJson(QJsonDocument::Compact);
    return "HTTP/1.1 " + statusLine +
           "\r\nContent-Type: application/json\r\nConnection: close\r\n"
           "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray timeoutResponse()
{
    return closingResponse("408 Request Timeout", QStringLiteral("request-timeout"),
                           QStringLiteral("The request did not arrive in time; the connection "
                                          "is closed."));
}

QByteArray tooLargeResponse(qint64 limit)
{
    return closingResponse("413 Payload Too Large", QStringLiteral("payload-too-large"),
                           QStringLiteral("The request is larger than the %1 KiB limit; the "
                                          "connection is closed.")
                               .arg(limit / 1024));
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
    if (!socket)
        return;
    socket->setProperty(kUpgradedProperty, true);
    // Called from a route, after the guard's own readyRead slot has run.
    delete socket->findChild<QObject *>(QLatin1StringView(kGuardName), Qt::FindDirectChildrenOnly);
}

void TlsListener::allowLargerRequests(const QByteArray &method,
                                      const QRegularExpression &pathPattern,
                                      qint64 maximumRequestBytes)
{
    m_largeMethod = method;
    m_largePath = pathPattern;
    m_largeMaximumBytes = maximumRequestBytes;
}

void TlsListener::guard(QSslSocket *socket)
{
    // Connected before QHttpServer's own readyRead slot, so it runs first and
    // sees each arrival before the request parser buffers it. The parser
    // reads all that is available, so bytesAvailable() is what just came.
    auto received = std::make_shared<qint64>(0);
    auto refused = std::make_shared<bool>(false);
    // The limit of the request in progress, once its request line is known.
    auto limit = std::make_shared<qint64>(m_maximumRequestBytes);
    auto requestLine = std::make_shared<QByteArray>();
    auto *watch = new QObject(socket);
    watch->setObjectName(QLatin1StringView(kGuardName));
    auto *requestTimer = new QTimer(watch);
    requestTimer->setSingleShot(true);
    requestTimer->setInterval(kRequestTimeoutMs);
    auto *idleTimer = new QTimer(watch);
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
    connect(
        socket, &QSslSocket::bytesWritten, watch,
        [received, requestTimer, idleTimer, limit, requestLine, normal = m_maximumRequestBytes]() {
            // An answer went out: the next request starts afresh.
            *received = 0;
            *limit = normal;
            requestLine->clear();
            requestTimer->stop();
            idleTimer->start();
        });
    connect(
        socket, &QSslSocket::readyRead, watch,
        [this, socket, received, refused, requestTimer, idleTimer, upgraded, limit, requestLine]() {
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
            // Only the first line, at most 8 KiB of it, is looked at.
            constexpr qsizetype lineLimit = 8 * 1024;
            if (m_largeMaximumBytes > 0 && *received < lineLimit && !requestLine->contains('\n')) {
                requestLine->append(socket->peek(lineLimit - *received));
                if (const qsizetype end = requestLine->indexOf('\n'); end >= 0) {
                    const QList<QByteArray> parts = requestLine->left(end).trimmed().split(' ');
                    const QByteArray path = parts.value(1).left(parts.value(1).indexOf('?') < 0
                                                                    ? parts.value(1).size()
                                                                    : parts.value(1).indexOf('?'));
                    if (parts.size() == 3 && parts.at(0) == m_largeMethod &&
                        m_largePath.match(QString::fromLatin1(path)).hasMatch())
                        *limit = qMax(*limit, m_largeMaximumBytes);
                }
            }
            *received += socket->bytesAvailable();
            if (*received <= *limit)
                return;
            *refused = true;
            socket->readAll();
            qCInfo(lcTls) << "Refused an oversized request from"
                          << socket->peerAddress().toString();
            socket->write(tooLargeResponse(*limit));
            socket->disconnectFromHost();
        });
}

} // namespace Bulwark
