// Application key secrets and the checks made when a request presents one.
#pragma once

#include "AddressAllowlist.h"
#include "core/Result.h"
#include "storage/AppKeyStore.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QJsonObject>

namespace Bulwark {
class Database;
}

namespace Bulwark::AppKeys {

inline constexpr int SecretBytes = 32; // 256 bits
inline constexpr QLatin1StringView SecretPrefix("bwk_");

// "bwk_" + base64url (no padding) of 32 bytes from the CSPRNG: 47 characters.
// The prefix lets secret scanners and people recognise a leaked key.
[[nodiscard]] QString newSecret();
// Lower-case hex SHA-256. A 256-bit random secret cannot be guessed or
// brute-forced from its hash, so unlike a password it needs no slow, salted
// hash; a plain digest also lets the key be found by an indexed lookup.
[[nodiscard]] QByteArray secretHash(QByteArrayView secret);
// Shape check before any lookup: prefix, length and alphabet.
[[nodiscard]] bool looksLikeSecret(QByteArrayView secret);

[[nodiscard]] bool isExpired(const ApplicationKey &key, const QDateTime &now);

// The key's JSON (never the secret), with "expired" as of now.
[[nodiscard]] QJsonObject toJson(const ApplicationKey &key, const QDateTime &now);

// Whether key may be used now from client: enabled, not expired, and the
// address allowed (Forbidden when not; Unauthorized otherwise).
[[nodiscard]] Status check(const ApplicationKey &key, const AddressAllowlist::Ranges &allowlist,
                           const QHostAddress &client, const QDateTime &now);
// A key's use is written back at most this often (and when its address changes).
inline constexpr qint64 kUseRecordIntervalSeconds = 60;

// Whether a use from client should be written back now: from a new address
// (audit it), or the last record is a minute old.
[[nodiscard]] bool useIsDue(const ApplicationKey &key, const QHostAddress &client,
                            const QDateTime &now);

struct Use
{
    ApplicationKey key;
    bool newAddress = false; // first use, or from another address than last time (audit it)
};

// For the request pipeline, on the storage thread: finds the key for a
// presented secret and checks that it is enabled, not expired and allowed
// from client. Records the use (time and address) when the address changed
// or the last record is older than a minute, so a busy key does not write
// on every request. Unauthorized errors say why without naming other keys;
// the caller still checks that the key's user exists and is enabled.
[[nodiscard]] Result<Use> authenticate(Database &db, QByteArrayView secret,
                                       const QHostAddress &client, const QDateTime &now);

} // namespace Bulwark::AppKeys
