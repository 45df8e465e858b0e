// The one listening TLS socket, handed to QHttpServer through bind(). Own
// subclass so that accepted sockets get TCP_NODELAY (a WSS handshake is
// ~20x faster without Nagle), the accept backlog is deep enough for a fleet
// reconnecting at once, one address cannot hold every connection, and each
// HTTP request is checked before Qt's parser sees it (RequestFraming: no
// ambiguous framing, bounded headers, and no request larger than its limit;
// Qt 6.4's QHttpServer reads a whole body into memory before any route can
// refuse it).
#pragma once

#include "HttpSettings.h"
#include "RequestFraming.h"

#include <QHash>
#include <QHostAddress>
#include <QSslServer>

#include <memory>

namespace Bulwark {

class TlsListener final : public QSslServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TlsListener)

public:
    // maximumRequestBytes: headers and body of one request; a request
    // announcing more is answered 413 and its connection closed. WebSocket
    // connections are exempt once upgraded.
    TlsListener(qint64 maximumRequestBytes, const HttpSettings &settings,
                QObject *parent = nullptr);

    // Marks an accepted socket as upgraded to WebSocket (framing limits then apply).
    static void markUpgraded(QObject *socket);
    // A larger limit for requests whose request line has this method and a
    // path (without the query) matching pathPattern: file uploads. Decided
    // from the request line alone, before any body byte is buffered.
    void allowLargerRequests(const QByteArray &method, const QRegularExpression &pathPattern,
                             qint64 maximumRequestBytes);

    // Open connections from address (for tests and the log).
    [[nodiscard]] int connectionsFrom(const QHostAddress &address) const;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void guard(QSslSocket *socket);

    HttpSettings m_settings;
    RequestFraming::Limits m_limits;
    // Open connections per peer address; shared with each connection's
    // slot, which may outlive this listener.
    std::shared_ptr<QHash<QHostAddress, int>> m_perAddress =
        std::make_shared<QHash<QHostAddress, int>>();
    qint64 m_refusedConnections = 0;
};

} // namespace Bulwark
