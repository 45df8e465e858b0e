// The one listening TLS socket, handed to QHttpServer through bind(). Own
// subclass so that accepted sockets get TCP_NODELAY (a WSS handshake is
// ~20x faster without Nagle), the accept backlog is deep enough for a fleet
// reconnecting at once, and no HTTP request can make the server buffer more
// than a set number of bytes (Qt 6.4's QHttpServer reads a whole body into
// memory before any route can refuse it).
#pragma once

#include <QRegularExpression>
#include <QSslServer>

namespace Bulwark {

class TlsListener final : public QSslServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TlsListener)

public:
    // maximumRequestBytes: headers and body of one request, counted until
    // the server answers; a connection that sends more is answered 413 and
    // closed. WebSocket connections are exempt once marked upgraded.
    explicit TlsListener(qint64 maximumRequestBytes, QObject *parent = nullptr);

    // Marks an accepted socket as upgraded to WebSocket (framing limits then apply).
    static void markUpgraded(QObject *socket);
    // A larger limit for requests whose request line has this method and a
    // path (without the query) matching pathPattern: file uploads. Decided
    // from the request line alone, before any body byte is buffered.
    void allowLargerRequests(const QByteArray &method, const QRegularExpression &pathPattern,
                             qint64 maximumRequestBytes);

private:
    void guard(QSslSocket *socket);

    qint64 m_maximumRequestBytes;
    QByteArray m_largeMethod;
    QRegularExpression m_largePath;
    qint64 m_largeMaximumBytes = 0;
};

} // namespace Bulwark
