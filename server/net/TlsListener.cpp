#include "TlsListener.h"

#include <QLoggingCategory>
#include <QSslSocket>

Q_DECLARE_LOGGING_CATEGORY(lcTls)

namespace Bulwark {

namespace {
constexpr int kBacklog = 1024;
constexpr int kHandshakeTimeoutMs = 10000;
} // namespace

TlsListener::TlsListener(QObject *parent)
    : QSslServer(parent)
{
    setMaxPendingConnections(kBacklog);
    setListenBacklogSize(kBacklog);
    setHandshakeTimeout(kHandshakeTimeoutMs);
    connect(this, &QSslServer::startedEncryptionHandshake, this, [](QSslSocket *socket) {
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    });
    connect(this, &QSslServer::errorOccurred, this,
            [](QSslSocket *socket, QAbstractSocket::SocketError) {
                qCDebug(lcTls) << "TLS connection from" << socket->peerAddress().toString()
                               << "failed:" << socket->errorString();
            });
}

} // namespace Bulwark
