// Account lockout end to end, as a new user meets it: the password policy
// refuses weak passwords with the reason, five wrong passwords lock the
// account (answered exactly like an unknown user), the audit log shows it,
// an administrator unlocks it; and the [lockout] settings of bulwark.conf:
// a lock that lapses by itself, one that lasts until unlocked, failures
// that fall out of the window, and a lock that outlives a restart.
#include "HeadlessServer.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QTest>

using namespace BulwarkTest;

namespace {

const QString kUser = u"erin"_s;
const QString kPassword = u"violet-Harbor-lantern-93"_s;
const QString kWrongPassword = u"violet-Harbor-lantern-94"_s;

// Cheap hashing keeps the many sign-ins quick; the address throttle is held
// off so that only the account lockout is at work. Sections come after.
const QByteArray kFastHashing = "[passwords]\nargon2_memory_kib=8192\nargon2_iterations=1\n";

QByteArray lockoutConfig(const QByteArray &settings)
{
    return kFastHashing + "[lockout]\naddress_threshold=1000\n" + settings;
}

Answer login(const HeadlessServer &server, const QString &user, const QString &password)
{
    return server.request(Request("POST", u"/api/auth/login"_s,
                                  jsonBody({{"user"_L1, user}, {"password"_L1, password}}),
                                  "application/json")
                              .withCredentials(std::nullopt));
}

QJsonArray auditItems(const HeadlessServer &server, const QString &query)
{
    const Answer answer = server.get(u"/api/Audit?"_s + query);
    if (answer.status != 200)
        qWarning().noquote() << u"GET /api/Audit?"_s + query << answer.status << answer.body;
    return answer.json().value("items"_L1).toArray();
}

QDateTime timeOf(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

} // namespace

class TestLockout final : public QObject
{
    Q_OBJECT

private:
    // A server with bulwark.conf written before its first start, and erin.
    static void startWithUser(HeadlessServer &server, const QByteArray &config)
    {
        QVERIFY(server.writeConfig(config));
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        const Answer created =
            server.post(u"/api/Users"_s, {{"name"_L1, kUser}, {"password"_L1, kPassword}});
        QVERIFY2(created.status == 201, created.body.constData());
    }

    // Five wrong passwords in a row; each refused.
    static void failFiveTimes(const HeadlessServer &server)
    {
        for (int i = 0; i < 5; ++i) {
            const Answer wrong = login(server, kUser, kWrongPassword);
            QVERIFY2(wrong.status == 401, wrong.body.constData());
        }
    }

    static QJsonObject user(const HeadlessServer &server)
    {
        const Answer answer = server.get(u"/api/Users/"_s + kUser);
        if (answer.status != 200)
            qWarning().noquote() << "GET /api/Users/erin" << answer.status << answer.body;
        return answer.json();
    }

private slots:
    void initTestCase();
    void newUserStory();
    void lockLapsesByItself();
    void zeroDurationLocksUntilUnlocked();
    void failuresOutsideTheWindowDoNotAddUp();
    void lockSurvivesRestart();
};

void TestLockout::initTestCase()
{
    QVERIFY2(QFile::exists(qEnvironmentVariable("BULWARK_BINARY")),
             "BULWARK_BINARY must name the built bulwark binary");
}

void TestLockout::newUserStory()
{
    // The defaults: 5 failures in 5 minutes lock the account for 15 minutes.
    HeadlessServer server;
    QVERIFY(server.writeConfig(lockoutConfig({})));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    // A weak password is refused with the reason.
    const Answer tooShort =
        server.post(u"/api/Users"_s, {{"name"_L1, kUser}, {"password"_L1, "Erin-2024"_L1}});
    QCOMPARE(tooShort.status, 400);
    QCOMPARE(tooShort.errorCode(), u"bad-request"_s);
    QVERIFY2(tooShort.errorMessage().contains(u"it needs at least 12"_s),
             qPrintable(tooShort.errorMessage()));
    const Answer common =
        server.post(u"/api/Users"_s, {{"name"_L1, kUser}, {"password"_L1, "password1234"_L1}});
    QCOMPARE(common.status, 400);
    QVERIFY2(common.errorMessage().contains(u"too common"_s), qPrintable(common.errorMessage()));
    QCOMPARE(server.get(u"/api/Users/erin"_s).status, 404); // nothing was created

    const Answer created =
        server.post(u"/api/Users"_s, {{"name"_L1, kUser}, {"password"_L1, kPassword}});
    QVERIFY2(created.status == 201, created.body.constData());
    QCOMPARE(created.json().value("locked"_L1), QJsonValue(false));

    const Answer signedIn = login(server, kUser, kPassword);
    QVERIFY2(signedIn.status == 200, signedIn.body.constData());
    QVERIFY(!signedIn.json().value("token"_L1).toString().isEmpty());

    // Wrong passwords are answered exactly as an unknown user is.
    const Answer unknown = login(server, u"nobody-here"_s, kWrongPassword);
    QCOMPARE(unknown.status, 401);
    for (int i = 1; i <= 5; ++i) {
        const Answer wrong = login(server, kUser, kWrongPassword);
        QCOMPARE(wrong.status, 401);
        QCOMPARE(wrong.body, unknown.body);
        QCOMPARE(wrong.header("WWW-Authenticate"), unknown.header("WWW-Authenticate"));
    }
    const QDateTime lockedAt = QDateTime::currentDateTimeUtc();

    // Locked: the right password no longer works, and says nothing more.
    const Answer locked = login(server, kUser, kPassword);
    QCOMPARE(locked.status, 401);
    QCOMPARE(locked.body, unknown.body);
    const Answer basic = server.request(
        Request("GET", u"/api/Users/erin"_s).withCredentials(Credentials{kUser, kPassword}));
    QCOMPARE(basic.status, 401);
    QCOMPARE(basic.body, unknown.body);

    const QJsonObject erin = user(server);
    QCOMPARE(erin.value("locked"_L1), QJsonValue(true));
    const QDateTime until = timeOf(erin.value("lockedUntil"_L1));
    QVERIFY2(until.isValid(), qPrintable(erin.value("lockedUntil"_L1).toString()));
    // 15 minutes from the fifth failure (give or take the test's own pace).
    QVERIFY2(qAbs(lockedAt.secsTo(until) - 15 * 60) <= 60, qPrintable(until.toString(Qt::ISODate)));

    // The audit log tells the story, newest first.
    const QJsonArray auth = auditItems(server, u"category=auth&entity=Users/erin"_s);
    int wrongCredentials = 0;
    int refusedWhileLocked = 0;
    int successes = 0;
    QJsonObject lockout;
    for (const QJsonValue &value : auth) {
        const QJsonObject record = value.toObject();
        QCOMPARE(record.value("category"_L1).toString(), u"auth"_s);
        QCOMPARE(record.value("entity"_L1).toString(), u"Users/erin"_s);
        QCOMPARE(record.value("source"_L1).toString(), u"127.0.0.1"_s);
        const QString action = record.value("action"_L1).toString();
        const QString outcome = record.value("outcome"_L1).toString();
        const QString reason = record.value("details"_L1).toObject().value("reason"_L1).toString();
        if (action == u"lockout")
            lockout = record;
        else if (action == u"login" && outcome == u"failure" && reason == u"wrong-credentials")
            ++wrongCredentials;
        else if (action == u"login" && outcome == u"failure" && reason == u"locked")
            ++refusedWhileLocked;
        else if (action == u"login" && outcome == u"success")
            ++successes;
    }
    QCOMPARE(wrongCredentials, 5);
    QCOMPARE(refusedWhileLocked, 2); // the sign-in and the Basic request
    QCOMPARE(successes, 1);
    QVERIFY2(!lockout.isEmpty(), "no lockout record in the audit log");
    QCOMPARE(lockout.value("actor"_L1).toString(), u"system"_s);
    QCOMPARE(lockout.value("details"_L1).toObject().value("failures"_L1).toInt(), 5);
    QCOMPARE(lockout.value("details"_L1).toObject().value("durationSeconds"_L1).toInt(), 15 * 60);

    // An administrator unlocks; that is audited too.
    const Answer unlocked = server.request(Request("POST", u"/api/Users/erin/Unlock"_s));
    QVERIFY2(unlocked.status == 200, unlocked.body.constData());
    QCOMPARE(unlocked.json().value("wasLocked"_L1), QJsonValue(true));
    const QJsonArray unlocks = auditItems(server, u"entity=Users/erin&actor=Administrator"_s);
    QVERIFY(!unlocks.isEmpty());
    const QJsonObject unlock = unlocks.first().toObject(); // the newest
    QCOMPARE(unlock.value("action"_L1).toString(), u"unlock"_s);
    QCOMPARE(unlock.value("outcome"_L1).toString(), u"success"_s);
    QCOMPARE(unlock.value("entity"_L1).toString(), u"Users/erin/Unlock"_s);
    QCOMPARE(unlock.value("source"_L1).toString(), u"127.0.0.1"_s);
    QCOMPARE(user(server).value("locked"_L1), QJsonValue(false));

    const Answer again = login(server, kUser, kPassword);
    QVERIFY2(again.status == 200, again.body.constData());
    // Unlocking an account that is not locked says so.
    const Answer notLocked = server.request(Request("POST", u"/api/Users/erin/Unlock"_s));
    QCOMPARE(notLocked.status, 200);
    QCOMPARE(notLocked.json().value("wasLocked"_L1), QJsonValue(false));
    // A user cannot unlock anyone, herself included.
    const Answer byErin = server.request(Request("POST", u"/api/Users/erin/Unlock"_s)
                                             .withCredentials(Credentials{kUser, kPassword}));
    QCOMPARE(byErin.status, 403);
    QCOMPARE(server.request(Request("POST", u"/api/Users/nobody-here/Unlock"_s)).status, 404);
}

void TestLockout::lockLapsesByItself()
{
    HeadlessServer server;
    startWithUser(server, lockoutConfig("duration_seconds=3\n"));
    if (QTest::currentTestFailed())
        return;
    failFiveTimes(server);
    if (QTest::currentTestFailed())
        return;
    const QDateTime lockedAt = QDateTime::currentDateTimeUtc();

    const QJsonObject erin = user(server);
    QCOMPARE(erin.value("locked"_L1), QJsonValue(true));
    const QDateTime until = timeOf(erin.value("lockedUntil"_L1));
    QVERIFY(until.isValid());
    QVERIFY2(until <= lockedAt.addSecs(3) && until > lockedAt.addSecs(-30),
             qPrintable(until.toString(Qt::ISODateWithMs)));

    // Nobody unlocks it: once the time is past, the right password works.
    const qint64 wait = QDateTime::currentDateTimeUtc().msecsTo(until) + 500;
    if (wait > 0)
        QTest::qWait(int(wait));
    QCOMPARE(user(server).value("locked"_L1), QJsonValue(false));
    const Answer signedIn = login(server, kUser, kPassword);
    QVERIFY2(signedIn.status == 200, signedIn.body.constData());
}

void TestLockout::zeroDurationLocksUntilUnlocked()
{
    HeadlessServer server;
    startWithUser(server, lockoutConfig("duration_seconds=0\n"));
    if (QTest::currentTestFailed())
        return;
    failFiveTimes(server);
    if (QTest::currentTestFailed())
        return;

    const QJsonObject erin = user(server);
    QCOMPARE(erin.value("locked"_L1), QJsonValue(true));
    QVERIFY2(erin.value("lockedUntil"_L1).isNull(), "a lock without end has no lockedUntil");
    QCOMPARE(login(server, kUser, kPassword).status, 401);
    // Failures while locked neither end nor extend it.
    QCOMPARE(login(server, kUser, kWrongPassword).status, 401);
    QCOMPARE(login(server, kUser, kPassword).status, 401);

    const Answer unlocked = server.request(Request("POST", u"/api/Users/erin/Unlock"_s));
    QCOMPARE(unlocked.status, 200);
    QCOMPARE(unlocked.json().value("wasLocked"_L1), QJsonValue(true));
    const Answer signedIn = login(server, kUser, kPassword);
    QVERIFY2(signedIn.status == 200, signedIn.body.constData());
}

void TestLockout::failuresOutsideTheWindowDoNotAddUp()
{
    HeadlessServer server;
    startWithUser(server, lockoutConfig("window_seconds=3\n"));
    if (QTest::currentTestFailed())
        return;

    // Four failures; the window opened at the first of them.
    QCOMPARE(login(server, kUser, kWrongPassword).status, 401);
    QElapsedTimer sinceFirst;
    sinceFirst.start();
    for (int i = 0; i < 3; ++i)
        QCOMPARE(login(server, kUser, kWrongPassword).status, 401);
    QCOMPARE(user(server).value("locked"_L1), QJsonValue(false));

    // The window counts whole seconds: wait until more than 3 have passed.
    QTest::qWait(int(qMax<qint64>(0, 4500 - sinceFirst.elapsed())));
    for (int i = 0; i < 4; ++i)
        QCOMPARE(login(server, kUser, kWrongPassword).status, 401);
    QCOMPARE(user(server).value("locked"_L1), QJsonValue(false));
    const Answer signedIn = login(server, kUser, kPassword);
    QVERIFY2(signedIn.status == 200, signedIn.body.constData());

    // The count still works within one window: five quick failures lock.
    failFiveTimes(server);
    QCOMPARE(user(server).value("locked"_L1), QJsonValue(true));
}

void TestLockout::lockSurvivesRestart()
{
    HeadlessServer server;
    startWithUser(server, lockoutConfig({}));
    if (QTest::currentTestFailed())
        return;
    failFiveTimes(server);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(user(server).value("locked"_L1), QJsonValue(true));

    QCOMPARE(server.stop(), 0);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QCOMPARE(user(server).value("locked"_L1), QJsonValue(true));
    QCOMPARE(login(server, kUser, kPassword).status, 401);

    // The way back in without an administrator: the command line, offline.
    QCOMPARE(server.stop(), 0);
    const auto unlockUser = [&] {
        QProcess unlock;
        unlock.start(qEnvironmentVariable("BULWARK_BINARY"),
                     {u"--unlock-user"_s, kUser, u"--data-dir"_s, server.dataDir()});
        if (!unlock.waitForFinished(60000))
            return std::pair{-1, QString()};
        return std::pair{unlock.exitCode(), QString::fromUtf8(unlock.readAllStandardOutput() +
                                                              unlock.readAllStandardError())};
    };
    const auto [code, said] = unlockUser();
    QVERIFY2(code == 0, qPrintable(said));
    QVERIFY2(said.contains(u"Unlocked"), qPrintable(said));
    const auto [again, saidAgain] = unlockUser();
    QCOMPARE(again, 0);
    QVERIFY2(saidAgain.contains(u"was not locked"), qPrintable(saidAgain));

    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const Answer signedIn = login(server, kUser, kPassword);
    QVERIFY2(signedIn.status == 200, signedIn.body.constData());
    const Answer audit = server.get(u"/api/Audit?category=user&entity=Users/erin&actor=system"_s);
    QCOMPARE(audit.status, 200);
    QVERIFY2(audit.body.contains("\"unlock\"") && audit.body.contains("command line"),
             audit.body.constData());
}

QTEST_GUILESS_MAIN(TestLockout)
#include "tst_lockout.moc"
