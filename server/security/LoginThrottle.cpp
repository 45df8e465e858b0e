#include "LoginThrottle.h"

#include "AddressAllowlist.h"

#include <chrono>

namespace Bulwark {

QByteArray LoginThrottle::keyOf(const QHostAddress &address)
{
    const QHostAddress plain = AddressAllowlist::unmapped(address); // IPv4-mapped IPv6 as IPv4
    if (plain.protocol() == QAbstractSocket::IPv4Protocol)
        return QByteArray::number(plain.toIPv4Address());
    const Q_IPV6ADDR v6 = plain.toIPv6Address();
    return QByteArray(reinterpret_cast<const char *>(v6.c), 8); // the /64 prefix
}

int LoginThrottle::retryAfter(const QHostAddress &address)
{
    if (m_settings.addressThreshold <= 0)
        return 0;
    auto it = m_windows.find(keyOf(address));
    if (it == m_windows.end())
        return 0;
    if (it->end.hasExpired()) {
        m_windows.erase(it);
        return 0;
    }
    if (it->failures < m_settings.addressThreshold)
        return 0;
    return int(qMax<qint64>(1, (it->end.remainingTime() + 999) / 1000));
}

bool LoginThrottle::begin(const QHostAddress &address)
{
    if (m_settings.addressThreshold <= 0)
        return true;
    const QByteArray key = keyOf(address);
    int failures = 0;
    if (auto w = m_windows.constFind(key); w != m_windows.cend() && !w->end.hasExpired())
        failures = w->failures;
    const int running = m_inFlight.value(key);
    if (running + failures >= m_settings.addressThreshold)
        return false;
    m_inFlight.insert(key, running + 1);
    return true;
}

void LoginThrottle::end(const QHostAddress &address)
{
    auto it = m_inFlight.find(keyOf(address));
    if (it != m_inFlight.end() && --*it <= 0)
        m_inFlight.erase(it);
}

bool LoginThrottle::recordFailure(const QHostAddress &address)
{
    if (m_settings.addressThreshold <= 0)
        return false;
    if (m_windows.size() >= MaximumTracked)
        m_windows.removeIf([](const auto &entry) { return entry.value().end.hasExpired(); });
    // A flood of addresses: those not (yet) throttled make room; the
    // throttled ones stay throttled.
    if (m_windows.size() >= MaximumTracked)
        m_windows.removeIf([this](const auto &entry) {
            return entry.value().failures < m_settings.addressThreshold;
        });
    if (m_windows.size() >= MaximumTracked)
        return false;
    Window &w = m_windows[keyOf(address)];
    if (w.end.hasExpired() || w.failures == 0) {
        w.failures = 0;
        w.end = QDeadlineTimer(std::chrono::seconds(m_settings.addressWindowSeconds));
    }
    ++w.failures;
    return w.failures == m_settings.addressThreshold;
}

} // namespace Bulwark
