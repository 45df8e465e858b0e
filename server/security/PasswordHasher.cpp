#include "PasswordHasher.h"

#include "Crypto.h"
#include "SecuritySettings.h"

#include <QMutex>
#include <QStringList>

#include <argon2.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace Bulwark::PasswordHasher {

namespace {
constexpr int SaltSize = 16;
constexpr int HashSize = 32;
constexpr quint32 MaximumMemoryKiB = 4 * 1024 * 1024; // 4 GiB
constexpr quint32 MaximumIterations = 100;
constexpr quint32 MaximumParallelism = 64;
constexpr int MinimumSaltSize = 8;
constexpr int MaximumSaltSize = 64;
constexpr int MinimumHashSize = 16;
constexpr int MaximumHashSize = 64;
// Longer than any well-formed string within the bounds above (about 220).
constexpr qsizetype MaximumStoredLength = 512;

constexpr int LegacySaltSize = 16;
constexpr int LegacyHashSize = 32;
constexpr int LegacyMinimumIterations = 1000;
constexpr int LegacyMaximumIterations = 10000000;
const auto kBase64 = QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals;

// Wipes a buffer that held a password once it is no longer needed.
struct Wiped
{
    QByteArray bytes;
    ~Wiped()
    {
        if (!bytes.isEmpty())
            OPENSSL_cleanse(bytes.data(), size_t(bytes.size()));
    }
};

QByteArray argonInput(const QString &password)
{
    return password.normalized(QString::NormalizationForm_C).toUtf8();
}

bool inRange(const Parameters &p)
{
    return p.parallelism >= 1 && p.parallelism <= MaximumParallelism && p.iterations >= 1 &&
           p.iterations <= MaximumIterations && p.memoryKiB >= 8 * p.parallelism &&
           p.memoryKiB <= MaximumMemoryKiB;
}

Result<QByteArray> argon2id(const QByteArray &password, const QByteArray &salt,
                            const Parameters &parameters, int length)
{
    if (!inRange(parameters))
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("The Argon2id parameters m=%1, t=%2, p=%3 are out of range.")
                .arg(parameters.memoryKiB)
                .arg(parameters.iterations)
                .arg(parameters.parallelism));
    QByteArray out(length, '\0');
    argon2_context ctx{};
    ctx.out = reinterpret_cast<uint8_t *>(out.data());
    ctx.outlen = uint32_t(out.size());
    // libargon2 does not write to these without ARGON2_FLAG_CLEAR_*.
    ctx.pwd = reinterpret_cast<uint8_t *>(const_cast<char *>(password.constData()));
    ctx.pwdlen = uint32_t(password.size());
    ctx.salt = reinterpret_cast<uint8_t *>(const_cast<char *>(salt.constData()));
    ctx.saltlen = uint32_t(salt.size());
    ctx.t_cost = parameters.iterations;
    ctx.m_cost = parameters.memoryKiB;
    ctx.lanes = parameters.parallelism;
    ctx.threads = parameters.parallelism;
    ctx.version = ARGON2_VERSION_13;
    ctx.flags = ARGON2_DEFAULT_FLAGS;
    const int rc = argon2_ctx(&ctx, Argon2_id);
    if (rc != ARGON2_OK)
        return makeError(ErrorCode::Internal,
                         rc == ARGON2_MEMORY_ALLOCATION_ERROR
                             ? QStringLiteral("Password hashing could not get %1 KiB of memory; "
                                              "free memory or lower passwords/argon2_memory_kib.")
                                   .arg(parameters.memoryKiB)
                             : QStringLiteral("Password hashing failed (Argon2: %1).")
                                   .arg(QString::fromLatin1(argon2_error_message(rc))));
    return out;
}

// A positive decimal without sign or leading zeros, at most 7 digits.
std::optional<quint32> canonicalNumber(QStringView text)
{
    if (text.isEmpty() || text.size() > 7 || text.front() == u'0')
        return std::nullopt;
    quint32 value = 0;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        value = value * 10 + quint32(c.unicode() - u'0');
    }
    return value;
}

// PHC's base64: standard alphabet, no padding, unused trailing bits zero.
std::optional<QByteArray> canonicalBase64(QStringView text)
{
    if (text.isEmpty() || text.size() % 4 == 1)
        return std::nullopt;
    for (QChar c : text) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z') ||
                        (u >= u'0' && u <= u'9') || u == u'+' || u == u'/';
        if (!ok)
            return std::nullopt;
    }
    const QByteArray ascii = text.toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(
        ascii, QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.toBase64(kBase64) != ascii)
        return std::nullopt;
    return decoded.decoded;
}

std::optional<quint32> field(QStringView part, QStringView name)
{
    if (!part.startsWith(name))
        return std::nullopt;
    return canonicalNumber(part.mid(name.size()));
}

bool verifyLegacy(const QString &password, const QString &stored)
{
    // "", "pbkdf2-sha256", "i=N", salt, hash
    const QStringList parts = stored.split(u'$');
    if (parts.size() != 5 || parts.at(1) != u"pbkdf2-sha256" || !parts.at(2).startsWith(u"i="))
        return false;
    bool ok = false;
    const int iterations = parts.at(2).mid(2).toInt(&ok);
    if (!ok || iterations < LegacyMinimumIterations || iterations > LegacyMaximumIterations)
        return false;
    const auto salt = QByteArray::fromBase64Encoding(parts.at(3).toLatin1(), kBase64);
    const auto expected = QByteArray::fromBase64Encoding(parts.at(4).toLatin1(), kBase64);
    if (!salt || !expected || salt.decoded.size() < LegacySaltSize / 2 ||
        expected.decoded.size() != LegacyHashSize)
        return false;
    Wiped input{password.toUtf8()};
    auto derived = Crypto::pbkdf2Sha256(input.bytes, salt.decoded, iterations, LegacyHashSize);
    return derived && Crypto::constantTimeEquals(*derived, expected.decoded);
}

bool isLegacy(const QString &stored)
{
    return stored.startsWith(u"$pbkdf2-sha256$");
}
} // namespace

Parameters Parameters::from(const PasswordSettings &settings)
{
    auto unsignedValue = [](int value) { return quint32(std::max(0, value)); };
    return Parameters{unsignedValue(settings.argonMemoryKiB),
                      unsignedValue(settings.argonIterations),
                      unsignedValue(settings.argonParallelism)};
}

std::optional<Phc> parsePhc(QStringView text)
{
    if (text.size() > MaximumStoredLength || !text.startsWith(u"$argon2id$v=19$m="))
        return std::nullopt;
    // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
    const auto parts = text.split(u'$');
    if (parts.size() != 6)
        return std::nullopt;
    const auto costs = parts.at(3).split(u',');
    if (costs.size() != 3)
        return std::nullopt;
    const auto m = field(costs.at(0), u"m=");
    const auto t = field(costs.at(1), u"t=");
    const auto p = field(costs.at(2), u"p=");
    if (!m || !t || !p)
        return std::nullopt;
    Phc phc{Parameters{*m, *t, *p}, {}, {}};
    if (!inRange(phc.parameters))
        return std::nullopt;
    auto salt = canonicalBase64(parts.at(4));
    auto hash = canonicalBase64(parts.at(5));
    if (!salt || !hash || salt->size() < MinimumSaltSize || salt->size() > MaximumSaltSize ||
        hash->size() < MinimumHashSize || hash->size() > MaximumHashSize)
        return std::nullopt;
    phc.salt = std::move(*salt);
    phc.hash = std::move(*hash);
    return phc;
}

Result<QString> hash(const QString &password, const Parameters &parameters)
{
    const QByteArray salt = Crypto::randomBytes(SaltSize);
    Wiped input{argonInput(password)};
    auto derived = argon2id(input.bytes, salt, parameters, HashSize);
    if (!derived)
        return derived.error();
    return QStringLiteral("$argon2id$v=19$m=%1,t=%2,p=%3$%4$%5")
        .arg(parameters.memoryKiB)
        .arg(parameters.iterations)
        .arg(parameters.parallelism)
        .arg(QString::fromLatin1(salt.toBase64(kBase64)),
             QString::fromLatin1(derived->toBase64(kBase64)));
}

bool verify(const QString &password, const QString &stored)
{
    if (stored.size() > MaximumStoredLength)
        return false;
    if (isLegacy(stored))
        return verifyLegacy(password, stored);
    const auto phc = parsePhc(stored);
    if (!phc)
        return false;
    Wiped input{argonInput(password)};
    auto derived = argon2id(input.bytes, phc->salt, phc->parameters, int(phc->hash.size()));
    return derived && Crypto::constantTimeEquals(*derived, phc->hash);
}

bool needsRehash(const QString &stored, const Parameters &parameters)
{
    const auto phc = parsePhc(stored);
    if (!phc)
        return true; // legacy PBKDF2, or nothing we would write today
    const Parameters &p = phc->parameters;
    return p.memoryKiB < parameters.memoryKiB || p.iterations < parameters.iterations ||
           p.parallelism < parameters.parallelism || phc->hash.size() != HashSize ||
           phc->salt.size() < SaltSize;
}

const QString &decoyHash(const Parameters &parameters)
{
    using Key = std::tuple<quint32, quint32, quint32>;
    static QMutex mutex;
    static std::map<Key, QString> decoys; // nodes never move: references stay valid
    const Key key{parameters.memoryKiB, parameters.iterations, parameters.parallelism};
    {
        QMutexLocker lock(&mutex);
        if (auto it = decoys.find(key); it != decoys.end())
            return it->second;
    }
    // Hash outside the lock; if two threads race, the first insert wins.
    auto h = hash(QString::fromLatin1(Crypto::randomBytes(24).toBase64()), parameters);
    QMutexLocker lock(&mutex);
    return decoys.try_emplace(key, h ? *h : QString()).first->second;
}

} // namespace Bulwark::PasswordHasher
