// LDAP delegation end to end: the real `bulwark --headless` and a real
// slapd (tests/common/Slapd.h) over StartTLS with the fixture's CA. A
// directory service configured over REST, its Test action, sign-in of
// directory users (session and Basic) with no fallback to a local password,
// just-in-time provisioning with the group mapping, an injection attempt,
// lockout of directory users, and a clear 503 when the directory is silent
// or gone.
#include "HeadlessServer.h"
#include "Slapd.h"

#include <QJsonArray>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace BulwarkTest;

namespace {

const QString kDirectory = u"corp"_s;
const QString kOperators = u"Operators"_s;

Answer login(const HeadlessServer &server, const QString &user, const QString &password)
{
    return server.request(Request("POST", u"/api/auth/login"_s,
                                  jsonBody({{"user"_L1, user}, {"password"_L1, password}}),
                                  "application/json")
                              .withCredentials(std::nullopt));
}

// Signed in with HTTP Basic as user, reading the user's own entry.
Answer basic(const HeadlessServer &server, const QString &user, const QString &password)
{
    return server.request(
        Request("GET", u"/api/Users/"_s + user).withCredentials(Credentials{user, password}));
}

QStringList stepNames(const QJsonArray &steps)
{
    QStringList names;
    for (const QJsonValue &step : steps)
        names << step.toObject().value("step"_L1).toString();
    return names;
}

} // namespace

class TestLdapRest final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void createDirectoryService();
    void testAction();
    void movingTheDirectoryNeedsThePasswordAgain();
    void directoryUserHasNoLocalPassword();
    void signInThroughTheDirectory();
    void disablingTheDirectoryEndsItsSessions();
    void noFallbackToALocalPassword();
    void justInTimeProvisioning();
    void injectionDoesNotAuthenticate_data();
    void injectionDoesNotAuthenticate();
    void directoryFailuresCountTowardLockout();
    void silentDirectoryIsUnavailable();
    void stoppedDirectoryIsUnavailable();

private:
    [[nodiscard]] QJsonObject directoryBody() const;

    std::unique_ptr<Slapd> m_slapd;
    std::unique_ptr<HeadlessServer> m_server;
};

void TestLdapRest::initTestCase()
{
    BULWARK_REQUIRE_SLAPD();
    QVERIFY2(QFile::exists(qEnvironmentVariable("BULWARK_BINARY")),
             "BULWARK_BINARY must name the built bulwark binary");
    m_slapd = std::make_unique<Slapd>();
    QVERIFY2(m_slapd->error().isEmpty(), qPrintable(m_slapd->error()));
    m_server = std::make_unique<HeadlessServer>();
    // Only the account lockout, not the per-address throttle, is tested here.
    QVERIFY(m_server->writeConfig("[passwords]\nargon2_memory_kib=8192\nargon2_iterations=1\n"
                                  "[lockout]\naddress_threshold=1000\n"));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    const Answer group = m_server->post(u"/api/Groups"_s, {{"name"_L1, kOperators}});
    QVERIFY2(group.status == 201, group.body.constData());
}

QJsonObject TestLdapRest::directoryBody() const
{
    return {{"name"_L1, kDirectory},
            {"description"_L1, "Example Corp directory"_L1},
            {"url"_L1, m_slapd->url()}, // ldap://: StartTLS, required
            {"caFile"_L1, m_slapd->caFile()},
            {"bindDn"_L1, Slapd::serviceDn},
            {"bindPassword"_L1, Slapd::servicePassword},
            {"userBase"_L1, Slapd::peopleDn},
            {"userFilter"_L1, "(&(objectClass=inetOrgPerson)(uid={user}))"_L1},
            {"groupBase"_L1, Slapd::groupsDn},
            {"groupFilter"_L1, "(&(objectClass=groupOfNames)(member={dn}))"_L1},
            {"groupMapping"_L1, QJsonObject{{Slapd::operatorsDn, kOperators}}},
            {"provisionUsers"_L1, true},
            {"timeoutSeconds"_L1, 3}};
}

void TestLdapRest::createDirectoryService()
{
    const QByteArray password = Slapd::servicePassword.toUtf8();
    const Answer created = m_server->post(u"/api/DirectoryServices"_s, directoryBody());
    QVERIFY2(created.status == 201, created.body.constData());
    QCOMPARE(created.header("Location"), QByteArray("/api/DirectoryServices/corp"));
    QVERIFY(!created.body.contains(password));

    const Answer read = m_server->get(u"/api/DirectoryServices/corp"_s);
    QCOMPARE(read.status, 200);
    const QJsonObject service = read.json();
    QCOMPARE(service.value("hasBindPassword"_L1), QJsonValue(true));
    QVERIFY(!service.contains("bindPassword"_L1));
    QVERIFY(!read.body.contains(password));
    QCOMPARE(service.value("url"_L1).toString(), m_slapd->url());
    QCOMPARE(service.value("bindDn"_L1).toString(), Slapd::serviceDn);
    QCOMPARE(service.value("provisionUsers"_L1), QJsonValue(true));
    QCOMPARE(service.value("groupMapping"_L1).toObject(),
             (QJsonObject{{Slapd::operatorsDn, kOperators}}));

    const Answer list = m_server->get(u"/api/DirectoryServices"_s);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json().value("items"_L1).toArray().size(), 1);
    QVERIFY(!list.body.contains(password));

    // Audited, without the password.
    const Answer audit = m_server->get(u"/api/Audit?category=directory"_s);
    QCOMPARE(audit.status, 200);
    QVERIFY(!audit.json().value("items"_L1).toArray().isEmpty());
    QVERIFY(!audit.body.contains(password));

    // Plain ldap:// without StartTLS needs an explicit opt-in, and a CA file
    // must be readable: refused with the reason.
    QJsonObject missingCa = directoryBody();
    missingCa.insert("name"_L1, "broken"_L1);
    missingCa.insert("caFile"_L1, QString(m_slapd->directory() + u"/no-such-ca.pem"_s));
    const Answer refused = m_server->post(u"/api/DirectoryServices"_s, missingCa);
    QCOMPARE(refused.status, 400);
    QVERIFY2(refused.errorMessage().contains(u"CA file"_s), qPrintable(refused.errorMessage()));
}

void TestLdapRest::testAction()
{
    // Without a user: connect, StartTLS, service bind, search.
    const Answer service = m_server->post(u"/api/DirectoryServices/corp/Test"_s, {});
    QVERIFY2(service.status == 200, service.body.constData());
    QCOMPARE(service.json().value("ok"_L1), QJsonValue(true));
    const QJsonArray steps = service.json().value("steps"_L1).toArray();
    QCOMPARE(stepNames(steps), (QStringList{u"connect"_s, u"tls"_s, u"bind"_s, u"search"_s}));
    for (const QJsonValue &step : steps) {
        QCOMPARE(step.toObject().value("ok"_L1), QJsonValue(true));
        QVERIFY(step.toObject().value("message"_L1).toString().size() > 10);
    }
    QVERIFY(!service.body.contains(Slapd::servicePassword.toUtf8()));

    // With a user: also the sign-in and the groups.
    const Answer alice =
        m_server->post(u"/api/DirectoryServices/corp/Test"_s,
                       {{"user"_L1, "alice"_L1}, {"password"_L1, Slapd::alicePassword}});
    QVERIFY2(alice.status == 200, alice.body.constData());
    QCOMPARE(alice.json().value("ok"_L1), QJsonValue(true));
    const QJsonArray aliceSteps = alice.json().value("steps"_L1).toArray();
    QCOMPARE(stepNames(aliceSteps).mid(4), (QStringList{u"login"_s, u"groups"_s}));
    QVERIFY2(aliceSteps.last().toObject().value("message"_L1).toString().contains(kOperators),
             qPrintable(aliceSteps.last().toObject().value("message"_L1).toString()));
    QVERIFY(!alice.body.contains(Slapd::alicePassword.toUtf8()));
    // Testing signs nobody in: alice is still no platform user.
    QCOMPARE(m_server->get(u"/api/Users/alice"_s).status, 404);

    // A wrong password: 200 (the test ran), not ok, and the step says so.
    const Answer wrong = m_server->post(u"/api/DirectoryServices/corp/Test"_s,
                                        {{"user"_L1, "alice"_L1}, {"password"_L1, "nope"_L1}});
    QCOMPARE(wrong.status, 200);
    QCOMPARE(wrong.json().value("ok"_L1), QJsonValue(false));
    const QJsonObject failed = wrong.json().value("steps"_L1).toArray().last().toObject();
    QCOMPARE(failed.value("step"_L1).toString(), u"login"_s);
    QCOMPARE(failed.value("ok"_L1), QJsonValue(false));
    QVERIFY(!failed.value("message"_L1).toString().isEmpty());

    QCOMPARE(m_server->post(u"/api/DirectoryServices/nothing/Test"_s, {}).status, 404);
    const Answer typo =
        m_server->post(u"/api/DirectoryServices/corp/Test"_s, {{"username"_L1, "alice"_L1}});
    QCOMPARE(typo.status, 400);
    QVERIFY2(typo.errorMessage().contains(u"username"_s), qPrintable(typo.errorMessage()));
}

// The stored service password goes only where it was set for: a new URL,
// bind DN, CA or TLS setting without it is refused (else an administrator,
// or a stolen admin session, could send it to a server of their own).
void TestLdapRest::movingTheDirectoryNeedsThePasswordAgain()
{
    const QString path = u"/api/DirectoryServices/"_s + kDirectory;
    const QJsonObject stored = m_server->get(path).json();
    QVERIFY(stored.value("hasBindPassword"_L1).toBool());
    QJsonObject body = stored;
    for (const auto key : {"hasBindPassword"_L1, "created"_L1, "modified"_L1})
        body.remove(key);

    QJsonObject moved = body;
    moved.insert("url"_L1, u"ldap://127.0.0.1:9"_s);
    moved.insert("insecure"_L1, true);
    const Answer refused = m_server->put(path, moved);
    QCOMPARE(refused.status, 400);
    QVERIFY2(refused.errorMessage().contains(u"bindPassword"_s),
             qPrintable(refused.errorMessage()));
    QCOMPARE(m_server->get(path).json().value("url"_L1), stored.value("url"_L1));

    // Other changes keep the stored password.
    QJsonObject described = body;
    described.insert("description"_L1, u"Corporate directory"_s);
    const Answer kept = m_server->put(path, described);
    QVERIFY2(kept.status == 200, kept.body.constData());
    QVERIFY(kept.json().value("hasBindPassword"_L1).toBool());
    const Answer tested = m_server->post(path + u"/Test"_s, {});
    QCOMPARE(tested.json().value("ok"_L1), QJsonValue(true));
}

void TestLdapRest::directoryUserHasNoLocalPassword()
{
    const Answer refused =
        m_server->post(u"/api/Users"_s, {{"name"_L1, "bob"_L1},
                                         {"authSource"_L1, kDirectory},
                                         {"password"_L1, "granite-Willow-beacon-31"_L1}});
    QCOMPARE(refused.status, 400);
    QVERIFY2(refused.errorMessage().contains(u"managed there"_s),
             qPrintable(refused.errorMessage()));
    QCOMPARE(m_server->get(u"/api/Users/bob"_s).status, 404);

    const Answer noSuchDirectory =
        m_server->post(u"/api/Users"_s, {{"name"_L1, "bob"_L1}, {"authSource"_L1, "nowhere"_L1}});
    QCOMPARE(noSuchDirectory.status, 400);
    QVERIFY2(noSuchDirectory.errorMessage().contains(u"nowhere"_s),
             qPrintable(noSuchDirectory.errorMessage()));

    const Answer bob =
        m_server->post(u"/api/Users"_s, {{"name"_L1, "bob"_L1}, {"authSource"_L1, kDirectory}});
    QVERIFY2(bob.status == 201, bob.body.constData());
    QCOMPARE(bob.json().value("authSource"_L1).toString(), kDirectory);
    const Answer later =
        m_server->put(u"/api/Users/bob"_s, {{"authSource"_L1, kDirectory},
                                            {"password"_L1, "granite-Willow-beacon-31"_L1}});
    QCOMPARE(later.status, 400);
}

void TestLdapRest::signInThroughTheDirectory()
{
    const Answer session = login(*m_server, u"bob"_s, Slapd::bobPassword);
    QVERIFY2(session.status == 200, session.body.constData());
    QCOMPARE(session.json().value("user"_L1).toString(), u"bob"_s);
    const QByteArray token = session.json().value("token"_L1).toString().toLatin1();
    const Answer withToken =
        m_server->request(Request("GET", u"/api/auth/session"_s).withBearer(token));
    QCOMPARE(withToken.status, 200);
    QCOMPARE(withToken.json().value("user"_L1).toString(), u"bob"_s);

    const Answer viaBasic = basic(*m_server, u"bob"_s, Slapd::bobPassword);
    QVERIFY2(viaBasic.status == 200, viaBasic.body.constData());
    QCOMPARE(viaBasic.json().value("authSource"_L1).toString(), kDirectory);

    // A wrong password looks like any other failure.
    const Answer unknown = login(*m_server, u"nobody-anywhere"_s, u"whatever-password"_s);
    QCOMPARE(unknown.status, 401);
    const Answer wrong = login(*m_server, u"bob"_s, Slapd::alicePassword);
    QCOMPARE(wrong.status, 401);
    QCOMPARE(wrong.body, unknown.body);
    QCOMPARE(basic(*m_server, u"bob"_s, u"not-bobs-password"_s).status, 401);

    // The audit log says which directory vouched for the sign-in.
    const Answer audit = m_server->get(u"/api/Audit?category=auth&actor=bob&outcome=success"_s);
    QCOMPARE(audit.status, 200);
    const QJsonArray items = audit.json().value("items"_L1).toArray();
    QVERIFY(!items.isEmpty());
    QCOMPARE(items.first().toObject().value("details"_L1).toObject().value("directory"_L1),
             QJsonValue(kDirectory));
}

// Switching a directory off ends the sessions and remembered sign-ins of its
// users at once; switched on again, they sign in again.
void TestLdapRest::disablingTheDirectoryEndsItsSessions()
{
    const Answer session = login(*m_server, u"bob"_s, Slapd::bobPassword);
    QVERIFY2(session.status == 200, session.body.constData());
    const QByteArray token = session.json().value("token"_L1).toString().toLatin1();
    QCOMPARE(basic(*m_server, u"bob"_s, Slapd::bobPassword).status, 200); // now remembered

    const QString path = u"/api/DirectoryServices/"_s + kDirectory;
    QJsonObject body = m_server->get(path).json();
    for (const auto key : {"hasBindPassword"_L1, "created"_L1, "modified"_L1})
        body.remove(key);
    body.insert("enabled"_L1, false);
    QCOMPARE(m_server->put(path, body).status, 200);
    QCOMPARE(m_server->request(Request("GET", u"/api/auth/session"_s).withBearer(token)).status,
             401);
    QCOMPARE(basic(*m_server, u"bob"_s, Slapd::bobPassword).status, 401);
    QCOMPARE(login(*m_server, u"bob"_s, Slapd::bobPassword).status, 401);

    body.insert("enabled"_L1, true);
    QCOMPARE(m_server->put(path, body).status, 200);
    QCOMPARE(login(*m_server, u"bob"_s, Slapd::bobPassword).status, 200);
}

void TestLdapRest::noFallbackToALocalPassword()
{
    // carol is in the directory too, but starts as a local user.
    const QString localPassword = u"juniper-Orbit-castle-72"_s;
    const Answer carol =
        m_server->post(u"/api/Users"_s, {{"name"_L1, "carol"_L1}, {"password"_L1, localPassword}});
    QVERIFY2(carol.status == 201, carol.body.constData());
    QCOMPARE(login(*m_server, u"carol"_s, localPassword).status, 200);
    QCOMPARE(basic(*m_server, u"carol"_s, localPassword).status, 200); // now remembered
    QCOMPARE(login(*m_server, u"carol"_s, Slapd::carolPassword).status, 401);

    const Answer moved = m_server->put(u"/api/Users/carol"_s, {{"authSource"_L1, kDirectory}});
    QVERIFY2(moved.status == 200, moved.body.constData());
    QCOMPARE(moved.json().value("authSource"_L1).toString(), kDirectory);

    // The local password is gone, also from the Basic cache; the
    // directory's works.
    QCOMPARE(login(*m_server, u"carol"_s, localPassword).status, 401);
    QCOMPARE(basic(*m_server, u"carol"_s, localPassword).status, 401);
    QCOMPARE(login(*m_server, u"carol"_s, Slapd::carolPassword).status, 200);
    QCOMPARE(basic(*m_server, u"carol"_s, Slapd::carolPassword).status, 200);
}

void TestLdapRest::justInTimeProvisioning()
{
    QCOMPARE(m_server->get(u"/api/Users/alice"_s).status, 404);
    const Answer alice = login(*m_server, u"alice"_s, Slapd::alicePassword);
    QVERIFY2(alice.status == 200, alice.body.constData());
    QCOMPARE(alice.json().value("administrator"_L1), QJsonValue(false));

    const Answer user = m_server->get(u"/api/Users/alice"_s);
    QCOMPARE(user.status, 200);
    QCOMPARE(user.json().value("authSource"_L1).toString(), kDirectory);
    QCOMPARE(user.json().value("enabled"_L1), QJsonValue(true));
    const QJsonArray members =
        m_server->get(u"/api/Groups/Operators"_s).json().value("members"_L1).toArray();
    QVERIFY2(members.contains(QJsonObject{{"type"_L1, "User"_L1}, {"name"_L1, "alice"_L1}}),
             QJsonDocument(members).toJson().constData());

    const Answer audit = m_server->get(u"/api/Audit?entity=Users/alice&category=user"_s);
    QCOMPARE(audit.status, 200);
    const QJsonArray records = audit.json().value("items"_L1).toArray();
    QVERIFY(!records.isEmpty());
    const QJsonObject provision = records.first().toObject();
    QCOMPARE(provision.value("action"_L1).toString(), u"provision"_s);
    QCOMPARE(provision.value("details"_L1).toObject().value("directory"_L1),
             QJsonValue(kDirectory));

    // A second sign-in uses the user now there, and does not duplicate it.
    QCOMPARE(login(*m_server, u"alice"_s, Slapd::alicePassword).status, 200);
    const QJsonArray after =
        m_server->get(u"/api/Groups/Operators"_s).json().value("members"_L1).toArray();
    QCOMPARE(after.size(), members.size());

    // A wrong password creates nobody; nor does a name the directory lacks.
    QCOMPARE(login(*m_server, u"dave"_s, u"not-daves-password"_s).status, 401);
    QCOMPARE(m_server->get(u"/api/Users/dave"_s).status, 404);
    QCOMPARE(login(*m_server, u"mallory"_s, Slapd::alicePassword).status, 401);
    QCOMPARE(m_server->get(u"/api/Users/mallory"_s).status, 404);
}

void TestLdapRest::injectionDoesNotAuthenticate_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    const QString injection = u"*)(uid=*))(|(uid=*"_s;
    QTest::newRow("injection, alice's password") << injection << Slapd::alicePassword;
    QTest::newRow("injection, bob's password") << injection << Slapd::bobPassword;
    QTest::newRow("injection, any password") << injection << u"x"_s;
    QTest::newRow("wildcard") << u"*"_s << Slapd::bobPassword;
}

// The server refuses a name no user can have before any lookup; the
// directory's own escaping is tested in tst_ldap.
void TestLdapRest::injectionDoesNotAuthenticate()
{
    QFETCH(QString, user);
    QFETCH(QString, password);
    const Answer signIn = login(*m_server, user, password);
    QCOMPARE(signIn.status, 401);
    QCOMPARE(signIn.errorCode(), u"unauthorized"_s);
    QCOMPARE(basic(*m_server, user, password).status, 401);
    const Answer users = m_server->get(u"/api/Users"_s);
    QVERIFY(!users.body.contains("uid="));
    QVERIFY(!users.body.contains("\"*\""));
}

void TestLdapRest::directoryFailuresCountTowardLockout()
{
    // dave's DN needs escaping ("cn=Smith\, Dave"); his wrong passwords
    // count like a local user's.
    const Answer dave =
        m_server->post(u"/api/Users"_s, {{"name"_L1, "dave"_L1}, {"authSource"_L1, kDirectory}});
    QVERIFY2(dave.status == 201, dave.body.constData());
    QCOMPARE(login(*m_server, u"dave"_s, Slapd::davePassword).status, 200);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(login(*m_server, u"dave"_s, u"wrong-dave-password"_s).status, 401);
    QCOMPARE(login(*m_server, u"dave"_s, Slapd::davePassword).status, 401);
    QCOMPARE(basic(*m_server, u"dave"_s, Slapd::davePassword).status, 401);
    QCOMPARE(m_server->get(u"/api/Users/dave"_s).json().value("locked"_L1), QJsonValue(true));

    const Answer audit = m_server->get(u"/api/Audit?category=auth&entity=Users/dave"_s);
    bool lockout = false;
    for (const QJsonValue &record : audit.json().value("items"_L1).toArray())
        lockout = lockout || record.toObject().value("action"_L1).toString() == u"lockout";
    QVERIFY2(lockout, audit.body.constData());

    QCOMPARE(m_server->request(Request("POST", u"/api/Users/dave/Unlock"_s)).status, 200);
    QCOMPARE(login(*m_server, u"dave"_s, Slapd::davePassword).status, 200);
}

void TestLdapRest::silentDirectoryIsUnavailable()
{
    // Accepts connections and never answers: the timeout ends the wait.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    QJsonObject body = directoryBody();
    body.insert("name"_L1, "silent"_L1);
    body.insert("url"_L1, u"ldap://127.0.0.1:%1"_s.arg(silent.serverPort()));
    body.insert("provisionUsers"_L1, false);
    body.insert("timeoutSeconds"_L1, 1);
    QCOMPARE(m_server->post(u"/api/DirectoryServices"_s, body).status, 201);
    QCOMPARE(
        m_server->post(u"/api/Users"_s, {{"name"_L1, "quiet"_L1}, {"authSource"_L1, "silent"_L1}})
            .status,
        201);

    const Answer signIn = login(*m_server, u"quiet"_s, u"any-password-at-all"_s);
    QVERIFY2(signIn.status == 503,
             qPrintable(u"%1 %2 %3"_s.arg(signIn.status)
                            .arg(signIn.networkError, QString::fromUtf8(signIn.body))));
    QVERIFY2(signIn.errorMessage().contains(u"cannot be reached"_s),
             qPrintable(signIn.errorMessage()));
    QCOMPARE(signIn.header("Retry-After"), QByteArray("1"));

    // The Test action says where it stopped.
    const Answer tested = m_server->post(u"/api/DirectoryServices/silent/Test"_s, {});
    QCOMPARE(tested.status, 200);
    QCOMPARE(tested.json().value("ok"_L1), QJsonValue(false));
    const QJsonObject last = tested.json().value("steps"_L1).toArray().last().toObject();
    QCOMPARE(last.value("ok"_L1), QJsonValue(false));
    QVERIFY2(last.value("message"_L1).toString().contains(u"second"_s),
             qPrintable(last.value("message"_L1).toString()));
}

void TestLdapRest::stoppedDirectoryIsUnavailable()
{
    m_slapd.reset(); // slapd stops; its port refuses connections
    const Answer signIn = login(*m_server, u"bob"_s, Slapd::bobPassword);
    QVERIFY2(signIn.status == 503,
             qPrintable(u"%1 %2 %3"_s.arg(signIn.status)
                            .arg(signIn.networkError, QString::fromUtf8(signIn.body))));
    QCOMPARE(signIn.errorCode(), u"unavailable"_s);
    QVERIFY2(signIn.errorMessage().contains(u"directory service"_s),
             qPrintable(signIn.errorMessage()));
    // A name that is no platform user is refused like any other, even though
    // a provisioning directory is down: a 503 would tell it from local users.
    const Answer unknown = login(*m_server, u"nobody-here"_s, u"any-password-at-all"_s);
    QCOMPARE(unknown.status, 401);
    QCOMPARE(unknown.body, login(*m_server, kAdministrator, u"not-the-password"_s).body);
    // A local account is unaffected.
    QCOMPARE(login(*m_server, kAdministrator, kAdminPassword).status, 200);
    // Nor does the server's log carry a password.
    QVERIFY(!m_server->log().contains(Slapd::servicePassword));
    QVERIFY(!m_server->log().contains(Slapd::bobPassword));
}

QTEST_GUILESS_MAIN(TestLdapRest)
#include "tst_ldap_rest.moc"
