// Sign-in under load against the real server. Argon2id runs off the I/O
// thread, so a burst of sign-ins never holds up other requests: a property
// read with (remembered) Basic credentials is answered while the burst is
// still being hashed. And a burst of failed sign-ins from one address ends
// in 429 with Retry-After. No timed assertions: only the order in which
// answers arrive.
#include "HeadlessServer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTest>
#include <QThread>

#include <algorithm>

using namespace BulwarkTest;

namespace {

constexpr int kLogins = 24; // at least
// 24 Argon2id hashes on 2 busy cores: generous, bounded.
constexpr int kBurstTimeoutMs = 180000;
constexpr int kAddressThreshold = 5;

const QString kPropertyPath = u"/api/Things/Meter/Properties/reading"_s;

Request loginRequest(const QString &user, const QString &password)
{
    return Request("POST", u"/api/auth/login"_s,
                   jsonBody({{"user"_L1, user}, {"password"_L1, password}}), "application/json")
        .withCredentials(std::nullopt);
}

// Requests in flight side by side, each on its own network access manager
// (so on its own connection, opened beforehand: no TLS handshake competes
// with the burst).
class Clients final
{
public:
    Clients(const HeadlessServer &server, int count)
        : m_server(server)
    {
        for (int i = 0; i < count; ++i)
            m_networks.push_back(std::make_unique<QNetworkAccessManager>());
    }

    // Opens every client's connection with an unauthenticated health check.
    [[nodiscard]] bool connect()
    {
        std::vector<std::unique_ptr<QNetworkReply>> replies;
        for (auto &network : m_networks)
            replies.push_back(m_server.send(
                *network, Request("GET", u"/api/health"_s).withCredentials(std::nullopt)));
        SignalWaiter waiter(kBurstTimeoutMs);
        for (auto &reply : replies)
            waiter.wakeOn(reply.get(), &QNetworkReply::finished);
        if (!waiter.waitFor([&] {
                return std::all_of(replies.begin(), replies.end(),
                                   [](const auto &r) { return r->isFinished(); });
            }))
            return false;
        return std::all_of(replies.begin(), replies.end(), [](const auto &r) {
            return HeadlessServer::answerOf(*r).status == 200;
        });
    }

    [[nodiscard]] std::unique_ptr<QNetworkReply> send(int client, const Request &request) const
    {
        return m_server.send(*m_networks.at(client), request, kBurstTimeoutMs);
    }

private:
    const HeadlessServer &m_server;
    std::vector<std::unique_ptr<QNetworkAccessManager>> m_networks;
};

} // namespace

class TestAuthLoad final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void readAnswersDuringLoginBurst();
    void failedLoginBurstIsThrottled();

private:
    std::unique_ptr<HeadlessServer> m_server;
};

void TestAuthLoad::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    // Default Argon2id parameters. Sign-ins in flight count against the
    // per-address threshold, and the whole burst comes from one address.
    QVERIFY(m_server->writeConfig("[lockout]\naddress_threshold=1000\n"));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    const QJsonArray properties{
        QJsonObject{{"name"_L1, "reading"_L1}, {"baseType"_L1, "NUMBER"_L1}}};
    QCOMPARE(
        m_server->post(u"/api/Things"_s, {{"name"_L1, "Meter"_L1}, {"properties"_L1, properties}})
            .status,
        201);
    QCOMPARE(m_server->put(kPropertyPath, {{"value"_L1, 21.5}}).status, 200);
}

void TestAuthLoad::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestAuthLoad::readAnswersDuringLoginBurst()
{
    // Basic was used (and so remembered) by initTestCase.
    QCOMPARE(m_server->get(kPropertyPath).json().value("value"_L1).toDouble(), 21.5);

    // The server hashes on about as many threads as this machine has cores
    // (it runs here too): enough sign-ins for several rounds of hashing,
    // below the server's limit of checks in flight (64).
    const int count = std::clamp(8 * QThread::idealThreadCount(), kLogins, 60);
    Clients clients(*m_server, count + 2);
    QVERIFY(clients.connect());

    std::vector<std::unique_ptr<QNetworkReply>> logins;
    std::unique_ptr<QNetworkReply> read;
    std::unique_ptr<QNetworkReply> laterRead;
    int loginsDone = 0;
    int doneWhenRead = -1;
    int doneWhenLaterRead = -1;
    QEventLoop loop;
    const auto quitWhenAllDone = [&] {
        if (read && read->isFinished() && laterRead && laterRead->isFinished() &&
            loginsDone == count)
            loop.quit();
    };
    for (int i = 0; i < count; ++i) {
        logins.push_back(clients.send(i, loginRequest(kAdministrator, kAdminPassword)));
        QObject::connect(logins.back().get(), &QNetworkReply::finished, &loop, [&] {
            // The first answer: hashing is under way for the rest.
            if (++loginsDone == 1) {
                laterRead = clients.send(count + 1, Request("GET", kPropertyPath));
                QObject::connect(laterRead.get(), &QNetworkReply::finished, &loop, [&] {
                    doneWhenLaterRead = loginsDone;
                    quitWhenAllDone();
                });
            }
            quitWhenAllDone();
        });
    }
    // Right after issuing them, a read.
    read = clients.send(count, Request("GET", kPropertyPath));
    QObject::connect(read.get(), &QNetworkReply::finished, &loop, [&] {
        doneWhenRead = loginsDone;
        quitWhenAllDone();
    });

    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    timeout.start(kBurstTimeoutMs);
    loop.exec();
    QVERIFY2(timeout.isActive(),
             qPrintable(u"%1 of %2 sign-ins answered"_s.arg(loginsDone).arg(count)));

    for (QNetworkReply *reply : {read.get(), laterRead.get()}) {
        const Answer answer = HeadlessServer::answerOf(*reply);
        QVERIFY2(answer.status == 200, answer.body.constData());
        QCOMPARE(answer.json().value("value"_L1).toDouble(), 21.5);
    }
    QSet<QString> tokens;
    for (const auto &login : logins) {
        const Answer answer = HeadlessServer::answerOf(*login);
        QVERIFY2(answer.status == 200,
                 qPrintable(u"%1 %2 %3"_s.arg(answer.status)
                                .arg(answer.networkError, QString::fromUtf8(answer.body))));
        tokens.insert(answer.json().value("token"_L1).toString());
    }
    QCOMPARE(tokens.size(), count);

    // The reads did not queue behind the hashing: neither the one sent with
    // the burst nor the one sent while the burst was being hashed.
    qInfo().noquote() << u"Reads answered after %1 and %2 of %3 sign-ins"_s.arg(doneWhenRead)
                             .arg(doneWhenLaterRead)
                             .arg(count);
    // Hashing on the I/O thread would answer them only after most of the
    // burst (each hash holding up everything queued behind it); on the
    // worker pool they come back while most sign-ins are still hashing.
    QVERIFY2(
        doneWhenRead < count / 2,
        qPrintable(u"the first read was answered only after %1 of %2 sign-ins"_s.arg(doneWhenRead)
                       .arg(count)));
    QVERIFY2(doneWhenLaterRead < count / 2,
             qPrintable(u"the read sent after the first sign-in answer was answered only after "
                        "%1 of %2 sign-ins"_s.arg(doneWhenLaterRead)
                            .arg(count)));
    // And every new session works.
    for (const QString &token : std::as_const(tokens))
        QCOMPARE(
            m_server->request(Request("GET", kPropertyPath).withBearer(token.toLatin1())).status,
            200);
}

void TestAuthLoad::failedLoginBurstIsThrottled()
{
    // Its own server, with a low per-address threshold.
    HeadlessServer throttled;
    QVERIFY(throttled.writeConfig(QByteArray("[lockout]\naddress_threshold=") +
                                  QByteArray::number(kAddressThreshold) +
                                  "\naddress_window_seconds=600\n"));
    QVERIFY2(throttled.start(), qPrintable(throttled.errorString()));
    // A session made before the throttle keeps working during it.
    const Answer session = throttled.request(loginRequest(kAdministrator, kAdminPassword));
    QCOMPARE(session.status, 200);
    const QByteArray token = session.json().value("token"_L1).toString().toLatin1();

    // A burst of guesses across different (unknown) accounts: the threshold
    // is per address, not per account.
    constexpr int burst = 2 * kAddressThreshold;
    Clients clients(throttled, burst);
    QVERIFY(clients.connect());
    std::vector<std::unique_ptr<QNetworkReply>> guesses;
    for (int i = 0; i < burst; ++i)
        guesses.push_back(
            clients.send(i, loginRequest(u"guess-%1"_s.arg(i), u"Wrong-guess-Xq7-%1"_s.arg(i))));
    SignalWaiter waiter(kBurstTimeoutMs);
    for (const auto &guess : guesses)
        waiter.wakeOn(guess.get(), &QNetworkReply::finished);
    QVERIFY(waiter.waitFor([&] {
        return std::all_of(guesses.begin(), guesses.end(),
                           [](const auto &g) { return g->isFinished(); });
    }));
    int refused = 0;
    for (const auto &guess : guesses) {
        const int status = HeadlessServer::answerOf(*guess).status;
        QVERIFY2(status == 401 || status == 429, qPrintable(QString::number(status)));
        refused += status == 401;
    }
    // Those checked before the threshold was reached were answered 401.
    QVERIFY(refused >= 1);

    // Past the threshold: every further attempt from this address is 429,
    // whatever the account and however right the password.
    const auto expectThrottled = [](const Answer &answer) {
        QCOMPARE(answer.status, 429);
        QCOMPARE(answer.errorCode(), u"too-many-requests"_s);
        const QByteArray retryAfter = answer.header("Retry-After");
        bool numeric = false;
        const int seconds = retryAfter.toInt(&numeric);
        QVERIFY2(numeric && seconds > 0 && seconds <= 600,
                 qPrintable(u"Retry-After: '%1'"_s.arg(QString::fromLatin1(retryAfter))));
        QVERIFY2(answer.errorMessage().contains(u"seconds"_s), qPrintable(answer.errorMessage()));
    };
    expectThrottled(throttled.request(loginRequest(u"guess-next"_s, u"Wrong-guess-Xq7"_s)));
    if (QTest::currentTestFailed())
        return;
    const Answer right = throttled.request(loginRequest(kAdministrator, kAdminPassword));
    expectThrottled(right);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(right.json().value("token"_L1).isUndefined());

    // What needs no password check goes on.
    QCOMPARE(throttled.request(Request("GET", u"/api/Things"_s).withBearer(token)).status, 200);
    QCOMPARE(
        throttled.request(Request("GET", u"/api/health"_s).withCredentials(std::nullopt)).status,
        200);
}

QTEST_GUILESS_MAIN(TestAuthLoad)
#include "tst_auth_load.moc"
