// Live admin events on wss://…/api/events: authenticates each subscriber
// from the upgrade request's credentials, then publishes entity and
// property changes to every authenticated subscriber.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>

#include <functional>

class QWebSocket;

namespace Bulwark {

class Authenticator;

class EventHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventHub)

public:
    explicit EventHub(Authenticator &authenticator, QObject *parent = nullptr);

    void accept(QWebSocket *socket); // takes ownership
    void publish(const QJsonObject &event);
    void closeAll();
    [[nodiscard]] qsizetype subscriberCount() const { return m_subscribers.size(); }

private:
    Authenticator &m_authenticator;
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
