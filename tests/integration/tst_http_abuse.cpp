// HTTP and WebSocket abuse (docs/operations.md "Network", docs/rest-api.md
// "How every request is handled"): request smuggling shapes, oversized
// headers and bodies, clients that dribble their requests or frames, too
// many connections from one address, and a foreign Origin on the
// cookie-authenticated live events. Each gets its documented answer, its
// connection is closed, and the server keeps serving everyone else.
#include "HeadlessServer.h"
#include "RawWebSocket.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QSslSocket>
#include <QTest>

#include <memory>
#include <vector>

using namespace BulwarkTest;

namespace {
constexpr int kMaxPerAddress = 16;

// Waits until the server closed the raw connection (or the timeout).
bool waitForClose(RawConnection &raw, int timeoutMs = kTimeoutMs)
{
    SignalWaiter waiter(timeoutMs);
    waiter.wakeOn(&raw.socket, &QSslSocket::disconnected);
    return waiter.waitFor([&] { return raw.socket.state() == QAbstractSocket::UnconnectedState; });
}

// A TLS connection from the given local address (any in 127.0.0.0/8 on
// Linux), so that the per-address limit can be seen per address.
std::unique_ptr<QSslSocket> connectFrom(const HeadlessServer &server, const QHostAddress &from)
{
    auto socket = std::make_unique<QSslSocket>();
    socket->setSslConfiguration(server.sslConfiguration());
    socket->bind(from);
    socket->connectToHostEncrypted(u"127.0.0.1"_s, server.port());
    return socket;
}
} // namespace

class TestHttpAbuse final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void smugglingShapesAreRefused_data();
    void smugglingShapesAreRefused();
    void smuggledRequestIsNeverServed();
    void oversizedHeadersAre431();
    void oversizedBodyIsRefusedAtItsHeaders();
    void dribbledHeadersTimeOut();
    void dribbledFrameIsClosed();
    void tooManyConnectionsFromOneAddress();
    void foreignOriginWithSessionCookieIsRefused();
    void upgradeWithoutConnectionTokenKeepsTheGuard();
    void unknownMethodIs501();
    void webSocketsGiveBackTheirPlaces();

private:
    void expectOthersServed();

    std::unique_ptr<HeadlessServer> m_server;
};

void TestHttpAbuse::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY(m_server->writeConfig("[http]\nrequest_timeout_seconds = 2\nmax_header_kb = 8\n"
                                  "max_connections_per_address = " +
                                  QByteArray::number(kMaxPerAddress) +
                                  "\n[edge]\nping_interval_seconds = 1\n"));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

void TestHttpAbuse::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestHttpAbuse::init()
{
    expectOthersServed();
}

void TestHttpAbuse::expectOthersServed()
{
    // The test's own client (QNetworkAccessManager) holds a few connections.
    const Answer health = m_server->get(u"/api/health"_s);
    QCOMPARE(health.status, 200);
    QCOMPARE(m_server->get(u"/api/Things"_s).status, 200);
}

void TestHttpAbuse::smugglingShapesAreRefused_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("statusLine");
    QTest::addColumn<QByteArray>("code");
    const QByteArray head = "POST /api/Things HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "Content-Type: application/json\r\n";
    QTest::newRow("Content-Length and Transfer-Encoding")
        << QByteArray(head + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        << QByteArray("HTTP/1.1 400 Bad Request") << QByteArray("bad-request");
    QTest::newRow("Transfer-Encoding then Content-Length")
        << QByteArray(head + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n")
        << QByteArray("HTTP/1.1 400 Bad Request") << QByteArray("bad-request");
    QTest::newRow("two different Content-Length")
        << QByteArray(head + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}")
        << QByteArray("HTTP/1.1 400 Bad Request") << QByteArray("bad-request");
    QTest::newRow("space before the colon")
        << QByteArray(head + "Content-Length : 2\r\n\r\n{}")
        << QByteArray("HTTP/1.1 400 Bad Request") << QByteArray("bad-request");
    QTest::newRow("folded Transfer-Encoding")
        << QByteArray(head + "X-Note: a\r\n Transfer-Encoding: chunked\r\nContent-Length: "
                             "2\r\n\r\n{}")
        << QByteArray("HTTP/1.1 400 Bad Request") << QByteArray("bad-request");
    QTest::newRow("chunked body")
        << QByteArray(head + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        << QByteArray("HTTP/1.1 411 Length Required") << QByteArray("length-required");
}

void TestHttpAbuse::smugglingShapesAreRefused()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, statusLine);
    QFETCH(QByteArray, code);
    RawConnection raw(*m_server);
    QVERIFY(raw.waitForEncrypted());
    raw.socket.write(request);
    QVERIFY(waitForClose(raw));
    QVERIFY2(raw.received.startsWith(statusLine), raw.received.left(300).constData());
    QVERIFY(raw.received.contains("Connection: close"));
    QVERIFY(raw.received.contains(QByteArray("\"code\":\"" + code + "\"")));
    QCOMPARE(raw.received.count("HTTP/1.1 "), 1);
}

void TestHttpAbuse::smuggledRequestIsNeverServed()
{
    // The classic CL.TE shape: a front end reading Content-Length forwards
    // all of it; a back end reading chunked would end the first request at
    // "0" and serve the DELETE hidden behind it. Bulwark serves neither.
    QCOMPARE(m_server->post(u"/api/Things"_s, {{"name"_L1, "Target"_L1}}).status, 201);
    const QByteArray basic = Credentials{kAdministrator, kAdminPassword}.basicHeader();
    const QByteArray hidden = "DELETE /api/Things/Target HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Authorization: " +
                              basic + "\r\n\r\n";
    const QByteArray body = "0\r\n\r\n" + hidden;
    RawConnection raw(*m_server);
    QVERIFY(raw.waitForEncrypted());
    raw.socket.write(
        "POST /api/Things HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + basic +
        "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
    QVERIFY(waitForClose(raw));
    QVERIFY2(raw.received.startsWith("HTTP/1.1 400"), raw.received.left(300).constData());
    QCOMPARE(raw.received.count("HTTP/1.1 "), 1);
    QCOMPARE(m_server->get(u"/api/Things/Target"_s).status, 200);

    // A valid request followed on the same connection by a smuggling shape:
    // the first is answered, the second refused, nothing after it served.
    RawConnection second(*m_server);
    QVERIFY(second.waitForEncrypted());
    second.socket.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    SignalWaiter waiter;
    waiter.wakeOn(&second.socket, &QSslSocket::readyRead);
    QVERIFY(waiter.waitFor([&] { return second.received.contains(R"("status":"ok")"); }));
    second.socket.write("POST /api/Things HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                        "Content-Length: 6\r\n\r\n" +
                        hidden);
    QVERIFY(waitForClose(second));
    QCOMPARE(second.received.count("HTTP/1.1 "), 2);
    // The refusal is in the server's log, with its reason.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_server->log().contains(u"Refused a request from 127.0.0.1 with 400 Bad Request"_s),
        kTimeoutMs);
    QVERIFY2(
        second.received.mid(second.received.lastIndexOf("HTTP/1.1 ")).startsWith("HTTP/1.1 400"),
        second.received.constData());
    QCOMPARE(m_server->get(u"/api/Things/Target"_s).status, 200);
}

void TestHttpAbuse::oversizedHeadersAre431()
{
    RawConnection raw(*m_server);
    QVERIFY(raw.waitForEncrypted());
    raw.socket.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: " +
                     QByteArray(9 * 1024, 'a') + "\r\n\r\n");
    QVERIFY(waitForClose(raw));
    QVERIFY2(raw.received.startsWith("HTTP/1.1 431"), raw.received.left(300).constData());
    QVERIFY(raw.received.contains("headers-too-large"));

    RawConnection many(*m_server);
    QVERIFY(many.waitForEncrypted());
    QByteArray lines;
    for (int i = 0; i < 150; ++i)
        lines += "X-Line-" + QByteArray::number(i) + ": 1\r\n";
    many.socket.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + lines + "\r\n");
    QVERIFY(waitForClose(many));
    QVERIFY2(many.received.startsWith("HTTP/1.1 431"), many.received.left(300).constData());
}

void TestHttpAbuse::oversizedBodyIsRefusedAtItsHeaders()
{
    // Announced, not sent: the answer comes from the headers alone.
    RawConnection raw(*m_server);
    QVERIFY(raw.waitForEncrypted());
    raw.socket.write("POST /api/Things HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{");
    QVERIFY(waitForClose(raw));
    QVERIFY2(raw.received.startsWith("HTTP/1.1 413"), raw.received.left(300).constData());
    QVERIFY(raw.received.contains("payload-too-large"));
}

void TestHttpAbuse::dribbledHeadersTimeOut()
{
    // One byte of the request every 200 ms, far slower than the 2 s this
    // server gives a request: answered 408 and closed, while a normal
    // client is served throughout.
    RawConnection raw(*m_server);
    QVERIFY(raw.waitForEncrypted());
    const QByteArray request =
        "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + QByteArray(200, 's') +
        "\r\n\r\n";
    QElapsedTimer clock;
    clock.start();
    qsizetype sent = 0;
    while (raw.socket.state() == QAbstractSocket::ConnectedState && sent < request.size() &&
           clock.elapsed() < 20000) {
        raw.socket.write(request.mid(sent++, 1));
        QTest::qWait(200);
        if (sent % 10 == 0)
            QCOMPARE(m_server->get(u"/api/health"_s).status, 200);
    }
    QVERIFY(waitForClose(raw));
    QVERIFY2(sent < request.size(), "the whole request went out before the timeout");
    QVERIFY2(raw.received.startsWith("HTTP/1.1 408"), raw.received.left(300).constData());
    QVERIFY(raw.received.contains("request-timeout"));
}

void TestHttpAbuse::dribbledFrameIsClosed()
{
    // An authenticated device that announces a frame and then sends it a
    // byte at a time (and never answers pings) holds its connection for at
    // most two ping intervals (1 s here).
    RawWebSocket device(*m_server, RawWebSocket::Pings::Ignore);
    QVERIFY2(device.open(), qPrintable(device.errorString()));
    QVERIFY(device.authenticate({{"user"_L1, kAdministrator}, {"password"_L1, kAdminPassword}}));
    device.sendFrame(0x80 | Text, QByteArray(), 1000);
    QElapsedTimer clock;
    clock.start();
    while (!device.closed() && device.isOpen() && clock.elapsed() < 15000) {
        device.sendRaw("x");
        (void)device.waitFor([&] { return device.closed(); }, 250);
    }
    QVERIFY2(device.closed(), "the server still holds the connection after 15 s");
    QCOMPARE(device.closeCode(), 1008);
    expectOthersServed();
}

void TestHttpAbuse::tooManyConnectionsFromOneAddress()
{
    // 127.0.0.2 holds the most it may; one more is closed before any TLS.
    const QHostAddress crowded(u"127.0.0.2"_s);
    std::vector<std::unique_ptr<QSslSocket>> held;
    for (int i = 0; i < kMaxPerAddress; ++i) {
        held.push_back(connectFrom(*m_server, crowded));
        QVERIFY2(held.back()->waitForEncrypted(kTimeoutMs), qPrintable(held.back()->errorString()));
    }
    auto extra = connectFrom(*m_server, crowded);
    QVERIFY(!extra->waitForEncrypted(kTimeoutMs));
    QCOMPARE(extra->state(), QAbstractSocket::UnconnectedState);
    QTRY_VERIFY_WITH_TIMEOUT(m_server->log().contains(u"http/max_connections_per_address"_s),
                             kTimeoutMs);

    // The ones held still work.
    QByteArray answer;
    held.front()->write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    SignalWaiter waiter;
    waiter.wakeOn(held.front().get(), &QSslSocket::readyRead);
    QVERIFY(waiter.waitFor([&] {
        answer += held.front()->readAll();
        return answer.contains(R"("status":"ok")");
    }));
    // Another address is not affected.
    auto other = connectFrom(*m_server, QHostAddress(u"127.0.0.3"_s));
    QVERIFY2(other->waitForEncrypted(kTimeoutMs), qPrintable(other->errorString()));
    expectOthersServed();

    // A closed connection frees its place.
    held.back()->disconnectFromHost();
    QVERIFY(held.back()->state() == QAbstractSocket::UnconnectedState ||
            held.back()->waitForDisconnected(kTimeoutMs));
    held.pop_back();
    bool admitted = false;
    for (int attempt = 0; attempt < 50 && !admitted; ++attempt) {
        auto again = connectFrom(*m_server, crowded);
        admitted = again->waitForEncrypted(kTimeoutMs);
        if (admitted)
            held.push_back(std::move(again));
        else
            QTest::qWait(100);
    }
    QVERIFY(admitted);
}

void TestHttpAbuse::foreignOriginWithSessionCookieIsRefused()
{
    // Cross-site WebSocket hijacking: a page on another site opening the
    // live events with the browser's session cookie. Refused 403 before the
    // upgrade; the same cookie from the server's own origin is accepted.
    const Answer login = m_server->request(
        Request("POST", u"/api/auth/login"_s,
                jsonBody({{"user"_L1, kAdministrator}, {"password"_L1, kAdminPassword}}),
                "application/json")
            .withCredentials(std::nullopt));
    QCOMPARE(login.status, 200);
    const QByteArray cookie =
        "Cookie: __Host-bulwark_session=" + login.json().value("token"_L1).toString().toUtf8() +
        "\r\n";
    const QByteArray host = "Host: 127.0.0.1:" + QByteArray::number(m_server->port()) + "\r\n";
    const QByteArray upgrade = "GET /api/events HTTP/1.1\r\n" + host +
                               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                               "Sec-WebSocket-Version: 13\r\n" +
                               cookie;

    RawConnection foreign(*m_server);
    QVERIFY(foreign.waitForEncrypted());
    foreign.socket.write(upgrade + "Origin: https://evil.example\r\n\r\n");
    QVERIFY(waitForClose(foreign));
    QVERIFY2(foreign.received.startsWith("HTTP/1.1 403"), foreign.received.left(300).constData());
    QVERIFY(foreign.received.contains("forbidden-origin"));

    RawConnection own(*m_server);
    QVERIFY(own.waitForEncrypted());
    own.socket.write(upgrade + "Origin: https://127.0.0.1:" + QByteArray::number(m_server->port()) +
                     "\r\n\r\n");
    SignalWaiter waiter;
    waiter.wakeOn(&own.socket, &QSslSocket::readyRead);
    QVERIFY(waiter.waitFor([&] { return own.received.contains("\r\n\r\n"); }));
    QVERIFY2(own.received.startsWith("HTTP/1.1 101"), own.received.left(300).constData());
}

void TestHttpAbuse::upgradeWithoutConnectionTokenKeepsTheGuard()
{
    // "Upgrade: websocket" without "Connection: upgrade" is no upgrade for
    // Qt's parser: it is answered 426 and must not switch off the guard of
    // what follows on the connection.
    RawConnection raw(*m_server);
    QVERIFY(raw.waitForEncrypted());
    raw.socket.write("GET /edge HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n");
    SignalWaiter waiter;
    waiter.wakeOn(&raw.socket, &QSslSocket::readyRead);
    waiter.wakeOn(&raw.socket, &QSslSocket::disconnected);
    QVERIFY(waiter.waitFor([&] {
        return raw.received.contains("}") ||
               raw.socket.state() == QAbstractSocket::UnconnectedState;
    }));
    QVERIFY2(raw.received.startsWith("HTTP/1.1 426"), raw.received.left(300).constData());
    if (raw.socket.state() == QAbstractSocket::ConnectedState) {
        raw.received.clear();
        raw.socket.write("POST /api/Things HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Content-Length: 1073741824\r\n\r\n{");
        QVERIFY(waitForClose(raw));
        QVERIFY2(raw.received.isEmpty() || raw.received.startsWith("HTTP/1.1 413"),
                 raw.received.left(300).constData());
    }
    expectOthersServed();
}

void TestHttpAbuse::unknownMethodIs501()
{
    RawConnection raw(*m_server);
    QVERIFY(raw.waitForEncrypted());
    raw.socket.write("TRACE /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QVERIFY(waitForClose(raw));
    QVERIFY2(raw.received.startsWith("HTTP/1.1 501"), raw.received.left(300).constData());
    QVERIFY(raw.received.contains("not-implemented"));
}

void TestHttpAbuse::webSocketsGiveBackTheirPlaces()
{
    // Far more WebSocket sessions, one after the other, than one address may
    // hold at once: each closed one gives its place back.
    for (int i = 0; i < 3 * kMaxPerAddress; ++i) {
        RawWebSocket device(*m_server);
        QVERIFY2(device.open(), qPrintable(u"session %1: %2"_s.arg(i).arg(device.errorString())));
        QVERIFY(
            device.authenticate({{"user"_L1, kAdministrator}, {"password"_L1, kAdminPassword}}));
        device.sendFrame(0x80 | Close, QByteArray("\x03\xe8", 2));
        QVERIFY(device.waitForClose());
    }
    expectOthersServed();
}

QTEST_GUILESS_MAIN(TestHttpAbuse)
#include "tst_http_abuse.moc"
