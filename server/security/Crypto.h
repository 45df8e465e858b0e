// The server's crypto facade over OpenSSL: random bytes, digests, HMAC,
// PBKDF2, HKDF, AES-256-GCM and constant-time comparison. OpenSSL types stay out
// of this header; every fallible call returns a checked Result.
#pragma once

#include "core/Result.h"

#include <QByteArray>

namespace Bulwark::Crypto {

[[nodiscard]] QByteArray randomBytes(int count); // CSPRNG; aborts if OpenSSL cannot seed
[[nodiscard]] QByteArray sha256(const QByteArray &data);
[[nodiscard]] QByteArray hmacSha256(const QByteArray &key, const QByteArray &data);
[[nodiscard]] Result<QByteArray> pbkdf2Sha256(const QByteArray &password, const QByteArray &salt,
                                              int iterations, int length);
// RFC 5869 HKDF with SHA-256 (extract then expand); length 1..8160 bytes.
// An empty salt means HashLen zero bytes, as the RFC says.
[[nodiscard]] Result<QByteArray> hkdfSha256(const QByteArray &ikm, const QByteArray &salt,
                                            const QByteArray &info, int length);
[[nodiscard]] bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

inline constexpr int AesKeySize = 32;
inline constexpr int GcmNonceSize = 12;
inline constexpr int GcmTagSize = 16;

// nonce || ciphertext || tag. associatedData binds the ciphertext to its place.
[[nodiscard]] Result<QByteArray> aesGcmEncrypt(const QByteArray &key, const QByteArray &plaintext,
                                               const QByteArray &associatedData);
[[nodiscard]] Result<QByteArray> aesGcmDecrypt(const QByteArray &key, const QByteArray &sealed,
                                               const QByteArray &associatedData);

// Known-answer tests run before the server serves (KeePassXC's Crypto::init):
// SHA-256, HMAC-SHA-256, HKDF-SHA-256, PBKDF2-HMAC-SHA-256, AES-256-GCM (both
// directions, tamper detection) and Argon2id, each against a published
// vector. The error names the algorithm that failed.
[[nodiscard]] Status selfTest();

} // namespace Bulwark::Crypto
