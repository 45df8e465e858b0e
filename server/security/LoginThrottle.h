// Slows password guessing across many accounts: failed sign-ins are counted
// per client address (IPv6 by /64, where one host usually has a whole
// prefix), and an address past the threshold within the window is refused
// until the window has passed. In memory, server thread only.
#pragma once

#include "SecuritySettings.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QHostAddress>

namespace Bulwark {

class LoginThrottle final
{
public:
    explicit LoginThrottle(const LockoutSettings &settings)
        : m_settings(settings)
    {}

    static constexpr qsizetype MaximumTracked = 100000;

    // Seconds until address may try again; 0 when it may now.
    [[nodiscard]] int retryAfter(const QHostAddress &address);
    // True when this failure took the address past the threshold.
    bool recordFailure(const QHostAddress &address);
    // A check of address starts, and ends. Failures are known only when a
    // check ends, so the checks still running count against the threshold
    // too: a burst cannot all be checked before its first failure counts.
    // False when the address is at the threshold.
    [[nodiscard]] bool begin(const QHostAddress &address);
    void end(const QHostAddress &address);

private:
    struct Window
    {
        int failures = 0;
        QDeadlineTimer end;
    };
    [[nodiscard]] static QByteArray keyOf(const QHostAddress &address);

    LockoutSettings m_settings;
    QHash<QByteArray, Window> m_windows;
    QHash<QByteArray, int> m_inFlight;
};

} // namespace Bulwark
