// The directory down or slow (issue 7; docs/operations.md, "Faults and
// recovery"), with the real server and a real slapd (tests/common/Slapd.h):
//  - slow: slapd frozen with SIGSTOP mid-login. The sign-in ends with 503
//    after the configured timeout ([directory] timeoutSeconds) and says so;
//    while it hangs, another client's requests and a local user's sign-in
//    are answered (the I/O thread never waits on the directory); after
//    SIGCONT directory sign-ins work again.
//  - down: slapd stopped. Directory sign-ins answer 503 naming the
//    directory, local users sign in; once slapd is back on its port,
//    directory sign-ins work again without a restart of Bulwark.
#include "HeadlessServer.h"
#include "Slapd.h"

#include <QScopeGuard>
#include <QTest>

#include <csignal>
#include <memory>

using namespace BulwarkTest;

namespace {

constexpr int kDirectoryTimeoutSeconds = 3;

Request loginRequest(const QString &user, const QString &password)
{
    return Request("POST", u"/api/auth/login"_s,
                   jsonBody({{"user"_L1, user}, {"password"_L1, password}}), "application/json")
        .withCredentials(std::nullopt);
}

Answer login(const HeadlessServer &server, const QString &user, const QString &password)
{
    return server.request(loginRequest(user, password));
}

} // namespace

class FaultLdapTest final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void slowDirectory();
    void directoryDown();
    void cleanupTestCase();

private:
    std::unique_ptr<Slapd> m_slapd;
    std::unique_ptr<HeadlessServer> m_server;
    bool m_frozen = false;
};

void FaultLdapTest::initTestCase()
{
    BULWARK_REQUIRE_SLAPD();
    m_slapd = std::make_unique<Slapd>();
    QVERIFY2(m_slapd->error().isEmpty(), qPrintable(m_slapd->error()));
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY(m_server->writeConfig("[passwords]\nargon2_memory_kib=8192\nargon2_iterations=1\n"
                                  "[lockout]\naddress_threshold=1000\n"));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    const Answer created =
        m_server->post(u"/api/DirectoryServices"_s,
                       {{"name"_L1, "corp"_L1},
                        {"url"_L1, m_slapd->url()},
                        {"caFile"_L1, m_slapd->caFile()},
                        {"bindDn"_L1, Slapd::serviceDn},
                        {"bindPassword"_L1, Slapd::servicePassword},
                        {"userBase"_L1, Slapd::peopleDn},
                        {"userFilter"_L1, "(&(objectClass=inetOrgPerson)(uid={user}))"_L1},
                        {"provisionUsers"_L1, true},
                        {"timeoutSeconds"_L1, kDirectoryTimeoutSeconds}});
    QVERIFY2(created.status == 201, created.body.constData());
    // The directory works before anything goes wrong.
    const Answer alice = login(*m_server, u"alice"_s, Slapd::alicePassword);
    QVERIFY2(alice.status == 200, alice.body.constData());
}

void FaultLdapTest::slowDirectory()
{
    QVERIFY(m_slapd);
    // Frozen: slapd's socket accepts (the kernel does that) and nothing answers.
    QCOMPARE(::kill(pid_t(m_slapd->processId()), SIGSTOP), 0);
    m_frozen = true;
    auto thaw = qScopeGuard([this] {
        ::kill(pid_t(m_slapd->processId()), SIGCONT);
        m_frozen = false;
    });

    // The directory user's sign-in hangs on the frozen slapd (bounded by
    // the client's transfer timeout, well above the configured one) ...
    QNetworkAccessManager directoryClient;
    std::unique_ptr<QNetworkReply> hanging =
        m_server->send(directoryClient, loginRequest(u"alice"_s, Slapd::alicePassword),
                       (kDirectoryTimeoutSeconds + 12) * 1000);

    // ... while another client is served: the health check, a read, and a
    // local user's sign-in, each answered before the directory sign-in.
    QCOMPARE(m_server->get(u"/api/health"_s).status, 200);
    QCOMPARE(m_server->get(u"/api/Users/"_s + kAdministrator).status, 200);
    QCOMPARE(login(*m_server, kAdministrator, kAdminPassword).status, 200);
    QVERIFY2(!hanging->isFinished(),
             "the directory sign-in ended before the local requests: slapd was not frozen?");

    SignalWaiter waiter((kDirectoryTimeoutSeconds + 15) * 1000);
    waiter.wakeOn(hanging.get(), &QNetworkReply::finished);
    QVERIFY(waiter.waitFor([&] { return hanging->isFinished(); }));
    const Answer timedOut = HeadlessServer::answerOf(*hanging);
    QVERIFY2(timedOut.status == 503,
             qPrintable(u"%1 %2 %3"_s.arg(timedOut.status)
                            .arg(timedOut.networkError, QString::fromUtf8(timedOut.body))));
    QCOMPARE(timedOut.errorCode(), u"unavailable"_s);
    QVERIFY2(timedOut.errorMessage().contains(u"directory service"_s),
             qPrintable(timedOut.errorMessage()));
    // The log names the timeout that ended the wait.
    QVERIFY2(m_server->log().contains(u"within %1 seconds"_s.arg(kDirectoryTimeoutSeconds)),
             qPrintable(m_server->log()));

    // Thawed: directory sign-ins work again, a first one (provisioning) too.
    thaw.dismiss();
    QCOMPARE(::kill(pid_t(m_slapd->processId()), SIGCONT), 0);
    m_frozen = false;
    const Answer again = login(*m_server, u"alice"_s, Slapd::alicePassword);
    QVERIFY2(again.status == 200, again.body.constData());
    const Answer provisioned = login(*m_server, u"bob"_s, Slapd::bobPassword);
    QVERIFY2(provisioned.status == 200, provisioned.body.constData());
}

void FaultLdapTest::directoryDown()
{
    QVERIFY(m_slapd);
    QVERIFY(m_slapd->stop());
    const Answer down = login(*m_server, u"alice"_s, Slapd::alicePassword);
    QVERIFY2(down.status == 503,
             qPrintable(u"%1 %2"_s.arg(down.status).arg(QString::fromUtf8(down.body))));
    QVERIFY2(down.errorMessage().contains(u"directory service"_s), qPrintable(down.errorMessage()));
    QCOMPARE(down.header("Retry-After"), QByteArray("1"));
    QCOMPARE(login(*m_server, kAdministrator, kAdminPassword).status, 200);

    // Back on its port: no restart of Bulwark is needed.
    const QString restarted = m_slapd->restart();
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
    const Answer back = login(*m_server, u"alice"_s, Slapd::alicePassword);
    QVERIFY2(back.status == 200, back.body.constData());

    // No password in the log, the service account's included.
    const QString log = m_server->log();
    QVERIFY(!log.contains(Slapd::servicePassword));
    QVERIFY(!log.contains(Slapd::alicePassword));
    QVERIFY(!log.contains(Slapd::bobPassword));
    QVERIFY(!log.contains(kAdminPassword));
}

void FaultLdapTest::cleanupTestCase()
{
    if (m_slapd && m_frozen)
        ::kill(pid_t(m_slapd->processId()), SIGCONT);
    if (m_server)
        (void)m_server->stop();
}

QTEST_GUILESS_MAIN(FaultLdapTest)
#include "tst_fault_ldap.moc"
