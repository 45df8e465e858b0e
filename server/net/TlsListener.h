// The one listening TLS socket, handed to QHttpServer through bind(). Own
// subclass so that accepted sockets get TCP_NODELAY (a WSS handshake is
// ~20x faster without Nagle) and the accept backlog is deep enough for a
// fleet reconnecting at once.
#pragma once

#include <QSslServer>

namespace Bulwark {

class TlsListener final : public QSslServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TlsListener)

public:
    explicit TlsListener(QObject *parent = nullptr);
};

} // namespace Bulwark
