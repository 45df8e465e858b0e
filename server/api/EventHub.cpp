#include "EventHub.h"

#include "api/ApiServer.h"
#include "security/Authenticator.h"
#include "wire/Wire.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcEvents, "bulwark.events")

namespace Bulwark {

namespace {
constexpr quint64 kMaximumIncomingMessage = 64 * 1024;
}

EventHub::EventHub(Authenticator &authenticator, QObject *parent)
    : QObject(parent)
    , m_authenticator(authenticator)
{}

void EventHub::accept(QWebSocket *socket)
{
    socket->setParent(this);
    socket->setMaxAllowedIncomingMessageSize(kMaximumIncomingMessage);
    connect(socket, &QWebSocket::disconnected, this, [this, socket]() {
        m_subscribers.remove(socket);
        socket->deleteLater();
    });
    // Checked before the upgrade too; again here so that no path to a
    // subscription skips it.
    if (!isSameOrigin(socket->request().rawHeader("Origin"), socket->request().rawHeader("Host"))) {
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                      QStringLiteral("foreign origin"));
        return;
    }
    const QByteArray authorization = socket->request().rawHeader("Authorization");
    QPointer<QWebSocket> guard(socket);
    m_authenticator.verifyAuthorization(authorization, [this, guard](Result<QString> user) {
        if (!guard)
            return;
        if (!user) {
            guard->close(QWebSocketProtocol::CloseCodePolicyViolated,
                         QStringLiteral("authentication failed"));
            return;
        }
        m_subscribers.insert(guard);
        qCInfo(lcEvents) << "Event subscriber" << *user << "from"
                         << guard->peerAddress().toString();
        const QJsonObject hello{{Wire::Type, Wire::EventHello}, {Wire::User, *user}};
        guard->sendTextMessage(
            QString::fromUtf8(QJsonDocument(hello).toJson(QJsonDocument::Compact)));
    });
}

void EventHub::publish(const QJsonObject &event)
{
    if (m_subscribers.isEmpty())
        return;
    const QString text = QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact));
    for (QWebSocket *socket : std::as_const(m_subscribers))
        socket->sendTextMessage(text);
}

void EventHub::closeAll()
{
    const auto sockets = m_subscribers;
    for (QWebSocket *socket : sockets)
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server stopping"));
}

} // namespace Bulwark
