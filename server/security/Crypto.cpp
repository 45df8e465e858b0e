#include "Crypto.h"

#include <argon2.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <memory>

namespace Bulwark::Crypto {

namespace {
struct CipherContextDeleter
{
    void operator()(EVP_CIPHER_CTX *ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

struct KdfDeleter
{
    void operator()(EVP_KDF *kdf) const { EVP_KDF_free(kdf); }
    void operator()(EVP_KDF_CTX *ctx) const { EVP_KDF_CTX_free(ctx); }
};

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

Result<QByteArray> hkdfSha256(const QByteArray &ikm, const QByteArray &salt, const QByteArray &info,
                              int length)
{
    constexpr int MaximumLength = 255 * 32; // RFC 5869: L <= 255 * HashLen
    if (length < 1 || length > MaximumLength)
        return cryptoError("HKDF length");
    std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr));
    if (!kdf)
        return cryptoError("HKDF unavailable");
    std::unique_ptr<EVP_KDF_CTX, KdfDeleter> ctx(EVP_KDF_CTX_new(kdf.get()));
    if (!ctx)
        return cryptoError("HKDF context");
    char digest[] = "SHA256";
    // OSSL_PARAM takes non-const pointers; OpenSSL only reads these.
    auto octets = [](const char *key, const QByteArray &bytes) {
        return OSSL_PARAM_construct_octet_string(key, const_cast<char *>(bytes.constData()),
                                                 size_t(bytes.size()));
    };
    OSSL_PARAM params[5];
    int n = 0;
    params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
    params[n++] = octets(OSSL_KDF_PARAM_KEY, ikm);
    if (!salt.isEmpty())
        params[n++] = octets(OSSL_KDF_PARAM_SALT, salt);
    if (!info.isEmpty())
        params[n++] = octets(OSSL_KDF_PARAM_INFO, info);
    params[n] = OSSL_PARAM_construct_end();
    QByteArray out(length, Qt::Uninitialized);
    if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), size_t(length),
                       params) != 1)
        return cryptoError("HKDF");
    return out;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    return CRYPTO_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

namespace {
// nonce || ciphertext || tag, with the nonce given: the self-test needs a
// fixed one, everything else a random one (aesGcmEncrypt).
Result<QByteArray> sealWithNonce(const QByteArray &key, const QByteArray &nonce,
                                 const QByteArray &plaintext, const QByteArray &associatedData)
{
    if (key.size() != AesKeySize)
        return cryptoError("key size");
    if (nonce.size() != GcmNonceSize)
        return cryptoError("nonce size");
    CipherContext ctx(EVP_CIPHER_CTX_new());
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
} // namespace

Result<QByteArray> aesGcmEncrypt(const QByteArray &key, const QByteArray &plaintext,
                                 const QByteArray &associatedData)
{
    return sealWithNonce(key, randomBytes(GcmNonceSize), plaintext, associatedData);
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

namespace {
Error selfTestFailed(const char *algorithm)
{
    return makeError(ErrorCode::Internal,
                     QStringLiteral("The %1 self-test failed: this build of the cryptographic "
                                    "library gives wrong answers, so the server will not start. "
                                    "Reinstall OpenSSL and libargon2 from the distribution.")
                         .arg(QString::fromLatin1(algorithm)));
}
} // namespace

Status selfTest()
{
    // FIPS 180-2 appendix B.1: SHA-256("abc").
    if (sha256("abc").toHex() != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        return selfTestFailed("SHA-256");

    // RFC 4231 test case 2 (HMAC-SHA-256).
    if (hmacSha256("Jefe", "what do ya want for nothing?").toHex() !=
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        return selfTestFailed("HMAC-SHA-256");

    // RFC 5869 appendix A.1 (HKDF-SHA-256, test case 1).
    auto okm = hkdfSha256(QByteArray(22, '\x0b'), QByteArray::fromHex("000102030405060708090a0b0c"),
                          QByteArray::fromHex("f0f1f2f3f4f5f6f7f8f9"), 42);
    if (!okm || okm->toHex() != "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                                "34007208d5b887185865")
        return selfTestFailed("HKDF-SHA-256");

    // RFC 7914 section 11 (PBKDF2-HMAC-SHA-256, P="passwd", S="salt", c=1).
    auto kdf = pbkdf2Sha256("passwd", "salt", 1, 64);
    if (!kdf || kdf->toHex() != "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                                "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
        return selfTestFailed("PBKDF2-HMAC-SHA-256");

    // McGrew and Viega, "The Galois/Counter Mode of Operation", test case 16
    // (AES-256, 96-bit IV, 20 bytes of additional data, 60-byte plaintext).
    {
        const QByteArray key =
            QByteArray::fromHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
        const QByteArray iv = QByteArray::fromHex("cafebabefacedbaddecaf888");
        const QByteArray plaintext =
            QByteArray::fromHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                                "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        const QByteArray aad = QByteArray::fromHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        const QByteArray expected =
            iv +
            QByteArray::fromHex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                                "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
                                "76fc6ece0f4e1768cddf8853bb2d551b");
        auto sealed = sealWithNonce(key, iv, plaintext, aad);
        if (!sealed || *sealed != expected)
            return selfTestFailed("AES-256-GCM encryption");
        auto opened = aesGcmDecrypt(key, expected, aad);
        if (!opened || *opened != plaintext)
            return selfTestFailed("AES-256-GCM decryption");
        QByteArray tampered = expected;
        tampered[tampered.size() - 1] = char(tampered.at(tampered.size() - 1) ^ 1);
        if (aesGcmDecrypt(key, tampered, aad).ok())
            return selfTestFailed("AES-256-GCM tag check");
        if (aesGcmDecrypt(key, expected, aad.left(aad.size() - 1)).ok())
            return selfTestFailed("AES-256-GCM additional data check");
    }

    // RFC 9106 section 5.3 (Argon2id v=19, m=32 KiB, t=3, p=4, with secret
    // and associated data), through argon2_ctx as the password hasher uses.
    {
        QByteArray password(32, '\x01');
        QByteArray salt(16, '\x02');
        QByteArray secret(8, '\x03');
        QByteArray associated(12, '\x04');
        QByteArray tag(32, '\0');
        argon2_context ctx{};
        ctx.out = reinterpret_cast<uint8_t *>(tag.data());
        ctx.outlen = uint32_t(tag.size());
        ctx.pwd = reinterpret_cast<uint8_t *>(password.data());
        ctx.pwdlen = uint32_t(password.size());
        ctx.salt = reinterpret_cast<uint8_t *>(salt.data());
        ctx.saltlen = uint32_t(salt.size());
        ctx.secret = reinterpret_cast<uint8_t *>(secret.data());
        ctx.secretlen = uint32_t(secret.size());
        ctx.ad = reinterpret_cast<uint8_t *>(associated.data());
        ctx.adlen = uint32_t(associated.size());
        ctx.t_cost = 3;
        ctx.m_cost = 32;
        ctx.lanes = 4;
        ctx.threads = 1;
        ctx.version = ARGON2_VERSION_13;
        ctx.flags = ARGON2_DEFAULT_FLAGS;
        if (argon2_ctx(&ctx, Argon2_id) != ARGON2_OK ||
            tag.toHex() != "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")
            return selfTestFailed("Argon2id");
    }
    return {};
}

} // namespace Bulwark::Crypto
