#include "AddressAllowlist.h"

namespace Bulwark::AddressAllowlist {

namespace {

constexpr int kMaximumEntries = 256;

} // namespace

// Not QHostAddress::toIPv4Address's test, which also takes "::" and other
// IPv4-compatible addresses for IPv4.
QHostAddress unmapped(const QHostAddress &address)
{
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return address;
    const Q_IPV6ADDR bytes = address.toIPv6Address();
    for (int i = 0; i < 10; ++i) {
        if (bytes[i] != 0)
            return address;
    }
    if (bytes[10] != 0xff || bytes[11] != 0xff)
        return address;
    return QHostAddress((quint32(bytes[12]) << 24) | (quint32(bytes[13]) << 16) |
                        (quint32(bytes[14]) << 8) | quint32(bytes[15]));
}

namespace {

int fullLength(const QHostAddress &address)
{
    return address.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128;
}

} // namespace

Result<Ranges> parse(const QStringList &entries)
{
    if (entries.size() > kMaximumEntries)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The IP allowlist has %1 entries; at most %2 are allowed.")
                             .arg(entries.size())
                             .arg(kMaximumEntries));
    Ranges ranges;
    for (const QString &raw : entries) {
        const QString entry = raw.trimmed();
        const auto bad = [&raw](const QString &why) {
            return makeError(
                ErrorCode::BadRequest,
                QStringLiteral("The IP allowlist entry '%1' %2").arg(raw.left(64), why));
        };
        if (entry.isEmpty())
            return bad(QStringLiteral("is empty; give an address such as 192.0.2.7 or a range "
                                      "such as 10.0.0.0/8."));
        QHostAddress address;
        int length = -1;
        if (entry.contains(QLatin1Char('/'))) {
            const qsizetype slash = entry.indexOf(QLatin1Char('/'));
            const QString lengthText = entry.mid(slash + 1);
            bool numeric = !lengthText.isEmpty();
            for (QChar c : lengthText)
                numeric = numeric && c.isDigit();
            // parseSubnet also takes netmasks (10.0.0.0/255.0.0.0); we
            // document CIDR only, so insist on a prefix length.
            if (!numeric)
                return bad(QStringLiteral("needs a prefix length after '/', such as /24."));
            const auto subnet = QHostAddress::parseSubnet(entry);
            address = subnet.first;
            length = subnet.second;
            if (address.isNull() || length < 0) {
                const QHostAddress base(entry.left(slash));
                if (!base.isNull())
                    return bad(
                        QStringLiteral("has a prefix length beyond %1.").arg(fullLength(base)));
                return bad(QStringLiteral("is not an IPv4 or IPv6 address with a prefix length."));
            }
        } else {
            if (!address.setAddress(entry) || !address.scopeId().isEmpty())
                return bad(QStringLiteral("is not an IPv4 or IPv6 address."));
            length = fullLength(address);
        }
        // Clients in IPv4-mapped form are matched as IPv4 (see allows()), so
        // a mapped entry becomes the IPv4 range it means.
        const QHostAddress written(entry.section(QLatin1Char('/'), 0, 0));
        if (unmapped(written).protocol() == QAbstractSocket::IPv4Protocol &&
            written.protocol() == QAbstractSocket::IPv6Protocol) {
            if (length < 96)
                return bad(QStringLiteral("is an IPv4-mapped range shorter than /96; write the "
                                          "IPv4 range instead."));
            address = unmapped(address);
            length -= 96;
        }
        ranges.append({address, length});
    }
    return ranges;
}

bool allows(const Ranges &ranges, const QHostAddress &client)
{
    if (ranges.isEmpty())
        return true;
    const QHostAddress address = unmapped(client);
    for (const auto &[base, length] : ranges) {
        if (address.isInSubnet(base, length))
            return true;
    }
    return false;
}

QStringList normalized(const Ranges &ranges)
{
    QStringList out;
    for (const auto &[base, length] : ranges) {
        // The network address: host bits cleared by a round trip through
        // parseSubnet of the canonical text.
        const auto subnet =
            QHostAddress::parseSubnet(QStringLiteral("%1/%2").arg(base.toString()).arg(length));
        const QString text = subnet.first.toString();
        out << (length == fullLength(base) ? text : QStringLiteral("%1/%2").arg(text).arg(length));
    }
    return out;
}

} // namespace Bulwark::AddressAllowlist
