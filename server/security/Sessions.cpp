#include "Sessions.h"

#include "Crypto.h"

#include <chrono>

namespace Bulwark {

namespace {
QByteArray randomToken(int bytes)
{
    return Crypto::randomBytes(bytes).toBase64(QByteArray::Base64UrlEncoding |
                                               QByteArray::OmitTrailingEquals);
}
} // namespace

QByteArray Sessions::keyOf(const QByteArray &token)
{
    return Crypto::sha256(token);
}

Sessions::Created Sessions::create(const QString &user, const QHostAddress &address)
{
    purge();
    // Bounded: the oldest session of this user (or of anyone, past the
    // global limit) makes room.
    qsizetype mine = 0;
    auto oldestMine = m_byKey.end();
    auto oldest = m_byKey.end();
    for (auto it = m_byKey.begin(); it != m_byKey.end(); ++it) {
        if (oldest == m_byKey.end() || it->created < oldest->created)
            oldest = it;
        if (it->user == user) {
            ++mine;
            if (oldestMine == m_byKey.end() || it->created < oldestMine->created)
                oldestMine = it;
        }
    }
    if (mine >= MaximumPerUser && oldestMine != m_byKey.end())
        m_byKey.erase(oldestMine);
    else if (m_byKey.size() >= MaximumSessions && oldest != m_byKey.end())
        m_byKey.erase(oldest);

    Created made;
    made.token = TokenPrefix.toString().toLatin1() + randomToken(32);
    Session &s = made.session;
    s.user = user;
    s.csrfToken = randomToken(32);
    s.created = QDateTime::currentDateTimeUtc();
    s.expires = s.created.addSecs(m_settings.lifetimeSeconds);
    s.idleEnd = QDeadlineTimer(std::chrono::seconds(m_settings.idleTimeoutSeconds));
    s.lifetimeEnd = QDeadlineTimer(std::chrono::seconds(m_settings.lifetimeSeconds));
    s.address = address;
    m_byKey.insert(keyOf(made.token), s);
    return made;
}

std::optional<Session> Sessions::use(const QByteArray &token)
{
    auto it = m_byKey.find(keyOf(token));
    if (it == m_byKey.end())
        return std::nullopt;
    if (it->idleEnd.hasExpired() || it->lifetimeEnd.hasExpired()) {
        m_byKey.erase(it);
        return std::nullopt;
    }
    it->idleEnd = QDeadlineTimer(std::chrono::seconds(m_settings.idleTimeoutSeconds));
    return *it;
}

bool Sessions::isLive(const QByteArray &token) const
{
    const auto it = m_byKey.constFind(keyOf(token));
    return it != m_byKey.cend() && !it->idleEnd.hasExpired() && !it->lifetimeEnd.hasExpired();
}

bool Sessions::end(const QByteArray &token)
{
    return m_byKey.remove(keyOf(token)) > 0;
}

qsizetype Sessions::endAllOf(const QString &user)
{
    return m_byKey.removeIf([&](const auto &entry) { return entry.value().user == user; });
}

void Sessions::purge()
{
    m_byKey.removeIf([](const auto &entry) {
        return entry.value().idleEnd.hasExpired() || entry.value().lifetimeEnd.hasExpired();
    });
}

} // namespace Bulwark
