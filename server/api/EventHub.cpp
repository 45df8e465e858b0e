#include "EventHub.h"

#include "api/ApiServer.h"
#include "security/Access.h"
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
constexpr qint64 kMaximumBacklog = 4 * 1024 * 1024;
} // namespace

EventHub::EventHub(Authenticator &authenticator, const Access::AccessModel &access, QObject *parent)
    : QObject(parent)
    , m_authenticator(authenticator)
    , m_access(access)
{
    // A changed password, a disabled or deleted user: their streams end.
    connect(&m_authenticator, &Authenticator::credentialsChanged, this,
            [this](const QString &user) {
                closeWhere([&](const Subscriber &s) { return s.user == user; },
                           QStringLiteral("credentials changed"));
            });
    connect(&m_authenticator, &Authenticator::appKeyEnded, this, [this](const QString &name) {
        closeWhere([&](const Subscriber &s) { return !name.isEmpty() && s.appKey == name; },
                   QStringLiteral("app key changed"));
    });
    // A stream ends when its credential does: its session (an open stream is
    // not a use of it: a half-open connection must not keep a session alive;
    // the client's requests do) or the app key's expiry.
    connect(&m_authenticator, &Authenticator::expiryCheck, this, [this]() {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        closeWhere(
            [&](const Subscriber &s) {
                return (!s.sessionToken.isEmpty() &&
                        !m_authenticator.sessions().isLive(s.sessionToken)) ||
                       (s.expires.isValid() && s.expires <= now);
            },
            QStringLiteral("credentials expired"));
    });
    // A stream opened with a session ends with it.
    connect(&m_authenticator, &Authenticator::sessionEnded, this, [this](const QByteArray &token) {
        closeWhere([&](const Subscriber &s) { return !token.isEmpty() && s.sessionToken == token; },
                   QStringLiteral("signed out"));
    });
}

void EventHub::closeWhere(const std::function<bool(const Subscriber &)> &ends,
                          const QString &reason)
{
    const auto subscribers = m_subscribers; // closing changes the table
    for (auto it = subscribers.cbegin(); it != subscribers.cend(); ++it) {
        if (ends(it.value()))
            it.key()->close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
    }
}

void EventHub::accept(QWebSocket *socket)
{
    socket->setParent(this);
    socket->setMaxAllowedIncomingFrameSize(kMaximumIncomingMessage);
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
    Credentials credentials;
    credentials.authorization = socket->request().rawHeader("Authorization");
    credentials.appKey = socket->request().rawHeader("appKey");
    credentials.cookie = socket->request().rawHeader("Cookie");
    credentials.address = socket->peerAddress();
    QPointer<QWebSocket> guard(socket);
    m_authenticator.authenticate(credentials, [this, guard](Result<Identity> identity) {
        if (!guard)
            return;
        if (!identity) {
            guard->close(QWebSocketProtocol::CloseCodePolicyViolated,
                         QStringLiteral("authentication failed"));
            return;
        }
        m_subscribers.insert(guard, Subscriber{identity->user, identity->sessionToken,
                                               identity->appKey, identity->expires});
        qCInfo(lcEvents) << "Event subscriber" << identity->user << "from"
                         << guard->peerAddress().toString();
        const QJsonObject hello{{Wire::Type, Wire::EventHello}, {Wire::User, identity->user}};
        guard->sendTextMessage(
            QString::fromUtf8(QJsonDocument(hello).toJson(QJsonDocument::Compact)));
    });
}

bool EventHub::mayReceive(const QString &user, const QJsonObject &event) const
{
    // Decided at delivery with the model as it is now, so a change of rules,
    // memberships or visibility applies to open streams at once.
    using Access::Answer;
    using Access::Permission;
    const QString type = event.value(Wire::Type).toString();
    if (type == Wire::EventPropertyChanged) {
        const Access::EntityRef thing{QString(Wire::Things), event.value(Wire::Thing).toString()};
        return m_access.check(user, thing, Permission::PropertyRead,
                              event.value(Wire::Property).toString()) == Answer::Allow;
    }
    if (type == Wire::EventThingEvent) {
        const Access::EntityRef thing{QString(Wire::Things), event.value(Wire::Thing).toString()};
        return m_access.check(user, thing, Permission::EventSubscribe,
                              event.value(Wire::Event).toString()) == Answer::Allow;
    }
    if (type == Wire::EventTransferChanged) {
        // The requester, administrators, and whoever may Read both Things.
        const QJsonObject transfer = event.value(QLatin1StringView("transfer")).toObject();
        if (transfer.value(QLatin1StringView("requestedBy")).toString() == user ||
            m_access.isAdministrator(user))
            return true;
        const auto readable = [&](const char *side) {
            const QString thing =
                transfer.value(QLatin1StringView(side)).toObject().value(Wire::Thing).toString();
            return m_access.check(user, {QString(Wire::Things), thing}, Permission::Read) ==
                   Answer::Allow;
        };
        return readable("source") && readable("target");
    }
    if (type == Wire::EventConnectionChanged) {
        const Access::EntityRef thing{QString(Wire::Things), event.value(Wire::Thing).toString()};
        return m_access.check(user, thing, Permission::Read) == Answer::Allow;
    }
    const Access::EntityRef ref{event.value(Wire::Collection).toString(),
                                event.value(Wire::Name).toString()};
    if (Access::isSecuredCollection(ref.collection)) {
        // Everyone may read their own user, so they hear of its changes too.
        if (ref.collection == Wire::Users && ref.name == user && type != Wire::EventEntityDeleted)
            return true;
        if (type == Wire::EventEntityCreated || type == Wire::EventEntityUpdated)
            return m_access.check(user, ref, Permission::Read) == Answer::Allow;
        if (type == Wire::EventEntityDeleted)
            return m_access.checkRemoved(user, ref, Permission::Read) == Answer::Allow;
    }
    // Anything else (changes of rules, visibility, units, keys, directories)
    // is for administrators.
    return m_access.isAdministrator(user);
}

void EventHub::publish(const QJsonObject &event)
{
    if (m_subscribers.isEmpty())
        return;
    const QString text = QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact));
    const auto subscribers = m_subscribers.keys();
    for (QWebSocket *socket : subscribers) {
        if (!mayReceive(m_subscribers.value(socket).user, event))
            continue;
        // A subscriber that stops reading would make the server hold every
        // event for it: past a bound it is let go (it may reconnect).
        if (socket->bytesToWrite() > kMaximumBacklog) {
            qCInfo(lcEvents) << "Closing a subscriber that does not keep up:"
                             << socket->peerAddress().toString();
            m_subscribers.remove(socket);
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                          QStringLiteral("not keeping up"));
            continue;
        }
        socket->sendTextMessage(text);
    }
}

void EventHub::closeAll()
{
    const auto sockets = m_subscribers.keys();
    for (QWebSocket *socket : sockets)
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server stopping"));
}

} // namespace Bulwark
