// Health answers without credentials; everything else needs the right
// HTTP Basic credentials, and a refusal does not tell which part was wrong.
#include "HeadlessServer.h"

#include <QJsonObject>
#include <QSslSocket>
#include <QTest>

using namespace BulwarkTest;

class TestHealthAuth final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void healthNeedsNoCredentials();
    void healthFingerprintMatchesCertificate();
    void missingCredentialsAreRefused();
    void wrongCredentialsAreRefused_data();
    void wrongCredentialsAreRefused();
    void unknownUserAndWrongPasswordLookAlike();
    void rightPasswordIsAccepted();
    void pipelinedAnswersKeepOrder();
    void bodyIsNotReadBeforeSignIn();

private:
    std::unique_ptr<HeadlessServer> m_server;
};

void TestHealthAuth::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

void TestHealthAuth::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestHealthAuth::healthNeedsNoCredentials()
{
    const Answer answer =
        m_server->request(Request("GET", u"/api/health"_s).withCredentials(std::nullopt));
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.header("Content-Type"), QByteArray("application/json"));
    const QJsonObject health = answer.json();
    QCOMPARE(health.value("status"_L1).toString(), u"ok"_s);
    QCOMPARE(health.value("version"_L1).toString(), QStringLiteral(BULWARK_VERSION));
    QCOMPARE(health.value("storage"_L1).toString(), u"sqlite"_s);
    QVERIFY(health.value("schemaVersion"_L1).isDouble());
    QVERIFY(health.value("schemaVersion"_L1).toInt() >= 1);
    QCOMPARE(health.keys().size(), 4);
}

void TestHealthAuth::healthFingerprintMatchesCertificate()
{
    // The fingerprint the log prints is the one of the certificate served.
    const QString digest = QString::fromLatin1(
        m_server->certificate().digest(QCryptographicHash::Sha256).toHex(':').toUpper());
    QCOMPARE(m_server->fingerprint(), digest);
}

void TestHealthAuth::missingCredentialsAreRefused()
{
    const Answer answer =
        m_server->request(Request("GET", u"/api/Things"_s).withCredentials(std::nullopt));
    QCOMPARE(answer.status, 401);
    QCOMPARE(answer.header("WWW-Authenticate"),
             QByteArray(R"(Basic realm="Bulwark", charset="UTF-8")"));
    QCOMPARE(answer.errorCode(), u"unauthorized"_s);
    QVERIFY(!answer.errorMessage().isEmpty());
}

void TestHealthAuth::wrongCredentialsAreRefused_data()
{
    QTest::addColumn<QByteArray>("authorization");
    const Credentials wrong{kAdministrator, u"not-the-admin-password"_s};
    QTest::newRow("wrong password") << wrong.basicHeader();
    QTest::newRow("empty password") << Credentials{kAdministrator, {}}.basicHeader();
    QTest::newRow("not base64") << QByteArray("Basic !!!notbase64!!!");
    QTest::newRow("no colon") << QByteArray("Basic " + QByteArray("Administrator").toBase64());
    QTest::newRow("bearer scheme") << QByteArray("Bearer abcdef");
}

void TestHealthAuth::wrongCredentialsAreRefused()
{
    QFETCH(QByteArray, authorization);
    // The Request helper only sends well-formed Basic headers: use the raw
    // network layer here.
    QNetworkAccessManager network;
    QNetworkRequest request(m_server->url(u"/api/Things"_s));
    request.setSslConfiguration(m_server->sslConfiguration());
    request.setRawHeader("Authorization", authorization);
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    SignalWaiter waiter;
    waiter.wakeOn(reply.get(), &QNetworkReply::finished);
    QVERIFY(waiter.waitFor([&reply] { return reply->isFinished(); }));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
    QVERIFY(reply->hasRawHeader("WWW-Authenticate"));
    const QJsonObject error =
        QJsonDocument::fromJson(reply->readAll()).object().value("error"_L1).toObject();
    QCOMPARE(error.value("code"_L1).toString(), u"unauthorized"_s);
}

void TestHealthAuth::unknownUserAndWrongPasswordLookAlike()
{
    const Answer a = m_server->request(
        Request("GET", u"/api/Things"_s)
            .withCredentials(Credentials{kAdministrator, u"wrong-password-123"_s}));
    const Answer b =
        m_server->request(Request("GET", u"/api/Things"_s)
                              .withCredentials(Credentials{u"nobody-here"_s, kAdminPassword}));
    QCOMPARE(a.status, 401);
    QCOMPARE(b.status, 401);
    QCOMPARE(a.body, b.body);
    QCOMPARE(a.header("WWW-Authenticate"), b.header("WWW-Authenticate"));
}

void TestHealthAuth::rightPasswordIsAccepted()
{
    const Answer answer = m_server->get(u"/api/Things"_s);
    QCOMPARE(answer.status, 200);
    QVERIFY(answer.json().value("items"_L1).isArray());
    QCOMPARE(answer.header("Cache-Control"), QByteArray("no-store"));
    // A remembered sign-in is not a loophole: the wrong password still fails
    // right after the right one succeeded.
    const Answer wrong =
        m_server->request(Request("GET", u"/api/Things"_s)
                              .withCredentials(Credentials{kAdministrator, kAdminPassword + u'x'}));
    QCOMPARE(wrong.status, 401);
}

void TestHealthAuth::pipelinedAnswersKeepOrder()
{
    // The first request needs a slow password check, the second none: the
    // answers must still come in the order the requests were sent.
    RawConnection raw(*m_server);
    QVERIFY(raw.waitForEncrypted());
    QSslSocket &socket = raw.socket;
    const QByteArray &received = raw.received;
    const QByteArray wrong = QByteArray("Administrator:not-the-password").toBase64();
    socket.write("GET /api/Things HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " + wrong +
                 "\r\n\r\n"
                 "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(received.count("HTTP/1.1 ") == 2 && received.endsWith("}"), 10000);
    const qsizetype second = received.indexOf("HTTP/1.1 ", 1);
    QVERIFY2(received.startsWith("HTTP/1.1 401"), received.constData());
    QVERIFY2(received.mid(second).startsWith("HTTP/1.1 200"), received.constData());
    QVERIFY(received.mid(second).contains(R"("status":"ok")"));
}

void TestHealthAuth::bodyIsNotReadBeforeSignIn()
{
    // Without credentials a broken body is not even parsed: the answer is 401.
    const Answer anonymous = m_server->request(
        Request{"POST", u"/api/Things"_s, "{not json", "application/json"}.withCredentials(
            std::nullopt));
    QCOMPARE(anonymous.status, 401);
    QCOMPARE(anonymous.errorCode(), u"unauthorized"_s);
    // Signed in, the same body is refused for what it is.
    const Answer signedIn =
        m_server->request(Request{"POST", u"/api/Things"_s, "{not json", "application/json"});
    QCOMPARE(signedIn.status, 400);
    QCOMPARE(signedIn.errorCode(), u"bad-request"_s);
}

QTEST_GUILESS_MAIN(TestHealthAuth)
#include "tst_health_auth.moc"
