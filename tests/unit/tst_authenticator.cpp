// The authenticator against a real storage thread: remembered sign-ins,
// forgetting them, the interim Administrator-only rule, and the bound on
// checks in flight.
#include "security/Authenticator.h"
#include "security/PasswordHasher.h"
#include "storage/StorageThread.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Bulwark;

namespace {
const QString kAdmin = QStringLiteral("Administrator");
const QString kPassword = QStringLiteral("first-password-123");
constexpr int kFastIterations = 1000; // the format allows it; tests need speed
} // namespace

class TestAuthenticator : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<StorageThread> m_storage;
    std::unique_ptr<Authenticator> m_authenticator;

    // Runs one check to completion and returns its outcome.
    Result<QString> check(const QString &user, const QString &password)
    {
        std::optional<Result<QString>> outcome;
        m_authenticator->verifyPassword(user, password,
                                        [&](Result<QString> result) { outcome = result; });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 10000))
            return makeError(ErrorCode::Internal, QStringLiteral("no answer"));
        return *outcome;
    }

    Status createUser(const QString &name, const QString &password)
    {
        return m_storage->runBlocking([&](EntityStore &store) -> Status {
            const QDateTime now = QDateTime::currentDateTimeUtc();
            return store.createUser(User{name, {}, true, now, now},
                                    *PasswordHasher::hash(password, kFastIterations));
        });
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto url = DatabaseUrl::parse({}, m_dir.path());
        QVERIFY(url.ok());
        m_storage = std::make_unique<StorageThread>(*url);
        QVERIFY(m_storage->open([](EntityStore &) { return Status(); }).ok());
        QVERIFY(createUser(kAdmin, kPassword).ok());
        QVERIFY(createUser(QStringLiteral("ann"), kPassword).ok());
        m_authenticator = std::make_unique<Authenticator>(*m_storage);
    }

    void cleanupTestCase()
    {
        m_storage->close();
        m_authenticator.reset();
    }

    void rightAndWrong()
    {
        auto ok = check(kAdmin, kPassword);
        QVERIFY(ok.ok());
        QCOMPARE(*ok, kAdmin);
        auto wrong = check(kAdmin, QStringLiteral("not-the-password"));
        QVERIFY(!wrong.ok());
        QCOMPARE(wrong.error().code, ErrorCode::Unauthorized);
        auto unknown = check(QStringLiteral("nobody"), kPassword);
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().message, wrong.error().message);
        // Until the identity work, only the Administrator signs in.
        QCOMPARE(check(QStringLiteral("ann"), kPassword).error().code, ErrorCode::Unauthorized);
    }

    void basicHeader()
    {
        std::optional<Result<QString>> outcome;
        m_authenticator->verifyAuthorization("Basic " +
                                                 (kAdmin + u':' + kPassword).toUtf8().toBase64(),
                                             [&](Result<QString> r) { outcome = r; });
        QTRY_VERIFY(outcome.has_value());
        QVERIFY(outcome->ok());
        outcome.reset();
        m_authenticator->verifyAuthorization("Bearer abc", [&](Result<QString> r) { outcome = r; });
        QVERIFY(outcome.has_value()); // refused at once
        QCOMPARE(outcome->error().code, ErrorCode::Unauthorized);
        outcome.reset();
        m_authenticator->verifyAuthorization("Basic !!!", [&](Result<QString> r) { outcome = r; });
        QVERIFY(outcome.has_value());
        QVERIFY(!outcome->ok());
    }

    void rememberedUntilForgotten()
    {
        QVERIFY(check(kAdmin, kPassword).ok());
        const QString newPassword = QStringLiteral("second-password-456");
        QVERIFY(m_storage
                    ->runBlocking([&](EntityStore &store) {
                        return store.setPasswordHash(
                            kAdmin, *PasswordHasher::hash(newPassword, kFastIterations));
                    })
                    .ok());
        // Still remembered: the stored hash is not read again...
        QVERIFY(check(kAdmin, kPassword).ok());
        // ...until the change is announced, which also tells open sessions.
        QSignalSpy changed(m_authenticator.get(), &Authenticator::credentialsChanged);
        m_authenticator->forgetUser(kAdmin);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toString(), kAdmin);
        QCOMPARE(check(kAdmin, kPassword).error().code, ErrorCode::Unauthorized);
        QVERIFY(check(kAdmin, newPassword).ok());
    }

    void checksInFlightAreBounded()
    {
        const int extra = 6;
        int answered = 0;
        int unavailable = 0;
        for (int i = 0; i < Authenticator::MaximumInFlight + extra; ++i) {
            m_authenticator->verifyPassword(
                kAdmin, QStringLiteral("wrong-%1").arg(i), [&](Result<QString> r) {
                    ++answered;
                    if (!r.ok() && r.error().code == ErrorCode::Unavailable)
                        ++unavailable;
                });
        }
        // The ones past the bound are refused at once, without queueing.
        QCOMPARE(unavailable, extra);
        QTRY_COMPARE_WITH_TIMEOUT(answered, Authenticator::MaximumInFlight + extra, 30000);
        QCOMPARE(unavailable, extra);
        // Once they are done, checks are accepted again.
        QCOMPARE(check(kAdmin, QStringLiteral("wrong")).error().code, ErrorCode::Unauthorized);
    }
};

QTEST_GUILESS_MAIN(TestAuthenticator)
#include "tst_authenticator.moc"
