// Client address allowlists of application keys: single addresses and CIDR
// ranges, IPv4 and IPv6.
#pragma once

#include "core/Result.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QStringList>

namespace Bulwark::AddressAllowlist {

using Ranges = QList<QPair<QHostAddress, int>>;

// "192.0.2.7", "10.0.0.0/8", "2001:db8::/32", "::1". An IPv4-mapped IPv6
// range (::ffff:10.0.0.0/104) becomes the IPv4 range it means. The error
// names the first bad entry.
[[nodiscard]] Result<Ranges> parse(const QStringList &entries);

// Empty ranges allow any address. An IPv4-mapped IPv6 client (what a
// dual-stack socket reports for an IPv4 peer) matches IPv4 entries.
[[nodiscard]] bool allows(const Ranges &ranges, const QHostAddress &client);

// The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) stands for,
// else the address itself. Unlike QHostAddress::toIPv4Address, "::1" and
// "::" stay IPv6.
[[nodiscard]] QHostAddress unmapped(const QHostAddress &address);

// The entries in canonical form ("10.0.0.0/8", "192.0.2.7", "2001:db8::/32").
[[nodiscard]] QStringList normalized(const Ranges &ranges);

} // namespace Bulwark::AddressAllowlist
