#include "AppKeys.h"

#include "AddressAllowlist.h"
#include "Crypto.h"
#include "wire/Wire.h"

#include <QJsonArray>

namespace Bulwark::AppKeys {

namespace W = Wire;

namespace {

constexpr qsizetype kEncodedLength = 43; // base64url of 32 bytes, unpadded

Error refused(const QString &why)
{
    return makeError(ErrorCode::Unauthorized, why);
}

QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

} // namespace

QString newSecret()
{
    return SecretPrefix + QString::fromLatin1(Crypto::randomBytes(SecretBytes)
                                                  .toBase64(QByteArray::Base64UrlEncoding |
                                                            QByteArray::OmitTrailingEquals));
}

QByteArray secretHash(QByteArrayView secret)
{
    return Crypto::sha256(secret.toByteArray()).toHex();
}

bool looksLikeSecret(QByteArrayView secret)
{
    if (secret.size() != SecretPrefix.size() + kEncodedLength || !secret.startsWith(SecretPrefix))
        return false;
    for (char c : secret.sliced(SecretPrefix.size())) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

bool isExpired(const ApplicationKey &key, const QDateTime &now)
{
    return !key.expires.isValid() || key.expires <= now;
}

QJsonObject toJson(const ApplicationKey &key, const QDateTime &now)
{
    return {{W::Name, key.name},
            {W::Description, key.description},
            {W::User, key.user},
            {W::AppKeyExpires, timeOrNull(key.expires)},
            {W::AppKeyIpAllowlist, QJsonArray::fromStringList(key.ipAllowlist)},
            {W::Enabled, key.enabled},
            {W::AppKeyLastUsed, timeOrNull(key.lastUsed)},
            {W::AppKeyLastAddress,
             key.lastAddress.isEmpty() ? QJsonValue() : QJsonValue(key.lastAddress)},
            {W::Created, timeOrNull(key.created)},
            {W::Modified, timeOrNull(key.modified)},
            {W::AppKeyExpired, isExpired(key, now)}};
}

Status check(const ApplicationKey &key, const AddressAllowlist::Ranges &allowlist,
             const QHostAddress &client, const QDateTime &now)
{
    // The holder knows the secret, so naming the key and the reason is safe.
    if (!key.enabled)
        return refused(QStringLiteral("The application key '%1' is disabled.").arg(key.name));
    if (isExpired(key, now))
        return refused(QStringLiteral("The application key '%1' expired at %2.")
                           .arg(key.name, key.expires.toUTC().toString(Qt::ISODate)));
    if (!AddressAllowlist::allows(allowlist, client))
        return makeError(ErrorCode::Forbidden,
                         QStringLiteral("The application key '%1' may not be used from this "
                                        "address.")
                             .arg(key.name));
    return {};
}

bool useIsDue(const ApplicationKey &key, const QHostAddress &client, const QDateTime &now)
{
    return key.lastAddress != AddressAllowlist::unmapped(client).toString() ||
           !key.lastUsed.isValid() || key.lastUsed.secsTo(now) >= kUseRecordIntervalSeconds;
}

Result<Use> authenticate(Database &db, QByteArrayView secret, const QHostAddress &client,
                         const QDateTime &now)
{
    if (!looksLikeSecret(secret))
        return refused(QStringLiteral("The application key is not valid."));
    AppKeyStore store(db);
    auto found = store.findBySecretHash(secretHash(secret));
    if (!found)
        return found.error();
    if (!found->has_value())
        return refused(QStringLiteral("The application key is not valid."));
    const ApplicationKey &key = **found;
    auto ranges = AddressAllowlist::parse(key.ipAllowlist);
    if (!ranges)
        return ranges.error();
    if (auto s = check(key, *ranges, client, now); !s)
        return s.error();
    const QString address = AddressAllowlist::unmapped(client).toString();
    Use use{key, key.lastAddress != address};
    if (useIsDue(key, client, now)) {
        if (auto s = store.recordUse(key.name, now, address); !s)
            return s.error();
        use.key.lastUsed = now;
        use.key.lastAddress = address;
    }
    return use;
}

} // namespace Bulwark::AppKeys
