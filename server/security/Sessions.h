// Signed-in sessions, held in memory on the server thread. A session token
// is 256 bits from the CSPRNG; only its SHA-256 is kept, so the table holds
// nothing a request could replay. Sessions end on logout, after the idle
// timeout or the absolute lifetime, when the user's credentials change, and
// when the server stops.
#pragma once

#include "SecuritySettings.h"

#include <QByteArray>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QHash>
#include <QHostAddress>
#include <QString>

#include <optional>

namespace Bulwark {

struct Session
{
    QString user;
    QByteArray csrfToken; // sent back in X-CSRF-Token by cookie-authenticated writes
    QDateTime created;
    QDateTime expires;      // absolute end
    QDeadlineTimer idleEnd; // pushed forward by each use
    QDeadlineTimer lifetimeEnd;
    QHostAddress address; // where it was made (informational)
};

class Sessions final
{
public:
    explicit Sessions(const SessionSettings &settings)
        : m_settings(settings)
    {}

    static constexpr qsizetype MaximumSessions = 100000;
    static constexpr qsizetype MaximumPerUser = 1000;
    // Token prefix, so that a bearer token is told apart from an app key.
    static constexpr QLatin1StringView TokenPrefix{"bws_"};

    struct Created
    {
        QByteArray token;
        Session session;
    };
    // A new session for user. Past the per-user limit the oldest one ends.
    [[nodiscard]] Created create(const QString &user, const QHostAddress &address);
    // The live session for token, its idle timer restarted; nullopt when
    // unknown or expired (an expired one is removed).
    [[nodiscard]] std::optional<Session> use(const QByteArray &token);
    // Whether token's session is still live, without counting as a use.
    [[nodiscard]] bool isLive(const QByteArray &token) const;
    // Ends the session of token; false when there was none.
    bool end(const QByteArray &token);
    // Ends every session of user; returns how many.
    qsizetype endAllOf(const QString &user);
    void clear() { m_byKey.clear(); }
    // Drops expired sessions (called from a timer).
    void purge();
    [[nodiscard]] qsizetype size() const { return m_byKey.size(); }

private:
    [[nodiscard]] static QByteArray keyOf(const QByteArray &token);

    SessionSettings m_settings;
    QHash<QByteArray, Session> m_byKey; // SHA-256(token) -> session
};

} // namespace Bulwark
