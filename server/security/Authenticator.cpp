#include "Authenticator.h"

#include "AddressAllowlist.h"
#include "AppKeys.h"
#include "AuditLog.h"
#include "Crypto.h"
#include "Ldap.h"
#include "PasswordHasher.h"
#include "core/Names.h"
#include "storage/AppKeyStore.h"
#include "storage/DirectoryStore.h"
#include "storage/LoginStore.h"
#include "storage/StorageThread.h"

#include <QJsonArray>
#include <QLoggingCategory>

#include <chrono>

Q_LOGGING_CATEGORY(lcAuth, "bulwark.auth")

namespace Bulwark {

using namespace Qt::StringLiterals;

namespace {
constexpr qsizetype kMaximumRemembered = 10000;
// How long a verified app key's stored state is trusted before it is read
// again (changes through the API end it at once).
constexpr auto kAppKeyFreshFor = std::chrono::seconds(30);
// How many recent addresses are remembered per app key.
constexpr qsizetype kRecentKeyAddresses = 16;

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

} // namespace

QByteArray Credentials::sessionCookie() const
{
    // Cookie: a=1; __Host-bulwark_session=…; b=2
    for (const QByteArray &part : cookie.split(';')) {
        const QByteArray item = part.trimmed();
        const qsizetype eq = item.indexOf('=');
        if (eq > 0 && item.left(eq) == SessionCookieName.latin1())
            return item.mid(eq + 1);
    }
    return {};
}

// One password check as it moves between the threads.
struct Authenticator::PasswordCheck
{
    QString user;
    QString password;
    QHostAddress address;
    QString method;
    QByteArray cacheKey;
    QByteArray runningKey; // for Basic: where later identical checks find it
    Done done;
    // Read on the storage thread
    LoginRecord record;
    std::optional<DirectoryConfig> directory; // the user's directory
    QList<DirectoryConfig> provisioning;      // for an unknown user
    // Decided on the worker pool
    bool verified = false;
    bool unavailable = false;
    QString unavailableMessage;
    QString newHash;                    // a stronger rehash, to store
    std::optional<DirectoryLogin> ldap; // what the directory said
    QString provisionedFrom;            // directory that vouched for a new user
    QString directoryProblem;           // why a provisioning directory could not answer
};

Authenticator::Authenticator(StorageThread &storage, const Vault &vault, const AuditLog &audit,
                             const SecuritySettings &settings, QObject *parent)
    : QObject(parent)
    , m_storage(storage)
    , m_vault(vault)
    , m_audit(audit)
    , m_settings(settings)
    , m_sessions(settings.sessions)
    , m_throttle(settings.lockout)
    , m_cacheKey(Crypto::randomBytes(32))
{
    m_pool.setObjectName(QStringLiteral("bulwark-auth"));
    m_pool.setMaxThreadCount(qMax(2, QThread::idealThreadCount()));
    // Often enough that a connection outlives its credential by at most half
    // the shortest session timeout (and a minute at most).
    m_purge.setInterval(std::chrono::seconds(std::clamp(
        qMin(settings.sessions.idleTimeoutSeconds, settings.sessions.lifetimeSeconds) / 2, 1, 60)));
    connect(&m_purge, &QTimer::timeout, this, [this]() {
        // Live connections close when what they signed in with has ended.
        Q_EMIT expiryCheck();
        m_sessions.purge();
        m_remembered.removeIf([](const auto &entry) { return entry.value().expiry.hasExpired(); });
    });
    m_purge.start();
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

void Authenticator::audit(EntityStore &store, AuditRecord record) const
{
    if (auto s = m_audit.append(store, std::move(record)); !s)
        qCWarning(lcAuth).noquote() << "Could not write the audit record:" << s.error().message;
}

void Authenticator::authenticate(const Credentials &credentials, Done done)
{
    const QByteArray authorization = credentials.authorization.trimmed();
    if (!authorization.isEmpty()) {
        const qsizetype space = authorization.indexOf(' ');
        const QByteArray scheme = authorization.left(space).toLower();
        const QByteArray value = space > 0 ? authorization.mid(space + 1).trimmed() : QByteArray();
        if (scheme == "basic") {
            const auto decoded = QByteArray::fromBase64Encoding(value);
            const qsizetype colon = decoded ? decoded.decoded.indexOf(':') : -1;
            if (colon < 0) {
                done(makeError(ErrorCode::Unauthorized,
                               QStringLiteral("The Basic credentials are malformed: expected "
                                              "base64(user:password).")));
                return;
            }
            verifyPassword(QString::fromUtf8(decoded.decoded.left(colon)),
                           QString::fromUtf8(decoded.decoded.mid(colon + 1)), credentials.address,
                           QStringLiteral("basic"), std::move(done));
            return;
        }
        if (scheme == "bearer") {
            if (value.startsWith(Sessions::TokenPrefix.latin1())) {
                const auto session = m_sessions.use(value);
                if (!session) {
                    done(makeError(ErrorCode::Unauthorized,
                                   QStringLiteral("The session has ended (signed out, timed out, "
                                                  "or the server restarted); sign in again.")));
                    return;
                }
                done(Identity{
                    session->user, QStringLiteral("session"), {}, value, {}, session->expires});
                return;
            }
            verifyAppKey(value, credentials.address, std::move(done));
            return;
        }
        done(makeError(ErrorCode::Unauthorized,
                       QStringLiteral("Unsupported Authorization scheme: use Basic, or Bearer with "
                                      "a session token or an app key.")));
        return;
    }
    if (!credentials.appKey.isEmpty()) {
        verifyAppKey(credentials.appKey.trimmed(), credentials.address, std::move(done));
        return;
    }
    const QByteArray cookie = credentials.sessionCookie();
    if (!cookie.isEmpty()) {
        const auto session = m_sessions.use(cookie);
        if (!session) {
            done(makeError(ErrorCode::Unauthorized,
                           QStringLiteral("The session has ended (signed out, timed out, or the "
                                          "server restarted); sign in again.")));
            return;
        }
        done(Identity{session->user,
                      QStringLiteral("cookie"),
                      {},
                      cookie,
                      session->csrfToken,
                      session->expires});
        return;
    }
    done(makeError(ErrorCode::Unauthorized,
                   QStringLiteral("Sign in: send HTTP Basic credentials, a session token "
                                  "(POST /api/auth/login), or an app key.")));
}

// ---- Passwords ------------------------------------------------------------

void Authenticator::verifyPassword(const QString &user, const QString &password,
                                   const QHostAddress &address, const QString &method, Done done)
{
    if (const int wait = m_throttle.retryAfter(address); wait > 0) {
        done(makeError(ErrorCode::TooManyRequests,
                       QStringLiteral("Too many failed sign-ins from your address; try again in "
                                      "%1 seconds.")
                           .arg(wait)));
        return;
    }
    const QByteArray cacheKey =
        Crypto::hmacSha256(m_cacheKey, user.toUtf8() + '\0' + password.toUtf8());
    if (method == u"basic") {
        if (auto it = m_remembered.constFind(cacheKey); it != m_remembered.cend()) {
            if (!it->expiry.hasExpired()) {
                done(Identity{it->user, method, {}, {}, {}, {}});
                return;
            }
            m_remembered.erase(it);
        }
    }
    // The same Basic credentials from the same client already being checked
    // (a client opening several connections at once): one check answers all.
    const QByteArray runningKey = cacheKey + address.toString().toLatin1();
    if (method == u"basic") {
        if (auto it = m_runningBasic.constFind(runningKey); it != m_runningBasic.cend()) {
            if (const auto running = it->lock()) {
                running->done = [first = std::move(running->done),
                                 next = std::move(done)](Result<Identity> result) {
                    first(result);
                    next(result);
                };
                return;
            }
        }
    }
    if (m_inFlight >= MaximumInFlight) {
        done(makeError(ErrorCode::Unavailable,
                       QStringLiteral("The server is busy checking other sign-ins; try again in "
                                      "a moment.")));
        return;
    }
    if (!m_throttle.begin(address)) {
        done(makeError(ErrorCode::TooManyRequests,
                       QStringLiteral("Too many sign-ins from your address are being checked or "
                                      "have failed; try again in a few seconds.")));
        return;
    }
    ++m_inFlight;
    auto check = std::make_shared<PasswordCheck>();
    check->user = user;
    check->password = password;
    check->address = address;
    check->method = method;
    check->cacheKey = cacheKey;
    check->done = std::move(done);
    if (method == u"basic") {
        check->runningKey = runningKey;
        m_runningBasic.insert(runningKey, check);
    }

    // 1. Storage: the user's sign-in state and, for directory users, their
    //    directory (bind password opened through the vault).
    const Vault *vault = &m_vault;
    const int maximumLockSeconds = m_settings.lockout.durationSeconds;
    m_storage.run<Status>(
        [check, vault, maximumLockSeconds](EntityStore &store) -> Status {
            // A name no user can have is unknown, without a lookup (and
            // never provisioned).
            if (!Names::validate(QStringLiteral("user"), check->user))
                return {};
            LoginStore logins(store.database());
            auto record = logins.record(check->user, now(), maximumLockSeconds);
            if (!record)
                return record.error();
            check->record = *record;
            DirectoryStore directories(store.database(), *vault);
            if (record->exists && record->authSource != LocalAuthSource) {
                auto directory = directories.get(record->authSource);
                if (!directory)
                    return directory.error().code == ErrorCode::NotFound ? Status()
                                                                         : directory.error();
                check->directory = directory->config;
            } else if (!record->exists) {
                auto all = directories.list();
                if (!all)
                    return all.error();
                for (const DirectoryService &d : *all) {
                    if (!d.config.enabled || !d.config.provisionUsers)
                        continue;
                    auto withPassword = directories.get(d.config.name);
                    if (!withPassword)
                        return withPassword.error();
                    check->provisioning.append(withPassword->config);
                }
            }
            return {};
        },
        this,
        [this, check](Status read) {
            if (!read) {
                checkEnded(*check);
                check->done(read.error());
                return;
            }
            checkPassword(check);
        });
}

void Authenticator::checkPassword(std::shared_ptr<PasswordCheck> check)
{
    // 2. Worker pool: the slow part (Argon2id, or the directory).
    const auto parameters = PasswordHasher::Parameters::from(m_settings.passwords);
    m_pool.start([this, check, parameters]() {
        const LoginRecord &r = check->record;
        const bool local = !(r.exists && r.authSource != LocalAuthSource) &&
                           (r.exists || check->provisioning.isEmpty());
        if (!local) {
            // A directory answers faster or slower than Argon2id: pay for a
            // hash anyway, so that the time of an answer tells less about
            // which kind of name it was.
            [[maybe_unused]] const bool decoy =
                PasswordHasher::verify(check->password, PasswordHasher::decoyHash(parameters));
        }
        if (r.exists && r.authSource != LocalAuthSource) {
            // A directory user: never a local password, even if one is stored.
            if (!check->directory || !check->directory->enabled) {
                // Its directory is gone or off: refused (the decoy above
                // took the time of a wrong password).
            } else {
                auto login = Ldap::authenticate(*check->directory, check->user, check->password);
                if (login) {
                    check->verified = true;
                    check->ldap = *login;
                } else if (login.error().code == ErrorCode::Unavailable) {
                    check->unavailable = true;
                    check->unavailableMessage = login.error().message;
                }
            }
        } else if (!r.exists && !check->provisioning.isEmpty()) {
            // Just-in-time provisioning: the first directory that knows the user.
            for (const DirectoryConfig &d : check->provisioning) {
                auto login = Ldap::authenticate(d, check->user, check->password);
                if (login) {
                    check->verified = true;
                    check->ldap = *login;
                    check->provisionedFrom = d.name;
                    break;
                }
                // An unknown name is refused like any other, even while a
                // directory is down: a 503 here would tell local users (401)
                // from names that are not (503). The audit keeps the reason.
                if (login.error().code == ErrorCode::Unavailable)
                    check->directoryProblem = login.error().message;
            }
        } else {
            // Local, unknown, or without a password: the same work for each.
            const bool known = r.exists && !r.passwordHash.isEmpty();
            const QString &hash = known ? r.passwordHash : PasswordHasher::decoyHash(parameters);
            check->verified = PasswordHasher::verify(check->password, hash) && known;
            if (check->verified && PasswordHasher::needsRehash(hash, parameters)) {
                if (auto stronger = PasswordHasher::hash(check->password, parameters))
                    check->newHash = *stronger;
            }
        }
        check->password.clear();
        QMetaObject::invokeMethod(this, [this, check]() { finishPassword(check); });
    });
}

void Authenticator::finishPassword(std::shared_ptr<PasswordCheck> check)
{
    if (check->unavailable && !check->verified) {
        qCWarning(lcAuth).noquote()
            << "Directory unavailable for a sign-in:" << check->unavailableMessage;
        // Audited as a failure, not counted towards lockout: the user did
        // nothing wrong.
        AuditRecord record;
        record.time = now();
        record.actor = shownName(check->user);
        record.source = check->address.toString();
        record.category = QString(Audit::Auth);
        record.action = QStringLiteral("login");
        record.entity = u"Users/"_s + shownName(check->user);
        record.outcome = QString(Audit::Failure);
        record.details = QJsonObject{{u"method"_s, check->method},
                                     {u"reason"_s, u"directory-unavailable"_s},
                                     {u"directory"_s, check->unavailableMessage.left(512)}};
        m_storage.run<Status>(
            [this, record](EntityStore &store) -> Status {
                audit(store, record);
                return {};
            },
            this,
            [this, check](Status) {
                checkEnded(*check);
                check->done(makeError(ErrorCode::Unavailable,
                                      QStringLiteral("The directory service that checks this "
                                                     "account cannot be reached; try again later "
                                                     "or ask an administrator.")));
            });
        return;
    }
    // 3. Storage: decide against the account's state NOW (a lock, a new
    //    password or a disabled account may have come while this check was
    //    hashing), count the outcome, store a rehash or a provisioned user,
    //    and audit it.
    const LockoutSettings lockout = m_settings.lockout;
    struct Outcome
    {
        bool allowed = false;
        QString why; // when refused
        bool lockedNow = false;
        Status status;
        std::optional<QSet<QString>> administrators;
    };
    m_storage.run<Outcome>(
        [this, check, lockout](EntityStore &store) -> Outcome {
            Outcome outcome;
            LoginStore logins(store.database());
            const QDateTime time = now();
            const QString source = check->address.toString();
            const QString name = shownName(check->user);
            outcome.status = store.inTransaction([&]() -> Status {
                const LoginRecord &before = check->record;
                LoginRecord current;
                if (before.exists || !check->provisionedFrom.isEmpty()) {
                    auto read = logins.record(check->user, time, lockout.durationSeconds);
                    if (!read)
                        return read.error();
                    current = *read;
                }
                const bool provisioning = !before.exists && !check->provisionedFrom.isEmpty();
                QString why;
                // Another sign-in may have provisioned the same user meanwhile:
                // then it is an ordinary sign-in of that user.
                const bool madeMeanwhile = provisioning && current.exists;
                const bool existing = !provisioning || madeMeanwhile;
                if (!check->verified)
                    why = QStringLiteral("wrong-credentials");
                else if (madeMeanwhile && current.authSource != check->provisionedFrom)
                    why = QStringLiteral("credentials-changed");
                else if (existing && current.locked)
                    why = QStringLiteral("locked");
                else if (existing && !current.enabled)
                    why = QStringLiteral("disabled");
                else if (!provisioning &&
                         (current.credentialsVersion != before.credentialsVersion ||
                          current.authSource != before.authSource))
                    why = QStringLiteral("credentials-changed");
                else if (check->ldap) {
                    // The directory that vouched must still be the one
                    // configured, and switched on.
                    const QString source =
                        provisioning ? check->provisionedFrom : before.authSource;
                    auto now = DirectoryStore(store.database(), m_vault).describe(source);
                    if (!now && now.error().code != ErrorCode::NotFound)
                        return now.error();
                    const DirectoryConfig *was = check->directory ? &*check->directory : nullptr;
                    for (const DirectoryConfig &d : check->provisioning) {
                        if (d.name == source)
                            was = &d;
                    }
                    if (!now || !was || !now->config.enabled || now->config.url != was->url ||
                        now->config.bindDn != was->bindDn || now->config.caFile != was->caFile ||
                        now->config.insecure != was->insecure ||
                        now->config.userBase != was->userBase ||
                        now->config.userFilter != was->userFilter)
                        why = QStringLiteral("credentials-changed");
                }
                outcome.allowed = why.isEmpty();
                outcome.why = why;
                if (!outcome.allowed) {
                    if (current.exists && why == u"wrong-credentials") {
                        auto locked = logins.recordFailure(check->user, time, lockout);
                        if (!locked)
                            return locked.error();
                        outcome.lockedNow = *locked;
                    }
                    QJsonObject details{{u"method"_s, check->method}, {u"reason"_s, why}};
                    if (!check->directoryProblem.isEmpty())
                        details.insert(u"directoryUnavailable"_s,
                                       check->directoryProblem.left(512));
                    audit(store, AuditRecord{0,
                                             time,
                                             name,
                                             source,
                                             QString(Audit::Auth),
                                             QStringLiteral("login"),
                                             u"Users/"_s + name,
                                             QString(Audit::Failure),
                                             details,
                                             {},
                                             {}});
                    if (outcome.lockedNow)
                        audit(store,
                              AuditRecord{
                                  0,
                                  time,
                                  QStringLiteral("system"),
                                  source,
                                  QString(Audit::Auth),
                                  QStringLiteral("lockout"),
                                  u"Users/"_s + name,
                                  QString(Audit::Success),
                                  QJsonObject{{u"failures"_s, lockout.threshold},
                                              {u"windowSeconds"_s, lockout.windowSeconds},
                                              {u"durationSeconds"_s, lockout.durationSeconds}},
                                  {},
                                  {}});
                    return {};
                }
                if (provisioning && !madeMeanwhile) {
                    User user;
                    user.name = check->user;
                    user.description =
                        QStringLiteral("From directory %1").arg(check->provisionedFrom);
                    user.authSource = check->provisionedFrom;
                    user.created = user.modified = time;
                    if (auto s = store.createUser(user, QString()); !s)
                        return s;
                    QStringList joined;
                    for (const QString &groupName : check->ldap->platformGroups) {
                        auto group = store.group(groupName);
                        if (!group) {
                            qCWarning(lcAuth).noquote()
                                << "Directory group mapping names" << groupName
                                << "which is not a platform group; skipped.";
                            continue;
                        }
                        group->members.append(GroupMember{MemberKind::User, user.name});
                        group->modified = time;
                        if (auto s = store.updateGroup(*group); !s)
                            return s;
                        joined << groupName;
                    }
                    audit(store, AuditRecord{
                                     0,
                                     time,
                                     QStringLiteral("system"),
                                     source,
                                     QString(Audit::UserCategory),
                                     QStringLiteral("provision"),
                                     u"Users/"_s + user.name,
                                     QString(Audit::Success),
                                     QJsonObject{{u"directory"_s, check->provisionedFrom},
                                                 {u"groups"_s, QJsonArray::fromStringList(joined)}},
                                     {},
                                     {}});
                }
                if (!check->newHash.isEmpty()) {
                    if (auto s = store.setPasswordHash(check->user, check->newHash,
                                                       EntityStore::PasswordChange::Rehash);
                        !s)
                        return s;
                }
                if (auto s = logins.recordSuccess(check->user, time, source); !s)
                    return s;
                QJsonObject details{{u"method"_s, check->method}};
                if (!check->newHash.isEmpty())
                    details.insert(u"rehashed"_s, true);
                if (check->ldap)
                    details.insert(u"directory"_s,
                                   provisioning ? check->provisionedFrom : before.authSource);
                audit(store, AuditRecord{0,
                                         time,
                                         check->user,
                                         source,
                                         QString(Audit::Auth),
                                         QStringLiteral("login"),
                                         u"Users/"_s + check->user,
                                         QString(Audit::Success),
                                         details,
                                         {},
                                         {}});
                if (provisioning) {
                    // Mapped groups may have made the new user an administrator.
                    auto admins = logins.administrators();
                    if (!admins)
                        return admins.error();
                    outcome.administrators = *admins;
                }
                return {};
            });
            return outcome;
        },
        this,
        [this, check](Outcome outcome) {
            checkEnded(*check);
            if (!outcome.status) {
                check->done(outcome.status.error());
                return;
            }
            const QString name = shownName(check->user);
            // A password changed under a check is no guess: not counted.
            if (!outcome.allowed && outcome.why != u"credentials-changed" &&
                m_throttle.recordFailure(check->address)) {
                // The address has just been slowed down: once per window.
                const QString source = check->address.toString();
                const LockoutSettings lockout = m_settings.lockout;
                m_storage.run<Status>(
                    [this, source, lockout](EntityStore &store) -> Status {
                        audit(store,
                              AuditRecord{
                                  0,
                                  now(),
                                  QStringLiteral("system"),
                                  source,
                                  QString(Audit::Auth),
                                  QStringLiteral("throttle"),
                                  QStringLiteral("Addresses/") + source,
                                  QString(Audit::Success),
                                  QJsonObject{{u"failures"_s, lockout.addressThreshold},
                                              {u"windowSeconds"_s, lockout.addressWindowSeconds}},
                                  {},
                                  {}});
                        return {};
                    },
                    this, [](Status) {});
            }
            if (outcome.lockedNow) {
                // Remembered Basic checks of the account end with the lock.
                m_remembered.removeIf(
                    [&](const auto &entry) { return entry.value().user == check->user; });
                qCWarning(lcAuth).noquote()
                    << "Locked the account" << name << "after repeated failed sign-ins from"
                    << check->address.toString();
            }
            if (!outcome.allowed) {
                qCInfo(lcAuth).noquote()
                    << "Sign-in refused for" << name << "from" << check->address.toString();
                check->done(rejected());
                return;
            }
            if (outcome.administrators) {
                setAdministrators(*outcome.administrators);
                Q_EMIT userProvisioned(check->user);
            }
            if (!check->provisionedFrom.isEmpty())
                qCInfo(lcAuth).noquote()
                    << "Created user" << check->user << "from directory" << check->provisionedFrom;
            if (check->method == u"basic" && m_settings.sessions.basicCacheSeconds > 0) {
                if (m_remembered.size() >= kMaximumRemembered)
                    m_remembered.clear();
                m_remembered.insert(check->cacheKey,
                                    {check->user, QDeadlineTimer(std::chrono::seconds(
                                                      m_settings.sessions.basicCacheSeconds))});
            }
            check->done(Identity{check->user, check->method, {}, {}, {}, {}});
        });
}

void Authenticator::checkEnded(const PasswordCheck &check)
{
    --m_inFlight;
    m_throttle.end(check.address);
    if (!check.runningKey.isEmpty())
        m_runningBasic.remove(check.runningKey);
}

QString Authenticator::shownName(const QString &typed)
{
    // What was typed as a name may be a password, or carry line breaks.
    return Names::validate(QStringLiteral("user"), typed) ? typed
                                                          : QStringLiteral("(not a user name)");
}

// ---- App keys -------------------------------------------------------------

void Authenticator::verifyAppKey(const QByteArray &secret, const QHostAddress &address, Done done)
{
    if (!AppKeys::looksLikeSecret(secret)) {
        done(makeError(ErrorCode::Unauthorized,
                       QStringLiteral("The application key is not valid.")));
        return;
    }
    const QByteArray hash = AppKeys::secretHash(secret);
    if (auto it = m_appKeys.find(hash); it != m_appKeys.end()) {
        if (!it->fresh.hasExpired()) {
            useCachedAppKey(hash, *it, address, std::move(done));
            return;
        }
        m_appKeys.erase(it);
    }
    // An address the key was used from lately is not audited again.
    const bool recentAddress =
        m_keyAddresses.value(hash).contains(AddressAllowlist::unmapped(address).toString());
    // Not remembered: one read on the storage thread (the key, its state,
    // its user), which also records the use and audits a new address.
    struct Found
    {
        Result<Identity> identity = makeError(ErrorCode::Internal, QString());
        std::optional<CachedKey> cached;
    };
    m_storage.run<Found>(
        [this, secret, address, recentAddress](EntityStore &store) -> Found {
            const QDateTime time = now();
            const QString source = AddressAllowlist::unmapped(address).toString();
            Found found;
            const Status status = store.inTransaction([&]() -> Status {
                auto use = AppKeys::authenticate(store.database(), secret, address, time);
                if (!use) {
                    if (use.error().code == ErrorCode::Forbidden)
                        auditAddressRefused(store, QString(), source, time);
                    // A refusal is an answer, not a failed transaction.
                    found.identity = use.error().code == ErrorCode::Forbidden
                                         ? Result<Identity>(makeError(ErrorCode::Unauthorized,
                                                                      use.error().message))
                                         : Result<Identity>(use.error());
                    return {};
                }
                auto user = LoginStore(store.database()).record(use->key.user, time);
                if (!user)
                    return user.error();
                if (!user->exists || !user->enabled) {
                    found.identity = userCannotSignIn();
                    return {};
                }
                // Only a key that signs in is remembered.
                CachedKey cached{use->key, {}, {}};
                if (auto ranges = AddressAllowlist::parse(use->key.ipAllowlist))
                    cached.allowlist = *ranges;
                found.cached = cached;
                if (use->newAddress && !recentAddress)
                    auditNewAddress(store, use->key, source, time);
                found.identity =
                    Identity{use->key.user,   QStringLiteral("appkey"), use->key.name, {}, {},
                             use->key.expires};
                return {};
            });
            if (!status)
                found.identity = status.error();
            return found;
        },
        this,
        [this, hash, address, done = std::move(done)](Found found) {
            if (found.cached) {
                noteKeyAddress(hash, AddressAllowlist::unmapped(address).toString());
                if (m_appKeys.size() >= kMaximumRemembered)
                    m_appKeys.clear();
                found.cached->fresh = QDeadlineTimer(kAppKeyFreshFor);
                m_appKeys.insert(hash, *found.cached);
            }
            done(found.identity);
        });
}

// A key verified in the last half minute: its state is checked here, on
// the I/O thread, and its use written back when due.
void Authenticator::useCachedAppKey(const QByteArray &hash, CachedKey &cached,
                                    const QHostAddress &address, Done done)
{
    const QDateTime time = now();
    const QString source = AddressAllowlist::unmapped(address).toString();
    if (auto s = AppKeys::check(cached.key, cached.allowlist, address, time); !s) {
        if (s.error().code == ErrorCode::Forbidden) {
            const QString name = cached.key.name;
            m_storage.run<Status>(
                [this, name, source, time](EntityStore &store) -> Status {
                    auditAddressRefused(store, name, source, time);
                    return {};
                },
                this, [](Status) {});
        }
        done(makeError(ErrorCode::Unauthorized, s.error().message));
        return;
    }
    // Written back at most once a minute, and when an address appears that
    // is not among the key's recent ones (audited unless it is the stored
    // last address, as after a restart).
    const bool unseen = noteKeyAddress(hash, source);
    if (unseen || !cached.key.lastUsed.isValid() ||
        cached.key.lastUsed.secsTo(time) >= AppKeys::kUseRecordIntervalSeconds) {
        const bool newAddress = unseen && cached.key.lastAddress != source;
        cached.key.lastUsed = time;
        cached.key.lastAddress = source;
        const ApplicationKey key = cached.key;
        m_storage.run<Status>(
            [this, key, source, time, newAddress](EntityStore &store) -> Status {
                return store.inTransaction([&]() -> Status {
                    if (auto s = AppKeyStore(store.database()).recordUse(key.name, time, source);
                        !s)
                        return s;
                    if (newAddress)
                        auditNewAddress(store, key, source, time);
                    return {};
                });
            },
            this,
            [](Status s) {
                if (!s)
                    qCWarning(lcAuth).noquote()
                        << "Could not record an app key's use:" << s.error().message;
            });
    }
    done(Identity{
        cached.key.user, QStringLiteral("appkey"), cached.key.name, {}, {}, cached.key.expires});
}

Error Authenticator::userCannotSignIn()
{
    return makeError(ErrorCode::Unauthorized,
                     QStringLiteral("The application key's user cannot sign in."));
}

void Authenticator::auditAddressRefused(EntityStore &store, const QString &key,
                                        const QString &source, const QDateTime &time) const
{
    audit(store, AuditRecord{0,
                             time,
                             QString(),
                             source,
                             QString(Audit::AppKey),
                             QStringLiteral("use"),
                             key.isEmpty() ? u"ApplicationKeys"_s : u"ApplicationKeys/"_s + key,
                             QString(Audit::Denied),
                             QJsonObject{{u"reason"_s, u"address not allowed"_s}},
                             {},
                             {}});
}

void Authenticator::auditNewAddress(EntityStore &store, const ApplicationKey &key,
                                    const QString &source, const QDateTime &time) const
{
    audit(store, AuditRecord{0,
                             time,
                             key.user,
                             source,
                             QString(Audit::AppKey),
                             QStringLiteral("use-from-new-address"),
                             u"ApplicationKeys/"_s + key.name,
                             QString(Audit::Success),
                             {},
                             {},
                             {}});
}

bool Authenticator::noteKeyAddress(const QByteArray &key, const QString &source)
{
    if (m_keyAddresses.size() >= kMaximumRemembered && !m_keyAddresses.contains(key))
        m_keyAddresses.clear();
    QStringList &recent = m_keyAddresses[key];
    const qsizetype at = recent.indexOf(source);
    if (at == 0)
        return false;
    if (at > 0) {
        recent.move(at, 0);
        return false;
    }
    recent.prepend(source);
    if (recent.size() > kRecentKeyAddresses)
        recent.removeLast();
    return true;
}

void Authenticator::appKeyChanged(const QString &name)
{
    m_appKeys.removeIf([&](const auto &entry) { return entry.value().key.name == name; });
    Q_EMIT appKeyEnded(name);
}

void Authenticator::setAdministrators(QSet<QString> users)
{
    if (users == m_administrators)
        return;
    m_administrators = std::move(users);
    Q_EMIT administratorsChanged();
}

bool Authenticator::endSession(const QByteArray &token)
{
    const bool ended = m_sessions.end(token);
    Q_EMIT sessionEnded(token);
    return ended;
}

void Authenticator::forgetUser(const QString &user)
{
    m_remembered.removeIf([&](const auto &entry) { return entry.value().user == user; });
    m_appKeys.removeIf([&](const auto &entry) { return entry.value().key.user == user; });
    m_sessions.endAllOf(user);
    Q_EMIT credentialsChanged(user);
}

} // namespace Bulwark
