// Clock jumps (issue 7; docs/operations.md, "Clock changes"): the server runs
// under libfaketime (LD_PRELOAD, Debian package faketime) with its wall clock
// read from a file the test rewrites mid-run; the monotonic clock is left
// alone (FAKETIME_DONT_FAKE_MONOTONIC), as when an administrator or NTP sets
// the time. What is documented:
//  - session timeouts run on the monotonic clock: a jump neither ends nor
//    extends a session, and an expired session stays expired;
//  - an app key's expiry is an instant on the wall clock: a jump past it
//    expires the key, a jump back before it makes it valid again;
//  - a lockout never lasts longer than lockout/duration_seconds from now,
//    whichever way the clock moved;
//  - keepalive, rate limits and transfer timeouts run on the monotonic
//    clock: an edge session stays up across jumps; nothing crashes.
#include "FaultFixture.h"

#include <QDir>
#include <QTest>

using namespace BulwarkTest;

namespace {

constexpr int kHour = 3600;
constexpr int kIdleTimeoutSeconds = 5; // the smallest allowed
constexpr int kLockSeconds = 2;

const QString kClerk = u"clerk"_s;
const QString kClerkPassword = u"ledger-Violet-harbor-93"_s;

QString faketimeLibrary()
{
    const QStringList candidates =
        QDir(u"/usr/lib"_s).entryList({u"*-linux-gnu*"_s}, QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &triplet : candidates) {
        const QString path = u"/usr/lib/%1/faketime/libfaketime.so.1"_s.arg(triplet);
        if (QFile::exists(path))
            return path;
    }
    return {};
}

Answer login(const HeadlessServer &server, const QString &user, const QString &password)
{
    return server.request(Request("POST", u"/api/auth/login"_s,
                                  jsonBody({{"user"_L1, user}, {"password"_L1, password}}),
                                  "application/json")
                              .withCredentials(std::nullopt));
}

int statusWithBearer(const HeadlessServer &server, const QByteArray &token)
{
    return server.request(Request("GET", u"/api/Things"_s).withBearer(token)).status;
}

} // namespace

class FaultClockTest final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void jumpForward();
    void jumpBackward();
    void lockoutAfterJumpBack();
    void expiredSessionStaysExpired();
    void edgeSessionSurvivedTheJumps();
    void cleanupTestCase();

private:
    [[nodiscard]] bool setOffset(qint64 seconds) const;

    QTemporaryDir m_dir;
    std::unique_ptr<HeadlessServer> m_server;
    std::unique_ptr<FaultDevice> m_device;
    WriteLedger m_rest{kRestThing};
    WriteLedger m_edge{kFaultThing};
    QByteArray m_session;
    QByteArray m_appKey;
};

bool FaultClockTest::setOffset(qint64 seconds) const
{
    // libfaketime reads the file at every call (FAKETIME_NO_CACHE).
    QFile file(m_dir.filePath(u"faketime"_s));
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(QByteArray(seconds < 0 ? "" : "+") + QByteArray::number(seconds) + '\n') > 0;
}

void FaultClockTest::initTestCase()
{
    const QString library = faketimeLibrary();
    if (library.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("libfaketime is missing: install the faketime package (.ci/packages.txt)");
        QSKIP("libfaketime is missing (Debian package faketime)");
    }
    QVERIFY(setOffset(0));
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY(m_server->writeConfig(
        QByteArray("[passwords]\nargon2_memory_kib=8192\nargon2_iterations=1\n"
                   "[sessions]\nidle_timeout_seconds=") +
        QByteArray::number(kIdleTimeoutSeconds) +
        "\n[lockout]\nthreshold=2\naddress_threshold=1000\nduration_seconds=" +
        QByteArray::number(kLockSeconds) + "\n[edge]\nping_interval_seconds=1\n"));

    // Only the server's process gets the fake clock.
    qputenv("LD_PRELOAD", library.toLocal8Bit());
    qputenv("FAKETIME_TIMESTAMP_FILE", m_dir.filePath(u"faketime"_s).toLocal8Bit());
    qputenv("FAKETIME_NO_CACHE", "1");
    qputenv("FAKETIME_DONT_FAKE_MONOTONIC", "1");
    const bool started = m_server->start();
    for (const char *name : {"LD_PRELOAD", "FAKETIME_TIMESTAMP_FILE", "FAKETIME_NO_CACHE",
                             "FAKETIME_DONT_FAKE_MONOTONIC"})
        qunsetenv(name);
    QVERIFY2(started, qPrintable(m_server->errorString()));

    const QString scene = makeFaultThing(*m_server);
    QVERIFY2(scene.isEmpty(), qPrintable(scene));
    QCOMPARE(m_server->post(u"/api/Users"_s, {{"name"_L1, kClerk}, {"password"_L1, kClerkPassword}})
                 .status,
             201);
    const Answer key = m_server->post(
        u"/api/ApplicationKeys"_s, {{"name"_L1, "clock-key"_L1}, {"expiresInSeconds"_L1, kHour}});
    QVERIFY2(key.status == 201, key.body.constData());
    m_appKey = key.json().value("secret"_L1).toString().toLatin1();
    const Answer signedIn = login(*m_server, kAdministrator, kAdminPassword);
    QVERIFY2(signedIn.status == 200, signedIn.body.constData());
    m_session = signedIn.json().value("token"_L1).toString().toLatin1();
    QVERIFY(!m_session.isEmpty());
    QCOMPARE(statusWithBearer(*m_server, m_appKey), 200);
    QCOMPARE(statusWithBearer(*m_server, m_session), 200);

    m_device = std::make_unique<FaultDevice>(*m_server);
    const QString opened = m_device->open();
    QVERIFY2(opened.isEmpty(), qPrintable(opened));
}

void FaultClockTest::jumpForward()
{
    // Two hours ahead: past the app key's expiry (one hour).
    QVERIFY(setOffset(2 * kHour));
    const Answer expired = m_server->request(Request("GET", u"/api/Things"_s).withBearer(m_appKey));
    QCOMPARE(expired.status, 401);
    // The session is measured on the monotonic clock: still valid.
    QCOMPARE(statusWithBearer(*m_server, m_session), 200);
    // The device is still connected (keepalive is monotonic) and served.
    const QJsonObject update = m_device->update(m_edge);
    QVERIFY2(update.value("type"_L1) == "result"_L1,
             qPrintable(QString::fromUtf8(jsonBody(update))));
    QCOMPARE(m_server->get(u"/api/health"_s).status, 200);
}

void FaultClockTest::jumpBackward()
{
    // Two hours behind the real time: before the key's expiry again.
    QVERIFY(setOffset(-2 * kHour));
    QCOMPARE(statusWithBearer(*m_server, m_appKey), 200);
    QCOMPARE(statusWithBearer(*m_server, m_session), 200);
    QCOMPARE(m_device->client().socket().state(), QAbstractSocket::ConnectedState);
    QCOMPARE(m_server->get(u"/api/health"_s).status, 200);
}

void FaultClockTest::lockoutAfterJumpBack()
{
    QVERIFY(setOffset(0));
    // Two failures lock the clerk for kLockSeconds.
    QCOMPARE(login(*m_server, kClerk, u"wrong-password-1"_s).status, 401);
    QCOMPARE(login(*m_server, kClerk, u"wrong-password-2"_s).status, 401);
    QCOMPARE(login(*m_server, kClerk, kClerkPassword).status, 401); // locked

    // The clock goes back a day: the lock must still end about kLockSeconds
    // after it began, not a day later. Bounded wait, polled.
    QVERIFY(setOffset(-24 * kHour));
    int status = 0;
    for (int i = 0; i < 40 && status != 200; ++i) {
        QTest::qWait(250);
        status = login(*m_server, kClerk, kClerkPassword).status;
    }
    QVERIFY2(status == 200, "the lockout lasted on after the clock was set back a day");
}

void FaultClockTest::expiredSessionStaysExpired()
{
    QVERIFY(setOffset(0));
    const Answer signedIn = login(*m_server, kAdministrator, kAdminPassword);
    QVERIFY2(signedIn.status == 200, signedIn.body.constData());
    const QByteArray token = signedIn.json().value("token"_L1).toString().toLatin1();
    // Unused for longer than the idle timeout (monotonic): it has ended.
    QTest::qWait((kIdleTimeoutSeconds + 1) * 1000);
    QCOMPARE(statusWithBearer(*m_server, token), 401);
    // A clock set back does not bring it back.
    QVERIFY(setOffset(-24 * kHour));
    QCOMPARE(statusWithBearer(*m_server, token), 401);
    QVERIFY(setOffset(24 * kHour));
    QCOMPARE(statusWithBearer(*m_server, token), 401);
}

void FaultClockTest::edgeSessionSurvivedTheJumps()
{
    // Pinged every second throughout (ping_interval_seconds = 1, monotonic):
    // still connected after a day's jumps both ways, and served.
    QCOMPARE(m_device->client().socket().state(), QAbstractSocket::ConnectedState);
    const QJsonObject update = m_device->update(m_edge);
    QVERIFY2(update.value("type"_L1) == "result"_L1,
             qPrintable(QString::fromUtf8(jsonBody(update))));
}

void FaultClockTest::cleanupTestCase()
{
    (void)setOffset(0);
    m_device.reset();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

QTEST_GUILESS_MAIN(FaultClockTest)
#include "tst_fault_clock.moc"
