#include "ConnectionRegistry.h"

#include "core/EntityJson.h"
#include "wire/Wire.h"

namespace Bulwark {

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

void ConnectionRegistry::touch(quint64 session, const QDateTime &time)
{
    QWriteLocker locker(&m_lock);
    m_lastMessage.insert(session, time);
}

void ConnectionRegistry::forgetSession(quint64 session)
{
    QWriteLocker locker(&m_lock);
    m_lastMessage.remove(session);
}

bool ConnectionRegistry::isConnected(const QString &thing) const
{
    QReadLocker locker(&m_lock);
    return m_things.contains(thing);
}

QJsonObject ConnectionRegistry::toJson(const QString &thing) const
{
    QReadLocker locker(&m_lock);
    const auto it = m_things.constFind(thing);
    if (it == m_things.cend())
        return {{Wire::Connected, false}};
    return {{Wire::Connected, true},
            {Wire::Since, EntityJson::timestamp(it->since)},
            {Wire::RemoteAddress, it->remoteAddress},
            {Wire::LastMessage, EntityJson::timestamp(m_lastMessage.value(it->session))},
            {Wire::User, it->user}};
}

} // namespace Bulwark
