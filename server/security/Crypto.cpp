#include "Crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>

namespace Bulwark::Crypto {

namespace {
struct CipherContextDeleter
{
    void operator()(EVP_CIPHER_CTX *ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

Error cryptoError(const char *what)
{
    return makeError(ErrorCode::Internal,
                     QStringLiteral("Encryption failed (%1).").arg(QString::fromLatin1(what)));
}
} // namespace

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(bytes.data()), count) != 1)
        qFatal("OpenSSL could not produce random bytes; refusing to go on without a CSPRNG");
    return bytes;
}

QByteArray sha256(const QByteArray &data)
{
    QByteArray digest(32, Qt::Uninitialized);
    unsigned int length = 0;
    EVP_Digest(data.constData(), size_t(data.size()),
               reinterpret_cast<unsigned char *>(digest.data()), &length, EVP_sha256(), nullptr);
    return digest;
}

QByteArray hmacSha256(const QByteArray &key, const QByteArray &data)
{
    QByteArray mac(32, Qt::Uninitialized);
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.constData(), int(key.size()),
         reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()),
         reinterpret_cast<unsigned char *>(mac.data()), &length);
    return mac;
}

Result<QByteArray> pbkdf2Sha256(const QByteArray &password, const QByteArray &salt, int iterations,
                                int length)
{
    QByteArray out(length, Qt::Uninitialized);
    if (PKCS5_PBKDF2_HMAC(password.constData(), int(password.size()),
                          reinterpret_cast<const unsigned char *>(salt.constData()),
                          int(salt.size()), iterations, EVP_sha256(), length,
                          reinterpret_cast<unsigned char *>(out.data())) != 1)
        return cryptoError("PBKDF2");
    return out;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    return CRYPTO_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

Result<QByteArray> aesGcmEncrypt(const QByteArray &key, const QByteArray &plaintext,
                                 const QByteArray &associatedData)
{
    if (key.size() != AesKeySize)
        return cryptoError("key size");
    CipherContext ctx(EVP_CIPHER_CTX_new());
    const QByteArray nonce = randomBytes(GcmNonceSize);
    QByteArray out(GcmNonceSize + plaintext.size() + GcmTagSize, Qt::Uninitialized);
    auto *o = reinterpret_cast<unsigned char *>(out.data());
    memcpy(o, nonce.constData(), GcmNonceSize);
    int len = 0;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                   reinterpret_cast<const unsigned char *>(key.constData()),
                                   reinterpret_cast<const unsigned char *>(nonce.constData())) != 1)
        return cryptoError("init");
    if (!associatedData.isEmpty() &&
        EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                          reinterpret_cast<const unsigned char *>(associatedData.constData()),
                          int(associatedData.size())) != 1)
        return cryptoError("aad");
    if (EVP_EncryptUpdate(ctx.get(), o + GcmNonceSize, &len,
                          reinterpret_cast<const unsigned char *>(plaintext.constData()),
                          int(plaintext.size())) != 1)
        return cryptoError("update");
    int finalLen = 0;
    if (EVP_EncryptFinal_ex(ctx.get(), o + GcmNonceSize + len, &finalLen) != 1)
        return cryptoError("final");
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, GcmTagSize,
                            o + GcmNonceSize + plaintext.size()) != 1)
        return cryptoError("tag");
    return out;
}

Result<QByteArray> aesGcmDecrypt(const QByteArray &key, const QByteArray &sealed,
                                 const QByteArray &associatedData)
{
    if (key.size() != AesKeySize)
        return cryptoError("key size");
    if (sealed.size() < GcmNonceSize + GcmTagSize)
        return makeError(ErrorCode::Internal, QStringLiteral("Encrypted data is truncated."));
    const auto *in = reinterpret_cast<const unsigned char *>(sealed.constData());
    const int textSize = int(sealed.size()) - GcmNonceSize - GcmTagSize;
    CipherContext ctx(EVP_CIPHER_CTX_new());
    QByteArray out(textSize, Qt::Uninitialized);
    int len = 0;
    if (!ctx ||
        EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                           reinterpret_cast<const unsigned char *>(key.constData()), in) != 1)
        return cryptoError("init");
    if (!associatedData.isEmpty() &&
        EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                          reinterpret_cast<const unsigned char *>(associatedData.constData()),
                          int(associatedData.size())) != 1)
        return cryptoError("aad");
    if (EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &len,
                          in + GcmNonceSize, textSize) != 1)
        return cryptoError("update");
    QByteArray tag(reinterpret_cast<const char *>(in + GcmNonceSize + textSize), GcmTagSize);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, GcmTagSize, tag.data()) != 1)
        return cryptoError("tag");
    int finalLen = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(out.data()) + len,
                            &finalLen) != 1)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Encrypted data failed its integrity check: it was "
                                        "altered, or the key is wrong."));
    return out;
}

Status selfTest()
{
    // RFC 4231 test case 2 (HMAC-SHA-256).
    const QByteArray mac = hmacSha256("Jefe", "what do ya want for nothing?");
    if (mac.toHex() != "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        return makeError(ErrorCode::Internal, QStringLiteral("HMAC-SHA-256 self-test failed."));
    // RFC 7914 section 11 (PBKDF2-HMAC-SHA256, 1 iteration).
    auto kdf = pbkdf2Sha256("passwd", "salt", 1, 64);
    if (!kdf || kdf->toHex() != "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                                "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
        return makeError(ErrorCode::Internal, QStringLiteral("PBKDF2 self-test failed."));
    // AES-256-GCM: round trip, and tampering detected.
    const QByteArray key = randomBytes(AesKeySize);
    auto sealed = aesGcmEncrypt(key, "self-test", "aad");
    if (!sealed)
        return sealed.error();
    auto opened = aesGcmDecrypt(key, *sealed, "aad");
    QByteArray tampered = *sealed;
    tampered[GcmNonceSize] = char(tampered[GcmNonceSize] ^ 1);
    if (!opened || *opened != "self-test" || aesGcmDecrypt(key, tampered, "aad").ok())
        return makeError(ErrorCode::Internal, QStringLiteral("AES-256-GCM self-test failed."));
    return {};
}

} // namespace Bulwark::Crypto
