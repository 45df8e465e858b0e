#include "ConnectionRegistry.h"

#include "core/EntityJson.h"
#include "wire/Wire.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace Bulwark {

namespace {

QString utcTimestamp(qint64 ms)
{
    return EntityJson::timestamp(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC));
}

// The fields of a connected Thing (without "connected").
QJsonObject describe(const ConnectionRegistry::Connection &c)
{
    QJsonObject o{
        {Wire::Since, c.since.isValid() ? utcTimestamp(c.since.toMSecsSinceEpoch()) : QString()},
        {Wire::RemoteAddress, c.remoteAddress},
        {Wire::User, c.user},
        {Wire::EdgeSession, qint64(c.session)}};
    qint64 last = 0;
    quint64 in = 0, out = 0, bytesIn = 0, bytesOut = 0;
    if (c.traffic) {
        last = c.traffic->lastMessageMs.load(std::memory_order_relaxed);
        in = c.traffic->messagesIn.load(std::memory_order_relaxed);
        out = c.traffic->messagesOut.load(std::memory_order_relaxed);
        bytesIn = c.traffic->bytesIn.load(std::memory_order_relaxed);
        bytesOut = c.traffic->bytesOut.load(std::memory_order_relaxed);
    }
    o.insert(Wire::LastMessage, last ? utcTimestamp(last) : QString());
    o.insert(Wire::MessagesIn, qint64(in));
    o.insert(Wire::MessagesOut, qint64(out));
    o.insert(Wire::BytesIn, qint64(bytesIn));
    o.insert(Wire::BytesOut, qint64(bytesOut));
    return o;
}

} // namespace

void ConnectionRegistry::set(const QString &thing, const Connection &connection)
{
    QWriteLocker locker(&m_lock);
    m_things.insert(thing, connection);
}

bool ConnectionRegistry::remove(const QString &thing, quint64 session)
{
    QWriteLocker locker(&m_lock);
    const auto it = m_things.constFind(thing);
    if (it == m_things.cend() || it->session != session)
        return false;
    m_things.erase(it);
    return true;
}

bool ConnectionRegistry::isConnected(const QString &thing) const
{
    QReadLocker locker(&m_lock);
    return m_things.contains(thing);
}

qsizetype ConnectionRegistry::size() const
{
    QReadLocker locker(&m_lock);
    return m_things.size();
}

QJsonObject ConnectionRegistry::toJson(const QString &thing) const
{
    Connection connection;
    {
        QReadLocker locker(&m_lock);
        const auto it = m_things.constFind(thing);
        if (it == m_things.cend())
            return {{Wire::Connected, false}};
        connection = *it;
    }
    QJsonObject o = describe(connection);
    o.insert(Wire::Connected, true);
    return o;
}

QJsonArray ConnectionRegistry::list(const std::function<bool(const QString &thing)> &include) const
{
    std::vector<std::pair<QString, Connection>> entries;
    {
        QReadLocker locker(&m_lock);
        entries.reserve(size_t(m_things.size()));
        for (auto it = m_things.cbegin(); it != m_things.cend(); ++it)
            entries.emplace_back(it.key(), it.value());
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    QJsonArray items;
    for (const auto &[thing, connection] : entries) {
        if (!include(thing))
            continue;
        QJsonObject o = describe(connection);
        o.insert(Wire::Thing, thing);
        items.append(o);
    }
    return items;
}

} // namespace Bulwark
