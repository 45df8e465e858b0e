// The authenticator against a real storage thread and audit log: sign-in
// by password, Basic, session and app key; lockout and its expiry; the
// per-address throttle; rehash on login; remembered checks and forgetting
// them; and the bound on checks in flight.
#include "security/AppKeys.h"
#include "security/AuditLog.h"
#include "security/Authenticator.h"
#include "security/PasswordHasher.h"
#include "security/Vault.h"
#include "storage/AppKeyStore.h"
#include "storage/LoginStore.h"
#include "storage/Sql_p.h"
#include "storage/StorageThread.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Bulwark;

namespace {
const QString kAdmin = QStringLiteral("Administrator");
const QString kPassword = QStringLiteral("first-password-123");
const QHostAddress kClient(QStringLiteral("192.0.2.10"));
// Small Argon2id parameters: these tests are about the flow, not the cost.
PasswordSettings fastPasswords()
{
    PasswordSettings p;
    p.argonMemoryKiB = 64;
    p.argonIterations = 1;
    p.argonParallelism = 1;
    return p;
}
} // namespace

class TestAuthenticator : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<StorageThread> m_storage;
    std::unique_ptr<Vault> m_vault;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<Authenticator> m_authenticator;

    void makeAuthenticator(const SecuritySettings &settings)
    {
        m_authenticator.reset();
        m_authenticator = std::make_unique<Authenticator>(*m_storage, *m_vault, *m_audit, settings);
    }

    static SecuritySettings settings()
    {
        SecuritySettings s;
        s.passwords = fastPasswords();
        s.lockout.threshold = 3;
        s.lockout.windowSeconds = 300;
        s.lockout.durationSeconds = 0; // until unlocked
        s.lockout.addressThreshold = 0;
        return s;
    }

    Result<Identity> wait(const std::function<void(Authenticator::Done)> &start)
    {
        std::optional<Result<Identity>> outcome;
        start([&](Result<Identity> result) { outcome = result; });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 10000))
            return makeError(ErrorCode::Internal, QStringLiteral("no answer"));
        return *outcome;
    }

    Result<Identity> check(const QString &user, const QString &password,
                           const QHostAddress &from = kClient)
    {
        return wait([&](Authenticator::Done done) {
            m_authenticator->verifyPassword(user, password, from, QStringLiteral("password"),
                                            std::move(done));
        });
    }

    Result<Identity> request(const Credentials &credentials)
    {
        return wait([&](Authenticator::Done done) {
            m_authenticator->authenticate(credentials, std::move(done));
        });
    }

    Status createUser(const QString &name, const QString &password,
                      const PasswordHasher::Parameters &parameters =
                          PasswordHasher::Parameters::from(fastPasswords()))
    {
        return m_storage->runBlocking([&](EntityStore &store) -> Status {
            User user;
            user.name = name;
            user.created = user.modified = QDateTime::currentDateTimeUtc();
            return store.createUser(user, *PasswordHasher::hash(password, parameters));
        });
    }

    QList<AuditRecord> auditOf(const QString &action)
    {
        QList<AuditRecord> found;
        Status s = m_storage->runBlocking([&](EntityStore &store) -> Status {
            AuditFilter filter;
            filter.limit = AuditFilter::MaximumLimit;
            auto page = m_audit->list(store.database(), filter);
            if (!page)
                return page.error();
            for (const AuditRecord &r : page->items) {
                if (r.action == action)
                    found.append(r);
            }
            return {};
        });
        if (!s)
            qWarning() << s.error().message;
        return found;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto url = DatabaseUrl::parse({}, m_dir.path());
        QVERIFY(url.ok());
        m_storage = std::make_unique<StorageThread>(*url);
        QVERIFY(m_storage->open([](EntityStore &) { return Status(); }).ok());
        QHash<QString, QByteArray> keys;
        for (const QString &purpose : Vault::purposes())
            keys.insert(purpose, Vault::newKey());
        m_vault = std::make_unique<Vault>(keys);
        m_audit = std::make_unique<AuditLog>(Vault::newKey());
        QVERIFY(createUser(kAdmin, kPassword).ok());
        QVERIFY(createUser(QStringLiteral("ann"), kPassword).ok());
        makeAuthenticator(settings());
    }

    void cleanupTestCase()
    {
        m_storage->close();
        m_authenticator.reset();
    }

    void rightWrongAndUnknownLookAlike()
    {
        auto ok = check(QStringLiteral("ann"), kPassword);
        QVERIFY(ok.ok());
        QCOMPARE(ok->user, QStringLiteral("ann"));
        QCOMPARE(ok->method, QStringLiteral("password"));
        auto wrong = check(kAdmin, QStringLiteral("not-the-password"));
        QVERIFY(!wrong.ok());
        QCOMPARE(wrong.error().code, ErrorCode::Unauthorized);
        auto unknown = check(QStringLiteral("nobody"), kPassword);
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().code, wrong.error().code);
        QCOMPARE(unknown.error().message, wrong.error().message);
        // Both failures and the success are audited, with the client address.
        const auto logins = auditOf(QStringLiteral("login"));
        QVERIFY(logins.size() >= 3);
        QCOMPARE(logins.first().source, kClient.toString());
        QVERIFY(m_storage
                    ->runBlocking([&](EntityStore &store) -> Status {
                        auto v = m_audit->verify(store.database());
                        if (!v)
                            return v.error();
                        return v->intact ? Status() : makeError(ErrorCode::Internal, v->message);
                    })
                    .ok());
        QVERIFY(check(kAdmin, kPassword).ok()); // a success clears the count
    }

    void credentialForms()
    {
        Credentials basic;
        basic.address = kClient;
        basic.authorization = "Basic " + (kAdmin + u':' + kPassword).toUtf8().toBase64();
        auto viaBasic = request(basic);
        QVERIFY(viaBasic.ok());
        QCOMPARE(viaBasic->method, QStringLiteral("basic"));

        Credentials bad;
        bad.authorization = "Basic !!!";
        QCOMPARE(request(bad).error().code, ErrorCode::Unauthorized);
        bad.authorization = "Digest abc";
        QCOMPARE(request(bad).error().code, ErrorCode::Unauthorized);
        bad.authorization = "Bearer bws_unknown";
        QCOMPARE(request(bad).error().code, ErrorCode::Unauthorized);

        // A session: by bearer token and by cookie (which carries a CSRF token).
        const auto made = m_authenticator->sessions().create(kAdmin, kClient);
        QVERIFY(made.token.startsWith("bws_"));
        QVERIFY(made.token.size() >= 4 + 43); // 256 bits, base64url
        Credentials bearer;
        bearer.authorization = "Bearer " + made.token;
        auto viaSession = request(bearer);
        QVERIFY(viaSession.ok());
        QCOMPARE(viaSession->method, QStringLiteral("session"));
        Credentials cookie;
        cookie.cookie = "theme=dark; __Host-bulwark_session=" + made.token + "; x=1";
        auto viaCookie = request(cookie);
        QVERIFY(viaCookie.ok());
        QCOMPARE(viaCookie->method, QStringLiteral("cookie"));
        QCOMPARE(viaCookie->csrfToken, made.session.csrfToken);
        QVERIFY(m_authenticator->endSession(made.token));
        QCOMPARE(request(bearer).error().code, ErrorCode::Unauthorized);
    }

    void appKeys()
    {
        const QString secret = AppKeys::newSecret();
        QVERIFY(m_storage
                    ->runBlocking([&](EntityStore &store) {
                        ApplicationKey key;
                        key.name = QStringLiteral("k1");
                        key.user = QStringLiteral("ann");
                        key.expires = QDateTime::currentDateTimeUtc().addSecs(3600);
                        key.ipAllowlist = {QStringLiteral("192.0.2.0/24")};
                        key.created = key.modified = QDateTime::currentDateTimeUtc();
                        return AppKeyStore(store.database())
                            .create(key, AppKeys::secretHash(secret.toUtf8()));
                    })
                    .ok());
        Credentials header;
        header.appKey = secret.toUtf8();
        header.address = kClient;
        auto ok = request(header);
        QVERIFY2(ok.ok(), ok.ok() ? "" : qPrintable(ok.error().message));
        QCOMPARE(ok->user, QStringLiteral("ann"));
        QCOMPARE(ok->appKey, QStringLiteral("k1"));
        QCOMPARE(auditOf(QStringLiteral("use-from-new-address")).size(), 1);
        // The same key as a bearer token.
        Credentials bearer;
        bearer.authorization = "Bearer " + secret.toUtf8();
        bearer.address = kClient;
        QVERIFY(request(bearer).ok());
        // Outside the allowlist: refused, and the refusal is audited.
        header.address = QHostAddress(QStringLiteral("198.51.100.7"));
        auto outside = request(header);
        QVERIFY(!outside.ok());
        QVERIFY(outside.error().message.contains(u"may not be used"));
        QVERIFY(!auditOf(QStringLiteral("use")).isEmpty());
        // A made-up key.
        header.appKey = AppKeys::newSecret().toUtf8();
        header.address = kClient;
        QCOMPARE(request(header).error().code, ErrorCode::Unauthorized);
    }

    void lockoutUntilUnlocked()
    {
        const QString user = QStringLiteral("bob");
        QVERIFY(createUser(user, kPassword).ok());
        for (int i = 0; i < 3; ++i)
            QCOMPARE(check(user, QStringLiteral("guess-%1").arg(i)).error().code,
                     ErrorCode::Unauthorized);
        // Locked: the right password is refused with the same answer.
        auto locked = check(user, kPassword);
        QVERIFY(!locked.ok());
        QCOMPARE(locked.error().message, Authenticator::rejected().message);
        QCOMPARE(auditOf(QStringLiteral("lockout")).size(), 1);
        // Unlocked by an administrator: the right password works again.
        auto wasLocked = Result<bool>(false);
        QVERIFY(m_storage
                    ->runBlocking([&](EntityStore &store) -> Status {
                        wasLocked = LoginStore(store.database()).unlock(user);
                        return wasLocked ? Status() : wasLocked.error();
                    })
                    .ok());
        QVERIFY(*wasLocked);
        QVERIFY(check(user, kPassword).ok());
    }

    void lockoutLapses()
    {
        SecuritySettings s = settings();
        s.lockout.durationSeconds = 1;
        makeAuthenticator(s);
        const QString user = QStringLiteral("cid");
        QVERIFY(createUser(user, kPassword).ok());
        for (int i = 0; i < 3; ++i)
            QVERIFY(!check(user, QStringLiteral("guess-%1").arg(i)).ok());
        QVERIFY(!check(user, kPassword).ok());
        QTest::qWait(1500);
        QVERIFY(check(user, kPassword).ok());
        makeAuthenticator(settings());
    }

    void addressThrottle()
    {
        SecuritySettings s = settings();
        s.lockout.threshold = 0; // accounts never lock here: only the address counts
        s.lockout.addressThreshold = 4;
        s.lockout.addressWindowSeconds = 60;
        makeAuthenticator(s);
        const QHostAddress guesser(QStringLiteral("203.0.113.9"));
        for (int i = 0; i < 4; ++i)
            QCOMPARE(check(QStringLiteral("user%1").arg(i), kPassword, guesser).error().code,
                     ErrorCode::Unauthorized);
        // Across accounts, the address is now slowed down...
        auto throttled = check(kAdmin, kPassword, guesser);
        QCOMPARE(throttled.error().code, ErrorCode::TooManyRequests);
        QVERIFY(throttled.error().message.contains(u"seconds"));
        // ...and others are not.
        QVERIFY(check(kAdmin, kPassword).ok());
        // IPv4-mapped IPv6 is the same client.
        QCOMPARE(check(kAdmin, kPassword, QHostAddress(QStringLiteral("::ffff:203.0.113.9")))
                     .error()
                     .code,
                 ErrorCode::TooManyRequests);
        makeAuthenticator(settings());
    }

    void stateChangedDuringCheckWins_data()
    {
        QTest::addColumn<QString>("change");
        QTest::newRow("locked") << QStringLiteral("lock");
        QTest::newRow("password changed") << QStringLiteral("password");
        QTest::newRow("disabled") << QStringLiteral("disable");
    }

    // A check reads the account, hashes, then decides: what happened to the
    // account in between (queued on the storage thread behind the read)
    // decides, not what the read saw.
    void stateChangedDuringCheckWins()
    {
        QFETCH(QString, change);
        const QString user = QStringLiteral("race-") + change;
        QVERIFY(createUser(user, kPassword).ok());
        std::optional<Result<Identity>> outcome;
        m_authenticator->verifyPassword(user, kPassword, kClient, QStringLiteral("password"),
                                        [&](Result<Identity> r) { outcome = r; });
        m_storage->run<Status>(
            [&](EntityStore &store) -> Status {
                if (change == u"lock")
                    return Sql::run(
                               store.database().connection(),
                               "UPDATE users SET locked = 1, locked_until = NULL WHERE name = ?",
                               {user})
                                   .ok()
                               ? Status()
                               : makeError(ErrorCode::Internal, QStringLiteral("lock"));
                if (change == u"password")
                    return store.setPasswordHash(
                        user,
                        *PasswordHasher::hash(QStringLiteral("another-password-789"),
                                              PasswordHasher::Parameters::from(fastPasswords())));
                auto u = store.user(user);
                if (!u)
                    return u.error();
                u->enabled = false;
                return store.updateUser(*u);
            },
            this, [](Status s) { QVERIFY(s.ok()); });
        QTRY_VERIFY(outcome.has_value());
        QVERIFY(!outcome->ok());
        QCOMPARE(outcome->error().code, ErrorCode::Unauthorized);
    }

    // A rehash is no password change: sign-ins checked in parallel with the
    // one that rehashed still succeed. Identical Basic checks share one.
    void parallelSignInsSurviveARehash()
    {
        const QString user = QStringLiteral("parallel");
        PasswordHasher::Parameters weak = PasswordHasher::Parameters::from(fastPasswords());
        weak.memoryKiB = 32;
        QVERIFY(createUser(user, kPassword, weak).ok());
        int ok = 0;
        int answered = 0;
        for (int i = 0; i < 4; ++i)
            m_authenticator->verifyPassword(user, kPassword, kClient, QStringLiteral("password"),
                                            [&](Result<Identity> r) {
                                                ++answered;
                                                ok += r.ok();
                                            });
        QTRY_COMPARE(answered, 4);
        QCOMPARE(ok, 4);

        const int loginsBefore = auditOf(QStringLiteral("login")).size();
        Credentials basic;
        basic.address = QHostAddress(QStringLiteral("192.0.2.77"));
        basic.authorization = "Basic " + (user + u':' + kPassword).toUtf8().toBase64();
        answered = 0;
        ok = 0;
        for (int i = 0; i < 5; ++i)
            m_authenticator->authenticate(basic, [&](Result<Identity> r) {
                ++answered;
                ok += r.ok();
            });
        QTRY_COMPARE(answered, 5);
        QCOMPARE(ok, 5);
        QCOMPARE(auditOf(QStringLiteral("login")).size(), loginsBefore + 1);
    }

    void burstFromOneAddressIsBounded()
    {
        SecuritySettings s = settings();
        s.lockout.threshold = 0;
        s.lockout.addressThreshold = 3;
        makeAuthenticator(s);
        const QHostAddress from(QStringLiteral("198.51.100.20"));
        int refused = 0;
        int throttled = 0;
        int answered = 0;
        for (int i = 0; i < 10; ++i)
            m_authenticator->verifyPassword(
                QStringLiteral("nobody"), QStringLiteral("guess-%1").arg(i), from,
                QStringLiteral("password"), [&](Result<Identity> r) {
                    ++answered;
                    if (!r.ok() && r.error().code == ErrorCode::Unauthorized)
                        ++refused;
                    if (!r.ok() && r.error().code == ErrorCode::TooManyRequests)
                        ++throttled;
                });
        // Checks in flight count: only the first three are checked at all.
        QCOMPARE(throttled, 7);
        QTRY_COMPARE(answered, 10);
        QCOMPARE(refused, 3);
        QCOMPARE(check(kAdmin, kPassword, from).error().code, ErrorCode::TooManyRequests);
        makeAuthenticator(settings());
    }

    void rehashOnLogin()
    {
        const QString user = QStringLiteral("dora");
        PasswordHasher::Parameters weak = PasswordHasher::Parameters::from(fastPasswords());
        weak.memoryKiB = 32;
        QVERIFY(createUser(user, kPassword, weak).ok());
        const auto stored = [&]() {
            QString hash;
            const Status read = m_storage->runBlocking([&](EntityStore &store) -> Status {
                auto h = store.passwordHash(user);
                if (!h)
                    return h.error();
                hash = *h;
                return {};
            });
            return read ? hash : QString();
        };
        const QString before = stored();
        QVERIFY(before.contains(u"m=32,"));
        QVERIFY(check(user, kPassword).ok());
        const QString after = stored();
        QVERIFY(after.contains(u"m=64,"));
        QVERIFY(
            !PasswordHasher::needsRehash(after, PasswordHasher::Parameters::from(fastPasswords())));
        QVERIFY(check(user, kPassword).ok());
    }

    void rememberedUntilForgotten()
    {
        Credentials basic;
        basic.address = kClient;
        basic.authorization = "Basic " + (kAdmin + u':' + kPassword).toUtf8().toBase64();
        QVERIFY(request(basic).ok());
        const QString newPassword = QStringLiteral("second-password-456");
        QVERIFY(m_storage
                    ->runBlocking([&](EntityStore &store) {
                        return store.setPasswordHash(
                            kAdmin,
                            *PasswordHasher::hash(
                                newPassword, PasswordHasher::Parameters::from(fastPasswords())));
                    })
                    .ok());
        // Still remembered: the stored hash is not read again...
        QVERIFY(request(basic).ok());
        // ...until the change is announced, which also ends sessions.
        const auto made = m_authenticator->sessions().create(kAdmin, kClient);
        QSignalSpy changed(m_authenticator.get(), &Authenticator::credentialsChanged);
        m_authenticator->forgetUser(kAdmin);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toString(), kAdmin);
        QCOMPARE(request(basic).error().code, ErrorCode::Unauthorized);
        Credentials bearer;
        bearer.authorization = "Bearer " + made.token;
        QCOMPARE(request(bearer).error().code, ErrorCode::Unauthorized);
        basic.authorization = "Basic " + (kAdmin + u':' + newPassword).toUtf8().toBase64();
        QVERIFY(request(basic).ok());
    }

    void checksInFlightAreBounded()
    {
        const int extra = 6;
        int answered = 0;
        int unavailable = 0;
        for (int i = 0; i < Authenticator::MaximumInFlight + extra; ++i) {
            m_authenticator->verifyPassword(
                QStringLiteral("nobody"), QStringLiteral("wrong-%1").arg(i), kClient,
                QStringLiteral("password"), [&](Result<Identity> r) {
                    ++answered;
                    if (!r.ok() && r.error().code == ErrorCode::Unavailable)
                        ++unavailable;
                });
        }
        // The ones past the bound are refused at once, without queueing.
        QCOMPARE(unavailable, extra);
        QTRY_COMPARE_WITH_TIMEOUT(answered, Authenticator::MaximumInFlight + extra, 30000);
        QCOMPARE(unavailable, extra);
        QCOMPARE(check(kAdmin, QStringLiteral("wrong")).error().code, ErrorCode::Unauthorized);
    }
};

QTEST_GUILESS_MAIN(TestAuthenticator)
#include "tst_authenticator.moc"
