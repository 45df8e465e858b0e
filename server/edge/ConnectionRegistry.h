// Which Things a device session speaks for right now: the connection state
// that REST (GET /api/Things/{n}[/Connection]) reports. Written by the edge
// endpoint on the I/O thread; read from any thread (storage work included).
#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QReadWriteLock>
#include <QString>

namespace Bulwark {

class ConnectionRegistry final
{
    Q_DISABLE_COPY_MOVE(ConnectionRegistry)

public:
    ConnectionRegistry() = default;

    struct Connection
    {
        QDateTime since;
        QString remoteAddress;
        QString user;
        quint64 session = 0; // which session holds it (the most recent binder)
    };

    void set(const QString &thing, const Connection &connection);
    // Removes thing only while session holds it; answers whether it did.
    bool remove(const QString &thing, quint64 session);
    // The last message a session sent (shown for each Thing it holds).
    void touch(quint64 session, const QDateTime &time);
    void forgetSession(quint64 session);
    [[nodiscard]] bool isConnected(const QString &thing) const;
    // {"connected": false} or {"connected": true, "since", "remoteAddress", "lastMessage", "user"}
    [[nodiscard]] QJsonObject toJson(const QString &thing) const;

private:
    mutable QReadWriteLock m_lock;
    QHash<QString, Connection> m_things;
    QHash<quint64, QDateTime> m_lastMessage;
};

} // namespace Bulwark
