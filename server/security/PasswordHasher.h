// User password hashes: Argon2id (RFC 9106) through libargon2, stored as PHC
// strings "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" with a 16-byte random
// salt and a 32-byte hash, base64 without padding. The previous format,
// "$pbkdf2-sha256$i=N$<salt>$<hash>", still verifies and always needs a rehash.
//
// Passwords are hashed as the UTF-8 bytes of their Unicode NFC form, so the
// same password typed on systems that compose accents differently verifies.
// The legacy PBKDF2 format hashed the bytes as given and is verified so.
#pragma once

#include "core/Result.h"

#include <QString>
#include <QStringView>

#include <optional>

namespace Bulwark {
struct PasswordSettings;
}

namespace Bulwark::PasswordHasher {

struct Parameters
{
    quint32 memoryKiB = 19456; // OWASP's first recommended set for Argon2id
    quint32 iterations = 2;
    quint32 parallelism = 1;

    [[nodiscard]] static Parameters from(const PasswordSettings &settings);
    friend bool operator==(const Parameters &, const Parameters &) = default;
};

// A new PHC string with a fresh salt. Fails only for parameters out of range
// or when the memory cannot be had.
[[nodiscard]] Result<QString> hash(const QString &password, const Parameters &parameters = {});

// Argon2id PHC or legacy PBKDF2; the comparison is constant-time. False for a
// malformed, out-of-range or empty stored string.
[[nodiscard]] bool verify(const QString &password, const QString &stored);

// True when a successful login should store a new hash: the stored one is
// legacy PBKDF2, malformed, or has a parameter below the configured one, a
// different hash length or a salt shorter than 16 bytes.
[[nodiscard]] bool needsRehash(const QString &stored, const Parameters &parameters);

// A hash of a random password with these parameters, verified against when
// the user does not exist so that unknown users cost the same time as wrong
// passwords. Thread-safe; computed once per parameter set.
[[nodiscard]] const QString &decoyHash(const Parameters &parameters = {});

// A parsed "$argon2id$v=19$m=..,t=..,p=..$salt$hash". Strict: only argon2id
// version 19, parameters in that order as canonical decimals within
// m 8*p..4194304 KiB, t 1..100, p 1..64, salt 8..64 bytes and hash 16..64
// bytes in canonical unpadded base64. Never throws or crashes on any input.
struct Phc
{
    Parameters parameters;
    QByteArray salt;
    QByteArray hash;
};
[[nodiscard]] std::optional<Phc> parsePhc(QStringView text);

} // namespace Bulwark::PasswordHasher
