// User password hashes: PBKDF2-HMAC-SHA256 with a 16-byte random salt per
// user and the iteration count stored with the hash (a PHC-style string).
// Interim: the identity work replaces it with Argon2id and rehash-on-login.
#pragma once

#include "core/Result.h"

namespace Bulwark::PasswordHasher {

inline constexpr int DefaultIterations = 600000; // OWASP 2023 for PBKDF2-HMAC-SHA256

// "$pbkdf2-sha256$i=600000$<salt>$<hash>", base64 without padding.
[[nodiscard]] Result<QString> hash(const QString &password, int iterations = DefaultIterations);
// Constant-time in the hash comparison; false for a malformed stored string.
[[nodiscard]] bool verify(const QString &password, const QString &stored);
// A hash of a random password, verified against when the user does not
// exist so that unknown users cost the same time as wrong passwords.
[[nodiscard]] const QString &decoyHash();

} // namespace Bulwark::PasswordHasher
