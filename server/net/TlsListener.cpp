#include "TlsListener.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSslSocket>
#include <QTimer>

#include <sys/socket.h>
#include <unistd.h>

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

// How long a closing connection may take to flush before it is aborted and
// deleted. Qt's HTTP server deletes the sockets it handles once they
// disconnect, but drops its handling of one it cannot parse without closing
// or deleting it; the guard's timeouts collect such a socket.
constexpr int kCollectMs = 10000;

// Holds one of its address's connection slots for as long as the socket
// lives: a child of the socket, released by the socket's destruction. (Not
// a connection to the socket's destroyed() signal: Qt disconnects every
// signal of a socket it hands to its WebSocket server.)
class AddressSlot final : public QObject
{
public:
    AddressSlot(QObject *socket, std::shared_ptr<QHash<QHostAddress, int>> counts,
                QHostAddress address)
        : QObject(socket)
        , m_counts(std::move(counts))
        , m_address(std::move(address))
    {
        ++(*m_counts)[m_address];
    }
    ~AddressSlot() override
    {
        auto it = m_counts->find(m_address);
        if (it != m_counts->end() && --it.value() <= 0)
            m_counts->erase(it);
    }
    Q_DISABLE_COPY_MOVE(AddressSlot)

private:
    std::shared_ptr<QHash<QHostAddress, int>> m_counts;
    QHostAddress m_address;
};

// The HTTP guard of one connection: its framing and timers (children).
class RequestGuard final : public QObject
{
public:
    RequestGuard(QObject *socket, const RequestFraming::Limits &limits)
        : QObject(socket)
        , framing(limits)
    {
        setObjectName(QLatin1StringView(kGuardName));
    }
    Q_DISABLE_COPY_MOVE(RequestGuard)

    RequestFraming framing;
};

// Closes the connection after what was written, and collects the socket if
// nothing else deletes it.
void closeAndCollect(QSslSocket *socket)
{
    socket->disconnectFromHost();
    QTimer::singleShot(kCollectMs, socket, [socket]() {
        socket->abort();
        socket->deleteLater();
    });
}

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

} // namespace

TlsListener::TlsListener(qint64 maximumRequestBytes, const HttpSettings &settings, QObject *parent)
    : QSslServer(parent)
    , m_settings(settings)
{
    m_limits.maximumRequestBytes = maximumRequestBytes;
    m_limits.maximumHeaderBytes = qint64(settings.maxHeaderKb) * 1024;
    setMaxPendingConnections(kBacklog);
    setListenBacklogSize(kBacklog);
    setHandshakeTimeout(kHandshakeTimeoutMs);
    connect(this, &QSslServer::errorOccurred, this,
            [](QSslSocket *socket, QAbstractSocket::SocketError) {
                qCDebug(lcTls) << "TLS connection from" << socket->peerAddress().toString()
                               << "failed:" << socket->errorString();
            });
}

int TlsListener::connectionsFrom(const QHostAddress &address) const
{
    return m_perAddress->value(address);
}

void TlsListener::incomingConnection(qintptr descriptor)
{
    // The peer's address straight from the descriptor, so that a connection
    // over the limit costs neither a socket object nor a TLS handshake.
    sockaddr_storage peer{};
    socklen_t length = sizeof(peer);
    QHostAddress address;
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&peer), &length) == 0)
        address.setAddress(reinterpret_cast<const sockaddr *>(&peer));
    const int limit = m_settings.maxConnectionsPerAddress;
    if (limit > 0 && m_perAddress->value(address) >= limit) {
        ::close(int(descriptor));
        // One line per 1,000 refusals: a flood does not flood the log.
        if (m_refusedConnections++ % 1000 == 0)
            qCWarning(lcTls).noquote()
                << "Refused a connection from" << address.toString() << "which already holds"
                << limit << "connections (http/max_connections_per_address);"
                << m_refusedConnections << "refused so far";
        return;
    }
    QSslServer::incomingConnection(descriptor);
    // QSslServer made the socket a child of this server, the last one.
    auto *socket = children().isEmpty() ? nullptr : qobject_cast<QSslSocket *>(children().last());
    if (!socket || socket->socketDescriptor() != descriptor)
        return;
    new AddressSlot(socket, m_perAddress, address);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    guard(socket);
}

void TlsListener::markUpgraded(QObject *socket)
{
    if (!socket)
        return;
    // Called from a route, after the guard's own readyRead slot has run.
    auto *guard = socket->findChild<RequestGuard *>(QLatin1StringView(kGuardName),
                                                    Qt::FindDirectChildrenOnly);
    if (guard && guard->framing.state() != RequestFraming::State::Upgraded) {
        // Qt upgrades what the guard did not see as an upgrade: never let
        // that switch the guard off; the connection is closed instead.
        qCWarning(lcTls) << "Closing a connection upgraded without a complete upgrade request";
        if (auto *tls = qobject_cast<QSslSocket *>(socket))
            QMetaObject::invokeMethod(
                tls, [tls]() { closeAndCollect(tls); }, Qt::QueuedConnection);
        return;
    }
    socket->setProperty(kUpgradedProperty, true);
    delete guard;
}

void TlsListener::allowLargerRequests(const QByteArray &method,
                                      const QRegularExpression &pathPattern,
                                      qint64 maximumRequestBytes)
{
    m_limits.largeMethod = method;
    m_limits.largePath = pathPattern;
    m_limits.largeMaximumBytes = maximumRequestBytes;
}

void TlsListener::guard(QSslSocket *socket)
{
    // Connected before QHttpServer's own readyRead slot, so it runs first and
    // sees each arrival before the request parser buffers it. The parser
    // reads all that is available, so bytesAvailable() is what just came.
    auto *watch = new RequestGuard(socket, m_limits);
    RequestFraming *framing = &watch->framing;
    auto *requestTimer = new QTimer(watch);
    requestTimer->setSingleShot(true);
    requestTimer->setInterval(m_settings.requestTimeoutSeconds * 1000);
    auto *idleTimer = new QTimer(watch);
    idleTimer->setSingleShot(true);
    idleTimer->setInterval(m_settings.idleTimeoutSeconds * 1000);
    idleTimer->start();

    const auto upgraded = [socket]() { return socket->property(kUpgradedProperty).toBool(); };
    connect(requestTimer, &QTimer::timeout, socket,
            [socket, upgraded, seconds = m_settings.requestTimeoutSeconds]() {
                if (upgraded())
                    return;
                qCInfo(lcTls) << "Closing a connection whose request did not arrive in time:"
                              << socket->peerAddress().toString();
                socket->write(closingResponse(
                    "408 Request Timeout", QStringLiteral("request-timeout"),
                    QStringLiteral("The request did not arrive within %1 s of its first byte; "
                                   "the connection is closed.")
                        .arg(seconds)));
                closeAndCollect(socket);
            });
    connect(idleTimer, &QTimer::timeout, socket, [socket, upgraded]() {
        if (!upgraded())
            closeAndCollect(socket);
    });
    connect(socket, &QSslSocket::bytesWritten, watch,
            [socket, framing, requestTimer, idleTimer, upgraded]() {
                if (framing->state() == RequestFraming::State::Upgraded && !upgraded()) {
                    // The upgrade was refused and answered: what the client
                    // sent after it was meant for a WebSocket, not for HTTP.
                    socket->disconnectFromHost();
                    return;
                }
                // An answer went out: a request that is still arriving is a
                // pipelined one, timed afresh.
                if (framing->state() == RequestFraming::State::BetweenRequests)
                    requestTimer->stop();
                else
                    requestTimer->start();
                idleTimer->start();
            });
    connect(socket, &QSslSocket::readyRead, watch,
            [socket, framing, requestTimer, idleTimer, upgraded]() {
                if (upgraded()) {
                    requestTimer->stop();
                    idleTimer->stop();
                    return;
                }
                if (framing->state() == RequestFraming::State::Refused) {
                    socket->readAll();
                    return;
                }
                idleTimer->start();
                if (!requestTimer->isActive() &&
                    framing->state() == RequestFraming::State::BetweenRequests)
                    requestTimer->start();
                // Body bytes are counted without being copied.
                const qint64 available = socket->bytesAvailable();
                if (framing->skipBody(available) || framing->feed(socket->peek(available)))
                    return;
                socket->readAll();
                const RequestFraming::Refusal &refusal = framing->refusal();
                qCInfo(lcTls).noquote()
                    << "Refused a request from" << socket->peerAddress().toString() << "with"
                    << refusal.statusLine << "-" << refusal.message;
                socket->write(closingResponse(refusal.statusLine, refusal.code, refusal.message));
                closeAndCollect(socket);
            });
}

} // namespace Bulwark
