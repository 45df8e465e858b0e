// Which Things a device session speaks for right now: the connection state
// that REST (GET /api/Things/{n}[/Connection], GET /api/Connections) reports,
// with the traffic of the session that holds each Thing. Written by the edge
// endpoint on the I/O thread; read from any thread (storage and worker
// threads included).
#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QReadWriteLock>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace Bulwark {

class ConnectionRegistry final
{
    Q_DISABLE_COPY_MOVE(ConnectionRegistry)

public:
    ConnectionRegistry() = default;

    // One session's WebSocket traffic (payload bytes of text and binary
    // messages; control frames are not counted). Bumped on the I/O thread
    // without a lock, read from any thread: relaxed atomics are enough for
    // figures a monitor shows.
    struct Traffic
    {
        std::atomic<quint64> messagesIn{0};
        std::atomic<quint64> messagesOut{0};
        std::atomic<quint64> bytesIn{0};
        std::atomic<quint64> bytesOut{0};
        std::atomic<qint64> lastMessageMs{0}; // ms since the epoch (UTC); 0: none yet

        void received(qsizetype bytes)
        {
            messagesIn.fetch_add(1, std::memory_order_relaxed);
            bytesIn.fetch_add(quint64(bytes), std::memory_order_relaxed);
        }
        void sent(qsizetype bytes)
        {
            messagesOut.fetch_add(1, std::memory_order_relaxed);
            bytesOut.fetch_add(quint64(bytes), std::memory_order_relaxed);
        }
        void touch(const QDateTime &time)
        {
            lastMessageMs.store(time.toMSecsSinceEpoch(), std::memory_order_relaxed);
        }
    };

    struct Connection
    {
        QDateTime since;
        QString remoteAddress;
        QString user;
        quint64 session = 0;                    // which session holds it (the most recent binder)
        std::shared_ptr<const Traffic> traffic; // that session's
    };

    void set(const QString &thing, const Connection &connection);
    // Removes thing only while session holds it; answers whether it did.
    bool remove(const QString &thing, quint64 session);
    [[nodiscard]] bool isConnected(const QString &thing) const;
    // {"connected": false} or {"connected": true, "since", "remoteAddress",
    //  "lastMessage", "user", "messagesIn", "messagesOut", "bytesIn", "bytesOut", "session"}
    [[nodiscard]] QJsonObject toJson(const QString &thing) const;
    // Every connected Thing that include accepts, sorted by name, each as
    // toJson() without "connected" and with "thing". The registry's lock is
    // held only to copy the entries: include runs after it is released.
    [[nodiscard]] QJsonArray list(const std::function<bool(const QString &thing)> &include) const;
    [[nodiscard]] qsizetype size() const;

private:
    mutable QReadWriteLock m_lock;
    QHash<QString, Connection> m_things;
};

} // namespace Bulwark
