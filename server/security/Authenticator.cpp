#include "Authenticator.h"

#include "Crypto.h"
#include "PasswordHasher.h"
#include "storage/StorageThread.h"
#include "wire/Wire.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcAuth, "bulwark.auth")

namespace Bulwark {

namespace {
constexpr auto kRememberFor = std::chrono::minutes(5);
constexpr qsizetype kMaximumRemembered = 10000;
// Until users, groups and permissions are enforced, only the built-in
// administrator may sign in.
const QString kAdministrator = Wire::AdministratorUser;
} // namespace

Authenticator::Authenticator(StorageThread &storage, QObject *parent)
    : QObject(parent)
    , m_storage(storage)
    , m_cacheKey(Crypto::randomBytes(32))
{
    m_pool.setObjectName(QStringLiteral("bulwark-auth"));
    m_pool.setMaxThreadCount(qMax(2, QThread::idealThreadCount()));
}

Authenticator::~Authenticator()
{
    m_pool.clear(); // queued checks are for connections that are closing
    m_pool.waitForDone();
}

Error Authenticator::rejected()
{
    return makeError(ErrorCode::Unauthorized,
                     QStringLiteral("The user name or password is wrong, or the account cannot "
                                    "sign in."));
}

void Authenticator::verifyAuthorization(const QByteArray &header, Done done)
{
    const QByteArray trimmed = header.trimmed();
    if (!trimmed.startsWith("Basic ") && !trimmed.startsWith("basic ")) {
        done(makeError(ErrorCode::Unauthorized,
                       QStringLiteral("Send credentials as HTTP Basic authentication "
                                      "(Authorization: Basic …).")));
        return;
    }
    const auto decoded = QByteArray::fromBase64Encoding(trimmed.mid(6).trimmed());
    const qsizetype colon = decoded ? decoded.decoded.indexOf(':') : -1;
    if (colon < 0) {
        done(makeError(ErrorCode::Unauthorized,
                       QStringLiteral("The Basic credentials are malformed: expected "
                                      "base64(user:password).")));
        return;
    }
    verifyPassword(QString::fromUtf8(decoded.decoded.left(colon)),
                   QString::fromUtf8(decoded.decoded.mid(colon + 1)), std::move(done));
}

void Authenticator::verifyPassword(const QString &user, const QString &password, Done done)
{
    const QByteArray key = Crypto::hmacSha256(m_cacheKey, user.toUtf8() + '\0' + password.toUtf8());
    if (auto it = m_remembered.constFind(key); it != m_remembered.cend()) {
        if (!it->expiry.hasExpired()) {
            done(it->user);
            return;
        }
        m_remembered.erase(it);
    }

    if (m_inFlight >= MaximumInFlight) {
        done(makeError(ErrorCode::Unavailable,
                       QStringLiteral("The server is busy checking other sign-ins; try again in "
                                      "a moment.")));
        return;
    }
    ++m_inFlight;
    m_storage.run<Result<QString>>(
        [user](EntityStore &store) -> Result<QString> {
            if (user != kAdministrator)
                return QString();
            auto u = store.user(user);
            if (!u)
                return u.error().code == ErrorCode::NotFound ? Result<QString>(QString())
                                                             : Result<QString>(u.error());
            if (!u->enabled)
                return QString();
            return store.passwordHash(user);
        },
        this,
        [this, user, password, key, done = std::move(done)](Result<QString> stored) mutable {
            if (!stored) {
                --m_inFlight;
                done(stored.error());
                return;
            }
            // Unknown users and users without a password verify against a
            // decoy, so that they take as long as a wrong password.
            const QString hash = stored->isEmpty() ? PasswordHasher::decoyHash() : *stored;
            const bool known = !stored->isEmpty();
            m_pool.start([this, user, password, hash, known, key, done = std::move(done)]() {
                const bool ok = PasswordHasher::verify(password, hash) && known;
                QMetaObject::invokeMethod(this, [this, ok, user, key, done]() {
                    --m_inFlight;
                    if (!ok) {
                        qCInfo(lcAuth) << "Sign-in refused for" << user.left(64);
                        done(rejected());
                        return;
                    }
                    if (m_remembered.size() >= kMaximumRemembered)
                        m_remembered.clear();
                    m_remembered.insert(key, {user, QDeadlineTimer(kRememberFor)});
                    done(user);
                });
            });
        });
}

void Authenticator::forgetUser(const QString &user)
{
    m_remembered.removeIf([&](const auto &entry) { return entry.value().user == user; });
    Q_EMIT credentialsChanged(user);
}

} // namespace Bulwark
