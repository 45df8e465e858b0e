// Live events on wss://…/api/events: authenticates each subscriber from the
// upgrade request's credentials, then delivers each entity and property
// change to the subscribers authorization lets see it (Read on the entity,
// PropertyRead on the property), decided at delivery.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>

#include <functional>

class QWebSocket;

namespace Bulwark {

class Authenticator;
namespace Access {
class AccessModel;
}

class EventHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventHub)

public:
    EventHub(Authenticator &authenticator, const Access::AccessModel &access,
             QObject *parent = nullptr);

    void accept(QWebSocket *socket); // takes ownership
    void publish(const QJsonObject &event);
    void closeAll();
    [[nodiscard]] qsizetype subscriberCount() const { return m_subscribers.size(); }

private:
    [[nodiscard]] bool mayReceive(const QString &user, const QJsonObject &event) const;

    Authenticator &m_authenticator;
    const Access::AccessModel &m_access;
    struct Subscriber
    {
        QString user;
        QByteArray sessionToken; // empty unless it signed in with a session
        QString appKey;          // empty unless it signed in with an app key
        QDateTime expires;       // when its credential ends; null: never
    };
    // Closes (policy violation, with reason) the streams for which ends holds.
    void closeWhere(const std::function<bool(const Subscriber &)> &ends, const QString &reason);

    QHash<QWebSocket *, Subscriber> m_subscribers; // authenticated
};

} // namespace Bulwark
