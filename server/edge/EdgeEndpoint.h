// wss://…/edge, the device endpoint. Protocol version 0 (docs/protocol.md):
// a device authenticates with a first "auth" message within the configured
// time, then may "ping", and "bind" the Things it speaks for (visibility and
// Read, decided by the AccessModel, re-checked after every change of what
// authorization decides from). Properties, services, events and file
// transfer arrive with the edge work; until then other message types get an
// "unsupported" error reply and the connection stays open.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QStringList>

class QWebSocket;
class QTimer;

namespace Bulwark {

class Authenticator;
namespace Access {
class AccessModel;
}

class EdgeEndpoint final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EdgeEndpoint)

public:
    EdgeEndpoint(Authenticator &authenticator, const Access::AccessModel &access, int authTimeoutMs,
                 QObject *parent = nullptr);

    void accept(QWebSocket *socket); // takes ownership
    void closeAll();
    [[nodiscard]] qsizetype sessionCount() const { return m_sessions.size(); }

    static constexpr quint64 MaximumMessageSize = 1024 * 1024;
    static constexpr int MaximumBoundThings = 1000;

private:
    struct Session
    {
        QString user;      // empty until authenticated
        QString appKey;    // the key it signed in with, if any
        QDateTime expires; // when that key expires; null: never
        bool authenticating = false;
        QTimer *authDeadline = nullptr;
        QStringList bound;             // Things this session speaks for
        quint64 checkedGeneration = 0; // the access state bound was last checked against
    };

    void onMessage(QWebSocket *socket, const QString &text);
    void bind(QWebSocket *socket, Session &session, const QJsonValue &id,
              const QJsonObject &message, bool unbind);
    // Unbinds (and tells the device) what the session may no longer bind.
    void recheckBindings(QWebSocket *socket, Session &session);
    void reply(QWebSocket *socket, const QJsonValue &id, const QJsonObject &result);
    void replyError(QWebSocket *socket, const QJsonValue &id, const QString &code,
                    const QString &message);

    Authenticator &m_authenticator;
    const Access::AccessModel &m_access;
    int m_authTimeoutMs;
    QHash<QWebSocket *, Session> m_sessions;
};

} // namespace Bulwark
